/**
 * `gradc fixtures`: random inputs with every definition's value and every requested gradient,
 * as JSON, for checking a hand-written implementation. Values come from the generated module
 * (itself checked against the reference evaluator by `gradc check`).
 */
import { generate } from '../codegen/module.js';
import { differentiate } from '../diff/differentiate.js';
import type { Model } from '../ir/model.js';
import { inferDomains } from './check-module.js';
import { loadModule } from './load.js';
import { mulberry32, randomDims, randomInputs } from './random.js';
import { moduleInputs, toJson } from './run-module.js';

export interface FixtureOptions {
  readonly dims?: Readonly<Record<string, number>>;
  readonly seed?: number;
  readonly count?: number;
}

export interface Fixtures {
  readonly formula: string;
  readonly seed: number;
  readonly dims: Record<string, number>;
  readonly cases: {
    readonly inputs: Record<string, unknown>;
    readonly values: Record<string, unknown>;
    readonly gradients: Record<string, Record<string, unknown>>;
  }[];
}

export async function makeFixtures(model: Model, options: FixtureOptions = {}): Promise<Fixtures> {
  const seed = options.seed ?? 1;
  const derived = differentiate(model);
  const sourceName = model.source.path.split(/[\\/]/).pop() ?? 'model.formula';
  const module = await generate(model, derived, { sourceName });
  const exports = await loadModule(module.code);
  const dims = randomDims(model, options.dims);
  const rng = mulberry32(seed);
  const domains = inferDomains(model);
  const cases: Fixtures['cases'] = [];
  for (let k = 0; k < (options.count ?? 1); k++) {
    const values = randomInputs(model, dims, rng, { domains });
    const inputs = moduleInputs(model, values, dims);
    const call = (name: string) => (exports[name] as (i: unknown) => unknown)(inputs);
    // Built with fromEntries: a name may be __proto__, which an assignment would not store.
    const shownInputs: Record<string, unknown> = Object.fromEntries(
      model.variables.map((v) => [v.name, toJson(inputs[v.name] instanceof Array ? Float64Array.from(inputs[v.name] as number[]) : inputs[v.name])]),
    );
    const definitionValues: Record<string, unknown> = Object.fromEntries(module.manifest.definitions.map((d) => [d.definition, toJson(call(d.functionName))]));
    const gradients: Record<string, Record<string, unknown>> = {};
    for (const g of module.manifest.gradients) {
      const result = call(g.functionName) as Record<string, unknown>;
      gradients[g.functionName] = Object.fromEntries(['value', ...g.wrt].map((key) => [key, toJson(result[key])]));
    }
    cases.push({ inputs: shownInputs, values: definitionValues, gradients });
  }
  return { formula: sourceName, seed, dims: Object.fromEntries(dims), cases };
}
