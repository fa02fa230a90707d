/**
 * Newton's method on multinomial logistic regression with the weight matrix W (K classes x p
 * features) as the variable, with the generated module for examples/newton_softmax.formula:
 * LHess returns the (K p) x (K p) Hessian d^2 L / d vec(W) d vec(W)^T (vec stacks the columns of
 * W, so entry k + j K of vec(W) is W[k, j]); each step solves H vec(D) = -vec(grad) by Cholesky
 * (the ridge term makes H positive definite) and sets W <- W + D. Prints the loss and the
 * gradient norm per iteration: near the minimum each norm is about a constant times the square
 * of the previous one (quadratic convergence), until rounding stops it.
 *
 *   npx tsx examples/newton_softmax.ts
 */
import { LHess, LHessInto, type LHessian, type Matrix } from '../generated/newton_softmax.js';
import { choleskySolve } from './newton_logistic.js';

/** A small seeded generator, so every run prints the same numbers. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** N examples (the columns of X, the last feature a constant 1) labelled by a true softmax model: one-hot columns of Y. */
export function dataset(K: number, p: number, N: number, seed = 7): { X: Matrix; Y: Matrix } {
  const rand = random(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const truth = Array.from({ length: K * p }, () => normal());
  const X: Matrix = { rows: p, cols: N, data: new Float64Array(p * N) };
  const Y: Matrix = { rows: K, cols: N, data: new Float64Array(K * N) };
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < p; j++) X.data[j * N + n] = j === p - 1 ? 1 : normal();
    const scores = Array.from({ length: K }, (_, k) => {
      let z = 0;
      for (let j = 0; j < p; j++) z += truth[k * p + j]! * X.data[j * N + n]!;
      return Math.exp(z);
    });
    const total = scores.reduce((a, b) => a + b, 0);
    let u = rand() * total;
    let label = 0;
    while (label < K - 1 && u > scores[label]!) u -= scores[label++]!;
    Y.data[label * N + n] = 1;
  }
  return { X, Y };
}

export interface NewtonIterate {
  iteration: number;
  loss: number;
  gradientNorm: number;
}

/** Newton's method from W = 0 until the gradient norm is below `tolerance` (or `maxIterations` steps). */
export function newton(K = 3, p = 4, N = 150, maxIterations = 15, tolerance = 1e-12): NewtonIterate[] {
  const { X, Y } = dataset(K, p, N);
  const W: Matrix = { rows: K, cols: p, data: new Float64Array(K * p) };
  const inputs = { W, X, Y, lambda: 0.01 };
  // One result object reused by every step (the Into twin writes into it, no allocation).
  const out: LHessian = LHess(inputs);
  const iterates: NewtonIterate[] = [];
  for (let iteration = 0; ; iteration++) {
    LHessInto(inputs, out);
    const g = out.grad.W; // K x p, row-major
    const gradientNorm = Math.hypot(...g.data);
    iterates.push({ iteration, loss: out.value, gradientNorm });
    if (gradientNorm < tolerance || iteration === maxIterations) return iterates;
    // The right-hand side in vec order: entry k + j K is grad[k, j].
    const rhs = new Float64Array(K * p);
    for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) rhs[k + j * K] = -g.data[k * p + j]!;
    const step = choleskySolve(out.hess.W.W, rhs);
    for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) W.data[k * p + j]! += step[k + j * K]!;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('iteration  L                 ||grad L||');
  for (const { iteration, loss, gradientNorm } of newton()) {
    console.log(`${String(iteration).padStart(9)}  ${loss.toFixed(12).padEnd(16)}  ${gradientNorm.toExponential(2)}`);
  }
}
