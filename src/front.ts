/** The front end as one call: text → checked model, or a GradcError listing every problem. */
import { elaborate } from './ir/elaborate.js';
import type { Model } from './ir/model.js';
import { FUNCTION_NAMES } from './ops/functions.js';
import { Diagnostics } from './syntax/errors.js';
import { parseProgram } from './syntax/parse.js';
import { Source } from './syntax/source.js';

/** The op table's function names, for the parser: syntax is the bottom layer and does not read the table. */
const FUNCTION_SET: ReadonlySet<string> = new Set(FUNCTION_NAMES);

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
  const program = parseProgram(source, diagnostics, FUNCTION_SET);
  const model = elaborate(source, program, diagnostics);
  diagnostics.throwIfAny(source);
  return model;
}
