/** Formula text → generated TypeScript module text. */
import { generateModule } from './codegen/module.js';
import { differentiate } from './diff/differentiate.js';
import { checkFormula } from './front.js';

/**
 * Compiles a formula file's text to the TypeScript module `gradc compile` writes: standalone,
 * strict-mode clean, formatted, byte-identical on every run.
 *
 * @param text - The formula file's text.
 * @param path - Shown in error messages; the module header names its base name. Default `model.formula`.
 * @returns The module's text.
 * @throws `GradcError` (the promise rejects) when the formula does not check, or when the
 *   module's names would clash (`grad f wrt value`, a definition named `fGrad`).
 * @example
 * ```ts
 * const code = await compile('x : vector(n)\nL = x^T x\ngrad L wrt x\n', 'square.formula');
 * writeFileSync('generated/square.ts', code); // exports L, LGrad and LGradInto
 * ```
 */
export async function compile(text: string, path = 'model.formula'): Promise<string> {
  const model = checkFormula(text, path);
  const base = path.split(/[\\/]/).pop() ?? path;
  return generateModule(model, differentiate(model), { sourceName: base });
}
