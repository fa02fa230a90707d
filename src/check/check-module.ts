/**
 * `gradc check`: compile a model's module in memory, type-check it strictly, run it on random
 * inputs, and compare every forward value with the mathjs reference evaluator and every
 * gradient entry with central differences.
 */
import { generate, type GeneratedModule, type ModuleManifest } from '../codegen/module.js';
import { differentiate, type DerivedGradient } from '../diff/differentiate.js';
import type { DerivedHigher } from '../diff/higher.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { OPS } from '../ops/index.js';
import { gradientRows, higherRows, type DerivativeContext, type DerivativeRow } from './check-derivatives.js';
import { loadModule, typeCheckModule } from './load.js';
import { compareValues, type Comparison } from './numeric.js';
import { MATRIX_DOMAINS, mulberry32, randomDims, randomInputs, structureOf, type Domain } from './random.js';
import { ReferenceEvaluator, type InputValue, type Value } from './reference.js';
import { slopeCheck } from './slope.js';
import { moduleInputs, toValue } from './run-module.js';
import { derivativeNudgeSize, nudgeSize, resultRounding, roundedInputs } from './precision.js';
import type { Precision } from '../codegen/precision.js';

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

/**
 * One comparison of a check: a function's value against the reference evaluator, or a block of
 * derivatives (a gradient with respect to one variable or definition, a Jacobian, Hessian or HVP
 * block) against finite differences.
 */
export interface CheckRow {
  readonly functionName: string;
  /** `value` for a function's own value, else the variable or definition differentiated against. */
  readonly variable: string;
  /** A value: entry by entry, judged by `tol`. A block: its worst probe, `maxAbs` the error beyond the allowance. */
  readonly comparison: Comparison;
  /**
   * As measured. A value: the largest absolute and relative error over its entries. A block:
   * `maxAbs` is ‖J v − N(v)‖₂ at its worst probe v (the one with the largest error / allowance),
   * `maxRel` that over ‖J v‖₂.
   */
  readonly measured: { readonly maxAbs: number; readonly maxRel: number };
  /**
   * A block: what the worst probe's error was allowed to be, from the estimated error of the
   * finite differences (see probe.ts); the block passes when every probe's error is within its
   * allowance. A value: 0 (it is judged by `tol`).
   */
  readonly allowance: number;
  /** A block: how many probes, and whether they were its columns (`entries`) or `directions`. */
  readonly probes?: { readonly count: number; readonly method: 'entries' | 'directions' };
  readonly pass: boolean;
  /** Why the row was not compared (then `pass` is true): a gradient central differences cannot check. */
  readonly skipped?: string;
}

/**
 * A value or gradient that was not finite at any of the seeds tried (at the last one, whose
 * inputs the report's rows use): the check fails, and says what and where.
 */
export interface NotFinite {
  /** A definition (`L`), a derived gradient (`dL/dx`), or its central differences (`dL/dx by central differences`). */
  readonly what: string;
  /** NaN, Infinity or -Infinity. */
  readonly value: number;
  /** The first entry that is not finite; undefined for a scalar. */
  readonly entry: { readonly row: number; readonly col: number } | undefined;
  /** The first and the last seed tried. */
  readonly seeds: readonly [number, number];
}

/**
 * What `checkModel` found: the sizes and the seed used (a later seed than the one asked for when
 * the formula was not finite at the first), the module's type errors, one row per value and
 * gradient, `notFinite` when no seed tried gave finite values and gradients, and `ok`: the
 * module type-checks, every row passes, and everything was finite.
 */
export interface CheckReport {
  readonly dims: ReadonlyMap<string, number>;
  /** Square matrices sampled with a structure, as the text report says: `K diagonally dominant`. */
  readonly structuredMatrices: readonly string[];
  readonly seed: number;
  /** The tolerance the rows were judged by (CheckOptions.tol). */
  readonly tol: number;
  readonly typeErrors: readonly string[];
  /** Whether the module was type-checked (see CheckOptions.typeCheck). */
  readonly typeChecked: boolean;
  readonly rows: readonly CheckRow[];
  /** Set when every seed tried gave a value or gradient that is not finite (then `ok` is false). */
  readonly notFinite?: NotFinite;
  readonly ok: boolean;
}

/**
 * Domains that keep random inputs where the formula is smooth: a variable read directly as an
 * argument of an op is drawn from the domain the op's `argumentDomains` gives it (an elementwise
 * function's `domain`: positive under log and sqrt, well inside (-1, 1) under asin, acos and
 * tan; away from 0 under relu, abs and sign; positive under a fractional power, away from 0 as a
 * divisor).
 */
