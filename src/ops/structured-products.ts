/**
 * Matrix products with a structured factor, lowered by the matmul entry's own loops instead of a
 * dense product: (I ⊗ B) M and (A ⊗ I) M, a commutation matrix (a permutation of rows or columns)
 * and a diagonal matrix (a scaling of rows or columns). Jacobian and Hessian blocks in the vec
 * convention are made of such factors, (n²) x (n²) for an n x n variable, where a dense product
 * would cost O(n⁶).
 */
import type { Node } from '../ir/node.js';
import { isScalar } from '../ir/shape.js';
import { num, type LowerContext } from './lowering.js';

/** Which factor of a product is structured, and how. */
export type StructuredFactor =
  | 'left-identity-kron'
  | 'right-identity-kron'
  | 'left-commutation'
  | 'right-commutation'
  | 'left-diagonal'
  | 'right-diagonal';

/**
 * The structured factor product `n` is lowered by, if any. A permutation or a scaling, on either
 * side, costs one pass over the result and goes first ((I ⊗ B) K reads I ⊗ B where K moves its
 * columns); a Kronecker factor with an identity costs a pass per column of its other factor.
 */
export function structuredFactor(n: Node): StructuredFactor | undefined {
  const [a, b] = n.args as [Node, Node];
  if (isScalar(n.shape) || isScalar(a.shape) || isScalar(b.shape)) return undefined;
  if (a.op === 'commutation') return 'left-commutation';
  if (b.op === 'commutation') return 'right-commutation';
  if (a.op === 'diag') return 'left-diagonal';
  if (b.op === 'diag') return 'right-diagonal';
  if (a.op === 'kron') {
    if (a.args[0]!.op === 'eye') return 'left-identity-kron';
    if (a.args[1]!.op === 'eye') return 'right-identity-kron';
  }
  return undefined;
}

/** The statements filling `into` (every entry) with product `n`, which has a structured factor. */
export function structuredProduct(n: Node, into: string, ctx: LowerContext): string[] {
  const factor = structuredFactor(n);
  const [a, b] = n.args as [Node, Node];
  const w = ctx.cols(n);
  switch (factor) {
    case 'left-identity-kron':
    case 'right-identity-kron':
      return kroneckerProduct(n, factor, into, ctx);
    case 'left-commutation': {
      // K_{m,n} has its 1 of row j + i n in column i + j m: row i + j m of B moves there.
      const [m, k] = [ctx.dim(a.attrs.shape!.rows), ctx.dim(a.attrs.shape!.cols)];
      return [
        `for (let i = 0; i < ${m}; i++) for (let j = 0; j < ${k}; j++) {`,
        `const row = (j + i * ${k}) * ${w};`,
        `for (let c = 0; c < ${w}; c++) ${into}[row + c] = ${ctx.elem(b, { row: `i + j * ${m}`, col: 'c' })};`,
        '}',
      ];
    }
    case 'right-commutation': {
      // Column i + j p of A K_{p,q} is column j + i q of A.
      const [p, q] = [ctx.dim(b.attrs.shape!.rows), ctx.dim(b.attrs.shape!.cols)];
      return [
        `for (let r = 0; r < ${ctx.rows(n)}; r++) for (let i = 0; i < ${p}; i++) for (let j = 0; j < ${q}; j++)`,
        `${into}[r * ${w} + i + j * ${p}] = ${ctx.elem(a, { row: 'r', col: `j + i * ${q}` })};`,
      ];
    }
    // The diagonal is read from diag(v)'s own array, which holds it whatever computes v.
    case 'left-diagonal':
      return [
        `for (let i = 0; i < ${ctx.rows(n)}; i++) {`,
        `const d = ${ctx.elem(a, { row: 'i', col: 'i' })};`,
        `for (let c = 0; c < ${w}; c++) ${into}[i * ${w} + c] = d * ${ctx.elem(b, { row: 'i', col: 'c' })};`,
        '}',
      ];
    case 'right-diagonal':
      return [
        `for (let r = 0; r < ${ctx.rows(n)}; r++) for (let c = 0; c < ${w}; c++)`,
        `${into}[r * ${w} + c] = ${ctx.elem(a, { row: 'r', col: 'c' })} * ${ctx.elem(b, { row: 'c', col: 'c' })};`,
      ];
    case undefined:
      throw new Error(`internal: product ${n.id} has no structured factor`);
  }
}

/**
 * (A ⊗ I_p) M is A times M read as n x (p w) (row i p + k of the result is Σ_j A[i, j] M[j p + k, :]):
 * one call of the product kernels when A and M are stored, else loops. (I_n ⊗ B) M: row i p + k
 * is Σ_l B[k, l] M[i q + l, :], rows of M added into rows of the result; when B is a constant
 * fill (1 1ᵀ), the sum is the same for every k and is taken once. n p q w operations, not (n p)(n q) w.
 */
function kroneckerProduct(
  n: Node,
  factor: 'left-identity-kron' | 'right-identity-kron',
  into: string,
  ctx: LowerContext,
): string[] {
  const [k, m] = n.args as [Node, Node];
  const [left, right] = k.args as [Node, Node];
  const w = ctx.cols(n);
  const M = (row: string, col = 'c') => ctx.elem(m, { row, col });
  if (factor === 'left-identity-kron') {
    const [p, q] = [ctx.rows(right), ctx.cols(right)];
    if (right.op === 'fill')
      return [
        `for (let i = 0; i < ${ctx.rows(left)}; i++) for (let c = 0; c < ${w}; c++) {`,
        ...ctx.dotLoop('acc', q, (l) => M(`i * ${q} + ${l}`)),
        `const v = ${num(right.attrs.value!)} * acc;`,
        `for (let r = 0; r < ${p}; r++) ${into}[(i * ${p} + r) * ${w} + c] = v;`,
        '}',
      ];
    return [
      `for (let i = 0; i < ${ctx.rows(left)}; i++) for (let k = 0; k < ${p}; k++) {`,
      `const row = (i * ${p} + k) * ${w};`,
      `for (let c = 0; c < ${w}; c++) ${into}[row + c] = 0;`,
      `for (let l = 0; l < ${q}; l++) {`,
      `const b = ${ctx.elem(right, { row: 'k', col: 'l' })};`,
      `for (let c = 0; c < ${w}; c++) ${into}[row + c] += b * ${M(`i * ${q} + l`)};`,
      '}',
      '}',
    ];
  }
  const p = ctx.rows(right);
  const kernel = ctx.storedProduct(left, m, { inner: ctx.cols(left), cols: `${p} * ${w}`, into });
  if (kernel !== undefined) return kernel;
  return [
    `for (let i = 0; i < ${ctx.rows(left)}; i++) for (let k = 0; k < ${p}; k++) for (let c = 0; c < ${w}; c++) {`,
    'let acc = 0;',
    `for (let j = 0; j < ${ctx.cols(left)}; j++) acc += ${ctx.elem(left, { row: 'i', col: 'j' })} * ${M(`j * ${p} + k`)};`,
    `${into}[(i * ${p} + k) * ${w} + c] = acc;`,
    '}',
  ];
}
