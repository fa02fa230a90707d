/** Walking the IR graph. */
import type { Node } from './node.js';

/**
 * Nodes reachable from `roots`, descending only below nodes `descend` allows, in increasing
 * id order: a topological order, since arguments are always built before their users.
 * Iterative, so graphs thousands of nodes deep do not exhaust the stack.
 */
export function reachable(roots: readonly Node[], descend: (n: Node) => boolean = () => true): Node[] {
  const seen = new Map<number, Node>();
  const stack = [...roots];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.set(n.id, n);
    if (descend(n)) for (const a of n.args) if (!seen.has(a.id)) stack.push(a);
  }
  return [...seen.values()].sort((a, b) => a.id - b.id);
}
