/**
 * Scalar quotients in terms the user wrote (issue 14, the normalisation layers):
 *   - definitionQuotient: a scaled value whose scalar divides by `s`, where the user defined
 *     `D = u / s`, reads through D: mean(d .* xhat) / s^2 (x - mu) → mean(d .* xhat) / s xhat
 *     when xhat = (x - mu) / s (the derivative's form differs from the definition's, so
 *     hash-consing alone does not find it);
 *   - commonScalar: scalar factors every term of a sum shares, taken out:
 *     d / s - c / s xhat → (d - c xhat) / s, and (u / s) - mean(u) / s → (u - mean(u)) / s,
 *     when what is left divides by nothing (one fraction, not nested ones);
 *   - centredMean: terms whose mean is zero by construction (u - mean(u), scaled or divided by
 *     scalars, as a normalised xhat is) dropped from a mean: mean(d - c xhat) → mean(d).
 * Forward values are never rewritten (the simplifier does not call rules on them); they are
 * only read: to find a definition `u / s`, and to see that a definition is centred.
 */
import { isNumber } from '../ir/constants.js';
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { isScalar, sameShape } from '../ir/shape.js';
import { buildMonomial, readMonomial } from './monomial.js';

/** Terms of a sum read at most, and nodes compared at most. */
const MAX_TERMS = 16;
const MAX_DEPTH = 12;

/** A term as `coefficient Π atom^exponent` times `rest` (a non-scalar, or nothing for a scalar term). */
interface Scaled {
  coefficient: number;
  readonly exponents: Map<number, number>;
  readonly atoms: Map<number, Node>;
  readonly rest: Node | undefined;
}

function merge(
  a: Scaled,
  m: { coefficient: number; exponents: Map<number, number>; atoms: Map<number, Node> },
): Scaled {
  const exponents = new Map(a.exponents);
  const atoms = new Map(a.atoms);
  for (const [id, e] of m.exponents) {
    exponents.set(id, (exponents.get(id) ?? 0) + e);
    atoms.set(id, m.atoms.get(id)!);
  }
  return { coefficient: a.coefficient * m.coefficient, exponents, atoms, rest: a.rest };
}

/** `n` as scalar factors times the rest: `s X`, `X / s` and scalars read through. */
function decompose(n: Node, g: Graph): Scaled | undefined {
  if (isScalar(n.shape)) {
    const m = readMonomial(n, g);
    return m === undefined ? undefined : { ...m, rest: undefined };
  }
  const [a, b] = n.args as [Node, Node];
  if (!g.isSealed(n) && n.op === 'mul' && isScalar(a.shape) && !isScalar(b.shape)) {
    const inner = decompose(b, g);
    const m = readMonomial(a, g);
    return inner === undefined || m === undefined ? undefined : merge(inner, m);
  }
  if (!g.isSealed(n) && n.op === 'div' && !isScalar(a.shape) && isScalar(b.shape)) {
    const inner = decompose(a, g);
    const m = readMonomial(b, g, -1);
    return inner === undefined || m === undefined ? undefined : merge(inner, m);
  }
  return { coefficient: 1, exponents: new Map(), atoms: new Map(), rest: n };
}

function rebuild(
  g: Graph,
  coefficient: number,
  exponents: ReadonlyMap<number, number>,
  atoms: ReadonlyMap<number, Node>,
  rest: Node | undefined,
): Node {
  const live = new Map([...exponents].filter(([, e]) => e !== 0));
  const scalar = buildMonomial(g, coefficient, live, new Map(atoms));
  return rest === undefined ? scalar : g.mul(scalar, rest);
}

/** Distinct nodes from `n` down to (and counting) leaves, definitions and `stops`. */
function size(n: Node, g: Graph, stops: ReadonlySet<number>, seen = new Set<number>()): number {
  if (seen.has(n.id)) return 0;
  seen.add(n.id);
  if (n.args.length === 0 || g.isSealed(n) || stops.has(n.id)) return 1;
  let count = 1;
  for (const a of n.args) count += size(a, g, stops, seen);
  return count;
}

/** The rule: `(c / s^k) u` → `(c / s^(k-1)) D` where the user defined D = u / s. */
export function definitionQuotient(n: Node, g: Graph): Node | undefined {
  if ((n.op !== 'mul' && n.op !== 'div') || isScalar(n.shape) || g.isSealed(n)) return undefined;
  const d = decompose(n, g);
  if (d === undefined || d.rest === undefined || d.rest === n) return undefined;
  for (const [id, e] of d.exponents) {
    if (e >= 0) continue;
    const definition = g.find('div', [d.rest, d.atoms.get(id)!]);
    if (definition === undefined || !g.isSealed(definition)) continue;
    const exponents = new Map(d.exponents);
    exponents.set(id, e + 1);
    return rebuild(g, d.coefficient, exponents, d.atoms, definition);
  }
  return undefined;
}

