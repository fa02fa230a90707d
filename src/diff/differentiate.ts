/**
 * The derivatives a model requests, each derived once: reverse mode, then canonicalisation.
 * Printers and the code generator receive them; none of them differentiates.
 */
import type { GradRequest, Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { factorForReading } from '../simplify/factor.js';
import { simplify } from '../simplify/simplify.js';
import { differentiateHigher, type DerivedHigher } from './higher.js';
import { forwardNodes, gradients } from './reverse.js';
import { backprops, type Backprop } from './steps.js';

/**
 * The derivatives of one `grad` line: for `grad L wrt A, b`, the gradients of L with respect to
 * A and to b, simplified, as nodes of the model's graph (so they share its forward values).
 */
export interface DerivedGradient {
  readonly request: GradRequest;
  /** One simplified gradient per `wrt` name, in the order written. */
  readonly results: readonly { readonly name: string; readonly node: Node }[];
}

/** Every derivative a model requests, as `differentiate` returns them. */
export interface Derivatives {
  /** One per `grad` line, in file order. */
  readonly gradients: readonly DerivedGradient[];
  /** One per `jacobian`, `hessian` and `hvp` line, in file order. */
  readonly higher: readonly DerivedHigher[];
  /** With `{ steps: true }`: the backward pass of each differentiated target, adjoint by adjoint (what `gradc latex --steps` prints). */
  readonly steps?: readonly Backprop[];
  /**
   * The form printers show a derivative in, by the id of its node where that differs: common
   * factors of matrix products taken out ((diag(a) - a aᵀ) Kᵀ), which the code generator would
   * pay for with a dense temporary. Equal in value to the node.
   */
  readonly printed?: ReadonlyMap<number, Node>;
}

/** Options of `differentiate`. */
export interface DifferentiateOptions {
  /** Also derive the backward pass step by step (`Derivatives.steps`). */
  readonly steps?: boolean;
}

function differentiateRequest(model: Model, request: GradRequest, frozen = forwardNodes(model)): DerivedGradient {
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

/** The printed form of each derivative that reads differently (`Derivatives.printed`). */
function readableForms(model: Model, roots: readonly Node[], frozen: ReadonlySet<number>): Map<number, Node> {
  const forms = factorForReading(model.graph, roots, frozen);
  return new Map(roots.flatMap((r, i) => (forms[i] === r ? [] : [[r.id, forms[i]!] as const])));
}

/**
 * Derives every derivative the model requests, once: the gradients of `grad` lines (reverse
 * mode over whole matrices, then the simplifier), then the Jacobians, Hessian blocks and HVPs of
 * `jacobian`, `hessian` and `hvp` lines. Forward values are never rewritten, so the derivatives
 * read in terms of the model's definitions.
 *
 * @param model - A checked model, from `checkFormula`.
 * @param options - `steps: true` to derive the backward pass step by step as well (for `toLatex`).
 * @returns The derivatives: `gradients`, one per `grad` line, and `higher`, one per higher line, in file order.
 * @example
 * ```ts
 * const model = checkFormula('x : vector(n)\nL = x^T x\ngrad L wrt x\n');
 * const derived = differentiate(model);
 * derived.gradients[0].results.map((r) => r.name); // ['x']
 * toFormula(model, derived.gradients)[0].expression; // '2 x'
 * ```
 */
export function differentiate(model: Model, options: DifferentiateOptions = {}): Derivatives {
  const frozen = forwardNodes(model);
  const gradients = model.requests.map((r) => differentiateRequest(model, r, frozen));
  const higher = model.higherRequests.map((r) => differentiateHigher(model, r, frozen));
  const printed = readableForms(
    model,
    [...gradients.flatMap((d) => d.results.map((r) => r.node)), ...higher.flatMap((h) => h.blocks.map((b) => b.node))],
    frozen,
  );
  return { gradients, higher, ...(options.steps === true ? { steps: backprops(model, gradients) } : {}), printed };
}
