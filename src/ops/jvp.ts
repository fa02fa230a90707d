/**
 * Forward-mode Jacobians in the vec convention, for `jacobian` and `hessian` requests: each op's
 * `jvp` rule takes the Jacobians of its arguments with respect to one wrt value X, d vec(arg) /
 * d vec(X)ᵀ (entries of the argument x entries of X, columns stacked as in Magnus & Neudecker;
 * undefined where the argument does not depend on X) and returns the node's. A vector's entries
 * are numbered alike as a column or a row, so a transpose of a vector passes its Jacobian
 * through; a matrix's transpose is a commutation matrix K times it.
 */
import type { Node } from '../ir/node.js';
import { entryCount, isColumn, isRow, isScalar, sameShape, shape, type Dim, type Shape } from '../ir/shape.js';
import type { Builder, JvpRule } from './types.js';

/** The number of entries of a value: rows x cols (a product of dimensions for a matrix). */
export function entries(s: Shape): Dim {
  return entryCount(s);
}

/** A value as the column of its entries, vec(v): a row transposed, a matrix's columns stacked. */
export function column(g: Builder, v: Node): Node {
  return g.vec(v);
}

const isVectorLike = (s: Shape): boolean => isScalar(s) || isColumn(s) || isRow(s);

/**
 * The Jacobian of a value of shape `from` broadcast to `to` (README, "The formula language"), from the Jacobian
 * J of the value: a scalar repeated (1 J); a column repeated across c columns ((1_c ⊗ I_r) J);
 * a row repeated down r rows ((I_c ⊗ 1_r) J).
 */
function broadcastJacobian(g: Builder, from: Shape, to: Shape, J: Node): Node {
  if (sameShape(from, to)) return J;
  if (isScalar(from)) return g.matmul(g.ones(shape(entries(to), 1)), J);
  if (from.cols === 1) return g.matmul(g.kron(g.ones(shape(to.cols, 1)), g.eye(to.rows)), J);
  return g.matmul(g.kron(g.eye(to.cols), g.ones(shape(to.rows, 1))), J);
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
 * Σ_k diag(vec ∂node/∂arg_k) E_k J_k (E_k the broadcast of arg k, broadcastJacobian), written as a
 * column times a matrix (broadcast across its columns); an argument broadcast from a scalar
 * contributes the outer product of the partials with its row J_k.
 */
export function elementwiseJvp(
  partials: (n: Node, g: Builder, needed: readonly boolean[]) => readonly (Node | undefined)[],
): JvpRule {
  return (n, jacobians, g) => {
    const ps = partials(
      n,
      g,
      jacobians.map((j) => j !== undefined),
    );
    return total(
      g,
      n.args.map((arg, k) => {
        const J = jacobians[k];
        const p = ps[k];
        if (J === undefined || p === undefined) return undefined;
        // The partial spread to the node's shape, as the column of its entries.
        const spread = isScalar(p.shape) || sameShape(p.shape, n.shape) ? p : g.mul(p, g.ones(n.shape));
        if (isScalar(arg.shape) && !isScalar(n.shape)) {
          const c = isScalar(spread.shape) ? g.mul(spread, g.ones(shape(entries(n.shape), 1))) : column(g, spread);
          return g.matmul(c, J);
        }
        if (isVectorLike(n.shape)) return g.mul(column(g, p), J);
        return g.mul(column(g, spread), broadcastJacobian(g, arg.shape, n.shape, J));
      }),
    );
  };
}

/** A reduction to a scalar that is linear in its argument with weights `w` (a column): wᵀ J. */
export function weighted(g: Builder, w: Node, J: Node): Node {
  return g.matmul(g.transpose(w), J);
}