/** Terms of a sum, flattened, scalars (broadcast) included; undefined when too many. */
function sumTerms(n: Node, g: Graph, out: Node[], top = true): Node[] | undefined {
  const fits = (a: Node) => isScalar(a.shape) || sameShape(a.shape, n.shape);
  if (n.op === 'add' && (top || !g.isSealed(n)) && n.args.every(fits)) {
    for (const a of n.args) if (sumTerms(a, g, out, false) === undefined) return undefined;
  } else {
    out.push(n);
  }
  return out.length > MAX_TERMS ? undefined : out;
}

/** The rule: scalar factors common to every term of a sum, taken out, when that is smaller. */
export function commonScalar(n: Node, g: Graph): Node | undefined {
  if (n.op !== 'add' || isScalar(n.shape) || g.isSealed(n)) return undefined;
  const list = sumTerms(n, g, []);
  if (list === undefined || list.length < 2) return undefined;
  const parts: Scaled[] = [];
  for (const t of list) {
    const d = decompose(t, g);
    if (d === undefined) return undefined;
    parts.push(d);
  }
  const common = new Map<number, number>();
  for (const [id, e] of parts[0]!.exponents) {
    if (e === 0) continue;
    const shared = parts.map((p) => p.exponents.get(id) ?? 0);
    if (shared.every((x) => Math.sign(x) === Math.sign(e)))
      common.set(id, Math.sign(e) * Math.min(...shared.map(Math.abs)));
  }
  if (common.size === 0) return undefined;
  // Only when what is left divides by nothing, so the sum is one fraction (no nested fractions):
  // a / (||a|| ||b||) - cs / ||b||^2 b stays as the book writes it.
  for (const p of parts) for (const [id, e] of p.exponents) if (e - (common.get(id) ?? 0) < 0) return undefined;
  // A sign every term carries goes in front too: -b / m - 1 / m → -(b + 1) / m.
  const sign = parts.every((p) => p.coefficient < 0) ? -1 : 1;
  const atoms = parts[0]!.atoms;
  const sum = parts
    .map((p) => {
      const exponents = new Map(p.exponents);
      for (const [id, e] of common) exponents.set(id, (exponents.get(id) ?? 0) - e);
      return rebuild(g, sign * p.coefficient, exponents, p.atoms, p.rest);
    })
    .reduce((acc, t) => g.add(acc, t));
  if (!sameShape(sum.shape, n.shape)) return undefined;
  const numerator = new Map([...common].filter(([, e]) => e > 0));
  const denominator = new Map([...common].filter(([, e]) => e < 0).map(([id, e]) => [id, -e]));
  let result = numerator.size === 0 ? sum : g.mul(buildMonomial(g, 1, numerator, new Map(atoms)), sum);
  if (denominator.size > 0) result = g.div(result, buildMonomial(g, 1, denominator, new Map(atoms)));
  if (sign < 0) result = g.neg(result);
  const stops = new Set<number>();
  for (const p of parts) {
    for (const id of p.atoms.keys()) stops.add(id);
    if (p.rest !== undefined) stops.add(p.rest.id);
  }
  return size(result, g, stops) < size(n, g, stops) ? result : undefined;
}

/** Whether every entry of `n` sums to zero by construction: u - mean(u), scaled or divided by scalars, or sums of such. */
export function centred(n: Node, depth = 0): boolean {
  if (depth > MAX_DEPTH || isScalar(n.shape)) return false;
  const [a, b] = n.args as [Node, Node];
  if (n.op === 'add') {
    const minusMeanOf = (m: Node, u: Node) =>
      m.op === 'mul' &&
      isNumber(m.args[0]!) &&
      m.args[0]!.attrs.value === -1 &&
      m.args[1]!.op === 'mean' &&
      m.args[1]!.args[0] === u;
    if (minusMeanOf(b, a) || minusMeanOf(a, b)) return true;
    return sameShape(a.shape, n.shape) && sameShape(b.shape, n.shape) && centred(a, depth + 1) && centred(b, depth + 1);
  }
  if (n.op === 'mul' && isScalar(a.shape)) return centred(b, depth + 1);
  if (n.op === 'div' && isScalar(b.shape)) return centred(a, depth + 1);
  return false;
}

/** The rule: mean(u - mean(u)) → 0, and centred terms dropped from the mean of a sum. */
export function centredMean(n: Node, g: Graph): Node | undefined {
  if (n.op !== 'mean' || g.isSealed(n)) return undefined;
  const x = n.args[0]!;
  if (centred(x)) return g.constant(0);
  if (x.op !== 'add' || g.isSealed(x)) return undefined;
  const list = sumTerms(x, g, []);
  if (list === undefined) return undefined;
  const kept = list.filter((t) => !centred(t));
  if (kept.length === list.length) return undefined;
  if (kept.length === 0) return g.constant(0);
  // Scalar terms kept are their own mean; the rest is averaged.
  const scalars = kept.filter((t) => isScalar(t.shape));
  const full = kept.filter((t) => !isScalar(t.shape));
  const parts = [...(full.length > 0 ? [g.mean(full.reduce((acc, t) => g.add(acc, t)))] : []), ...scalars];
  return parts.reduce((acc, t) => g.add(acc, t));
}
