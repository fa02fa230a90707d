/**
 * Maximum likelihood of a covariance with the generated module for examples/covariance_mle.formula:
 * gradient descent on S, declared spd, from the identity, compared with the closed form, the
 * sample covariance X X^T / N. The gradient comes back exactly symmetric, so every step keeps S
 * symmetric; a step that would leave the positive definite matrices is refused by the module's
 * input check (a RangeError), and the step is halved, as a backtracking line search does.
 *
 *   npx tsx examples/covariance_mle.ts
 */
import { nllGrad, nllGradInto } from '../generated/covariance_mle.js';

interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * N samples of a 3-dimensional Gaussian with covariance L L^T, L = [[1, 0, 0], [0.5, 0.8, 0],
 * [-0.3, 0.2, 0.6]], drawn from a fixed sequence (columns of X, centred), so the run is the same
 * everywhere.
 */
export function samples(n = 200): Matrix {
  const L = [1, 0, 0, 0.5, 0.8, 0, -0.3, 0.2, 0.6];
  let state = 12345;
  const uniform = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  // Box-Muller: two uniforms, one standard normal.
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const X = new Float64Array(3 * n);
  for (let j = 0; j < n; j++) {
    const z = [normal(), normal(), normal()];
    for (let i = 0; i < 3; i++) X[i * n + j] = L[i * 3]! * z[0]! + L[i * 3 + 1]! * z[1]! + L[i * 3 + 2]! * z[2]!;
  }
  for (let i = 0; i < 3; i++) {
    let mean = 0;
    for (let j = 0; j < n; j++) mean += X[i * n + j]! / n;
    for (let j = 0; j < n; j++) X[i * n + j]! -= mean;
  }
  return { rows: 3, cols: n, data: X };
}

/** The closed form: the sample covariance X X^T / N. */
export function sampleCovariance(X: Matrix): Matrix {
  const d = X.rows;
  const n = X.cols;
  const C = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < n; k++) C[i * d + j]! += (X.data[i * n + k]! * X.data[j * n + k]!) / n;
  return { rows: d, cols: d, data: C };
}

export interface Fit {
  /** The covariance found by gradient descent. */
  S: Matrix;
  /** The negative log-likelihood at each accepted iterate. */
  nll: number[];
  /** The Frobenius norm of the gradient at the end. */
  gradientNorm: number;
  /** Steps refused because S - eta G was not positive definite. */
  refused: number;
}

/** Gradient descent with backtracking on the negative log-likelihood, from S = I. */
export function fitCovariance(X: Matrix, maxSteps = 1000, tolerance = 1e-7): Fit {
  const d = X.rows;
  let S: Matrix = { rows: d, cols: d, data: new Float64Array(d * d) };
  for (let i = 0; i < d; i++) S.data[i * d + i] = 1;
  const at = nllGrad({ X, S });
  const trial = nllGrad({ X, S });
  const history = [at.value];
  let eta = 1 / X.cols;
  let refused = 0;
  const norm = (g: Matrix) => Math.sqrt(g.data.reduce((s, x) => s + x * x, 0));
  for (let step = 0; step < maxSteps && norm(at.S) > tolerance * X.cols; step++) {
    for (;;) {
      const next: Matrix = { rows: d, cols: d, data: S.data.map((x, k) => x - eta * at.S.data[k]!) };
      try {
        nllGradInto({ X, S: next }, trial);
      } catch (e) {
        // Not positive definite: the module refused it before computing anything.
        if (!(e instanceof RangeError)) throw e;
        refused++;
        eta /= 2;
        continue;
      }
      if (trial.value > at.value) {
        eta /= 2;
        continue;
      }
      S = next;
      at.value = trial.value;
      at.S.data.set(trial.S.data);
      history.push(trial.value);
      eta *= 1.5;
      break;
    }
  }
  return { S, nll: history, gradientNorm: norm(at.S), refused };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const X = samples();
  const fit = fitCovariance(X);
  const C = sampleCovariance(X);
  const rows = (m: Matrix) => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.slice(i * m.cols, (i + 1) * m.cols), (x) => x.toFixed(6)).join('  '));
  console.log(`${fit.nll.length - 1} steps (${fit.refused} refused as not positive definite), nll ${fit.nll[0]!.toFixed(6)} -> ${fit.nll.at(-1)!.toFixed(6)}`);
  console.log('gradient descent:', ...rows(fit.S).map((r) => `\n  ${r}`));
  console.log('X X^T / N:       ', ...rows(C).map((r) => `\n  ${r}`));
}
