/**
 * `gradc check`: compile a model's module in memory, type-check it strictly, run it on random
 * inputs, and compare every forward value with the mathjs reference evaluator and every
 * gradient entry with central differences.
 */
import { generate, type GeneratedModule, type ModuleManifest } from '../codegen/module.js';
import { differentiate, type DerivedGradient } from '../diff/differentiate.js';
import type { DerivedHigher } from '../diff/higher.js';
import type { Model } from '../ir/model.js';
import {
  gradientKey,
  gradientRows,
  higherRows,
  type DerivativeContext,
  type DerivativeRow,
} from './check-derivatives.js';
import type { CheckReport, CheckRow, NotFinite } from './check-report.js';
import { inferDomains, structuredMatrices } from './domains.js';
import { loadModule, startTypeScript, typeCheckModule } from './load.js';
import { compareValues, type Comparison } from './numeric.js';
import { mulberry32, randomDims, randomInputs, type Domain } from './random.js';
import { ReferenceEvaluator, type Value } from './reference.js';
import { moduleInputs, toValue } from './run-module.js';
import { slopeCheck } from './slope.js';
import { nudge, sensitivities } from './value-rounding.js';
import { derivativeNudgeSize, roundedInputs } from './precision.js';
import { elementFormat, type Precision } from '../codegen/precision.js';

/**
 * Options of `checkModel`: `dims`, sizes of dimensions (the others get 3, 4, 2, 5, ...); `seed`
 * of the random inputs (default 1); `tol`, the largest relative error that passes (default
 * 1e-6); `typeCheck` (default true).
 */
export interface CheckOptions {
  readonly dims?: Readonly<Record<string, number>>;
  readonly seed?: number;
  /** Largest relative error that passes (errors of entries near zero are taken as absolute). */
  readonly tol?: number;
  /**
   * Type-check the generated module strictly (default true). A caller that checks many
   * modules may type-check them another way (several at once) and turn this off.
   */
  readonly typeCheck?: boolean;
  /**
   * Check only these functions of the module (by name; default all): a caller that changed one
   * function (a test injecting a fault) need not check the others again.
   */
  readonly functions?: readonly string[];
  /**
   * The number format of the module `checkModel` generates (default f64). An f32 module is run on
   * float32 inputs; its derivatives are compared with differences of the f64 module of the same
   * model, allowing for how far rounding moves them (see check-derivatives.ts).
   */
  readonly precision?: Precision;
}

/** A module's exported functions, by name. */
type Exports = Readonly<Record<string, unknown>>;

/** Seeds tried, from the given one, until the formula and its gradients are finite at the sampled inputs. */
export const SEED_ATTEMPTS = 20;

/** The first entry of a value that is not finite. */
function firstNotFinite(value: Value): { value: number; entry: NotFinite['entry'] } | undefined {
  for (let i = 0; i < value.length; i++) {
    for (let j = 0; j < value[i]!.length; j++) {
      const x = value[i]![j]!;
      if (!Number.isFinite(x))
        return { value: x, entry: value.length === 1 && value[i]!.length === 1 ? undefined : { row: i, col: j } };
    }
  }
  return undefined;
}

/**
 * Checks a model numerically, as `gradc check` does: generates its module (unless given one),
 * type-checks it strictly, loads it, runs every function on random inputs, and compares each
 * value with the mathjs reference evaluator and each gradient with central differences. Inputs
 * are sampled where the formula is smooth (positive under `log`, away from 0 under `relu`, ...);
 * if a value, derived gradient or central difference is not finite there, the next seeds are
 * tried. NaN and infinities agree with nothing: a row with one fails, and when no seed tried is
 * finite, `notFinite` says what was not.
 *
 * @param model - The checked model.
 * @param options - Sizes, seed, tolerance, and whether to type-check.
 * @param generated - The model's module, from `generate`, when the caller has it already.
 * @returns The report: a failed comparison is a row that does not pass, not an exception.
 * @example
 * ```ts
 * const model = checkFormula('W : matrix(m, n)\nx : vector(n)\nL = sum(tanh(W x))\ngrad L wrt W, x\n');
 * const report = await checkModel(model, { dims: { m: 3, n: 2 }, seed: 1 });
 * report.ok; // true
 * ```
 */
