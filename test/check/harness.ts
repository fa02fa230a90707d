/** Shared by the numeric tests: gradient checks and the derive round trip, with readable failures. */
import { expect } from 'vitest';
import { checkGradients, type GradientCheckOptions } from '../../src/check/gradcheck.js';
import { compareValues, describeComparison } from '../../src/check/numeric.js';
import { ReferenceEvaluator, type Value } from '../../src/check/reference.js';
import { mulberry32, randomDims, randomInputs, type InputOptions } from '../../src/check/random.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import type { Model } from '../../src/ir/model.js';
import { toFormula, type FormulaLine } from '../../src/print/formula.js';

/** Tolerance of the comparison with central differences (relative, floor 1e-3). */
export const NUMERIC_TOLERANCE = 1e-5;
/** Tolerance of the comparison of two symbolic evaluations (the same numbers up to rounding). */
export const SYMBOLIC_TOLERANCE = 1e-9;

/** Checks every requested gradient of `text` against central differences, for each seed. */
export function expectGradientsMatch(
  text: string,
  options: GradientCheckOptions & { seeds?: readonly number[] } = {},
): void {
  const model = checkFormula(text);
  const derived = differentiate(model);
  for (const seed of options.seeds ?? [1, 2]) {
    const report = checkGradients(model, { ...options, seed, derived });
    for (const c of report.checks) {
      const where = `d${c.of}/d${c.wrt} (seed ${seed}, dims ${JSON.stringify(Object.fromEntries(report.dims))})`;
      const ok = c.comparison.mismatch === undefined && c.comparison.maxRel <= NUMERIC_TOLERANCE;
      expect(
        ok,
        `${where}: ${describeComparison(c.comparison)}\nanalytic ${JSON.stringify(c.analytic)}\nnumeric  ${JSON.stringify(c.numeric)}`,
      ).toBe(true);
      // A NaN on both sides would compare equal: the inputs are meant to be inside the domain.
      expect(
        c.analytic.flat().every(Number.isFinite),
        `${where}: the gradient is not finite: ${JSON.stringify(c.analytic)}`,
      ).toBe(true);
    }
  }
}

/** The input without its `grad` statements (and what continues them while a bracket is open). */
export function withoutGradLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*grad\b/.test(line))
    .join('\n');
}

export interface RoundTrip {
  readonly lines: FormulaLine[];
  readonly text: string;
  readonly original: Model;
  readonly reread: Model;
}

/** Issue 3 item 4: the input, its grad lines removed, the derive lines appended. */
export function deriveRoundTrip(text: string): RoundTrip {
  const original = checkFormula(text);
  // With the shared subexpressions named, as `gradc derive` prints: the local lines become definitions too.
  const lines = toFormula(original, differentiate(original), { share: true });
  const appended = `${withoutGradLines(text).replace(/\s*$/, '')}\n${lines.map((l) => l.text).join('\n')}\n`;
  let reread: Model;
  try {
    reread = checkFormula(appended, 'derived.formula');
  } catch (e) {
    throw new Error(
      `the derive output does not read back:\n${appended}\n${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return { lines, text: appended, original, reread };
}

/**
 * Each `dL_dx` definition read back evaluates to the derived gradient (on random inputs), and
 * has the shape of `x`.
 */
export function expectRoundTripMatches(
  text: string,
  options: InputOptions & { dims?: Record<string, number>; seeds?: readonly number[] } = {},
): void {
  const { lines, text: appended, original, reread } = deriveRoundTrip(text);
  const derived = differentiate(original);
  for (const seed of options.seeds ?? [1]) {
    const dims = randomDims(original, options.dims);
    const values = randomInputs(original, dims, mulberry32(seed), options);
    const before = new ReferenceEvaluator({ values, dims });
    const after = new ReferenceEvaluator({ values, dims });
    const gradientLines = lines.filter((l) => l.local !== true && l.kind === undefined);
    let k = 0;
    for (const d of derived.gradients) {
      d.request.wrt.forEach((w, i) => {
        const line = gradientLines[k++]!;
        const definition = reread.definitions.find((def) => def.name === line.name);
        expect(definition, `${line.name} is defined in the appended text`).toBeDefined();
        const expected: Value = before.value(d.results[i]!.node);
        const node = definition!.node;
        expect(node.shape, `${line.name} = ${line.expression} has the shape of ${w.name}\n${appended}`).toEqual(
          w.node.shape,
        );
        const actual = after.value(node);
        const c = compareValues(actual, expected);
        expect(
          c.mismatch === undefined && c.maxRel <= SYMBOLIC_TOLERANCE,
          `${line.name} = ${line.expression} read back: ${describeComparison(c)}\n${appended}`,
        ).toBe(true);
      });
    }
  }
}
