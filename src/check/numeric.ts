/** Numeric differentiation by central differences, and the comparison of a gradient with it. */
import { shapeOf, tabulate, type InputValue, type Value } from './reference.js';

export interface DifferenceOptions {
  /**
   * The relative step: entry x is moved by ±step·max(1, |x|). The default 1e-5 balances the
   * truncation error against rounding (ε · |f| / step) for values of order 1–100.
   */
  readonly step?: number;
  /**
   * Richardson extrapolation (default true): (4 D(h/2) − D(h)) / 3 cancels the h² term of the
   * central difference D(h), so strongly curved functions (sin of a large argument, high
   * powers) are checked as tightly as gentle ones, at twice the evaluations.
   */
  readonly richardson?: boolean;
}

const DEFAULT_STEP = 1e-5;

/** The rounding noise of a central difference of f with the given relative step. */
export function differenceNoise(fValue: number, step = DEFAULT_STEP): number {
  return (10 * Number.EPSILON * Math.max(1, Math.abs(fValue))) / step;
}

/** ∂f/∂x for every entry of x, by central differences; x itself is left unchanged. */
export function centralDifferences(f: (x: Value) => number, x: Value, options: DifferenceOptions = {}): Value {
  const step = options.step ?? DEFAULT_STEP;
  const richardson = options.richardson ?? true;
  const [rows, cols] = shapeOf(x);
  const work = x.map((row) => [...row]);
  const difference = (i: number, j: number, h: number): number => {
    const x0 = x[i]![j]!;
    const up = x0 + h;
    const down = x0 - h;
    work[i]![j] = up;
    const fUp = f(work);
    work[i]![j] = down;
    const fDown = f(work);
    work[i]![j] = x0;
    // Divided by the step actually taken, after rounding x0 ± h.
    return (fUp - fDown) / (up - down);
  };
  return tabulate(rows, cols, (i, j) => {
    const h = step * Math.max(1, Math.abs(x[i]![j]!));
    const coarse = difference(i, j, h);
    if (!richardson) return coarse;
    return (4 * difference(i, j, h / 2) - coarse) / 3;
  });
}

/**
 * The gradient of `f(inputs)` with respect to the variable `name`, numerically. Scalars are
 * given and returned as 1 x 1.
 */
export function numericGradient(
  f: (inputs: ReadonlyMap<string, InputValue>) => number,
  inputs: ReadonlyMap<string, InputValue>,
  name: string,
  options: DifferenceOptions = {},
): Value {
  const x = inputs.get(name);
  if (x === undefined) throw new Error(`no input named ${name}`);
  const asValue: Value = typeof x === 'number' ? [[x]] : x;
  return centralDifferences(
    (v) => {
      const moved = new Map(inputs);
      moved.set(name, typeof x === 'number' ? v[0]![0]! : v);
      return f(moved);
    },
    asValue,
    options,
  );
}

/**
 * How far computed entries are from expected ones: the largest absolute and relative errors,
 * the entry where the relative error is largest, and `mismatch` when the shapes differ or an
 * entry of either is not finite.
 */
export interface Comparison {
  /** Largest |actual − expected| over the entries, less the allowed noise. */
  readonly maxAbs: number;
  /** Largest |actual − expected| / max(|actual|, |expected|, floor) (see CompareOptions). */
  readonly maxRel: number;
  /** Where maxRel is reached. */
  readonly worst:
    { readonly row: number; readonly col: number; readonly actual: number; readonly expected: number } | undefined;
  /**
   * Shapes differ, or an entry is NaN or infinite in either (`not finite: NaN at entry (0, 1)`
   * when both are, `not finite at entry (0, 1): NaN vs 0.5` when they differ).
   */
  readonly mismatch: string | undefined;
}

export interface CompareOptions {
  /**
   * The smallest magnitude a relative error is measured against, so that entries near zero
   * are judged by their absolute error (default 1e-3).
   */
  readonly floor?: number;
  /**
   * Also measure against this fraction of the largest expected entry (default 1e-3): an entry
   * a million times smaller than its neighbours carries their rounding error too.
   */
  readonly scaleFloor?: number;
  /**
   * Absolute error allowed before anything is counted: the rounding noise of the numeric side,
   * about ε·|f| / step for central differences of f (default 0).
   */
  readonly noise?: number;
}

export function compareValues(actual: Value, expected: Value, options: CompareOptions = {}): Comparison {
  let largest = 0;
  for (const row of expected) for (const e of row) if (Number.isFinite(e)) largest = Math.max(largest, Math.abs(e));
  const floor = Math.max(options.floor ?? 1e-3, (options.scaleFloor ?? 1e-3) * largest);
  const noise = options.noise ?? 0;
  const [ra, ca] = shapeOf(actual);
  const [re, ce] = shapeOf(expected);
  if (ra !== re || ca !== ce) {
    return {
      maxAbs: Infinity,
      maxRel: Infinity,
      worst: undefined,
      mismatch: `shapes differ: ${ra}x${ca} vs ${re}x${ce}`,
    };
  }
  let maxAbs = 0;
  let maxRel = 0;
  let worst: Comparison['worst'];
  let mismatch: string | undefined;
  for (let i = 0; i < ra; i++) {
    for (let j = 0; j < ca; j++) {
      const a = actual[i]![j]!;
      const e = expected[i]![j]!;
      // NaN and infinities are not close to anything, not even to themselves: a check that
      // let NaN agree with NaN would pass a formula evaluated outside its domain.
      if (!Number.isFinite(a) || !Number.isFinite(e)) {
        mismatch ??= Object.is(a, e)
          ? `not finite: ${a} at entry (${i}, ${j})`
          : `not finite at entry (${i}, ${j}): ${a} vs ${e}`;
        continue;
      }
      const abs = a === e ? 0 : Math.max(0, Math.abs(a - e) - noise);
      const rel = abs === 0 ? 0 : abs / Math.max(Math.abs(a), Math.abs(e), floor);
      maxAbs = Math.max(maxAbs, abs);
      if (worst === undefined || rel > maxRel) {
        worst = { row: i, col: j, actual: a, expected: e };
        maxRel = rel;
      }
    }
  }
  return { maxAbs, maxRel, worst, mismatch };
}

/** A one-line account of a comparison, for test failure messages. */
export function describeComparison(c: Comparison): string {
  if (c.mismatch !== undefined) return c.mismatch;
  const w = c.worst;
  const where = w === undefined ? '' : ` at (${w.row}, ${w.col}): ${w.actual} vs ${w.expected}`;
  return `max abs error ${c.maxAbs.toExponential(2)}, max rel error ${c.maxRel.toExponential(2)}${where}`;
}