export async function checkModel(
  model: Model,
  options: CheckOptions = {},
  generated?: GeneratedModule,
): Promise<CheckReport> {
  startTypeScript();
  const derivatives = differentiate(model);
  const sourceName = model.source.path.split(/[\\/]/).pop() ?? 'model.formula';
  // The module is run as generated: formatting changes its layout, never its code (a test in
  // test/codegen shows that), and loading prettier would take longer than most checks.
  const module =
    generated ?? (await generate(model, derivatives, { sourceName, precision: options.precision, format: false }));
  const typeChecked = options.typeCheck ?? true;
  const exports = loadModule(module.code);
  // The type check runs in TypeScript's thread while this one runs the module (load.ts).
  const typeErrors = typeChecked ? typeCheckModule(module.code) : Promise.resolve([]);
  // Both are awaited below; until then, one's failure must not count as unhandled while the other is awaited.
  for (const pending of [exports, typeErrors]) pending.catch(() => undefined);
  const differenced =
    module.manifest.precision === 'f64'
      ? undefined
      : await loadModule((await generate(model, derivatives, { sourceName, format: false })).code);
  const report = checkExports(model, await exports, module.manifest, options, {
    derived: derivatives.gradients,
    higher: derivatives.higher,
    typeChecked,
    ...(differenced === undefined ? {} : { differenced }),
  });
  const complaints = await typeErrors;
  return complaints.length === 0 ? report : { ...report, typeErrors: complaints, ok: false };
}

/**
 * The numeric half of `checkModel`, on a module already loaded: `exports` are its functions
 * (a test may wrap them to inject faults). `typeErrors` and `typeChecked` are reported as given.
 * A module of single precision (manifest.precision f32) needs `differenced`: the functions of
 * the same model's f64 module, whose forward values and gradients its derivatives are compared
 * with differences of.
 */
export function checkExports(
  model: Model,
  exports: Readonly<Record<string, unknown>>,
  manifest: ModuleManifest,
  options: CheckOptions = {},
  known: {
    derived?: readonly DerivedGradient[];
    higher?: readonly DerivedHigher[];
    typeErrors?: readonly string[];
    typeChecked?: boolean;
    differenced?: Exports;
  } = {},
): CheckReport {
  if (manifest.precision !== 'f64' && known.differenced === undefined)
    throw new Error('checkExports: a module of precision f32 is checked against its f64 module: pass differenced');
  const derivatives = known.derived === undefined || known.higher === undefined ? differentiate(model) : undefined;
  const derived = known.derived ?? derivatives!.gradients;
  const higher = known.higher ?? derivatives!.higher;
  const typeErrors = known.typeErrors ?? [];
  const tol = options.tol ?? 1e-6;
  const domains = inferDomains(model);
  const firstSeed = options.seed ?? 1;
  const dims = randomDims(model, options.dims);
  let seed = firstSeed;
  const chosen = wanted(options);
  const only = {
    manifest: { ...manifest, definitions: manifest.definitions.filter((d) => chosen(d.functionName)) },
    derived: derived.filter((d) => chosen(d.request.functionName)),
    higher: higher.filter((h) => chosen(h.request.functionName)),
  };
  const modules = { exports, differenced: known.differenced };
  const at = (s: number) => checkAt(model, modules, manifest, only, { dims, domains, seed: s, tol });
  let found = at(seed);
  for (let attempt = 1; attempt < SEED_ATTEMPTS && found.notFinite !== undefined; attempt++) {
    seed = firstSeed + attempt;
    found = at(seed);
  }
  const { rows, notFinite } = found;
  // Every function of the module must have been compared: a report without rows proves nothing.
  const functions = [...manifest.definitions, ...manifest.gradients, ...manifest.higher]
    .map((f) => f.functionName)
    .filter(wanted(options));
  const unchecked = functions.filter((f) => !rows.some((r) => r.functionName === f && r.skipped === undefined));
  const ok =
    typeErrors.length === 0 &&
    rows.length > 0 &&
    unchecked.length === 0 &&
    rows.every((r) => r.pass) &&
    notFinite === undefined;
  return {
    dims,
    structuredMatrices: structuredMatrices(model, domains),
    seed,
    tol,
    precision: manifest.precision,
    typeErrors,
    typeChecked: known.typeChecked ?? false,
    rows,
    ...(notFinite !== undefined ? { notFinite: { ...notFinite, seeds: [firstSeed, seed] as const } } : {}),
    ok,
  };
}

