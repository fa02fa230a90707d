/**
 * `gradc fixtures`: random inputs with every definition's value and every requested gradient,
 * as JSON, for checking a hand-written implementation. Values come from the generated module
 * (itself checked against the reference evaluator by `gradc check`).
 */
import { generate } from '../codegen/module.js';
import { differentiate } from '../diff/differentiate.js';
import type { Model } from '../ir/model.js';
import { inferDomains } from './domains.js';
import { loadModule } from './load.js';
import { mulberry32, randomDims, randomInputs } from './random.js';
import { moduleInputs, toJson } from './run-module.js';

/**
 * Options of `makeFixtures`: `dims`, sizes of dimensions (the others get 3, 4, 2, 5, ...);
 * `seed` (default 1); `count`, the number of cases (default 1).
 */
export interface FixtureOptions {
  readonly dims?: Readonly<Record<string, number>>;
  readonly seed?: number;
  readonly count?: number;
}

/**
 * The fixtures `gradc fixtures` writes as JSON: the formula's file name, the seed and sizes,
 * and for each case the inputs, every definition's value, and the result of every gradient
 * function, keyed by function name. Vectors are arrays, matrices `{ rows, cols, data }` with
 * `data` row-major; a non-finite number is the string `"NaN"`, `"Infinity"` or `"-Infinity"`.
 */
export interface Fixtures {
  readonly formula: string;
  readonly seed: number;
  readonly dims: Record<string, number>;
  readonly cases: {
    readonly inputs: Record<string, unknown>;
    readonly values: Record<string, unknown>;
    readonly gradients: Record<string, Record<string, unknown>>;
    /** Each `jacobian` function's result: `{ value, <wrt>: { rows, cols, data } }`; present when the formula asks for any. */
    readonly jacobians?: Record<string, unknown>;
    /** Each `hessian` function's result: `{ value, grad: { x }, hess: { x: { x } } }`. */
    readonly hessians?: Record<string, unknown>;
    /** Each `hvp` function's direction and result: `{ v: { W }, value, grad: { W }, hvp: { W } }`. */
    readonly hvps?: Record<string, unknown>;
  }[];
}

/**
 * Random test cases for a model, as `gradc fixtures` writes them: inputs sampled as
 * `checkModel` samples them, with every definition's value and every requested gradient,
 * computed by the model's generated module. The same options always give the same fixtures.
 *
 * @param model - The checked model.
 * @param options - Sizes, seed, and number of cases.
 * @returns The fixtures; their JSON is what `gradc fixtures` writes.
 * @example
 * ```ts
 * const model = checkFormula('W : matrix(m, n)\nx : vector(n)\nL = sum(tanh(W x))\ngrad L wrt W, x\n', 'layer.formula');
 * const fixtures = await makeFixtures(model, { dims: { m: 3, n: 2 }, seed: 7, count: 5 });
 * fixtures.cases[0].gradients.LGrad; // { value, W: { rows: 3, cols: 2, data }, x }
 * ```
 */
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
      model.variables.map((v) => [
        v.name,
        toJson(inputs[v.name] instanceof Array ? Float64Array.from(inputs[v.name] as number[]) : inputs[v.name]),
      ]),
    );
    const definitionValues: Record<string, unknown> = Object.fromEntries(
      module.manifest.definitions.map((d) => [d.definition, toJson(call(d.functionName))]),
    );
    const gradients: Record<string, Record<string, unknown>> = {};
    for (const g of module.manifest.gradients) {
      const result = call(g.functionName) as Record<string, unknown>;
      gradients[g.functionName] = Object.fromEntries(['value', ...g.wrt].map((key) => [key, toJson(result[key])]));
    }
    const higher = {
      jacobian: {} as Record<string, unknown>,
      hessian: {} as Record<string, unknown>,
      hvp: {} as Record<string, unknown>,
    };
    for (const h of module.manifest.higher) {
      const direction = h.kind === 'hvp' ? randomDirection(model, h.wrt, dims, rng) : undefined;
      const result = (exports[h.functionName] as (...a: unknown[]) => unknown)(
        inputs,
        ...(direction === undefined ? [] : [direction]),
      ) as Record<string, unknown>;
      higher[h.kind][h.functionName] = {
        ...(direction === undefined ? {} : { v: jsonTree(direction) }),
        ...(jsonTree(result) as Record<string, unknown>),
      };
    }
    cases.push({
      inputs: shownInputs,
      values: definitionValues,
      gradients,
      ...(Object.keys(higher.jacobian).length > 0 ? { jacobians: higher.jacobian } : {}),
      ...(Object.keys(higher.hessian).length > 0 ? { hessians: higher.hessian } : {}),
      ...(Object.keys(higher.hvp).length > 0 ? { hvps: higher.hvp } : {}),
    });
  }
  return { formula: sourceName, seed, dims: Object.fromEntries(dims), cases };
}

/** A module result as JSON, nested objects (`grad`, `hess`) included. */
function jsonTree(v: unknown): unknown {
  if (typeof v === 'object' && v !== null && !(v instanceof Float64Array) && !('data' in v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonTree(x)]));
  }
  return toJson(v instanceof Array ? Float64Array.from(v as number[]) : v);
}

/** A direction for an HVP: entries in [-1, 1], shaped like each wrt variable, as module inputs. */
function randomDirection(
  model: Model,
  wrt: readonly string[],
  dims: ReadonlyMap<string, number>,
  rng: () => number,
): Record<string, unknown> {
  const direction: Record<string, unknown> = {};
  for (const name of wrt) {
    const v = model.variables.find((x) => x.name === name)!;
    const size = (d: string | number) => (typeof d === 'number' ? d : dims.get(d)!);
    const data = Array.from({ length: size(v.shape.rows) * size(v.shape.cols) }, () => 2 * rng() - 1);
    // The direction of a symmetric matrix is symmetric: the lower triangle mirrors the upper.
    if (v.structure !== undefined) {
      const n = size(v.shape.rows);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) data[i * n + j] = data[j * n + i]!;
    }
    direction[name] =
      v.kind === 'scalar'
        ? data[0]!
        : v.kind === 'vector'
          ? data
          : { rows: size(v.shape.rows), cols: size(v.shape.cols), data };
  }
  return direction;
}
