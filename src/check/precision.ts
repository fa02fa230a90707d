/**
 * What checking a module of each precision (codegen/precision.ts) needs: inputs that the module
 * holds exactly (an f32 module's inputs are float32 numbers, so the reference evaluates the very
 * point the module does), and the size of the nudges that measure how far rounding moves a
 * result (relative 256 u, u the unit roundoff: 2⁻⁵³ for f64, 2⁻²⁴ for f32).
 */
import { elementFormat, type Precision } from '../codegen/precision.js';
import type { InputValue } from './reference.js';

/** A number as a module of `precision` stores it. */
export function roundedNumber(x: number, precision: Precision): number {
  return precision === 'f64' ? x : Math.fround(x);
}

/** Sampled inputs as a module of `precision` stores them (index variables are whole numbers already). */
export function roundedInputs(values: ReadonlyMap<string, InputValue>, precision: Precision): Map<string, InputValue> {
  if (precision === 'f64') return new Map(values);
  const result = new Map<string, InputValue>();
  for (const [name, v] of values)
    result.set(name, typeof v === 'number' ? Math.fround(v) : v.map((row) => row.map((x) => Math.fround(x))));
  return result;
}

/** Relative size of the input nudges that measure a result's sensitivity to rounding: 256 u. */
export function nudgeSize(precision: Precision): number {
  return 512 * elementFormat(precision).unitRoundoff;
}

/**
 * Relative size of the input nudges that measure how far rounding moves a derived block of an
 * f32 module: 16 u (about 1e-6), well above the rounding of the inputs themselves, and small
 * enough that the block's own change along the nudge (its derivative times 1e-6) stays below
 * its rounding in all but very curved functions.
 */
export function derivativeNudgeSize(precision: Precision): number {
  return 16 * elementFormat(precision).unitRoundoff;
}

/** The rounding of a module's result itself: a few u of its largest entry. */
export function resultRounding(precision: Precision): number {
  return 8 * elementFormat(precision).unitRoundoff;
}
