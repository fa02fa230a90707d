/**
 * `gradc latex`: every definition and requested gradient as display math, one `\[ ... \]`
 * per line so tools can split the output; with `steps`, the backward pass the way the
 * handouts teach backprop, one adjoint at a time from the loss down.
 */
import type { DerivedGradient, Derivatives } from '../diff/differentiate.js';
import type { Backprop } from '../diff/steps.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { Prec, type Printed } from '../ops/print-types.js';
import { definitionNames, derivativeName } from './formula.js';
import { readable } from './definitions.js';
import { shapeSuffix, toLatexHigher } from './higher.js';
import { shareSubexpressions, type SharedNames } from './common-subexpressions.js';
import { latexName, spaceWords } from './names.js';
import { Printer } from './printer.js';

/** Options of `toLatex` (and of `latex`). */
export interface LatexOptions {
  /** Append `\in \mathbb{R}^{m \times n}` to every derivative. */
  readonly shapes?: boolean;
  /** `denominator`: Jacobians transposed (n x m), as the CS 316 notes write them; default numerator. */
  readonly layout?: 'numerator' | 'denominator';
}

/** `\frac{\partial L}{\partial A}` */
export function partial(of: string, wrt: string): string {
  return `\\frac{\\partial ${latexName(of)}}{\\partial ${latexName(wrt)}}`;
}

/** One display: `\[ lhs = rhs = ... \]`. */
const display = (...sides: readonly string[]): string => `\\[ ${spaceWords(sides.join(' = '))} \\]`;

/**
 * Prints the model as LaTeX display math, one `\[ ... \]` per line, as `gradc latex` does: the
 * definitions in file order, then each requested gradient (`\frac{\partial L}{\partial A} = ...`),
 * then the derivatives of the higher lines. When the derivatives include the backward pass step by
 * step (`differentiate(model, { steps: true })`), the derivation instead of the gradients
 * (`gradc latex --steps`, see latexSteps): each adjoint from the loss down, in terms of the one before.
 *
 * @param model - The checked model.
 * @param derived - Its derivatives, from `differentiate(model)`.
 * @param options - `shapes: true` to append each derivative's shape; `layout` of Jacobians.
 * @returns The display lines, without line breaks.
 * @example
 * ```ts
 * const model = checkFormula('x : vector(n)\nL = x^T x\ngrad L wrt x\n');
 * toLatex(model, differentiate(model));
 * // ['\\[ L = x^\\top x \\]', '\\[ \\frac{\\partial L}{\\partial x} = 2 x \\]']
 * ```
 */
export function toLatex(model: Model, derivatives: Derivatives, options: LatexOptions = {}): string[] {
  const derived = readable(derivatives);
  if (derived.steps !== undefined) return latexSteps(model, derived.gradients, derived.steps, options, derived.higher);
  // Subexpressions a derivative repeats get a local name, defined on a "where" line after the
  // derivatives (the names `gradc derive` gives them, across gradients and higher requests).
  const shared = sharedNames(model, derived);
  const higher = toLatexHigher(model, derived.higher, options, shared.names);
  const printer = new Printer('latex', shared.names);
  const lines = forwardLines(model);
  for (const g of derived.gradients) {
    for (const r of g.results)
      lines.push(
        display(
          partial(g.request.target.name, r.name),
          `${printer.text(r.node)}${options.shapes === true ? shapeSuffix(r.node.shape) : ''}`,
        ),
      );
  }
  lines.push(...higher);
  lines.push(...whereLine(shared, printer));
  return lines;
}

/** The local names of the derivatives' shared subexpressions, as `gradc derive` gives them. */
function sharedNames(model: Model, derived: Derivatives): SharedNames {
  const taken = new Set<string>([
    ...model.variables.map((v) => v.name),
    ...model.definitions.map((d) => d.name),
    ...model.dims,
  ]);
  for (const g of derived.gradients) for (const r of g.results) derivativeName(g.request.target.name, r.name, taken);
  return shareSubexpressions(
    [
      ...derived.gradients.flatMap((g) => g.results.map((r) => r.node)),
      ...derived.higher.flatMap((h) => h.blocks.map((b) => b.node)),
    ],
    definitionNames(model),
    taken,
  );
}