export function inferDomains(model: Model): Record<string, Domain> {
  /**
   * The first domain a variable is read in, except that a matrix structure wins: its entries
   * are away from 0 (so a kink there is no concern), and positive definite ones are positive, so
   * a matrix read both as an inverse and under log is sampled positive definite.
   */
  const combined = (old: Domain | undefined, domain: Domain): Domain => {
    if (old === undefined) return domain;
    const structures = [structureOf(old), structureOf(domain)];
    if (structures.includes('positive-definite')) return 'positive-definite';
    if (structures.includes('invertible'))
      return old === 'positive' || domain === 'positive' ? 'positive-definite' : 'invertible';
    return old;
  };
  // No prototype: a variable may be named constructor or __proto__.
  const domains = Object.create(null) as Record<string, Domain>;
  const seen = new Set<number>();
  const visit = (n: Node) => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    n.args.forEach(visit);
    const direct = (arg: Node | undefined, domain: Domain) => {
      if (arg?.op !== 'var') return;
      const name = arg.attrs.name!;
      domains[name] = combined(domains[name], domain);
    };
    OPS[n.op].argumentDomains(n).forEach((domain, i) => {
      if (domain === undefined) return;
      direct(n.args[i], domain);
      // A value that must be positive (log(det(S))): the domains that make it so, where its op knows them.
      const arg = n.args[i];
      if (domain === 'positive' && arg !== undefined) {
        OPS[arg.op].positiveWhen?.(arg).forEach((d, j) => {
          if (d !== undefined) direct(arg.args[j], d);
        });
      }
    });
  };
  for (const d of model.definitions) visit(d.node);
  // A matrix declared spd(n) is always sampled symmetric positive definite (src/check/random.ts).
  for (const v of model.variables) if (v.structure === 'spd') domains[v.name] = 'positive-definite';
  return domains;
}

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
 * The summary line of a check that found no finite point:
 * `L is not finite at any sampled point (tried seeds 1-20): NaN at entry (0, 0)`.
 */
export function describeNotFinite(n: NotFinite): string {
  const [first, last] = n.seeds;
  const seeds = first === last ? `seed ${first}` : `seeds ${first}-${last}`;
  const where = n.entry === undefined ? '' : ` at entry (${n.entry.row}, ${n.entry.col})`;
  return `${n.what} is not finite at any sampled point (tried ${seeds}): ${n.value}${where}`;
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
  const derivatives = differentiate(model);
  const sourceName = model.source.path.split(/[\\/]/).pop() ?? 'model.formula';
  const module = generated ?? (await generate(model, derivatives, { sourceName, precision: options.precision }));
  const typeChecked = options.typeCheck ?? true;
  const typeErrors = typeChecked ? typeCheckModule(module.code) : [];
  const exports = await loadModule(module.code);
  const differenced =
    module.manifest.precision === 'f64'
      ? undefined
      : await loadModule((await generate(model, derivatives, { sourceName })).code);
  return checkExports(model, exports, module.manifest, options, {
    derived: derivatives.gradients,
    higher: derivatives.higher,
    typeErrors,
    typeChecked,
    ...(differenced === undefined ? {} : { differenced }),
  });
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
  const symmetric = new Set(model.variables.filter((v) => v.structure === 'symmetric').map((v) => v.name));
  const structuredMatrices = [
    ...Object.entries(domains).flatMap(([name, d]) => {
      const structure = structureOf(d);
      if (structure === undefined) return [];
      return [
        `${name} ${symmetric.has(name) && structure === 'invertible' ? 'symmetric, diagonally dominant' : MATRIX_DOMAINS[structure]}`,
      ];
    }),
    ...[...symmetric]
      .filter((name) => {
        const d = domains[name];
        return d === undefined || structureOf(d) === undefined;
      })
      .map((name) => `${name} symmetric`),
  ];
  return {
    dims,
    structuredMatrices,
    seed,
    tol,
    typeErrors,
    typeChecked: known.typeChecked ?? false,
    rows,
    ...(notFinite !== undefined ? { notFinite: { ...notFinite, seeds: [firstSeed, seed] as const } } : {}),
    ok,
  };
}

/**
 * How far the module's value of a definition moves when every input entry is moved by a few hundred ε,
 * relatively: what rounding alone can do to an ill-conditioned value (an inverse of a nearly singular
 * matrix). Computed once per definition.
 */