/** The first definition whose reference value is not finite at the sampled point. */
function referenceNotFinite(model: Model, reference: ReferenceEvaluator): Omit<NotFinite, 'seeds'> | undefined {
  for (const d of model.definitions) {
    const found = firstNotFinite(reference.value(d.node));
    if (found !== undefined) {
      return { what: d.name, ...found };
    }
  }
  return undefined;
}

/** The first derivative row with an entry not finite, in the module or in its finite differences. */
function derivativeNotFinite(derivativeRows: readonly DerivativeRow[]): Omit<NotFinite, 'seeds'> | undefined {
  for (const r of derivativeRows) {
    const bad = r.check?.notFinite;
    if (bad === undefined) continue;
    const [rowsOf, cols] = r.shape ?? [1, 1];
    const entry =
      bad.where === 'differences' || rowsOf * cols === 1
        ? undefined
        : { row: Math.floor(bad.entry / cols), col: bad.entry % cols };
    return {
      what: bad.where === 'derivative' ? r.what : `${r.what} by finite differences`,
      value: bad.value,
      entry,
    };
  }
  return undefined;
}

/** Every row at one sampled point, and the first thing not finite there. */
function checkAt(
  model: Model,
  modules: { readonly exports: Exports; readonly differenced: Exports | undefined },
  manifest: ModuleManifest,
  only: { manifest: ModuleManifest; derived: readonly DerivedGradient[]; higher: readonly DerivedHigher[] },
  point: { dims: ReadonlyMap<string, number>; domains: Record<string, Domain>; seed: number; tol: number },
): { rows: CheckRow[]; notFinite: Omit<NotFinite, 'seeds'> | undefined } {
  const { dims, domains, seed, tol } = point;
  const precision = manifest.precision;
  const values = roundedInputs(randomInputs(model, dims, mulberry32(seed), { domains }), precision);
  const inputs = moduleInputs(model, values, dims);
  const reference = new ReferenceEvaluator({ values, dims });
  const caller =
    (exports: Exports) =>
    (name: string, ...args: unknown[]): unknown =>
      (exports[name] as (...a: unknown[]) => unknown)(...args);
  const call = caller(modules.exports);
  // The module whose functions are differenced, when not this one (an f32 module's: its f64 module).
  const differenced = modules.differenced === undefined ? undefined : caller(modules.differenced);
  const rows: CheckRow[] = [];
  const sensitivityOf = sensitivities(model, manifest, call, inputs, values, dims, seed);
  const valueRow = (functionName: string, definition: string, actual: Value, expected: Value) => {
    const allowance = sensitivityOf(definition);
    const comparison = compareValues(actual, expected, { noise: allowance });
    const measured = compareValues(actual, expected);
    const pass = comparison.mismatch === undefined && comparison.maxRel <= tol;
    rows.push({
      functionName,
      variable: 'value',
      comparison,
      measured: { maxAbs: measured.maxAbs, maxRel: measured.maxRel },
      allowance,
      pass,
    });
  };
  let notFinite = referenceNotFinite(model, reference);
  const { derived, higher } = only;
  // The definitions whose forward functions the derivative rows difference: their slopes too.
  const differencedDefinitions = new Set([...derived, ...higher].map((d) => d.request.target.name));
  for (const { definition, functionName } of only.manifest.definitions) {
    const node = model.definitions.find((d) => d.name === definition)!.node;
    valueRow(functionName, definition, toValue(call(functionName, inputs)), reference.value(node));
    if (!differencedDefinitions.has(definition)) continue;
    const slope = slopeCheck(
      model,
      node,
      (at) => (differenced ?? call)(functionName, at),
      values,
      dims,
      seed,
      sensitivityOf(definition),
    );
    if (slope.pass) continue;
    const last = rows.pop()!;
    const mismatch =
      `its slope along a random direction differs from the reference's by ${slope.error.toExponential(2)} ` +
      `(allowed ${slope.allowance.toExponential(2)})`;
    rows.push({
      ...last,
      comparison: { ...last.comparison, mismatch: last.comparison.mismatch ?? mismatch },
      pass: false,
    });
  }
  const cx = derivativeContext(model, manifest, { call, differenced, inputs, values, dims, seed });

  const results = new Map<string, Record<string, unknown>>();
  for (const g of manifest.gradients.filter((x) => derived.some((d) => d.request.functionName === x.functionName)))
    results.set(g.functionName, call(g.functionName, inputs) as Record<string, unknown>);
  const derivativeRows: DerivativeRow[] = [];
  // Gradient functions whose rows all passed, by target and variable: Hessian and HVP rows difference them.
  const checkedGradients = new Map<string, string>();
  for (const d of derived) {
    const fn = d.request.functionName;
    valueRow(fn, d.request.target.name, toValue(results.get(fn)!.value), reference.value(d.request.target.node));
    const own = gradientRows(cx, [d], results);
    for (const r of own) {
      derivativeRows.push(r);
      rows.push(derivativeRow(r));
    }
    if (!own.every((r) => derivativeRow(r).pass)) continue;
    for (const w of d.request.wrt) {
      const key = gradientKey(d.request.target.name, w.name);
      const checked = own.some((r) => r.variable === w.name && r.check !== undefined);
      if (w.isVariable && checked && !checkedGradients.has(key)) checkedGradients.set(key, fn);
    }
  }
  for (const one of higher) {
    const h = higherRows(cx, [one], checkedGradients);
    for (const v of h.values)
      valueRow(v.functionName, one.request.target.name, toValue(v.actual), reference.value(v.target));
    for (const r of h.rows) {
      derivativeRows.push(r);
      rows.push(derivativeRow(r));
    }
  }
  notFinite ??= derivativeNotFinite(derivativeRows);
  return { rows, notFinite };
}

