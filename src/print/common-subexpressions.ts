/**
 * Shared subexpressions named once (issue 14): a derivative printed as a tree repeats every
 * subexpression the DAG shares. This picks the subexpressions that occur more than once in the
 * printed gradients and are bigger than a name, and gives each a local name, so the gradients
 * print in terms of it (`t = sqrt(v + eps)`, then `dL_dx = d / t - ... - mean(d) / t`).
 */
import type { Node } from '../ir/node.js';
import { isScalar } from '../ir/shape.js';
import { isReserved } from '../ir/declarations.js';
import { Printer } from './printer.js';

/** Tokens of formula text: names, numbers, `.*`-like operators and `||` one each, any other character one. */
export function tokenCount(text: string): number {
  return text.match(/[\p{L}_][\p{L}\p{N}_]*|[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?|\.\*|\.\/|\.\^|\|\||\S/gu)?.length ?? 0;
}

/** Tokens a subexpression two derivatives share (once each) has at least to get a name. */
const BLOCK = 8;

/** A local name and the node it stands for. */
export interface LocalName {
  readonly name: string;
  readonly node: Node;
}

/** Local names by node id, in definition order (a local's expression uses only earlier ones). */
export interface SharedNames {
  readonly locals: readonly LocalName[];
  /** `names` extended with the locals: what the gradients print with. */
  readonly names: ReadonlyMap<number, string>;
}

/** Names tried in turn: t, u, q, then t2, t3, ... */
function* candidates(): Generator<string> {
  yield* ['t', 'u', 'q'];
  for (let k = 2; ; k++) yield `t${k}`;
}

/**
 * Picks the local names for `roots` printed with `names` (the user's definitions). A node gets
 * one when it occurs `c` ≥ 2 times in one derivative and writing it out each time costs more
 * tokens than a name each time and one definition, by more than one: c T > c + T + 2, with T its size in tokens
 * as printed (down to names and leaves). Decided from the root down, so an expression inside a
 * named one counts once per occurrence in that definition. Names avoid `taken` (and are added
 * to it).
 */
export function shareSubexpressions(
  roots: readonly Node[],
  names: ReadonlyMap<number, string>,
  taken: Set<string>,
): SharedNames {
  const stops = (n: Node) => n.args.length === 0 || names.has(n.id);
  // The nodes printed (below the roots, down to names and leaves), in id order.
  const nodes = new Map<number, Node>();
  const stack = [...roots];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (nodes.has(n.id)) continue;
    nodes.set(n.id, n);
    if (!stops(n)) for (const a of n.args) stack.push(a);
  }
  const order = [...nodes.values()].sort((a, b) => a.id - b.id);
  // Printed size: nodes of the tree down to names and leaves (capped: only compared).
  const size = new Map<number, number>();
  for (const n of order) {
    size.set(n.id, stops(n) ? 1 : Math.min(1e9, 1 + n.args.reduce((s, a) => s + size.get(a.id)!, 0)));
  }
  // Counted in each derivative on its own first: a short subexpression two gradients share,
  // once each, stays written out in both (as a book writes b / (||a|| ||b||) in each of a pair).
  const printer = new Printer('formula', names);
  const rootIds = new Set(roots.map((r) => r.id));
  // A derivative read whole: a root, or what a root scales by a scalar (t of dL_dz1 = -2 z4 t).
  const wholes = new Set([
    ...rootIds,
    ...roots.flatMap((r) => (r.op === 'mul' && isScalar(r.args[0]!.shape) ? [r.args[1]!.id] : [])),
  ]);
  const chosenIds = new Set<number>();
  // Within each derivative, then across them all, where only a block of BLOCK tokens or more is
  // worth a name (the attention weights' a .* (u - L) / sqrt(d) in dL_dq and dL_dK).
  const passes: [readonly Node[], number][] = [...new Set(roots)].map((r) => [[r], 0]);
  for (const [seeds, least] of [...passes, [roots, BLOCK] as [readonly Node[], number]]) {
    const count = new Map<number, number>(seeds.map((r) => [r.id, 1]));
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i]!;
      const c = count.get(n.id) ?? 0;
      if (c === 0 || stops(n)) continue;
      // Tokens as printed, for the few nodes that occur more than once.
      const t = c >= 2 ? Math.min(size.get(n.id)!, tokenCount(printer.text(n))) : size.get(n.id)!;
      const whole = least > 0 && wholes.has(n.id);
      const named = chosenIds.has(n.id) || (!rootIds.has(n.id) && !whole && c >= 2 && t >= least && c * t > c + t + 2);
      if (named) chosenIds.add(n.id);
      // A derivative that another one contains is read whole on its own line: what is inside it
      // counts once (dL_db in dL_dW = dL_db xᵀ does not name a part of dL_db), and it is not
      // named (b .* z2 .* (1 - z2) of dL_dz1 = -2 z4 (...) stays written out in dL_dA).
      const uses = named || whole ? 1 : c;
      for (const a of n.args) count.set(a.id, (count.get(a.id) ?? 0) + uses);
    }
  }
  const chosen = order.filter((n) => chosenIds.has(n.id));
  const all = new Map(names);
  const locals: LocalName[] = [];
  const pool = candidates();
  for (const n of chosen) {
    let name = pool.next().value as string;
    while (taken.has(name) || isReserved(name)) name = pool.next().value as string;
    taken.add(name);
    all.set(n.id, name);
    locals.push({ name, node: n });
  }
  return { locals, names: all };
}
