/**
 * Canonicalisation of derived expressions: rebuild bottom-up through the smart constructors
 * (which fold constants, drop neutral 0 / 1 / ones / eye, cancel double transposes and pull
 * scalar factors to the front), then apply the rewrite rules below, until nothing changes.
 * Forward values (the user's definitions and what they are built from) are never rewritten,
 * so derivatives keep referring to them, and printers can show them by name.
 */
import { constValue, isNumber } from '../ir/constants.js';
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { isColumn, isScalar, sameShape } from '../ir/shape.js';
import { OPS } from '../ops/index.js';
import { reachable } from '../ir/walk.js';
import { canonicalMonomial } from './monomial.js';
import { multiplyOut } from './rational.js';
import { centredMean, commonScalar, definitionQuotient } from './quotients.js';
import { MATRIX_RULES } from './matrix.js';
import { INVERSE_RULES } from './inverses.js';

/** A rewrite: the replacement for `n` (built with `g`), or undefined when it does not apply. */
export type Rule = (n: Node, g: Graph) => Node | undefined;

/**
 * `c x` → [c, x]; `(c s) X` (a scaling whose scalar carries a number) → [c, s X] when `g` is
 * given to build `s X`, else only the number; anything else → [1, x].
 */
function coefficient(n: Node, g?: Graph): [number, Node] {
  if (n.op === 'mul') {
    const c = constValue(n.args[0]!);
    if (c !== undefined && isNumber(n.args[0]!)) return [c, n.args[1]!];
    const s = n.args[0]!;
    if (s.op === 'mul' && isScalar(s.shape) && !isScalar(n.shape) && isNumber(s.args[0]!)) {
      return [constValue(s.args[0]!)!, g === undefined ? n : g.mul(s.args[1]!, n.args[1]!)];
    }
  }
  return [1, n];
}

/** Terms of a sum of one shape, flattened; a user's definition (`r = X w - y`) is one term. */
function terms(n: Node, out: Node[], g: Graph, top = true): Node[] {
  if (
    n.op === 'add' &&
    (top || !g.isSealed(n)) &&
    sameShape(n.args[0]!.shape, n.shape) &&
    sameShape(n.args[1]!.shape, n.shape)
  ) {
    terms(n.args[0]!, out, g, false);
    terms(n.args[1]!, out, g, false);
  } else {
    out.push(n);
  }
  return out;
}

/** `exp(F)` ⊙ (1 (1 ./ (1ᵀ exp(F)))) in either order: each column of exp(F) over its sum. */
function columnSoftmaxOf(n: Node): Node | undefined {
  if (n.op !== 'mul') return undefined;
  const [a, b] = n.args as [Node, Node];
  for (const [e, p] of [
    [a, b],
    [b, a],
  ] as const) {
    if (e.op !== 'unary' || e.attrs.fn !== 'exp' || p.op !== 'matmul') continue;
    const [ones, inverse] = p.args as [Node, Node];
    if (ones.op !== 'fill' || ones.attrs.value !== 1 || inverse.op !== 'div' || constValue(inverse.args[0]!) !== 1)
      continue;
    const sums = inverse.args[1]!;
    if (sums.op !== 'matmul') continue;
    const [onesT, exps] = sums.args as [Node, Node];
    if (onesT.op === 'fill' && onesT.attrs.value === 1 && exps === e) return e.args[0]!;
  }
  return undefined;
}

/** A matrix product, or a scalar value times one: s (P Q) → { scale: s, product: P Q }. */
function scaledProduct(n: Node, g: Graph): { scale?: Node; product: Node } | undefined {
  if (n.op === 'matmul' && !isScalar(n.args[0]!.shape) && !isScalar(n.args[1]!.shape)) return { product: n };
  if (n.op !== 'mul' || !isScalar(n.args[0]!.shape)) return undefined;
  const p = n.args[1]!;
  if (p.op !== 'matmul' || g.isSealed(p) || isScalar(p.args[0]!.shape) || isScalar(p.args[1]!.shape)) return undefined;
  return { scale: n.args[0]!, product: p };
}

/** Transposes in the product chain `n` (down through matrix products and transposes). */
function transposes(n: Node, g: Graph): number {
  if (g.isSealed(n)) return 0;
  if (n.op === 'transpose') return 1 + transposes(n.args[0]!, g);
  if (n.op === 'matmul') return transposes(n.args[0]!, g) + transposes(n.args[1]!, g);
  return 0;
}

