/**
 * Second order: the Hessian-vector product obtained by reverse mode through the gradient,
 * ∇ₓ⟨∇ₓL, v⟩, against central differences of the gradient along v,
 * (∇L(x + εv) − ∇L(x − εv)) / 2ε, both evaluated by the mathjs reference evaluator.
 */
import { expect } from 'vitest';
import { inferDomains } from '../../src/check/domains.js';
import { compareValues, describeComparison } from '../../src/check/numeric.js';
import { ReferenceEvaluator, type Value } from '../../src/check/reference.js';
import { mulberry32, randomDims, randomInputs, sample } from '../../src/check/random.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { forwardNodes, gradients } from '../../src/diff/reverse.js';
import type { Model } from '../../src/ir/model.js';
import { simplify } from '../../src/simplify/simplify.js';
import { NUMERIC_TOLERANCE } from '../check/harness.js';

const STEP = 1e-5;

/** Every Hessian-vector product of the model's requests with respect to variables, against differences. */
export function expectHvpsMatchDifferences(model: Model, dims: Readonly<Record<string, number>>): void {
  const derived = differentiate(model);
  const domains = inferDomains(model);
  const dimSizes = randomDims(model, dims);
  const rng = mulberry32(7);
  const values = randomInputs(model, dimSizes, rng, { domains });
  const frozen = forwardNodes(model);
  for (const d of derived.gradients) {
    d.request.wrt.forEach((w, i) => {
      if (!w.isVariable || w.node.attrs.varKind === 'index') return;
      const g = model.graph.fork();
      const x = w.node;
      const gradient = d.results[i]!.node;
      const direction = g.variable('direction$', x.attrs.varKind!, x.shape);
      const inner = g.sum(g.mul(gradient, direction));
      const [hvp] = simplify(g, gradients(g, inner, [x]), { frozen });
      const base = values.get(w.name);
      const v: Value =
        typeof base === 'number'
          ? [[sample('real', rng)]]
          : (base as Value).map((row) => row.map(() => sample('real', rng)));
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
      expect(
        comparison.mismatch === undefined && comparison.maxRel <= NUMERIC_TOLERANCE,
        `${where}: ${describeComparison(comparison)}`,
      ).toBe(true);
    });
  }
}
