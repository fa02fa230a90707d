/**
 * `gradc derive` and `gradc latex` as functions of a formula file's text, beside `compile`
 * (compile.ts): one call from text to printed lines, for callers that do not need the model.
 */
import { differentiate, type DifferentiateOptions } from './diff/differentiate.js';
import { checkFormula } from './front.js';
import { toFormula } from './print/formula.js';
import { toLatex, type LatexOptions } from './print/latex.js';

/**
 * What `gradc derive` prints: one line `dL_dA = <expression>` per requested gradient, in formula
 * syntax and in terms of the formula's own definitions. Appended to the formula (without its
 * `grad` lines), the lines are valid definitions of the gradients.
 *
 * @param text - The formula file's text.
 * @param path - Shown in error messages (default `<input>`).
 * @returns One line per `wrt` name of each `grad` line, in file order.
 * @throws `GradcError` listing every problem, when the formula does not check.
 * @example
 * ```ts
 * derive('x : vector(n)\nL = x^T x\ngrad L wrt x\n'); // ['dL_dx = 2 x']
 * ```
 */
export function derive(text: string, path?: string): string[] {
  const model = checkFormula(text, path);
  return toFormula(model, differentiate(model), { share: true }).map((line) => line.text);
}

/**
 * What `gradc latex` prints: one `\[ ... \]` display per line, every definition and then every
 * requested gradient; with `{ steps: true }`, the backprop derivation (see {@link latexSteps}).
 *
 * @param text - The formula file's text.
 * @param path - Shown in error messages (default `<input>`).
 * @param options - `steps: true` for the derivation.
 * @returns The display lines, without line breaks.
 * @throws `GradcError` listing every problem, when the formula does not check.
 * @example
 * ```ts
 * latex('x : vector(n)\nL = x^T x\ngrad L wrt x\n');
 * // ['\\[ L = x^\\top x \\]', '\\[ \\frac{\\partial L}{\\partial x} = 2 x \\]']
 * ```
 */
export function latex(text: string, path?: string, options: LatexOptions & DifferentiateOptions = {}): string[] {
  const model = checkFormula(text, path);
  return toLatex(model, differentiate(model, options), options);
}
