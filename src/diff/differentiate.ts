/** The derivatives a model requests: reverse mode, then canonicalisation. */
import type { GradRequest, Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { simplify } from '../simplify/simplify.js';
import { gradients, reachable } from './reverse.js';

/**
 * The derivatives of one `grad` line: for `grad L wrt A, b`, the gradients of L with respect to
 * A and to b, simplified, as nodes of the model's graph (so they share its forward values).
 */
export interface DerivedGradient {
  readonly request: GradRequest;
  /** One simplified gradient per `wrt` name, in the order written. */
  readonly results: readonly { readonly name: string; readonly node: Node }[];
}

/** Ids of every forward value of the model: never rewritten by the simplifier. */
export function forwardNodes(model: Model): Set<number> {
  const roots = [...model.definitions.map((d) => d.node), ...model.variables.map((v) => v.node)];
  return new Set(reachable(roots).map((n) => n.id));
}

export function differentiateRequest(model: Model, request: GradRequest, frozen = forwardNodes(model)): DerivedGradient {
  const graph = model.graph;
  // Nodes built for this derivative point at the request line, not at the last line checked.
  const previous = graph.span;
  graph.span = request.span;
  try {
    const raw = gradients(
      graph,
      request.target.node,
      request.wrt.map((w) => w.node),
    );
    const simplified = simplify(graph, raw, { frozen });
    return { request, results: request.wrt.map((w, i) => ({ name: w.name, node: simplified[i]! })) };
  } finally {
    graph.span = previous;
  }
}

/**
 * Derives every gradient the model requests: reverse mode over whole matrices, then the
 * simplifier. Forward values are never rewritten, so the gradients read in terms of the
 * model's definitions.
 *
 * @param model - A checked model, from `checkFormula`.
 * @returns One `DerivedGradient` per `grad` line, in file order.
 * @example
 * ```ts
 * const model = checkFormula('x : vector(n)\nL = x^T x\ngrad L wrt x\n');
 * const derived = differentiate(model);
 * derived[0].results.map((r) => r.name); // ['x']
 * toFormula(model, derived)[0].expression; // '2 x'
 * ```
 */
export function differentiate(model: Model): DerivedGradient[] {
  const frozen = forwardNodes(model);
  return model.requests.map((r) => differentiateRequest(model, r, frozen));
}
