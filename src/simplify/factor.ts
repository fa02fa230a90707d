/**
 * Common factors of matrix products taken out of a sum, as a book writes it (issue 26):
 * A C - B C → (A - B) C, C A + C B → C (A + B), over any number of terms and through product
 * chains, solves (inv(G) B) and diagonal scalings (a .* K is diag(a) K). So the Jacobian of
 * single-query attention reads 1/sqrt(d) (diag(a) - a aᵀ) Kᵀ, not 1/sqrt(d) (diag(a) Kᵀ - a aᵀ Kᵀ).
 *
 * This is the form printed derivatives are shown in, not the one the code generator evaluates:
 * taking Kᵀ out of diag(a) Kᵀ - a (aᵀ Kᵀ) builds the dense n x n matrix diag(a) - a aᵀ, and
 * multiplies by it, where the unfactored terms cost a row scaling and a rank-one product.
 */
import { constValue, isNumber } from '../ir/constants.js';
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { isColumn, isScalar, sameShape } from '../ir/shape.js';
import { isSymmetric } from './matrix.js';
import { RULES, simplify, type Rule } from './simplify.js';

/** Longer chains than this are not looked into (the walk stays short). */
const MAX_FACTORS = 32;

/** One term of a sum: `coefficient` times the product of `chain`, left to right. */
interface Term {
  readonly coefficient: number;
  readonly chain: readonly Node[];
}

/** The factors of a product, left to right: through products, solves, diagonal scalings and transposes of these. */
function chain(n: Node, g: Graph, out: Node[] = []): Node[] {
  if (out.length > MAX_FACTORS || g.isSealed(n)) {
    out.push(n);
    return out;
  }
  switch (n.op) {
    case 'matmul':
      chain(n.args[0]!, g, out);
      chain(n.args[1]!, g, out);
      return out;
    case 'solve':
      out.push(g.inv(n.args[0]!));
      chain(n.args[1]!, g, out);
      return out;
    case 'mul': {
      // a .* K, a column broadcast across the columns of K, is diag(a) K.
      const [a, b] = n.args as [Node, Node];
      if (isColumn(a.shape) && !isColumn(b.shape) && !isScalar(a.shape) && a.shape.rows === b.shape.rows) {
        out.push(g.diag(a));
        chain(b, g, out);
        return out;
      }
      break;
    }
    case 'transpose': {
      const x = n.args[0]!;
      if (x.op === 'matmul' || x.op === 'solve') {
        for (const f of chain(x, g).reverse()) out.push(g.transpose(f));
        return out;
      }
      break;
    }
    default:
      break;
  }
  out.push(n);
  return out;
}

/** Terms of a sum of one shape (a user's definition is one term). */
function summands(n: Node, g: Graph, out: Node[] = [], top = true): Node[] {
  const [a, b] = n.args;
  if (n.op === 'add' && (top || !g.isSealed(n)) && sameShape(a!.shape, n.shape) && sameShape(b!.shape, n.shape)) {
    summands(a!, g, out, false);
    summands(b!, g, out, false);
  } else {
    out.push(n);
  }
  return out;
}

function term(n: Node, g: Graph): Term {
  if (n.op === 'mul' && !g.isSealed(n)) {
    const [s, x] = n.args as [Node, Node];
    if (isNumber(s)) return { coefficient: constValue(s)!, chain: chain(x, g) };
    // (c s) X, a scaling whose scalar carries a number: c times s X.
    if (s.op === 'mul' && isScalar(s.shape) && !isScalar(n.shape) && isNumber(s.args[0]!) && !g.isSealed(s))
      return { coefficient: constValue(s.args[0]!)!, chain: chain(g.mul(s.args[1]!, x), g) };
  }
  return { coefficient: 1, chain: chain(n, g) };
}

const product = (g: Graph, list: readonly Node[]): Node => list.reduce((acc, f) => g.matmul(acc, f));

/**
 * The largest group of terms whose chains share a factor at the right end (`right`) or the left
 * end, and how many factors they share there (each keeps at least one of its own).
 */
function bestGroup(list: readonly Term[], right: boolean): { members: number[]; shared: number } | undefined {
  const end = (t: Term, k: number) => t.chain[right ? t.chain.length - 1 - k : k];
  let best: { members: number[]; shared: number } | undefined;
  for (let i = 0; i < list.length; i++) {
    if (list[i]!.chain.length < 2) continue;
    const first = end(list[i]!, 0);
    const members = list.flatMap((t, j) => (t.chain.length >= 2 && end(t, 0) === first ? [j] : []));
    if (members.length < 2 || members[0] !== i) continue;
    let shared = 1;
    for (;;) {
      const next = end(list[i]!, shared);
      const fits = members.every((j) => list[j]!.chain.length > shared + 1 && end(list[j]!, shared) === next);
      if (!fits) break;
      shared++;
    }
    if (best === undefined || members.length > best.members.length) best = { members, shared };
  }
  return best;
}

