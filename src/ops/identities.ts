/**
 * What the `identities` of op entries share: how a rewrite reads an argument without looking
 * into a user's definition, and the canonical form of scaling. The graph's smart constructors
 * (src/ir/graph.ts) run each entry's identities before they build a node.
 */
import type { Node } from '../ir/node.js';
import { isScalar } from '../ir/shape.js';
import type { Builder } from './types.js';

/** `s X` with s a scalar and X not, unless it is a user's definition: the canonical form of scaling. */
export function scaling(g: Builder, n: Node): { factor: Node; rest: Node } | undefined {
  if (g.opOf(n) === 'mul' && isScalar(n.args[0]!.shape) && !isScalar(n.args[1]!.shape)) {
    return { factor: n.args[0]!, rest: n.args[1]! };
  }
  return undefined;
}
