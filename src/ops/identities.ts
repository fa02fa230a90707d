/**
 * What the `identities` of op entries share: how a rewrite reads an argument without looking
 * into a user's definition, and the canonical form of scaling. The graph's smart constructors
 * (src/ir/graph.ts) run each entry's identities before they build a node.
 */
import { constValue } from '../ir/constants.js';
import type { Node } from '../ir/node.js';
import { isColumn, isScalar } from '../ir/shape.js';
import type { Builder } from './types.js';

/** `s X` with s a scalar and X not, unless it is a user's definition: the canonical form of scaling. */
export function scaling(g: Builder, n: Node): { factor: Node; rest: Node } | undefined {
  if (g.opOf(n) === 'mul' && isScalar(n.args[0]!.shape) && !isScalar(n.args[1]!.shape)) {
    return { factor: n.args[0]!, rest: n.args[1]! };
  }
  return undefined;
}

/**
 * Whether a scalar is nonnegative by construction (issue 26): a nonnegative number, xᵀ x, a
 * norm, a dimension, an even power, exp, softplus, sqrt, abs, sigmoid, relu, and sums,
 * products and quotients of such. A user's definition is not looked into.
 */
export function nonnegative(n: Node, g: Builder, depth = 0): boolean {
  if (depth > 16 || !isScalar(n.shape)) return false;
  const c = constValue(n);
  if (c !== undefined) return c >= 0;
  const nn = (m: Node) => nonnegative(m, g, depth + 1);
  const op = g.opOf(n);
  if (op === 'norm2' || op === 'dim') return true;
  if (op === 'matmul')
    return g.opOf(n.args[0]!) === 'transpose' && n.args[0]!.args[0] === n.args[1] && isColumn(n.args[1]!.shape);
  if (op === 'unary') return ['exp', 'softplus', 'sqrt', 'abs', 'sigmoid', 'relu'].includes(n.attrs.fn!);
  if (op === 'pow') {
    const e = constValue(n.args[1]!);
    return (e !== undefined && Number.isInteger(e) && e % 2 === 0) || nn(n.args[0]!);
  }
  if (op === 'add' || op === 'mul' || op === 'div') return nn(n.args[0]!) && nn(n.args[1]!);
  return false;
}
