/**
 * The derivative graph can itself be differentiated (issue 11): for random formulas, the
 * Hessian-vector product obtained by reverse mode through the gradient, ∇ₓ⟨∇ₓL, v⟩, matches
 * central differences of the gradient along v, (∇L(x + εv) − ∇L(x − εv)) / 2ε, both evaluated
 * by the mathjs reference evaluator. A VJP rule built from an op without a VJP rule, or a wrong
 * second derivative anywhere, fails here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFormula } from '../../src/front.js';
import { formulaArbitrary, renderFormula } from '../helpers/formulas.js';
import { expectHvpsMatchDifferences } from '../helpers/hvp.js';

const SEED = Number(process.env.GRADC_FC_SEED ?? 20_261_130);
const COUNT = Number(process.env.GRADC_SECOND_ORDER_FORMULAS ?? 300);

describe('second order: the derivative graph differentiates again', () => {
  it('1/2 x^T A x: H v matches differences of the gradient along v', () => {
    const model = checkFormula('A : matrix(n, n)\nx : vector(n)\nf = 1/2 x^T A x\ngrad f wrt x\n');
    expectHvpsMatchDifferences(model, { n: 4 });
  });

  it('a layer through tanh, sigmoid, softmax and logsumexp: H v matches differences', () => {
    const model = checkFormula(
      'W : matrix(h, m)\nx : vector(m)\nc : vector(h)\nz = W x + c\nL = logsumexp(tanh(z)) + sum(softmax(z) .* sigmoid(z))\ngrad L wrt W, x, c\n',
    );
    expectHvpsMatchDifferences(model, { h: 3, m: 4 });
  });

  it(`${COUNT} random formulas (fast-check seed ${SEED})`, () => {
    const result = fc.check(
      fc.property(formulaArbitrary(), (spec) => {
        const { text, dims } = renderFormula(spec);
        try {
          expectHvpsMatchDifferences(checkFormula(text), dims);
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
