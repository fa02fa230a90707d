/** Formula text → generated TypeScript module text. */
import { generateModule } from './codegen/module.js';
import { differentiate } from './diff/differentiate.js';
import { checkFormula } from './front.js';
import type { Precision } from './codegen/precision.js';

/** Options of `compile`. */
export interface CompileOptions {
  /** The module's number format: `f64` (default, Float64Array) or `f32` (Float32Array, f32x4 kernels). */
  readonly precision?: Precision;
}

/**
 * Compiles a formula file's text to the TypeScript module `gradc compile` writes: standalone,
 * strict-mode clean, formatted, byte-identical on every run.
 *
 * @param text - The formula file's text.
 * @param path - Shown in error messages; the module header names its base name. Default `model.formula`.
 * @param options - `precision`: `f32` for a module on Float32Array (`gradc compile --precision f32`).
 * @returns The module's text.
 * @throws `GradcError` (the promise rejects) when the formula does not check, or when the
 *   module's names would clash (`grad f wrt value`, a definition named `fGrad`).
 * @example
 * ```ts
 * const code = await compile('x : vector(n)\nL = x^T x\ngrad L wrt x\n', 'square.formula');
 * writeFileSync('generated/square.ts', code); // exports L, LGrad and LGradInto
 * ```
 */
export async function compile(text: string, path = 'model.formula', options: CompileOptions = {}): Promise<string> {
  const model = checkFormula(text, path);
  const base = path.split(/[\\/]/).pop() ?? path;
  return generateModule(model, differentiate(model), { sourceName: base, precision: options.precision });
}
