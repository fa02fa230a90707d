/**
 * Rewrites of matrix algebra a textbook does by sight: a symmetric matrix is its own transpose
 * (so the gradient of 1/2 yᵀ K⁻¹ y + 1/2 log|det K| with K a kernel matrix reads K⁻¹, not
 * K⁻ᵀ), a coefficient two matrix terms share is taken out, and the sum of M ⊙ I is tr(M).
 */
import { isNumber } from '../ir/constants.js';
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { isScalar, sameShape } from '../ir/shape.js';
import { OPS } from '../ops/index.js';

/** Deeper than this, a matrix is not examined (and not taken as symmetric): keeps the walk short. */
const MAX_DEPTH = 64;

/**
 * Whether `n` is symmetric by construction: a variable declared `symmetric(n)` or `spd(n)`, the
 * identity, ones, a diagonal matrix, A + Aᵀ, and sums, scalings, elementwise functions, products
 * of symmetric matrices taken elementwise, inverses and transposes of symmetric ones, and every
 * matrix product that reads the same backwards transposed: Xᵀ X, X Xᵀ, Xᵀ S X, X S Xᵀ,
 * S⁻¹ r rᵀ S⁻¹, Xᵀ S⁻¹ X (S symmetric). Definitions are looked into (reading them rewrites
 * nothing). A matrix variable declared `matrix(n, n)` is not known to be symmetric.
 */
export function isSymmetric(n: Node, g: Graph, memo = new Map<number, boolean>(), depth = 0): boolean {
  if (isScalar(n.shape) || n.shape.rows !== n.shape.cols) return false;
  const known = memo.get(n.id);
  if (known !== undefined) return known;
  if (depth > MAX_DEPTH) return false;
  const sym = (m: Node) => isScalar(m.shape) || (sameShape(m.shape, n.shape) && isSymmetric(m, g, memo, depth + 1));
  const result = OPS[n.op].symmetric(n, {
    argument: sym,
    palindrome: (m) => palindrome(m, (f) => isSymmetric(f, g, memo, depth + 1)),
    transposeOf: (b, a) => isTransposeOf(b, a, g),
  });
  memo.set(n.id, result);
  return result;
}

/** A factor of a matrix product: `node`, transposed when `t`, inverted when `inv`. */
interface Factor {
  readonly node: Node;
  readonly t: boolean;
  readonly inv: boolean;
}

/** The factors of a product, left to right: through products, solves (A⁻¹ B), scalings and transposes. */
function factors(n: Node, depth = 0): Factor[] {
  if (depth <= MAX_DEPTH) {
    switch (n.op) {
      case 'matmul':
        return [...factors(n.args[0]!, depth + 1), ...factors(n.args[1]!, depth + 1)];
      case 'solve':
        return [{ node: n.args[0]!, t: false, inv: true }, ...factors(n.args[1]!, depth + 1)];
      case 'inv':
        return [{ node: n.args[0]!, t: false, inv: true }];
      case 'transpose':
        return factors(n.args[0]!, depth + 1)
          .reverse()
          .map((f) => ({ ...f, t: !f.t }));
      case 'mul':
        if (isScalar(n.args[0]!.shape) && !isScalar(n.args[1]!.shape)) return factors(n.args[1]!, depth + 1);
        break;
      default:
        break;
    }
  }
  return [{ node: n, t: false, inv: false }];
}

/**
 * Whether the product `n` equals its own transpose factor by factor: the i-th factor from the
 * left is the transpose of the i-th from the right (or both are one symmetric matrix), and a
 * middle factor is symmetric.
 */
function palindrome(n: Node, sym: (m: Node) => boolean): boolean {
  const f = factors(n);
  if (f.length < 2) return false;
  for (let i = 0, j = f.length - 1; i <= j; i++, j--) {
    const p = f[i]!;
    const q = f[j]!;
    if (i === j) {
      if (!(isScalar(p.node.shape) || sym(p.node))) return false;
    } else if (p.node !== q.node || p.inv !== q.inv || (p.t === q.t && !sym(p.node))) {
      return false;
    }
  }
  return true;
}

/** Whether `b` is `a`ᵀ, as the graph builds it (a transpose of a product is the product of the transposes). */
function isTransposeOf(b: Node, a: Node, g: Graph): boolean {
  if (b.op === 'transpose' && b.args[0] === a) return true;
  if (a.op === 'transpose' && a.args[0] === b) return true;
  return (
    a.op === 'matmul' && b.op === 'matmul' && g.find('matmul', [g.transpose(a.args[1]!), g.transpose(a.args[0]!)]) === b
  );
}

/** Rules of the simplifier's form (simplify.ts `Rule`): the replacement, or undefined. */
export const MATRIX_RULES: readonly ((n: Node, g: Graph) => Node | undefined)[] = [
  // Sᵀ → S for S symmetric by construction: K⁻ᵀ → K⁻¹ of a kernel matrix, (Bᵀ B)⁻ᵀ → (Bᵀ B)⁻¹.
  function symmetricTranspose(n, g) {
    if (n.op !== 'transpose') return undefined;
    const x = n.args[0]!;
    return isSymmetric(x, g) ? x : undefined;
  },
  // c P - c Q → c (P - Q) for matrices, |c| ≠ 1: 0.5 inv(K) - 0.5 α αᵀ → 0.5 (inv(K) - α αᵀ).
  function commonCoefficient(n, g) {
    if (n.op !== 'add' || isScalar(n.shape) || g.isSealed(n)) return undefined;
    const [a, b] = n.args as [Node, Node];
    const split = (t: Node): [number, Node] | undefined => {
      if (t.op !== 'mul' || g.isSealed(t) || !isNumber(t.args[0]!) || !sameShape(t.args[1]!.shape, n.shape))
        return undefined;
      return [t.args[0]!.attrs.value!, t.args[1]!];
    };
    const pa = split(a);
    const pb = split(b);
    if (pa === undefined || pb === undefined || Math.abs(pa[0]) !== Math.abs(pb[0]) || Math.abs(pa[0]) === 1)
      return undefined;
    return g.mul(g.constant(pa[0]), g.add(pa[1], pa[0] === pb[0] ? pb[1] : g.neg(pb[1])));
  },
  // sum(M ⊙ I) → tr(M).
  function traceOfDiagonal(n, g) {
    if (n.op !== 'sum' || g.isSealed(n)) return undefined;
    const x = n.args[0]!;
    if (x.op !== 'mul' || g.isSealed(x)) return undefined;
    const [a, b] = x.args as [Node, Node];
    if (b.op === 'eye' && sameShape(a.shape, b.shape)) return g.tr(a);
    if (a.op === 'eye' && sameShape(a.shape, b.shape)) return g.tr(b);
    return undefined;
  },
];
