/**
 * Cholesky factorisation in generated modules, for matrices declared `spd(n)` (README, "The formula language"):
 * the input check `cholesky$` (src/codegen/inputs.ts) factorises an spd input once per call,
 * S = L Lᵀ, and solves, inverses, det and logdet read L through these kernels (emitted once per
 * module that uses them), with n³/3 flops against LU's 2n³/3 and no pivoting.
 *
 * L is kept row-major with its lower triangle filled: every inner loop runs along a row of L or
 * of the right-hand sides.
 */

export const CHOLESKY_KERNELS = {
  symmetrise$: `/**
 * (a + a^T) / 2 of the n x n row-major a, in place, and a: a gradient with respect to a symmetric
 * matrix, symmetric by construction up to rounding, made exactly symmetric.
 */
function symmetrise$(a: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}`,
  cholSolve$: `/**
 * Solves S b' = b in place for the n x m row-major b, with S = L L^T from cholesky$: L z = b row by
 * row from the top, then L^T b' = z from the bottom (row k of L scales row k of b into the rows above).
 */
function cholSolve$(l: Float64Array, n: number, b: Float64Array, m: number): void {
  for (let i = 0; i < n; i++) {
    const li = i * n;
    const bi = i * m;
    for (let k = 0; k < i; k++) {
      const x = l[li + k];
      if (x === 0) continue;
      const bk = k * m;
      for (let j = 0; j < m; j++) b[bi + j] -= x * b[bk + j];
    }
    const d = 1 / l[li + i];
    for (let j = 0; j < m; j++) b[bi + j] *= d;
  }
  for (let k = n - 1; k >= 0; k--) {
    const lk = k * n;
    const bk = k * m;
    const d = 1 / l[lk + k];
    for (let j = 0; j < m; j++) b[bk + j] *= d;
    for (let i = 0; i < k; i++) {
      const x = l[lk + i];
      if (x === 0) continue;
      const bi = i * m;
      for (let j = 0; j < m; j++) b[bi + j] -= x * b[bk + j];
    }
  }
}`,
  cholInverse$: `/** S^-1 into out (n x n), from S = L L^T: the identity solved in place, then made exactly symmetric. */
function cholInverse$(l: Float64Array, n: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  cholSolve$(l, n, out, n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (out[i * n + j] + out[j * n + i]);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
}`,
} satisfies Record<string, string>;
