/**
 * Jacobians in matrix form: forward mode from one wrt value, whose Jacobian is the identity,
 * through each op's `jvp` rule (src/ops/jvp.ts) to the output. Every Jacobian is a node of the
 * same graph, so it shares the forward (and, for Hessians, the backward) values, and the
 * simplifier sees whole matrix expressions: the Jacobian of an elementwise layer is a column
 * times a matrix (diag(c) W), that of softmax diag(p) - p pᵀ.
 */
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { describeShape, isColumn, isRow, isScalar, shape, type Shape } from '../ir/shape.js';
import { reachable } from '../ir/walk.js';
import { entries } from '../ops/jvp.js';
import { OPS } from '../ops/index.js';

/** A matrix-valued intermediate that depends on the wrt value: it has no 2-D Jacobian. */
export class MatrixFlow extends Error {
  constructor(readonly node: Node) {
    super(`a Jacobian through the matrix-valued ${describeShape(node.shape)}`);
  }
}

const isVectorLike = (s: Shape): boolean => isScalar(s) || isColumn(s) || isRow(s);

/**
 * The Jacobian of `output` (a scalar, column or row) with respect to `wrt` (likewise), in
 * numerator layout: entries(output) x entries(wrt), entry (i, j) = d output_i / d wrt_j.
 * Zeros when the output does not depend on it.
 *
 * @throws MatrixFlow when a matrix-valued value between them depends on `wrt`.
 */
export function jacobian(graph: Graph, output: Node, wrt: Node): Node {
  const size = shape(entries(output.shape), entries(wrt.shape));
  const jacobians = new Map<number, Node>();
  jacobians.set(wrt.id, isScalar(wrt.shape) ? graph.constant(1) : graph.eye(entries(wrt.shape)));
  for (const n of reachable([output])) {
    if (n === wrt || n.args.length === 0) continue;
    const argJacobians = n.args.map((a) => jacobians.get(a.id));
    if (argJacobians.every((j) => j === undefined)) continue;
    if (!isVectorLike(n.shape)) throw new MatrixFlow(n);
    const j = OPS[n.op].jvp(n, argJacobians, graph);
    if (j !== undefined) jacobians.set(n.id, j);
  }
  return jacobians.get(output.id) ?? graph.zeros(size);
}
