/**
 * Random well-shaped formulas, from the shared fast-check generator (test/helpers/formulas.ts:
 * every operator and function, broadcasting, indexing, transposes, definitions, gradients with
 * respect to variables and definitions): each requested gradient, evaluated by the mathjs
 * reference evaluator, matches central differences, and the derive output reads back to it.
 * test/reliability/random-formulas.test.ts takes the same formulas through the generated code.
 *
 * GRADC_FC_SEED and GRADC_REFERENCE_FORMULAS change the seed (default fixed) and the count; a
 * failure prints the seed and fast-check's shrunk formula.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inferDomains } from '../../src/check/domains.js';
import { checkFormula } from '../../src/front.js';
import { formulaArbitrary, renderFormula } from '../helpers/formulas.js';
import { expectGradientsMatch, expectRoundTripMatches } from './harness.js';

const SEED = Number(process.env.GRADC_FC_SEED ?? 20_261_122);
const COUNT = Number(process.env.GRADC_REFERENCE_FORMULAS ?? 1000);

describe('random formulas: gradients match central differences and derive reads back', () => {
  it(`${COUNT} formulas (fast-check seed ${SEED})`, () => {
    const result = fc.check(
      fc.property(formulaArbitrary(), (spec) => {
        const { text, dims } = renderFormula(spec);
        // The check's own sampler keeps relu, abs and sign of a variable away from their kinks.
        const domains = inferDomains(checkFormula(text));
        try {
          expectGradientsMatch(text, { seeds: [1], dims, domains });
          expectRoundTripMatches(text, { seeds: [1], dims, domains });
        } catch (e) {
          if (e instanceof Error) e.message = `${e.message}\n--- formula ---\n${text}`;
          throw e;
        }
      }),
      { seed: SEED, numRuns: COUNT },
    );
    const shrunk = result.failed ? renderFormula(result.counterexample![0]).text : '';
    expect(
      result.failed,
      `fast-check seed ${SEED}, path ${result.counterexamplePath}; shrunk formula:\n${shrunk}\n${String(result.errorInstance)}`,
    ).toBe(false);
  }, 120_000);
});
