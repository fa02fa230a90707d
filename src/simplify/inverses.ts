/**
 * Products with inverses, simplified as a book does by sight (issue 26): a factor cancels its
 * inverse on either side, also through an inverse of a product of square factors
 * (inv(A X B) = inv(B) inv(X) inv(A), so Aᵀ inv(A X B)ᵀ Bᵀ is inv(X)ᵀ); a solve against the
 * identity is the inverse; the transpose of a solve with a symmetric matrix is a product again;
 * a sum whose terms are transposed products is the transpose of the sum when that has fewer
 * transposes ((X B + B X)ᵀ); a number times a sum of negated terms takes the signs out.
 */
import { constValue, isNumber } from '../ir/constants.js';
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { isScalar, sameShape } from '../ir/shape.js';
import { isSymmetric } from './matrix.js';

/** The factors of a matrix product, left to right (a user's definition is one factor). */
function factors(n: Node, g: Graph, out: Node[] = []): Node[] {
  if (n.op === 'matmul' && !g.isSealed(n)) {
    factors(n.args[0]!, g, out);
    factors(n.args[1]!, g, out);
  } else {
    out.push(n);
  }
  return out;
}

const square = (n: Node) => !isScalar(n.shape) && n.shape.rows === n.shape.cols;

/** The product of `list`, or the identity of size `size` when it is empty. */
function product(g: Graph, list: readonly Node[], size: Node['shape']['rows']): Node {
  return list.length === 0 ? g.eye(size) : list.reduce((acc, f) => g.matmul(acc, f));
}

/** M for inv(M), Mᵀ for inv(M)ᵀ; else undefined. */
function inverted(n: Node, g: Graph): Node | undefined {
  if (g.isSealed(n)) return undefined;
  if (n.op === 'inv') return n.args[0]!;
  if (n.op === 'transpose' && n.args[0]!.op === 'inv' && !g.isSealed(n.args[0]!))
    return g.transpose(n.args[0]!.args[0]!);
  return undefined;
}

/** Sum terms with a count of transposes: (A X B)ᵀ + (B X A)ᵀ has more than (A X B + B X A)ᵀ. */
function transposes(n: Node, g: Graph): number {
  if (g.isSealed(n)) return 0;
  if (n.op === 'transpose') return 1 + transposes(n.args[0]!, g);
  if (n.op === 'matmul') return transposes(n.args[0]!, g) + transposes(n.args[1]!, g);
  if (n.op === 'mul' && isScalar(n.args[0]!.shape)) return transposes(n.args[1]!, g);
  return 0;
}

