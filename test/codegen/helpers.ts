import { compile } from '../../src/compile.js';
import { loadModule, typeCheckModule } from '../../src/check/load.js';
import type { Precision } from '../../src/codegen/precision.js';

export type Fn = (inputs: Record<string, unknown>, out?: Record<string, unknown>) => unknown;

/** Compiles formula text, asserts the module type-checks strictly, and loads it. */
export async function compileAndLoad(
  text: string,
  path = 'test.formula',
  precision: Precision = 'f64',
): Promise<{ code: string; exports: Record<string, Fn> }> {
  const code = await compile(text, path, { precision });
  const errors = await typeCheckModule(code);
  if (errors.length > 0) throw new Error(`generated module does not type-check:\n${errors.join('\n')}\n${code}`);
  return { code, exports: (await loadModule(code)) as Record<string, Fn> };
}

/** A row-major matrix as generated modules take and return it. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** The rows x cols matrix with entry (i, j) = f(i, j). */
export const matrix = (rows: number, cols: number, f: (i: number, j: number) => number): Matrix => ({
  rows,
  cols,
  data: Float64Array.from({ length: rows * cols }, (_, k) => f(Math.floor(k / cols), k % cols)),
});

/** Entry (i, j) of `m`. */
export const at = (m: Matrix, i: number, j: number): number => m.data[i * m.cols + j]!;
