/**
 * Newton's method on regularised logistic regression with the generated module for
 * examples/newton_logistic.formula: each step solves H p = -g with the Hessian and gradient
 * that LHess returns (a Cholesky factorisation written below; H = X^T diag(s .* (1 - s)) X
 * + lambda I is symmetric positive definite) and sets w <- w + p. Prints the loss and the
 * gradient norm per iteration; near the minimum each norm is about 0.02 times the square of the
 * previous one (quadratic convergence), until rounding stops it near 1e-14.
 *
 *   npx tsx examples/newton_logistic.ts
 */
import { LHess, LHessInto, type LHessian, type Matrix } from '../generated/newton_logistic.js';

/** A small seeded generator, so every run prints the same numbers. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Solves H p = rhs for a symmetric positive definite H by Cholesky (H = C C^T, C lower). */
export function choleskySolve(H: Matrix, rhs: Float64Array): Float64Array {
  const n = H.rows;
  const C = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diagonal = H.data[j * n + j]!;
    for (let k = 0; k < j; k++) diagonal -= C[j * n + k]! ** 2;
    if (!(diagonal > 0)) throw new RangeError(`choleskySolve: H is not positive definite (pivot ${j})`);
    const pivot = Math.sqrt(diagonal);
    C[j * n + j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let sum = H.data[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= C[i * n + k]! * C[j * n + k]!;
      C[i * n + j] = sum / pivot;
    }
  }
  // Forward substitution C z = rhs, then back substitution C^T p = z.
  const p = Float64Array.from(rhs);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) p[i]! -= C[i * n + k]! * p[k]!;
    p[i]! /= C[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) p[i]! -= C[k * n + i]! * p[k]!;
    p[i]! /= C[i * n + i]!;
  }
  return p;
}

export interface NewtonIterate {
  iteration: number;
  loss: number;
  gradientNorm: number;
}

/** Synthetic data: N examples with d features (the last one a constant 1), labels drawn from a true model. */
function dataset(N: number, d: number): { X: Matrix; y: Float64Array } {
  const rand = random(12);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const wTrue = Array.from({ length: d }, () => normal());
  const X: Matrix = { rows: N, cols: d, data: new Float64Array(N * d) };
  const y = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const x = j === d - 1 ? 1 : normal();
      X.data[i * d + j] = x;
      z += wTrue[j]! * x;
    }
    y[i] = rand() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { X, y };
}

/** Newton's method from w = 0 until the gradient norm is below `tolerance` (or `maxIterations` steps). */
export function newton(maxIterations = 12, tolerance = 1e-12): NewtonIterate[] {
  const N = 200;
  const d = 6;
  const { X, y } = dataset(N, d);
  const lambda = 0.1;
  const w = new Float64Array(d);
  const inputs = { X, y, w, lambda };
  // One result object reused by every step (the Into twin writes into it, no allocation).
  const out: LHessian = LHess(inputs);
  const iterates: NewtonIterate[] = [];
  for (let iteration = 0; ; iteration++) {
    LHessInto(inputs, out);
    const g = out.grad.w;
    const gradientNorm = Math.hypot(...g);
    iterates.push({ iteration, loss: out.value, gradientNorm });
    if (gradientNorm < tolerance || iteration === maxIterations) return iterates;
    const p = choleskySolve(out.hess.w.w, g.map((gi) => -gi));
    for (let j = 0; j < d; j++) w[j]! += p[j]!;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('iteration  L                 ||grad L||');
  for (const { iteration, loss, gradientNorm } of newton()) {
    console.log(`${String(iteration).padStart(9)}  ${loss.toFixed(12).padEnd(16)}  ${gradientNorm.toExponential(2)}`);
  }
}