/** Σ cᵢ Pᵢ C → (Σ cᵢ Pᵢ) C for the largest group of terms sharing a right factor, else a left one. */
export const factorProducts: Rule = (n, g) => {
  if (n.op !== 'add' || g.isSealed(n)) return undefined;
  const nodes = summands(n, g);
  if (nodes.length < 2) return undefined;
  const list = nodes.map((t) => term(t, g));
  const right = bestGroup(list, true);
  const left = bestGroup(list, false);
  const useRight = right !== undefined && (left === undefined || right.members.length >= left.members.length);
  const group = useRight ? right : left;
  if (group === undefined) return undefined;
  const { members, shared } = group;
  // A coefficient all members have (-1 of -A C - B C) stays outside: -(A + B) C.
  const first = list[members[0]!]!.coefficient;
  const outside = members.every((j) => list[j]!.coefficient === first) ? first : 1;
  const rests = members.map((j) => {
    const c = list[j]!.chain;
    const rest = useRight ? c.slice(0, c.length - shared) : c.slice(shared);
    return g.mul(g.constant(list[j]!.coefficient / outside), product(g, rest));
  });
  if (!rests.every((r) => sameShape(r.shape, rests[0]!.shape))) return undefined;
  const inner = rests.reduce((acc, r) => g.add(acc, r));
  const c0 = list[members[0]!]!.chain;
  const common = useRight ? c0.slice(c0.length - shared) : c0.slice(0, shared);
  const factored = g.mul(
    g.constant(outside),
    useRight ? product(g, [inner, ...common]) : product(g, [...common, inner]),
  );
  const others = nodes.filter((_, j) => !members.includes(j));
  const at = members[0]!;
  const before = others.slice(0, at);
  const after = others.slice(at);
  return [...before, factored, ...after].reduce((acc, t) => g.add(acc, t));
};

/**
 * Pᵀ Qᵀ → (Q P)ᵀ where the graph keeps the transpose outside (a solve: inv(X)ᵀ (inv(X) A)ᵀ is
 * (inv(X) A inv(X))ᵀ, as the book writes it); elsewhere it distributes it again.
 */
export const transposeOutside: Rule = (n, g) => {
  if ((n.op !== 'matmul' && n.op !== 'solve') || g.isSealed(n)) return undefined;
  const [a, b] = n.args as [Node, Node];
  if (a.op !== 'transpose' || b.op !== 'transpose' || g.isSealed(a) || g.isSealed(b)) return undefined;
  // A solve is inv(P)ᵀ Qᵀ = (Q inv(P))ᵀ, and Q = inv(S) R keeps its solve: inv(S) (R inv(P)).
  const p = n.op === 'solve' ? g.inv(a.args[0]!) : a.args[0]!;
  const q = b.args[0]!;
  const inner = q.op === 'solve' && !g.isSealed(q) ? g.solve(q.args[0]!, g.matmul(q.args[1]!, p)) : g.matmul(q, p);
  const folded = g.transpose(inner);
  return folded.op === 'transpose' ? folded : undefined;
};

/**
 * S + Sᵀ of a sum S with a symmetric term, written out so that term doubles:
 * t + tᵀ of t = 2 Xᵀ V + c I is 2 Xᵀ V + 2 Vᵀ X + 2 c I (and the 2 comes out of the sum).
 */
export const symmetricPartOfSum: Rule = (n, g) => {
  if (n.op !== 'add' || g.isSealed(n)) return undefined;
  const [a, b] = n.args as [Node, Node];
  const s = b.op === 'transpose' && b.args[0] === a ? a : a.op === 'transpose' && a.args[0] === b ? b : undefined;
  if (s === undefined || s.op !== 'add' || g.isSealed(s)) return undefined;
  const list = summands(s, g);
  if (!list.some((t) => isSymmetric(t, g))) return undefined;
  const all = [...list, ...list.map((t) => g.transpose(t))];
  return all.reduce((acc, t) => g.add(acc, t));
};

/** A number every term of a sum of three or more has, out of it: 2 A + 2 B - 2 C → 2 (A + B - C). */
export const commonNumber: Rule = (n, g) => {
  if (n.op !== 'add' || g.isSealed(n)) return undefined;
  const list = summands(n, g).map((t) => term(t, g));
  const c = Math.abs(list[0]!.coefficient);
  // Two terms read as they are (2 Xᵀ r + 2 λ w: taking the 2 out is a token longer).
  if (list.length < 3 || c === 1 || c === 0 || !list.every((t) => Math.abs(t.coefficient) === c)) return undefined;
  const sign = list.every((t) => t.coefficient < 0) ? -1 : 1;
  const inner = list.map((t) => g.mul(g.constant(t.coefficient / (sign * c)), product(g, t.chain)));
  return g.mul(
    g.constant(sign * c),
    inner.reduce((acc, t) => g.add(acc, t)),
  );
};

/**
 * The derivatives `roots` in the form printers show: the simplifier's rules, common factors
 * of products taken out (`factorProducts`) transposes
 * of products outside (`transposeOutside`), S + Sᵀ written out (`symmetricPartOfSum`), a number all terms have
 * taken out (`commonNumber`). `frozen` nodes (the forward values) are kept.
 */
export function factorForReading(g: Graph, roots: readonly Node[], frozen: ReadonlySet<number>): Node[] {
  return simplify(g, roots, {
    frozen,
    rules: [...RULES, factorProducts, transposeOutside, symmetricPartOfSum, commonNumber],
  });
}
