/**
 * The derivative graph can itself be differentiated (issue 11): for random formulas, the
 * Hessian-vector product obtained by reverse mode through the gradient, ∇ₓ⟨∇ₓL, v⟩, matches
 * central differences of the gradient along v, (∇L(x + εv) − ∇L(x − εv)) / 2ε, both evaluated
 * by the mathjs reference evaluator. A VJP rule built from an op without a VJP rule, or a wrong
 * second derivative anywhere, fails here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inferDomains } from '../../src/check/check-module.js';
import { compareValues, describeComparison } from '../../src/check/numeric.js';
import { ReferenceEvaluator, type Value } from '../../src/check/reference.js';
import { mulberry32, randomDims, randomInputs, sample } from '../../src/check/random.js';
import { differentiate, forwardNodes } from '../../src/diff/differentiate.js';
import { gradients } from '../../src/diff/reverse.js';
import { checkFormula } from '../../src/front.js';
import type { Model } from '../../src/ir/model.js';
import { simplify } from '../../src/simplify/simplify.js';
import { formulaArbitrary, renderFormula } from '../helpers/formulas.js';
import { NUMERIC_TOLERANCE } from '../check/harness.js';

const SEED = Number(process.env.GRADC_FC_SEED ?? 20_261_130);
const COUNT = Number(process.env.GRADC_SECOND_ORDER_FORMULAS ?? 300);
const STEP = 1e-5;

/** Every Hessian-vector product of the model's requests with respect to variables, against differences. */
function expectHvpsMatchDifferences(model: Model, dims: Record<string, number>): void {
  const derived = differentiate(model);
  const domains = inferDomains(model);
  const dimSizes = randomDims(model, dims);
  const rng = mulberry32(7);
  const values = randomInputs(model, dimSizes, rng, { domains });
  const frozen = forwardNodes(model);
  for (const d of derived) {
    d.request.wrt.forEach((w, i) => {
      if (!w.isVariable || w.node.attrs.varKind === 'index') return;
      const g = model.graph.fork();
      const x = w.node;
      const gradient = d.results[i]!.node;
      const direction = g.variable('direction$', x.attrs.varKind!, x.shape);
      const inner = g.sum(g.mul(gradient, direction));
      const [hvp] = simplify(g, gradients(g, inner, [x]), { frozen });
      const base = values.get(w.name);
      const v: Value = typeof base === 'number' ? [[sample('real', rng)]] : (base as Value).map((row) => row.map(() => sample('real', rng)));
      const withDirection = new Map(values).set('direction$', x.attrs.varKind === 'scalar' ? v[0]![0]! : v);
      const analytic = new ReferenceEvaluator({ values: withDirection, dims: dimSizes }).value(hvp!);
      const x0: Value = typeof base === 'number' ? [[base]] : (base as Value);
      const moved = (sign: number) =>
        new ReferenceEvaluator({
          values,
          dims: dimSizes,
          overrides: new Map([[x.id, x0.map((row, r) => row.map((e, c) => e + sign * STEP * v[r]![c]!))]]),
        }).value(gradient);
      const plus = moved(1);
      const minus = moved(-1);
      const numeric = plus.map((row, r) => row.map((e, c) => (e - minus[r]![c]!) / (2 * STEP)));
      const comparison = compareValues(analytic, numeric, { noise: 1e-9 });
      const where = `H v of ${d.request.target.name} with respect to ${w.name}`;
      expect(analytic.flat().every(Number.isFinite), `${where} is not finite: ${JSON.stringify(analytic)}`).toBe(true);
      expect(comparison.mismatch === undefined && comparison.maxRel <= NUMERIC_TOLERANCE, `${where}: ${describeComparison(comparison)}`).toBe(true);
    });
  }
}

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
    expect(result.failed, `fast-check seed ${SEED}, path ${result.counterexamplePath}; shrunk formula:\n${shrunk}\n${String(result.errorInstance)}`).toBe(false);
  }, 120_000);
});
