/** The front end as one call: text → checked model, or a GradcError listing every problem. */
import { elaborate } from './ir/elaborate.js';
import type { Model } from './ir/model.js';
import { Diagnostics } from './syntax/errors.js';
import { parseProgram } from './syntax/parse.js';
import { Source } from './syntax/source.js';

export function checkFormula(text: string, path = '<input>'): Model {
  const source = new Source(path, text);
  const diagnostics = new Diagnostics();
  const program = parseProgram(source, diagnostics);
  const model = elaborate(source, program, diagnostics);
  diagnostics.throwIfAny(source);
  return model;
}
