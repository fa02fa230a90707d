/**
 * Forward mode along one direction, over whole matrices: the tangent ṅ = d/dε n(x + ε v) of
 * every node on a path from a seeded node, a node of the node's own shape. HVP requests use it
 * to differentiate the gradient's graph forward-over-reverse: the tangents of the forward values
 * and of the backward values are new nodes beside them, so the HVP computes the forward pass and
 * the backward pass once (they are the gradient's nodes) and one tangent per node on top.
 *
 * No op needs a rule of its own: an op's tangent is the transpose of its vector-Jacobian
 * product. For every adjoint w̄, ⟨ṅ, w̄⟩ = Σ_i ⟨ȧ_i, J_iᵀ w̄⟩, and J_iᵀ w̄ is the op's `vjp` of w̄,
 * which is linear in w̄; so ṅ is the gradient of Σ_i sum(ȧ_i ⊙ vjp_i(w̄)) with respect to a
 * placeholder w̄, one reverse step over the few nodes the rule built (every VJP rule builds from
 * ops that have VJP rules). The placeholder cancels: the tangent reads the arguments, their
 * tangents and the node, never w̄.
 */
import type { Graph } from '../ir/graph.js';
import type { Node, VarKind } from '../ir/node.js';
import { isColumn, isScalar, type Shape } from '../ir/shape.js';
import { reachable } from '../ir/walk.js';
import { OPS } from '../ops/index.js';
import { vjp } from './reverse.js';

const ADJOINT = '$adjoint';

/** The adjoint placeholder w̄ of one shape: a variable no formula can name. */
function placeholder(graph: Graph, s: Shape): Node {
  const kind: VarKind = isScalar(s) ? 'scalar' : isColumn(s) ? 'vector' : 'matrix';
  return graph.variable(ADJOINT, kind, s);
}

/** The tangent of `n` from its arguments' tangents (undefined where an argument has none), or undefined when it is zero. */
function tangentOf(graph: Graph, n: Node, dots: readonly (Node | undefined)[]): Node | undefined {
  const adjoint = placeholder(graph, n.shape);
  const needed = dots.map((d) => d !== undefined);
  const transposed = OPS[n.op].vjp(n, adjoint, graph, needed);
  let inner: Node | undefined;
  dots.forEach((dot, i) => {
    const c = transposed[i];
    if (dot === undefined || c === undefined) return;
    const term = graph.sum(graph.mul(dot, c));
    inner = inner === undefined ? term : graph.add(inner, term);
  });
  if (inner === undefined) return undefined;
  return vjp(graph, inner, graph.constant(1), [adjoint])[0];
}

/**
 * The tangent of each of `outputs` when each seeded node moves along its seed (`seeds`: node id
 * → a node of that node's shape): a node of the output's shape, or undefined where no seeded
 * node reaches it (its tangent is zero).
 */
export function tangents(
  graph: Graph,
  outputs: readonly Node[],
  seeds: ReadonlyMap<number, Node>,
): (Node | undefined)[] {
  const dots = new Map<number, Node>(seeds);
  for (const n of reachable(outputs)) {
    if (dots.has(n.id) || n.args.length === 0) continue;
    const argDots = n.args.map((a) => dots.get(a.id));
    if (argDots.every((d) => d === undefined)) continue;
    const dot = tangentOf(graph, n, argDots);
    if (dot !== undefined) dots.set(n.id, dot);
  }
  const result = outputs.map((o) => dots.get(o.id));
  const found = result.filter((d) => d !== undefined);
  if (reachable(found).some((m) => m.op === 'var' && m.attrs.name === ADJOINT)) {
    throw new Error('internal: a vector-Jacobian rule is not linear in its adjoint');
  }
  return result;
}
