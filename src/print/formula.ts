/** `gradc derive`: derivatives as formula lines that can be appended to the input. */
import type { Derivatives } from '../diff/differentiate.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { definitionNames, derivativeName, readable } from './definitions.js';
import { toFormulaHigher, type HigherLine } from './higher.js';
import { Printer } from './printer.js';
import { shareSubexpressions } from './common-subexpressions.js';

export { definitionNames, derivativeName } from './definitions.js';

/**
 * One derived gradient in formula syntax: `name = expression` is a valid definition. `name` is
 * `d<of>_d<wrt>` (`dL_dA`), made unique against the formula's names (`dL_dA_2`).
 */
export interface FormulaLine {
  readonly name: string;
  readonly of: string;
  readonly wrt: string;
  readonly expression: string;
  /** A local name for a subexpression the gradients share (`of` and `wrt` are empty). */
  readonly local?: boolean;
  /**
   * The line of a `jacobian`, `hessian` or `hvp` request (`wrt` lists its variables, comma
   * separated), or the declaration of an HVP's direction (`expression` is its type, `text`
   * `v_W : matrix(h, n)`); absent on gradient and local lines.
   */
  readonly kind?: HigherLine['kind'];
  /** The line as a statement of the formula language: `dL_dA = ...`, `v_W : matrix(h, n)`. */
  readonly text: string;
}

/** Options of `toFormula`. */
export interface FormulaOptions {
  /**
   * Name the subexpressions the gradients share (issue 14): local lines (`t = ...`, flagged
   * `local`) come first, and the gradients are printed in terms of them. Off by default: one
   * line per gradient, each on its own.
   */
  readonly share?: boolean;
  /**
   * The lines of `jacobian`, `hessian` and `hvp` requests after the gradients, as `gradc derive`
   * prints them (default true).
   */
  readonly higher?: boolean;
}

/**
 * Prints each derived gradient in formula syntax, in terms of the model's definitions: the
 * lines `gradc derive` prints. Appended to the formula (without its `grad` lines), they are
 * valid definitions of the gradients.
 *
 * @param model - The checked model.
 * @param derived - Its derivatives, from `differentiate(model)`.
 * @param options - `share: true` to name shared subexpressions once, in local lines first.
 * @returns One line per `wrt` name of each `grad` line, in file order (after the local lines),
 *   then the lines of the `jacobian`, `hessian` and `hvp` requests (unless `higher: false`).
 * @example
 * ```ts
 * const model = checkFormula('x : vector(n)\nL = x^T x\ngrad L wrt x\n');
 * toFormula(model, differentiate(model)); // [{ name: 'dL_dx', of: 'L', wrt: 'x', expression: '2 x' }]
 * ```
 */
export function toFormula(model: Model, derivatives: Derivatives, options: FormulaOptions = {}): FormulaLine[] {
  const derived = readable(derivatives);
  const taken = new Set<string>([
    ...model.variables.map((v) => v.name),
    ...model.definitions.map((d) => d.name),
    ...model.dims,
  ]);
  const named: { name: string; of: string; wrt: string; node: Node }[] = [];
  for (const d of derived.gradients) {
    for (const r of d.results)
      named.push({
        name: derivativeName(d.request.target.name, r.name, taken),
        of: d.request.target.name,
        wrt: r.name,
        node: r.node,
      });
  }
  const withHigher = options.higher !== false && derived.higher.length > 0;
  let names: ReadonlyMap<number, string> = definitionNames(model);
  const locals: FormulaLine[] = [];
  if (options.share === true) {
    // Named once across every request of the file: gradients, Jacobians, Hessian blocks, HVPs.
    const roots = [
      ...named.map((l) => l.node),
      ...(withHigher ? derived.higher.flatMap((h) => h.blocks.map((b) => b.node)) : []),
    ];
    const shared = shareSubexpressions(roots, names, taken);
    names = shared.names;
    const printer = new Printer('formula', names);
    for (const l of shared.locals) {
      const expression = printer.expand(l.node).text;
      locals.push({ name: l.name, of: '', wrt: '', expression, local: true, text: `${l.name} = ${expression}` });
    }
  }
  const printer = new Printer('formula', names);
  const gradients: FormulaLine[] = named.map((l) => {
    const expression = printer.text(l.node);
    return { name: l.name, of: l.of, wrt: l.wrt, expression, text: `${l.name} = ${expression}` };
  });
  if (!withHigher) return [...locals, ...gradients];
  const reserved = new Set([...locals, ...gradients].map((l) => l.name));
  // Two HVPs with respect to one variable share its direction: declared once, so the lines read back.
  const declared = new Set<string>();
  const higherLines = toFormulaHigher(model, derived.higher, reserved, names).filter((h) => {
    if (h.kind !== 'direction') return true;
    if (declared.has(h.text)) return false;
    declared.add(h.text);
    return true;
  });
  const higher: FormulaLine[] = higherLines.map((h) => {
    const expression =
      h.kind === 'direction' ? h.text.slice(`${h.name} : `.length) : h.text.slice(`${h.name} = `.length);
    return { name: h.name, of: h.of, wrt: h.wrt.join(', '), expression, kind: h.kind, text: h.text };
  });
  // An HVP's direction is declared before a local line that uses it.
  const directions = higher.filter((l) => l.kind === 'direction');
  const directionNames = new Set(directions.map((d) => d.name));
  const usesDirection = locals.some((l) =>
    (l.expression.match(/[\p{L}_][\p{L}\p{N}_]*/gu) ?? []).some((t) => directionNames.has(t)),
  );
  if (!usesDirection) return [...locals, ...gradients, ...higher];
  return [...directions, ...locals, ...gradients, ...higher.filter((l) => l.kind !== 'direction')];
}
