/** Formula text → generated TypeScript module text. */
import { generateModule } from './codegen/module.js';
import { differentiate } from './diff/differentiate.js';
import { checkFormula } from './front.js';

/** Compiles a formula file's text; `path` is shown in errors, and its base name in the module header. */
export async function compile(text: string, path = 'model.formula'): Promise<string> {
  const model = checkFormula(text, path);
  const base = path.split(/[\\/]/).pop() ?? path;
  return generateModule(model, differentiate(model), { sourceName: base });
}