/** `\[ \text{where } t = ..., \quad u = ... \]`, or nothing when there are no local names. */
function whereLine(shared: SharedNames, printer: Printer): string[] {
  if (shared.locals.length === 0) return [];
  return [
    display(
      `\\text{where } ${shared.locals.map((l) => `${latexName(l.name)} = ${printer.expand(l.node).text}`).join(', \\quad ')}`,
    ),
  ];
}

function forwardLines(model: Model): string[] {
  const printer = new Printer('latex', definitionNames(model));
  return model.definitions.map((d) => display(latexName(d.name), printer.expand(d.node).text));
}

/** A Printer that also shows some nodes as given LaTeX symbols (the adjoints already derived). */
class SymbolPrinter extends Printer {
  constructor(
    names: ReadonlyMap<number, string>,
    private readonly symbols: ReadonlyMap<number, string>,
  ) {
    super('latex', names);
  }

  override print(n: Node): Printed {
    const symbol = this.symbols.get(n.id);
    return symbol !== undefined ? { text: symbol, prec: Prec.Atom } : super.print(n);
  }
}

/**
 * The derivation as the handouts write it (`derivatives.steps`, from `differentiate(model, {
 * steps: true })`): the forward quantities in order, then, for each differentiated target L,
 * the adjoint of every definition on a path from L to a requested node, from L down, each
 * written with the adjoints before it:
 *
 *   \frac{\partial L}{\partial z_4} = 2 z_4
 *   \frac{\partial L}{\partial z_3} = -\frac{\partial L}{\partial z_4}
 *   \frac{\partial L}{\partial b} = \frac{\partial L}{\partial z_3} z_2 = -2 z_4 z_2
 *
 * A requested gradient comes right after the last adjoint it needs, and also in closed form
 * (in forward quantities only) when that reads differently. Requests of the same target
 * share one backward pass.
 */
export function latexSteps(
  model: Model,
  gradients: readonly DerivedGradient[],
  steps: readonly Backprop[],
  options: LatexOptions = {},
  /** The higher requests' derivatives, whose shared subexpressions are named with the gradients'. */
  higher: Derivatives['higher'] = [],
): string[] {
  const lines = forwardLines(model);
  // Closed forms as the plain output prints them, with its local names.
  const shared = sharedNames(model, { gradients, higher });
  const closedPrinter = new Printer('latex', shared.names);
  for (const b of steps) lines.push(...backwardLines(model, b, closedPrinter, options.shapes === true));
  // The higher requests' derivatives with the same local names, defined on the one where line.
  lines.push(...toLatexHigher(model, higher, options, shared.names));
  lines.push(...whereLine(shared, closedPrinter));
  return lines;
}

function backwardLines(model: Model, backprop: Backprop, closedPrinter: Printer, shapes: boolean): string[] {
  const size = (n: Node) => (shapes ? shapeSuffix(n.shape) : '');
  const target = backprop.target.name;
  // An adjoint reads only the symbols of the steps before it.
  const symbols = new Map<number, string>();
  for (const step of backprop.steps)
    if (step.symbol !== undefined) symbols.set(step.symbol.id, partial(target, step.name));
  const printer = new SymbolPrinter(definitionNames(model), symbols);
  const lines: string[] = [];
  for (const step of backprop.steps) {
    const adjoint = printer.text(step.adjoint);
    const closed = step.closed !== undefined ? closedPrinter.text(step.closed) : adjoint;
    const right = closed !== adjoint ? [adjoint, closed] : [adjoint];
    lines.push(
      display(partial(target, step.name), ...right.slice(0, -1), `${right[right.length - 1]!}${size(step.node)}`),
    );
  }
  // Requested nodes the target does not pass through (zero), or the target itself (one).
  for (const r of backprop.rest)
    lines.push(display(partial(target, r.name), `${closedPrinter.text(r.closed)}${size(r.closed)}`));
  return lines;
}
