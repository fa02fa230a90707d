/**
 * Gaussian-process regression with the generated module for examples/gp_hyperparameters.formula:
 * 24 noisy samples of sin(3 x) on [-1, 1], the negative log marginal likelihood of an RBF kernel,
 * and gradient descent on its lengthscale, signal variance and noise variance (each step scaled
 * by the parameter, so all three stay positive), raising the marginal likelihood every step.
 *
 * The module takes the kernel matrix K (declared spd) and returns the gradient with respect to it,
 * G = 1/2 (inv(K) - alpha alpha^T); the derivative with respect to a hyperparameter theta is the
 * Frobenius inner product sum(G .* dK/dtheta) (R&W eq. 5.9), exact because dK/dtheta is symmetric.
 *
 *   npx tsx examples/gp_hyperparameters.ts
 */
import { nlmlGrad, nlmlGradInto } from '../generated/gp_hyperparameters.js';

export interface GpStep {
  ell: number;
  sf2: number;
  sn2: number;
  nlml: number;
}

/** The data: inputs evenly spaced in [-1, 1] (one row, d = 1), targets sin(3 x) plus fixed noise. */
export function gpData(n = 24): { X: { rows: number; cols: number; data: number[] }; y: number[] } {
  const x = Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
  // Deterministic "noise": a fixed, small pseudo-random sequence.
  const noise = x.map((_, i) => 0.1 * Math.sin(12.9898 * (i + 1)) * Math.cos(78.233 * (i + 1)));
  return { X: { rows: 1, cols: n, data: x }, y: x.map((v, i) => Math.sin(3 * v) + noise[i]!) };
}

/**
 * The RBF kernel matrix with noise, K = sf2 exp(-D / (2 ell^2)) + sn2 I (D the squared distances of
 * the inputs), and its derivatives with respect to ell, sf2 and sn2, row-major.
 */
export function kernel(x: readonly number[], theta: { ell: number; sf2: number; sn2: number }) {
  const n = x.length;
  const K = new Float64Array(n * n);
  const dEll = new Float64Array(n * n);
  const dSf2 = new Float64Array(n * n);
  const dSn2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = (x[i]! - x[j]!) ** 2;
      const e = Math.exp(-d / (2 * theta.ell ** 2));
      const k = i * n + j;
      dSf2[k] = e;
      dEll[k] = (theta.sf2 * e * d) / theta.ell ** 3;
      K[k] = theta.sf2 * e + (i === j ? theta.sn2 : 0);
      dSn2[k] = i === j ? 1 : 0;
    }
  }
  return { K: { rows: n, cols: n, data: K }, dEll, dSf2, dSn2 };
}

/** sum(a .* b): the Frobenius inner product. */
function inner(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

/** `steps` descent steps from (ell, sf2, sn2) = (1, 1, 0.5); the state before each step and after the last. */
export function fitHyperparameters(steps = 10, rate = 0.05): GpStep[] {
  const { X, y } = gpData();
  let theta = { ell: 1, sf2: 1, sn2: 0.5 };
  const out = nlmlGrad({ K: kernel(X.data, theta).K, y });
  const history: GpStep[] = [];
  for (let step = 0; step <= steps; step++) {
    const k = kernel(X.data, theta);
    nlmlGradInto({ K: k.K, y }, out);
    history.push({ ...theta, nlml: out.value });
    const grad = { ell: inner(out.K.data, k.dEll), sf2: inner(out.K.data, k.dSf2), sn2: inner(out.K.data, k.dSn2) };
    // Descent in log-parameters: θ ← θ exp(-rate θ ∂nlml/∂θ), which keeps θ positive.
    theta = {
      ell: theta.ell * Math.exp(-rate * theta.ell * grad.ell),
      sf2: theta.sf2 * Math.exp(-rate * theta.sf2 * grad.sf2),
      sn2: theta.sn2 * Math.exp(-rate * theta.sn2 * grad.sn2),
    };
  }
  return history;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [i, s] of fitHyperparameters().entries()) {
    console.log(`step ${String(i).padStart(2)}  ell ${s.ell.toFixed(4)}  sf2 ${s.sf2.toFixed(4)}  sn2 ${s.sn2.toFixed(4)}  nlml ${s.nlml.toFixed(6)}`);
  }
}
