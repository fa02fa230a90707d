/**
 * Jacobians in matrix form, in the vec convention (README, "Jacobians, Hessians and Hessian-vector products"): forward mode from one wrt
 * value, whose Jacobian is the identity, through each op's `jvp` rule (src/ops/jvp.ts) to the
 * output; a matrix-valued value's Jacobian has a row per entry, columns stacked. Every Jacobian is a node of the
 * same graph, so it shares the forward (and, for Hessians, the backward) values, and the
 * simplifier sees whole matrix expressions: the Jacobian of an elementwise layer is a column
 * times a matrix (diag(c) W), that of softmax diag(p) - p pᵀ.
 */
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { isScalar, shape } from '../ir/shape.js';
import { reachable } from '../ir/walk.js';
import { entries } from '../ops/jvp.js';
import { OPS } from '../ops/index.js';

/**
 * The Jacobian of `output` with respect to `wrt`, of any shapes, in numerator layout:
 * d vec(output) / d vec(wrt)ᵀ, entries(output) x entries(wrt), entry (i, j) = d vec(output)_i /
 * d vec(wrt)_j. Zeros when the output does not depend on it.
 */
export function jacobian(graph: Graph, output: Node, wrt: Node): Node {
  const size = shape(entries(output.shape), entries(wrt.shape));
  const jacobians = new Map<number, Node>();
  jacobians.set(wrt.id, isScalar(wrt.shape) ? graph.constant(1) : graph.eye(entries(wrt.shape)));
  for (const n of reachable([output])) {
    if (n === wrt || n.args.length === 0) continue;
    const argJacobians = n.args.map((a) => jacobians.get(a.id));
    if (argJacobians.every((j) => j === undefined)) continue;
    const j = OPS[n.op].jvp(n, argJacobians, graph);
    if (j !== undefined) jacobians.set(n.id, j);
  }
  return jacobians.get(output.id) ?? graph.zeros(size);
}
