/**
 * Forward-mode Jacobians of vector-shaped values, for `jacobian` and `hessian` requests: each
 * op's `jvp` rule takes the Jacobians of its arguments with respect to one wrt value (entries
 * of the argument x entries of the wrt, undefined where the argument does not depend on it) and
 * returns the node's. A vector's Jacobian numbers its entries whether it is a column or a row, so
 * a transpose of a vector passes its Jacobian through; the engine (src/diff/jacobian.ts) stops
 * at a matrix-valued intermediate, which has no 2-D Jacobian.
 */
import type { Node } from '../ir/node.js';
import { isRow, isScalar, shape, type Dim, type Shape } from '../ir/shape.js';
import type { Builder, JvpRule } from './types.js';

/** The number of entries of a scalar, column or row. */
export function entries(s: Shape): Dim {
  return isRow(s) ? s.cols : s.rows;
}

/** A scalar, column or row as the column of its entries. */
export function column(g: Builder, v: Node): Node {
  return isRow(v.shape) ? g.transpose(v) : v;
}

/** Sums contributions, skipping those that are absent. */
export function total(g: Builder, parts: readonly (Node | undefined)[]): Node | undefined {
  let sum: Node | undefined;
  for (const p of parts) if (p !== undefined) sum = sum === undefined ? p : g.add(sum, p);
  return sum;
}

/** Leaves and constants: nothing flows into them. */
export const leafJvp: JvpRule = (n) => {
  throw new Error(`internal: ${n.op} has no arguments to differentiate`);
};

/**
 * The rule of an elementwise op (with broadcasting) from its partial derivatives: the Jacobian is
 * Σ_k diag(∂node/∂arg_k) J_k, written as a column times J_k (broadcast across its columns), and an
 * argument broadcast from a scalar contributes the outer product of the partials with its row J_k.
 */
export function elementwiseJvp(partials: (n: Node, g: Builder, needed: readonly boolean[]) => readonly (Node | undefined)[]): JvpRule {
  return (n, jacobians, g) => {
    const ps = partials(n, g, jacobians.map((j) => j !== undefined));
    return total(
      g,
      n.args.map((arg, k) => {
        const J = jacobians[k];
        const p = ps[k];
        if (J === undefined || p === undefined) return undefined;
        if (isScalar(arg.shape) && !isScalar(n.shape)) {
          const c = isScalar(p.shape) ? g.mul(p, g.ones(shape(entries(n.shape), 1))) : column(g, p);
          return g.matmul(c, J);
        }
        return g.mul(column(g, p), J);
      }),
    );
  };
}

/** A reduction to a scalar that is linear in its argument with weights `w` (a column): wᵀ J. */
export function weighted(g: Builder, w: Node, J: Node): Node {
  return g.matmul(g.transpose(w), J);
}
