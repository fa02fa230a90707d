/**
 * Reverse-mode differentiation over the IR, at the level of whole matrices: adjoints flow
 * from the output to every requested node through each primitive's vector-Jacobian rule.
 * Only nodes on a path to a requested node are visited, so unused inputs cost nothing, and
 * adjoints are IR nodes in the same graph, so they share every forward value.
 */
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { OPS } from '../ops/index.js';
import { reachable } from '../ir/walk.js';

export { reachable };

/**
 * The gradient of the scalar `output` with respect to each node of `wrt` (variables or
 * intermediate values): a node of the same shape, or zeros where `output` does not depend on it.
 */
export function gradients(graph: Graph, output: Node, wrt: readonly Node[]): Node[] {
  const order = reachable([output]);
  const targets = new Set(wrt.map((w) => w.id));
  // Which nodes lie on a path to a requested node: only their adjoints are needed.
  const relevant = new Set<number>();
  for (const n of order) {
    if (targets.has(n.id) || n.args.some((a) => relevant.has(a.id))) relevant.add(n.id);
  }
  const adjoints = new Map<number, Node>();
  if (relevant.has(output.id)) adjoints.set(output.id, graph.constant(1));
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    const adjoint = adjoints.get(n.id);
    if (adjoint === undefined || n.args.length === 0) continue;
    const needed = n.args.map((a) => relevant.has(a.id));
    if (!needed.some(Boolean)) continue;
    const contributions = OPS[n.op].vjp(n, adjoint, graph, needed);
    n.args.forEach((arg, i) => {
      const c = contributions[i];
      if (c === undefined || !needed[i]) return;
      const previous = adjoints.get(arg.id);
      adjoints.set(arg.id, previous === undefined ? c : graph.add(previous, c));
    });
  }
  return wrt.map((w) => adjoints.get(w.id) ?? graph.zeros(w.shape));
}
