/**
 * The number format of a generated module: `f64` (the default: `Float64Array` storage and results)
 * or `f32` (`gradc compile --precision f32`: `Float32Array` storage and results, f32x4 WebAssembly
 * kernels), for workloads that train in single precision.
 *
 * Code generation writes every array of the module's numbers as `Float64Array`; an f32 module is
 * the same code on `Float32Array` (`retype`), since every array of a module holds numbers of one
 * format. What differs beyond the array type (bytes per entry, lanes per SIMD vector, the wasm
 * kernel's instructions, scalar results rounded to single precision) reads `elementFormat`.
 * Both names have 12 characters, so retyping never changes how prettier lays a line out.
 */
export type Precision = 'f64' | 'f32';

export const PRECISIONS: readonly Precision[] = ['f64', 'f32'];

/** How a module of one precision stores its numbers. */
export interface ElementFormat {
  readonly precision: Precision;
  /** The typed array of the module's numbers. */
  readonly arrayType: 'Float64Array' | 'Float32Array';
  /** Bytes per entry. */
  readonly bytes: 8 | 4;
  /** Entries per 128-bit SIMD vector (f64x2, f32x4). */
  readonly lanes: 2 | 4;
  /** Relative rounding error of one operation: half the distance from 1 to the next number. */
  readonly unitRoundoff: number;
}

const FORMATS: Readonly<Record<Precision, ElementFormat>> = {
  f64: { precision: 'f64', arrayType: 'Float64Array', bytes: 8, lanes: 2, unitRoundoff: 2 ** -53 },
  f32: { precision: 'f32', arrayType: 'Float32Array', bytes: 4, lanes: 4, unitRoundoff: 2 ** -24 },
};

export function elementFormat(precision: Precision = 'f64'): ElementFormat {
  return FORMATS[precision];
}

/** Whether `text` names a precision (a command-line value, an option). */
export function isPrecision(text: string): text is Precision {
  return (PRECISIONS as readonly string[]).includes(text);
}

/** Generated code written against `Float64Array` as code on the arrays of `precision`. */
export function retype(code: string, precision: Precision = 'f64'): string {
  return precision === 'f64' ? code : code.replace(/\bFloat64Array\b/g, elementFormat(precision).arrayType);
}

/**
 * A scalar result as `precision` returns it: an f32 module's numbers are single-precision
 * values (Math.fround), as its arrays' entries are, whatever the order in which JavaScript
 * computed them in double.
 */
export function roundedScalar(expression: string, precision: Precision = 'f64'): string {
  return precision === 'f64' ? expression : `Math.fround(${expression})`;
}
