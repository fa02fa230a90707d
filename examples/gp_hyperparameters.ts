/**
 * Gaussian-process regression with the generated module for examples/gp_hyperparameters.formula:
 * 24 noisy samples of sin(3 x) on [-1, 1], the negative log marginal likelihood of an RBF kernel,
 * and gradient descent on its lengthscale, signal variance and noise variance (each step scaled
 * by the parameter, so all three stay positive), raising the marginal likelihood every step.
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

/** `steps` descent steps from (ell, sf2, sn2) = (1, 1, 0.5); the state before each step and after the last. */
export function fitHyperparameters(steps = 10, rate = 0.05): GpStep[] {
  const { X, y } = gpData();
  let theta = { ell: 1, sf2: 1, sn2: 0.5 };
  const out = nlmlGrad({ X, y, ...theta });
  const history: GpStep[] = [];
  for (let step = 0; step <= steps; step++) {
    nlmlGradInto({ X, y, ...theta }, out);
    history.push({ ...theta, nlml: out.value });
    // Descent in log-parameters: θ ← θ exp(-rate θ ∂nlml/∂θ), which keeps θ positive.
    theta = {
      ell: theta.ell * Math.exp(-rate * theta.ell * out.ell),
      sf2: theta.sf2 * Math.exp(-rate * theta.sf2 * out.sf2),
      sn2: theta.sn2 * Math.exp(-rate * theta.sn2 * out.sn2),
    };
  }
  return history;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [i, s] of fitHyperparameters().entries()) {
    console.log(`step ${String(i).padStart(2)}  ell ${s.ell.toFixed(4)}  sf2 ${s.sf2.toFixed(4)}  sn2 ${s.sn2.toFixed(4)}  nlml ${s.nlml.toFixed(6)}`);
  }
}
