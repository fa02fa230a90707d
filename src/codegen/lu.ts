/**
 * LU factorisation in generated modules (inv, det, logdet and solves, src/ops/matrix.ts): kernels
 * emitted once per module that uses them (factorise, solve, invert), and `Factorisations`, which factorises each
 * matrix once per generated function however many inverses, determinants and solves read it,
 * in the forward and the backward pass alike (a transpose reads its argument's factors).
 *
 * Rows are contiguous (row-major), so every inner loop runs along a row: the elimination
 * updates row i by a multiple of the pivot row, and solves update a row of right-hand sides by
 * a multiple of another; a solve with Xᵀ reads U and L by columns only in its scalar factors.
 */
import type { Node } from '../ir/node.js';
import type { Factorisation } from '../ops/lowering.js';
import type { CHOLESKY_KERNELS } from './cholesky.js';

export const LU_KERNELS = {
  lu$: `/**
 * In-place LU factorisation with partial pivoting of the n x n row-major a: P a = L U, with L
 * (unit diagonal) below the diagonal and U on and above it; piv[k] is the row swapped with row k
 * at step k. Returns false at an exact zero pivot (a singular matrix).
 */
function lu$(a: Float64Array, n: number, piv: Float64Array): boolean {
  for (let k = 0; k < n; k++) {
    const pk = k * n;
    let p = k;
    let max = Math.abs(a[pk + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > max) {
        max = v;
        p = i;
      }
    }
    piv[k] = p;
    if (max === 0) return false;
    if (p !== k) {
      const pp = p * n;
      for (let j = 0; j < n; j++) {
        const t = a[pk + j];
        a[pk + j] = a[pp + j];
        a[pp + j] = t;
      }
    }
    const d = a[pk + k];
    for (let i = k + 1; i < n; i++) {
      const pi = i * n;
      const l = a[pi + k] / d;
      a[pi + k] = l;
      if (l !== 0) for (let j = k + 1; j < n; j++) a[pi + j] -= l * a[pk + j];
    }
  }
  return true;
}`,
  luSolve$: `/**
 * Solves X b' = b in place for the n x m row-major b, with X's factors from lu$ (X^T b' = b
 * when transposed), row by row: each step subtracts a multiple of one row of b from another.
 */
function luSolve$(a: Float64Array, n: number, piv: Float64Array, b: Float64Array, m: number, transposed: boolean): void {
  const swap = (k: number) => {
    const p = piv[k];
    if (p === k) return;
    const pk = k * m, pp = p * m;
    for (let j = 0; j < m; j++) {
      const t = b[pk + j];
      b[pk + j] = b[pp + j];
      b[pp + j] = t;
    }
  };
  if (!transposed) {
    // P X = L U: L U b' = P b.
    for (let k = 0; k < n; k++) swap(k);
    for (let i = 1; i < n; i++) {
      const pi = i * m;
      for (let k = 0; k < i; k++) {
        const l = a[i * n + k];
        if (l === 0) continue;
        const pk = k * m;
        for (let j = 0; j < m; j++) b[pi + j] -= l * b[pk + j];
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      const pi = i * m;
      for (let k = i + 1; k < n; k++) {
        const u = a[i * n + k];
        if (u === 0) continue;
        const pk = k * m;
        for (let j = 0; j < m; j++) b[pi + j] -= u * b[pk + j];
      }
      const d = 1 / a[i * n + i];
      for (let j = 0; j < m; j++) b[pi + j] *= d;
    }
    return;
  }
  // X^T = U^T L^T P: U^T z = b, then L^T w = z, then b' = P^T w.
  for (let i = 0; i < n; i++) {
    const pi = i * m;
    for (let k = 0; k < i; k++) {
      const u = a[k * n + i];
      if (u === 0) continue;
      const pk = k * m;
      for (let j = 0; j < m; j++) b[pi + j] -= u * b[pk + j];
    }
    const d = 1 / a[i * n + i];
    for (let j = 0; j < m; j++) b[pi + j] *= d;
  }
  for (let i = n - 2; i >= 0; i--) {
    const pi = i * m;
    for (let k = i + 1; k < n; k++) {
      const l = a[k * n + i];
      if (l === 0) continue;
      const pk = k * m;
      for (let j = 0; j < m; j++) b[pi + j] -= l * b[pk + j];
    }
  }
  for (let k = n - 1; k >= 0; k--) swap(k);
}`,
  luInverse$: `/**
 * The inverse of X (of X^T when transposed) into out, from X's factors (P X = L U), as LAPACK's
 * getri: L^-1 (lower triangular), then U^-1 L^-1 = X^-1 P^T row by row from the bottom, then
 * the columns swapped back; 4/3 n^3 flops, where solving against the identity takes 2 n^3.
 */
function luInverse$(a: Float64Array, n: number, piv: Float64Array, out: Float64Array, transposed: boolean): void {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const pi = i * n;
    out[pi + i] = 1;
    for (let k = 0; k < i; k++) {
      const l = a[pi + k];
      if (l === 0) continue;
      const pk = k * n;
      for (let j = 0; j <= k; j++) out[pi + j] -= l * out[pk + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const pi = i * n;
    for (let k = i + 1; k < n; k++) {
      const u = a[pi + k];
      if (u === 0) continue;
      const pk = k * n;
      for (let j = 0; j < n; j++) out[pi + j] -= u * out[pk + j];
    }
    const d = 1 / a[pi + i];
    for (let j = 0; j < n; j++) out[pi + j] *= d;
  }
  for (let k = n - 1; k >= 0; k--) {
    const p = piv[k];
    if (p === k) continue;
    for (let i = 0; i < n; i++) {
      const t = out[i * n + k];
      out[i * n + k] = out[i * n + p];
      out[i * n + p] = t;
    }
  }
  if (!transposed) return;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const t = out[i * n + j];
      out[i * n + j] = out[j * n + i];
      out[j * n + i] = t;
    }
  }
}`,
} satisfies Record<string, string>;