export const RULES: readonly Rule[] = [
  // Scalar products in one canonical form (monomial.ts): numeric factors multiplied, powers of
  // one base combined, common factors cancelled: 2 k / (2 s^2) → k / s^2, a / b / b → a / b^2.
  canonicalMonomial,
  // A quotient by s of what the user divided by s, read through their name (quotients.ts):
  // c / s^2 (x - mu) → c / s xhat when xhat = (x - mu) / s.
  definitionQuotient,
  // exp(F) ./ (1 1ᵀ exp(F)), a softmax written out by hand, is softmax(F).
  function columnSoftmax(n, g) {
    const f = columnSoftmaxOf(n);
    return f === undefined || f.shape.rows === 1 ? undefined : g.softmax(f);
  },
  // Like terms: a + a → 2 a, 3 a - a → 2 a, a - a → 0, collected across a whole sum.
  function likeTerms(n, g) {
    if (n.op !== 'add') return undefined;
    const list = terms(n, [], g);
    if (list.length < 2) return undefined;
    const order: number[] = [];
    const byBase = new Map<number, { base: Node; coefficient: number }>();
    for (const t of list) {
      const [c, base] = coefficient(t, g);
      const entry = byBase.get(base.id);
      if (entry === undefined) {
        byBase.set(base.id, { base, coefficient: c });
        order.push(base.id);
      } else {
        entry.coefficient += c;
      }
    }
    if (byBase.size === list.length) return undefined;
    const combined = order
      .map((id) => byBase.get(id)!)
      .filter((e) => e.coefficient !== 0)
      .map((e) => g.mul(g.constant(e.coefficient), e.base));
    // Positive terms first reads better: a - b rather than -b + a.
    const firstPositive = combined.findIndex((t) => coefficient(t)[0] > 0);
    if (firstPositive > 0) combined.unshift(...combined.splice(firstPositive, 1));
    if (combined.length === 0) return g.zeros(n.shape);
    return combined.reduce((acc, t) => g.add(acc, t));
  },
  // -a + b → b - a.
  function positiveFirst(n, g) {
    if (n.op !== 'add') return undefined;
    const [a, b] = n.args as [Node, Node];
    if (coefficient(a)[0] < 0 && coefficient(b)[0] > 0 && sameShape(a.shape, b.shape)) return g.add(b, a);
    return undefined;
  },
  // Scalar quotients that cancel: (p q) / q → p, q / q → 1, (p / q) q → p, q^c / q → q^(c-1).
  // This is what the chain rule builds for ||x||^2 (2 ||x|| · x / ||x||) and sqrt(s)^2.
  function cancelQuotient(n, g) {
    if (!isScalar(n.shape)) return undefined;
    const [a, b] = n.args as [Node, Node];
    if (n.op === 'div') {
      if (a === b) return g.constant(1);
      if (a.op === 'mul' && a.args[1] === b) return a.args[0];
      if (a.op === 'mul' && a.args[0] === b) return a.args[1];
      // q^c / q → q^(c - 1): 3 ||v||^2 / ||v|| is 3 ||v||.
      if (a.op === 'pow' && a.args[0] === b && constValue(a.args[1]!) !== undefined) {
        return g.pow(b, g.constant(constValue(a.args[1]!)! - 1));
      }
      if (
        a.op === 'mul' &&
        a.args[1]!.op === 'pow' &&
        a.args[1]!.args[0] === b &&
        constValue(a.args[1]!.args[1]!) !== undefined
      ) {
        return g.mul(a.args[0]!, g.pow(b, g.constant(constValue(a.args[1]!.args[1]!)! - 1)));
      }
    }
    if (n.op === 'mul') {
      if (a.op === 'div' && a.args[1] === b) return a.args[0];
      if (b.op === 'div' && b.args[1] === a) return b.args[0];
    }
    return undefined;
  },
  // A scalar factor out of a reduction: sum(X / s) → sum(X) / s, likewise mean.
  function scalarOutOfReduction(n, g) {
    if ((n.op !== 'sum' && n.op !== 'mean') || g.isSealed(n)) return undefined;
    const x = n.args[0]!;
    if (x.op !== 'div' || g.isSealed(x) || !isScalar(x.args[1]!.shape) || isScalar(x.args[0]!.shape)) return undefined;
    const inner = n.op === 'sum' ? g.sum(x.args[0]!) : g.mean(x.args[0]!);
    return g.div(inner, x.args[1]!);
  },
  // Terms whose mean is zero by construction, out of a mean: mean(d - c xhat) → mean(d) (quotients.ts).
  centredMean,
  // A scalar times ones beside a full-shaped term is the scalar, broadcast: u - mean(u) ones(n) → u - mean(u).
  function broadcastScalar(n, g) {
    if (n.op !== 'add' || isScalar(n.shape)) return undefined;
    const [a, b] = n.args as [Node, Node];
    const scalarOfOnes = (t: Node): Node | undefined =>
      t.op === 'mul' &&
      !g.isSealed(t) &&
      isScalar(t.args[0]!.shape) &&
      t.args[1]!.op === 'fill' &&
      t.args[1]!.attrs.value === 1 &&
      sameShape(t.shape, n.shape)
        ? t.args[0]!
        : undefined;
    const sb = scalarOfOnes(b);
    if (sb !== undefined && sameShape(a.shape, n.shape)) return g.add(a, sb);
    const sa = scalarOfOnes(a);
    if (sa !== undefined && sameShape(b.shape, n.shape)) return g.add(b, sa);
    return undefined;
  },
  // sum(u ⊙ v) of column vectors is uᵀ v (as 1ᵀ (u ⊙ v) below); of rows, u vᵀ.
  function sumOfHadamard(n, g) {
    if (n.op !== 'sum' || g.isSealed(n)) return undefined;
    const x = n.args[0]!;
    if (x.op !== 'mul' || g.isSealed(x) || (!isColumn(x.shape) && x.shape.rows !== 1)) return undefined;
    const [u, v] = x.args as [Node, Node];
    if (!sameShape(u.shape, v.shape) || !sameShape(u.shape, x.shape) || isScalar(x.shape)) return undefined;
    // Of rows, u vᵀ.
    return isColumn(x.shape) ? g.matmul(g.transpose(u), v) : g.matmul(u, g.transpose(v));
  },
  // A scalar is its own transpose: uᵀ Vᵀ a → aᵀ V u, whichever has fewer transposes.
  function scalarTranspose(n, g) {
    if (n.op !== 'matmul' || !isScalar(n.shape) || g.isSealed(n)) return undefined;
    const [a, b] = n.args as [Node, Node];
    const flipped = g.matmul(g.transpose(b), g.transpose(a));
    return transposes(flipped, g) < transposes(n, g) ? flipped : undefined;
  },
  // A common factor of two terms taken out: u .* p - u .* q → u .* (p - q); -1/N A + 1/N B → 1/N (B - A).
  function commonFactor(n, g) {
    if (n.op !== 'add' || isScalar(n.shape)) return undefined;
    const [a, b] = n.args as [Node, Node];
    if (!sameShape(a.shape, n.shape) || !sameShape(b.shape, n.shape)) return undefined;
    const [ca, pa] = coefficient(a, g);
    const [cb, pb] = coefficient(b, g);
    if (g.isSealed(pa) || g.isSealed(pb)) return undefined;
    // P u + Q u → (P + Q) u, and u P + u Q → u (P + Q), for matrix products.
    if (pa.op === 'matmul' && pb.op === 'matmul') {
      const [p1, u1] = pa.args as [Node, Node];
      const [q1, u2] = pb.args as [Node, Node];
      if (u1 === u2 && sameShape(p1.shape, q1.shape))
        return g.matmul(g.add(g.mul(g.constant(ca), p1), g.mul(g.constant(cb), q1)), u1);
      if (p1 === q1 && sameShape(u1.shape, u2.shape))
        return g.matmul(p1, g.add(g.mul(g.constant(ca), u1), g.mul(g.constant(cb), u2)));
      return undefined;
    }
    // s P u + t Q u → (s P + t Q) u for scalar values s, t: one product instead of two (an HVP's
    // rank-one terms, each scaled by its own scalar, become one outer product).
    const sa = scaledProduct(pa, g);
    const sb = scaledProduct(pb, g);
    if (sa !== undefined && sb !== undefined && (sa.scale !== undefined || sb.scale !== undefined)) {
      const [p1, u1] = sa.product.args as [Node, Node];
      const [q1, u2] = sb.product.args as [Node, Node];
      const scaled = (c: number, s: Node | undefined, x: Node) =>
        g.mul(g.constant(c), s === undefined ? x : g.mul(s, x));
      if (u1 === u2 && sameShape(p1.shape, q1.shape))
        return g.matmul(g.add(scaled(ca, sa.scale, p1), scaled(cb, sb.scale, q1)), u1);
      if (p1 === q1 && sameShape(u1.shape, u2.shape))
        return g.matmul(p1, g.add(scaled(ca, sa.scale, u1), scaled(cb, sb.scale, u2)));
    }
    if (pa.op !== 'mul' || pb.op !== 'mul') return undefined;
    for (const i of [0, 1]) {
      for (const j of [0, 1]) {
        const u = pa.args[i]!;
        if (u !== pb.args[j] || isNumber(u)) continue;
        const p = pa.args[1 - i]!;
        const q = pb.args[1 - j]!;
        if (!sameShape(p.shape, q.shape) || (!isScalar(u.shape) && !sameShape(u.shape, n.shape))) continue;
        return g.mul(u, g.add(g.mul(g.constant(ca), p), g.mul(g.constant(cb), q)));
      }
    }
    return undefined;
  },
  // 1ᵀ (u ⊙ v) of column vectors is uᵀ v.
  function onesDotHadamard(n, g) {
    if (n.op !== 'matmul') return undefined;
    const [a, b] = n.args as [Node, Node];
    // Only a row of ones: an n x m matrix of ones times u ⊙ v repeats the sum down n rows.
    if (a.op === 'fill' && a.attrs.value === 1 && a.shape.rows === 1 && b.op === 'mul' && isColumn(b.shape)) {
      const [u, v] = b.args as [Node, Node];
      if (sameShape(u.shape, v.shape)) return g.matmul(g.transpose(u), v);
    }
    return undefined;
  },
  // 1ᵀ x of a column vector is sum(x).
  function onesDot(n, g) {
    if (n.op !== 'matmul') return undefined;
    const [a, b] = n.args as [Node, Node];
    if (a.op === 'fill' && a.attrs.value === 1 && isColumn(b.shape) && isScalar(n.shape)) return g.sum(b);
    return undefined;
  },
  // Scalar factors every term shares, out of the sum when smaller: d / s - c / s xhat → (d - c xhat) / s (quotients.ts).
  commonScalar,
  // Quotients that later factors cancel, multiplied out when that is smaller (rational.ts):
  // ((1 - y) / (1 - yhat) - y / yhat) yhat (1 - yhat) → yhat - y.
  multiplyOut,
  // Symmetric matrices are their own transposes; sum(M ⊙ I) is tr(M) (matrix.ts).
  ...MATRIX_RULES,
  // Factors that cancel their inverses, solves against I, transposed sums (inverses.ts).
  ...INVERSE_RULES,
];