/** What the derivative rows need of one sampled point (check-derivatives.ts). */
function derivativeContext(
  model: Model,
  manifest: ModuleManifest,
  at: Pick<DerivativeContext, 'call' | 'differenced' | 'inputs' | 'values' | 'dims' | 'seed'>,
): DerivativeContext {
  const { call, differenced, inputs, values, dims, seed } = at;
  const precision = manifest.precision;
  return {
    model,
    call,
    inputs,
    values,
    dims,
    seed,
    forward: new Map(manifest.definitions.map((d) => [d.definition, d.functionName])),
    unitRoundoff: elementFormat(precision).unitRoundoff,
    ...(differenced === undefined
      ? {}
      : {
          differenced,
          nudged: [3, 4].map((k) =>
            moduleInputs(model, nudge(model, values, mulberry32(seed * 7 + k), derivativeNudgeSize(precision)), dims),
          ),
        }),
  };
}

/** Whether a function is among those the options ask to check. */
function wanted(options: CheckOptions): (functionName: string) => boolean {
  const list = options.functions;
  return (f) => list === undefined || list.includes(f);
}

/** A derivative row of the report. */
function derivativeRow(r: DerivativeRow): CheckRow {
  const none: Comparison = { maxAbs: 0, maxRel: 0, worst: undefined, mismatch: undefined };
  if (r.check === undefined) {
    return {
      functionName: r.functionName,
      variable: r.variable,
      comparison: none,
      measured: none,
      allowance: 0,
      pass: true,
      skipped: r.skipped ?? 'not checked',
    };
  }
  const c = r.check;
  const bad = c.notFinite;
  const mismatch =
    r.mismatch ??
    (bad === undefined
      ? undefined
      : bad.where === 'derivative'
        ? `not finite: ${bad.value} at entry (${Math.floor(bad.entry / (r.shape?.[1] ?? 1))}, ${bad.entry % (r.shape?.[1] ?? 1)})`
        : 'not finite: the finite differences');
  const relative = c.scale > 0 ? c.error / c.scale : c.error === 0 ? 0 : Infinity;
  const comparison: Comparison = {
    maxAbs: Math.max(0, c.error - c.allowance),
    maxRel: relative,
    worst: undefined,
    mismatch,
  };
  return {
    functionName: r.functionName,
    variable: r.variable,
    comparison,
    measured: { maxAbs: c.error, maxRel: relative },
    allowance: c.allowance,
    probes: { count: c.probes, method: c.method },
    pass: c.pass && mismatch === undefined,
  };
}