/** What Factorisations needs of the function being lowered. */
export interface FactorSite {
  /** A new local name for an array. */
  newTemporary(): string;
  /** The statement declaring array `t` of `size` entries (scratch where the function has it). */
  temporaryArray(t: string, size: string): string;
  /** The size of a dimension of `m`. */
  rows(m: Node): string;
  /** Whether element (i, j) of `m` is element (j, i) of its argument (a transpose). */
  transposes(m: Node): boolean;
  /** Statements copying every element of `m` into array `into`, row-major. */
  copy(m: Node, into: string): string[];
  /** The statement that throws when the matrix is singular. */
  singular(m: Node): string;
  /** The local holding the Cholesky factor of `m`, an spd input, if it is one (made by the input checks). */
  cholesky(m: Node): string | undefined;
  useHelper(name: keyof typeof LU_KERNELS | keyof typeof CHOLESKY_KERNELS): void;
}

/** X's LU factors (P X = L U packed in `lu`, row swaps in `pivots`), read as X or Xᵀ. */
function luFactorisation(
  site: FactorSite,
  statements: string[],
  lu: string,
  pivots: string,
  size: string,
  transposed: boolean,
): Factorisation {
  return {
    statements,
    size,
    solve: (b, cols) => {
      site.useHelper('luSolve$');
      return [`luSolve$(${lu}, ${size}, ${pivots}, ${b}, ${cols}, ${transposed});`];
    },
    inverse: (out) => {
      site.useHelper('luInverse$');
      return [`luInverse$(${lu}, ${size}, ${pivots}, ${out}, ${transposed});`];
    },
    // The product of U's diagonal, its sign flipped by each row swap.
    det: (acc) => [
      `let ${acc} = 1;`,
      `for (let i = 0; i < ${size}; i++) {`,
      `${acc} *= ${lu}[i * ${size} + i];`,
      `if (${pivots}[i] !== i) ${acc} = -${acc};`,
      '}',
    ],
    logAbsDet: (acc) => [
      `let ${acc} = 0;`,
      `for (let i = 0; i < ${size}; i++) ${acc} += Math.log(Math.abs(${lu}[i * ${size} + i]));`,
    ],
  };
}

/** S = L Lᵀ from cholesky$ (src/codegen/cholesky.ts): S is symmetric, so Sᵀ reads the same factor. */
function choleskyFactorisation(site: FactorSite, l: string, size: string): Factorisation {
  return {
    statements: [],
    size,
    solve: (b, cols) => {
      site.useHelper('cholSolve$');
      return [`cholSolve$(${l}, ${size}, ${b}, ${cols});`];
    },
    inverse: (out) => {
      site.useHelper('cholInverse$');
      site.useHelper('cholSolve$');
      return [`cholInverse$(${l}, ${size}, ${out});`];
    },
    // det S = (Π L_ii)², log det S = 2 Σ log L_ii (L_ii > 0).
    det: (acc) => [
      `let ${acc} = 1;`,
      `for (let i = 0; i < ${size}; i++) ${acc} *= ${l}[i * ${size} + i];`,
      `${acc} *= ${acc};`,
    ],
    logAbsDet: (acc) => [
      `let ${acc} = 0;`,
      `for (let i = 0; i < ${size}; i++) ${acc} += Math.log(${l}[i * ${size} + i]);`,
      `${acc} *= 2;`,
    ],
  };
}

/** The factorisations of one generated function, by the node factorised. */
export class Factorisations {
  private readonly done = new Map<number, { lu: string; pivots: string }>();

  constructor(private readonly site: FactorSite) {}

  factor(m: Node): Factorisation {
    const transposed = this.site.transposes(m);
    const x = transposed ? m.args[0]! : m;
    const size = this.site.rows(x);
    const cholesky = this.site.cholesky(x);
    if (cholesky !== undefined) return choleskyFactorisation(this.site, cholesky, size);
    const known = this.done.get(x.id);
    if (known !== undefined) return luFactorisation(this.site, [], known.lu, known.pivots, size, transposed);
    const lu = this.site.newTemporary();
    const pivots = this.site.newTemporary();
    this.done.set(x.id, { lu, pivots });
    this.site.useHelper('lu$');
    const statements = [
      this.site.temporaryArray(lu, `${size} * ${size}`),
      this.site.temporaryArray(pivots, size),
      ...this.site.copy(x, lu),
      `if (!lu$(${lu}, ${size}, ${pivots})) ${this.site.singular(x)}`,
    ];
    return luFactorisation(this.site, statements, lu, pivots, size, transposed);
  }
}
