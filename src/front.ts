/** The front end as one call: text → checked model, or a GradcError listing every problem. */
import { elaborate } from './ir/elaborate.js';
import { argumentFromText, instead } from './ir/hints.js';
import type { Model } from './ir/model.js';
import { FUNCTION_NAMES } from './ops/functions.js';
import { Diagnostics } from './diagnostics/errors.js';
import { parseProgram, type ParseOptions } from './syntax/parse.js';
import { Source } from './diagnostics/source.js';

/**
 * What the parser knows of the op table (syntax sits below it and does not read it): the
 * function names, and gradc's equivalent of another library's call (`np.exp(x)` → `exp(x)`).
 */
export const PARSE_OPTIONS: ParseOptions = {
  functionNames: new Set(FUNCTION_NAMES),
  libraryCall: (fn, args) =>
    instead(
      fn,
      args?.map((a) => argumentFromText(a, 'x')),
      { prefixed: true },
    ),
};

/**
 * Parses and checks a formula file's text: every declaration, definition and `grad` line, every
 * name and every shape. All problems are reported together, not just the first.
 *
 * @param text - The formula file's text.
 * @param path - Shown in error messages (`path:line:col: ...`); default `<input>`.
 * @returns The checked model: dimensions, variables, definitions and requests over one IR graph.
 * @throws `GradcError` with a located diagnostic for each problem (at most 20).
 * @example
 * ```ts
 * const model = checkFormula('x : vector(n)\nL = x^T x\ngrad L wrt x\n', 'square.formula');
 * model.dims; // ['n']
 * model.requests[0].functionName; // 'LGrad'
 * ```
 */
export function checkFormula(text: string, path = '<input>'): Model {
  const source = new Source(path, text);
  const diagnostics = new Diagnostics();
  const program = parseProgram(source, diagnostics, PARSE_OPTIONS);
  const model = elaborate(source, program, diagnostics);
  diagnostics.throwIfAny(source);
  return model;
}