function sensitivities(
  manifest: ModuleManifest,
  call: (name: string, ...args: unknown[]) => unknown,
  inputs: unknown,
  nudged: readonly Record<string, unknown>[],
): (definition: string) => number {
  const sensitivity = new Map<string, number>();
  return (definition: string): number => {
    const cached = sensitivity.get(definition);
    if (cached !== undefined) return cached;
    const fn = manifest.definitions.find((d) => d.definition === definition)!.functionName;
    const base = toValue(call(fn, inputs)).flat();
    // And the rounding of the value itself: a few ε of its largest entry.
    let most = resultRounding(manifest.precision) * base.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    for (const at of nudged)
      toValue(call(fn, at))
        .flat()
        .forEach((x, i) => (most = Math.max(most, Math.abs(x - base[i]!))));
    const allowance = Number.isFinite(most) ? VALUE_SAFETY * most : 0;
    sensitivity.set(definition, allowance);
    return allowance;
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
  const nudged = [1, 2].map((k) =>
    moduleInputs(model, nudge(model, values, mulberry32(seed * 7 + k), nudgeSize(precision)), dims),
  );
  const sensitivityOf = sensitivities(manifest, call, inputs, nudged);
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
  const cx: DerivativeContext = {
    model,
    call,
    inputs,
    values,
    dims,
    seed,
    forward: new Map(manifest.definitions.map((d) => [d.definition, d.functionName])),
    ...(differenced === undefined
      ? {}
      : {
          differenced,
          nudged: [3, 4].map((k) =>
            moduleInputs(model, nudge(model, values, mulberry32(seed * 7 + k), derivativeNudgeSize(precision)), dims),
          ),
        }),
  };
  const results = new Map<string, Record<string, unknown>>();
  for (const g of manifest.gradients.filter((x) => derived.some((d) => d.request.functionName === x.functionName)))
    results.set(g.functionName, call(g.functionName, inputs) as Record<string, unknown>);
  const derivativeRows: DerivativeRow[] = [];
  for (const d of derived) {
    const fn = d.request.functionName;
    valueRow(fn, d.request.target.name, toValue(results.get(fn)!.value), reference.value(d.request.target.node));
    for (const r of gradientRows(cx, [d], results)) {
      derivativeRows.push(r);
      rows.push(derivativeRow(r));
    }
  }
  for (const one of higher) {
    const h = higherRows(cx, [one]);
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

/** Whether a function is among those the options ask to check. */
function wanted(options: CheckOptions): (functionName: string) => boolean {
  const list = options.functions;
  return (f) => list === undefined || list.includes(f);
}

/** How many times that sensitivity a value may differ from the reference by, before `tol` applies. */
const VALUE_SAFETY = 10;

/** Every input entry times 1 ± NUDGE (index variables as they are; symmetric matrices stay symmetric). */
function nudge(
  model: Model,
  values: ReadonlyMap<string, InputValue>,
  rng: () => number,
  size: number,
): Map<string, InputValue> {
  const moved = (x: number) => x * (1 + (rng() < 0.5 ? -size : size));
  const structured = new Set(model.variables.filter((v) => v.structure !== undefined).map((v) => v.name));
  const result = new Map<string, InputValue>();
  for (const [name, v] of values) {
    if (typeof v === 'number') {
      result.set(name, Number.isInteger(v) ? v : moved(v));
      continue;
    }
    const m = v.map((row) => row.map(moved));
    result.set(name, structured.has(name) ? m.map((row, i) => row.map((x, j) => (j < i ? m[j]![i]! : x))) : m);
  }
  return result;
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

/** A number of the report in the table: three significant digits. */
function scientific(x: number): string {
  return x.toExponential(2);
}

/** Whether a row's errors were measured (not for a skipped row, nor for mismatched shapes or entries that are not finite). */
function measuredErrors(r: CheckRow): boolean {
  return r.skipped === undefined && r.comparison.mismatch === undefined;
}

/**
 * The report as the table `gradc check` prints for a terminal: the sizes and the seed, the
 * tolerance, one line per row (the errors as measured, the noise allowed, the result), and a
 * summary line.
 *
 * @param report - A report of `checkModel`.
 * @returns The table, lines separated by `\n`.
 * @example
 * ```ts
 * console.log(formatCheckReport(await checkModel(model)));
 * ```
 */
export function formatCheckReport(report: CheckReport): string {
  const lines: string[] = [];
  const dims = [...report.dims].map(([d, n]) => `${d}=${n}`).join(', ');
  lines.push(`dimensions: ${dims === '' ? '(none)' : dims}; seed ${report.seed}`);
  if (report.structuredMatrices.length > 0) lines.push(`sampled: ${report.structuredMatrices.join(', ')}`);
  lines.push(
    `tolerance: values within relative error ${report.tol === 0 ? '0' : report.tol.toExponential()} beyond their rounding; derivatives within their allowance`,
  );
  for (const e of report.typeErrors) lines.push(`type error in the generated module: ${e}`);
  const header = ['function', 'variable', 'probes', 'error', 'rel error', 'allowance', 'result'];
  const body = report.rows.map((r) => [
    r.functionName,
    r.variable,
    r.probes === undefined || r.probes.count === 0
      ? '-'
      : `${r.probes.count} ${r.probes.method === 'entries' ? (r.probes.count === 1 ? 'entry' : 'entries') : 'directions'}`,
    measuredErrors(r) ? scientific(r.measured.maxAbs) : '-',
    measuredErrors(r) ? scientific(r.measured.maxRel) : '-',
    // Left empty for a skipped row: nothing was compared, so nothing was allowed.
    r.skipped === undefined ? scientific(r.allowance) : '',
    r.skipped !== undefined
      ? `skipped (${r.skipped})`
      : r.pass
        ? 'pass'
        : `FAIL${r.comparison.mismatch !== undefined ? ` (${r.comparison.mismatch})` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  lines.push(fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt));
  const failed = report.rows.filter((r) => !r.pass).length;
  const skipped = report.rows.filter((r) => r.skipped !== undefined).length;
  const checked = report.rows.length - skipped;
  if (report.notFinite !== undefined) lines.push(describeNotFinite(report.notFinite));
  lines.push(
    report.ok
      ? `all ${checked} checks passed${skipped > 0 ? `; ${skipped} not checked` : ''}`
      : `${failed} of ${report.rows.length} checks failed${report.typeErrors.length > 0 ? '; the module does not type-check' : ''}`,
  );
  return lines.join('\n');
}

/** A number in the JSON report: a non-finite one is written as a string, as in fixture files. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface CheckRowDocument {
  readonly function: string;
  /** `value` for the function's own value, else the variable or definition differentiated against. */
  readonly variable: string;
  /** A block: how many probes, `entries` (its columns) or `directions`; null for a value or a skipped row. */
  readonly probes: { readonly count: number; readonly method: 'entries' | 'directions' } | null;
  /**
   * As measured; null when not measured (skipped, or `reason` says why not). A value: the
   * largest absolute error over its entries. A block: ‖J v − N(v)‖₂ at its worst probe.
   */
  readonly error: JsonNumber | null;
  /** A value: the largest relative error of an entry. A block: the error over ‖J v‖₂. */
  readonly relError: JsonNumber | null;
  /**
   * A block: the error its worst probe was allowed (it passes when every probe is within its
   * own). A value: what rounding can explain, subtracted before `tolerance` applies. Null when skipped.
   */
  readonly allowance: JsonNumber | null;
  readonly result: 'pass' | 'fail' | 'skipped';
  /** Why a row was skipped, or what mismatched (shapes, NaN) in a failed one. */
  readonly reason?: string;
}

/** `gradc check --json`: the whole report as one JSON document. */
export interface CheckReportDocument {
  readonly formula: string;
  readonly dims: Record<string, number>;
  readonly seed: number;
  readonly tolerance: number;
  readonly typeChecked: boolean;
  readonly typeErrors: readonly string[];
  readonly rows: readonly CheckRowDocument[];
  /**
   * Present when no seed tried gave finite values and gradients: what was not finite, its
   * first non-finite entry (null for a scalar), the seeds tried, and the summary line.
   */
  readonly notFinite?: {
    readonly what: string;
    readonly value: JsonNumber;
    readonly entry: { readonly row: number; readonly col: number } | null;
    readonly seeds: { readonly first: number; readonly last: number };
    readonly message: string;
  };
  readonly ok: boolean;
}

function jsonNumber(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

export function checkReportDocument(report: CheckReport, formula: string): CheckReportDocument {
  const dims = Object.create(null) as Record<string, number>; // a dimension may be named __proto__
  for (const [d, n] of report.dims) dims[d] = n;
  const rows = report.rows.map((r): CheckRowDocument => {
    const measured = measuredErrors(r);
    const reason = r.skipped ?? r.comparison.mismatch;
    return {
      function: r.functionName,
      variable: r.variable,
      probes: r.probes ?? null,
      error: measured ? jsonNumber(r.measured.maxAbs) : null,
      relError: measured ? jsonNumber(r.measured.maxRel) : null,
      allowance: r.skipped === undefined ? jsonNumber(r.allowance) : null,
      result: r.skipped !== undefined ? 'skipped' : r.pass ? 'pass' : 'fail',
      ...(reason === undefined ? {} : { reason }),
    };
  });
  return {
    formula,
    dims,
    seed: report.seed,
    tolerance: report.tol,
    typeChecked: report.typeChecked,
    typeErrors: report.typeErrors,
    rows,
    ...(report.notFinite === undefined
      ? {}
      : {
          notFinite: {
            what: report.notFinite.what,
            value: jsonNumber(report.notFinite.value),
            entry: report.notFinite.entry ?? null,
            seeds: { first: report.notFinite.seeds[0], last: report.notFinite.seeds[1] },
            message: describeNotFinite(report.notFinite),
          },
        }),
    ok: report.ok,
  };
}