export interface SimplifyOptions {
  /** Nodes never rewritten (with everything below them): the forward values. */
  readonly frozen?: ReadonlySet<number>;
  readonly rules?: readonly Rule[];
  /** Passes at most; each pass rebuilds every node once. */
  readonly maxPasses?: number;
}

/** Simplifies each root; structurally equal results are the same node. */
export function simplify(g: Graph, roots: readonly Node[], options: SimplifyOptions = {}): Node[] {
  const frozen = options.frozen ?? new Set<number>();
  const rules = options.rules ?? RULES;
  let current = [...roots];
  for (let pass = 0; pass < (options.maxPasses ?? 8); pass++) {
    const memo = new Map<number, Node>();
    // Bottom-up in id order (arguments always have smaller ids), without recursion, so
    // derivative graphs thousands of definitions deep do not exhaust the stack.
    for (const n of reachable(current, (n) => !frozen.has(n.id))) {
      let result = n;
      if (!frozen.has(n.id) && n.args.length > 0) {
        const args = n.args.map((a) => memo.get(a.id) ?? a);
        result = args.every((a, i) => a === n.args[i]) ? n : OPS[n.op].build(g, args, n.attrs);
        for (let fired = true, budget = 16; fired && budget > 0; budget--) {
          fired = false;
          for (const rule of rules) {
            const r = rule(result, g);
            if (r !== undefined && r !== result) {
              result = r;
              fired = true;
              break;
            }
          }
        }
      }
      memo.set(n.id, result);
    }
    const rewrite = (n: Node): Node => memo.get(n.id) ?? n;
    const next = current.map(rewrite);
    if (next.every((n, i) => n === current[i])) return next;
    current = next;
  }
  return current;
}