export const INVERSE_RULES: readonly ((n: Node, g: Graph) => Node | undefined)[] = [
  // inv(M) R: M's first square factors cancel R's (inv(A B) A C = inv(B) C); inv(M) I = inv(M).
  function solveCancels(n, g) {
    if (n.op !== 'solve' || g.isSealed(n)) return undefined;
    const [m, r] = n.args as [Node, Node];
    if (r.op === 'eye') return g.inv(m);
    const mf = factors(m, g);
    const rf = factors(r, g);
    let k = 0;
    while (k < mf.length && k < rf.length && mf[k] === rf[k] && mf.every(square)) k++;
    if (k === 0) return undefined;
    const size = m.shape.rows;
    const rest = product(g, rf.slice(k), size);
    return k === mf.length ? rest : g.solve(product(g, mf.slice(k), size), rest);
  },
  // L inv(M): L's last square factors cancel M's (C B inv(A B) = C inv(A)); M inv(M) = I.
  function inverseCancels(n, g) {
    if (n.op !== 'matmul' || g.isSealed(n)) return undefined;
    const [l, right] = n.args as [Node, Node];
    const m = inverted(right, g);
    if (m === undefined) return undefined;
    const lf = factors(l, g);
    const mf = factors(m, g);
    if (!mf.every(square)) return undefined;
    let k = 0;
    while (k < lf.length && k < mf.length && lf[lf.length - 1 - k] === mf[mf.length - 1 - k]) k++;
    if (k === 0) return undefined;
    const size = m.shape.rows;
    const left = lf.slice(0, lf.length - k);
    if (k === mf.length) return product(g, left, size);
    const inverse = g.inv(product(g, mf.slice(0, mf.length - k), size));
    return left.length === 0 ? inverse : g.matmul(product(g, left, size), inverse);
  },
  // (inv(S) B)ᵀ = Bᵀ inv(S) for S symmetric: (inv(Xᵀ X) Xᵀ)ᵀ is X inv(Xᵀ X).
  function symmetricSolveTransposed(n, g) {
    if (n.op !== 'transpose' || g.isSealed(n)) return undefined;
    const s = n.args[0]!;
    if (s.op !== 'solve' || g.isSealed(s) || !isSymmetric(s.args[0]!, g)) return undefined;
    return g.matmul(g.transpose(s.args[1]!), g.inv(s.args[0]!));
  },
  // Pᵀ + Qᵀ → (P + Q)ᵀ when that has fewer transposes: Bᵀ Xᵀ + Xᵀ Bᵀ is (X B + B X)ᵀ.
  function transposedSum(n, g) {
    if (n.op !== 'add' || isScalar(n.shape) || g.isSealed(n)) return undefined;
    const [a, b] = n.args as [Node, Node];
    if (!sameShape(a.shape, n.shape) || !sameShape(b.shape, n.shape) || n.shape.rows === 1 || n.shape.cols === 1)
      return undefined;
    const ta = g.transpose(a);
    const tb = g.transpose(b);
    if (transposes(ta, g) + transposes(tb, g) + 1 >= transposes(a, g) + transposes(b, g)) return undefined;
    return g.transpose(g.add(ta, tb));
  },
  // (pᵀ + qᵀ)ᵀ → p + q of vectors, when that has fewer transposes: (λ xᵀ + c wᵀ)ᵀ is λ x + c w, whose
  // terms then merge with the others of their sum.
  function transposeIntoSum(n, g) {
    if (n.op !== 'transpose' || g.isSealed(n)) return undefined;
    const sum = n.args[0]!;
    if (
      sum.op !== 'add' ||
      g.isSealed(sum) ||
      !sameShape(sum.args[0]!.shape, sum.shape) ||
      !sameShape(sum.args[1]!.shape, sum.shape)
    )
      return undefined;
    // Vectors only: a matrix sum stays one block (a Hessian's t and tᵀ share a local name).
    if (sum.shape.rows !== 1 && sum.shape.cols !== 1) return undefined;
    const [a, b] = sum.args as [Node, Node];
    const ta = g.transpose(a);
    const tb = g.transpose(b);
    if (transposes(ta, g) + transposes(tb, g) >= 1 + transposes(a, g) + transposes(b, g)) return undefined;
    return g.add(ta, tb);
  },
  // c (-P - Q) → -c (P + Q): -0.5 (-A - B) is 0.5 (A + B).
  function negatedTerms(n, g) {
    if (n.op !== 'mul' || g.isSealed(n) || !isNumber(n.args[0]!)) return undefined;
    const c = constValue(n.args[0]!)!;
    const sum = n.args[1]!;
    if (
      sum.op !== 'add' ||
      g.isSealed(sum) ||
      !sameShape(sum.args[0]!.shape, sum.shape) ||
      !sameShape(sum.args[1]!.shape, sum.shape)
    )
      return undefined;
    const negated = (t: Node) =>
      t.op === 'mul' && !g.isSealed(t) && constValue(t.args[0]!) === -1 && isNumber(t.args[0]!)
        ? t.args[1]!
        : undefined;
    const p = negated(sum.args[0]!);
    const q = negated(sum.args[1]!);
    if (p === undefined || q === undefined) return undefined;
    return g.mul(g.constant(-c), g.add(p, q));
  },
];
