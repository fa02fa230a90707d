/**
 * `gradc check`: compile a model's module in memory, type-check it strictly, run it on random
 * inputs, and compare every forward value with the mathjs reference evaluator and every
 * gradient entry with central differences.
 */
import { generate, type GeneratedModule } from '../codegen/module.js';
import { higherComparisons } from './check-higher.js';
import { differentiate } from '../diff/differentiate.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { OPS } from '../ops/index.js';
import { checkGradients, type GradientCheckReport } from './gradcheck.js';
import { loadModule, typeCheckModule } from './load.js';
import { compareValues, differenceNoise, type Comparison } from './numeric.js';
import { MATRIX_DOMAINS, structureOf, type Domain } from './random.js';
import { ReferenceEvaluator, type Value } from './reference.js';
import { moduleInputs, toValue } from './run-module.js';

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
}

/**
 * One comparison of a check: a function's value against the reference evaluator, or its
 * gradient with respect to one variable or definition against central differences.
 */
export interface CheckRow {
  readonly functionName: string;
  /** `value` for a function's own value, else the variable or definition differentiated against. */
  readonly variable: string;
  /** With the allowance subtracted: what `pass` is decided on. */
  readonly comparison: Comparison;
  /** The errors as measured, nothing subtracted: what the report shows. */
  readonly measured: { readonly maxAbs: number; readonly maxRel: number };
  /**
   * Absolute error allowed for the rounding noise of central differences before the tolerance
   * applies (0 for a value, which is compared with the reference evaluator).
   */
  readonly allowance: number;
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
    if (structures.includes('invertible')) return old === 'positive' || domain === 'positive' ? 'positive-definite' : 'invertible';
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
      if (!Number.isFinite(x)) return { value: x, entry: value.length === 1 && value[i]!.length === 1 ? undefined : { row: i, col: j } };
    }
  }
  return undefined;
}

/**
 * The first thing that is not finite at the sampled inputs, in the order a reader would look:
 * the definitions, the derived gradients, their central differences.
 */
function notFiniteAt(model: Model, report: GradientCheckReport): Omit<NotFinite, 'seeds'> | undefined {
  const evaluator = new ReferenceEvaluator({ values: report.inputs, dims: report.dims });
  for (const d of model.definitions) {
    const found = firstNotFinite(evaluator.value(d.node));
    if (found !== undefined) return { what: d.name, ...found };
  }
  for (const c of report.checks) {
    const found = firstNotFinite(c.analytic);
    if (found !== undefined) return { what: `d${c.of}/d${c.wrt}`, ...found };
  }
  for (const c of report.checks) {
    const found = firstNotFinite(c.numeric);
    if (found !== undefined) return { what: `d${c.of}/d${c.wrt} by central differences`, ...found };
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
export async function checkModel(model: Model, options: CheckOptions = {}, generated?: GeneratedModule): Promise<CheckReport> {
  const derived = differentiate(model);
  const module = generated ?? (await generate(model, derived, { sourceName: model.source.path.split(/[\\/]/).pop() ?? 'model.formula' }));
  const typeChecked = options.typeCheck ?? true;
  const typeErrors = typeChecked ? typeCheckModule(module.code) : [];
  const tol = options.tol ?? 1e-6;
  const domains = inferDomains(model);
  const firstSeed = options.seed ?? 1;
  let seed = firstSeed;
  const sample = () => checkGradients(model, { ...(options.dims !== undefined ? { dims: options.dims } : {}), seed, derived, domains });
  let report = sample();
  let notFinite = notFiniteAt(model, report);
  for (let attempt = 1; attempt < SEED_ATTEMPTS && notFinite !== undefined; attempt++) {
    seed = firstSeed + attempt;
    report = sample();
    notFinite = notFiniteAt(model, report);
  }
  const exports = await loadModule(module.code);
  const inputs = moduleInputs(model, report.inputs, report.dims);
  const reference = new ReferenceEvaluator({ values: report.inputs, dims: report.dims });
  const rows: CheckRow[] = [];
  const row = (functionName: string, variable: string, actual: Value, expected: Value, allowance = 0) => {
    const comparison = compareValues(actual, expected, { noise: allowance });
    const measured = allowance === 0 ? comparison : compareValues(actual, expected);
    const pass = comparison.mismatch === undefined && comparison.maxRel <= tol;
    rows.push({ functionName, variable, comparison, measured: { maxAbs: measured.maxAbs, maxRel: measured.maxRel }, allowance, pass });
  };
  const call = (name: string): unknown => (exports[name] as (i: unknown) => unknown)(inputs);

  for (const { definition, functionName } of module.manifest.definitions) {
    const node = model.definitions.find((d) => d.name === definition)!.node;
    row(functionName, 'value', toValue(call(functionName)), reference.value(node));
  }
  for (const g of module.manifest.gradients) {
    const result = call(g.functionName) as Record<string, unknown>;
    const target = model.definitions.find((d) => d.name === g.of)!.node;
    const value = reference.value(target);
    row(g.functionName, 'value', toValue(result.value), value);
    // Central differences of a large value carry rounding noise of about ε·|f| / step: not an
    // error. Of a value that is not finite, nothing is allowed for (the row fails anyway).
    const f = value[0]![0]!;
    const noise = Number.isFinite(f) ? differenceNoise(f) : 0;
    for (const w of g.wrt) {
      const check = report.checks.find((c) => c.functionName === g.functionName && c.wrt === w);
      if (check === undefined) {
        // Not checkable by central differences (a constant definition): say so, do not guess.
        const skip = report.skipped.find((s) => s.functionName === g.functionName && s.wrt === w);
        const none: Comparison = { maxAbs: 0, maxRel: 0, worst: undefined, mismatch: undefined };
        rows.push({ functionName: g.functionName, variable: w, comparison: none, measured: none, allowance: 0, pass: true, skipped: skip?.reason ?? 'not checked' });
        continue;
      }
      row(g.functionName, w, toValue(result[w]), check.numeric, noise);
    }
  }
  // Jacobians, Hessians and HVPs: against differences of the value and of the gradient.
  const callWith = (name: string, ...args: unknown[]): unknown => (exports[name] as (...a: unknown[]) => unknown)(...args);
  for (const c of higherComparisons(model, derived.higher, callWith, inputs, report.inputs, report.dims, seed)) {
    row(c.functionName, c.variable, toValue(c.actual), c.expected, c.noise);
  }
  // A report of no rows for a model that requests derivatives checked nothing: it is not ok.
  const checkedSomething = rows.length > 0 || model.requests.length + model.higherRequests.length === 0;
  const ok = typeErrors.length === 0 && checkedSomething && rows.every((r) => r.pass) && notFinite === undefined;
  const symmetric = new Set(model.variables.filter((v) => v.structure === 'symmetric').map((v) => v.name));
  const structuredMatrices = [
    ...Object.entries(domains).flatMap(([name, d]) => {
      const structure = structureOf(d);
      if (structure === undefined) return [];
      return [`${name} ${symmetric.has(name) && structure === 'invertible' ? 'symmetric, diagonally dominant' : MATRIX_DOMAINS[structure]}`];
    }),
    ...[...symmetric]
      .filter((name) => {
        const d = domains[name];
        return d === undefined || structureOf(d) === undefined;
      })
      .map((name) => `${name} symmetric`),
  ];
  return {
    dims: report.dims,
    structuredMatrices,
    seed,
    tol,
    typeErrors,
    typeChecked,
    rows,
    ...(notFinite !== undefined ? { notFinite: { ...notFinite, seeds: [firstSeed, seed] as const } } : {}),
    ok,
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
  lines.push(`tolerance: relative error ${report.tol === 0 ? '0' : report.tol.toExponential()}, after the allowed noise is subtracted`);
  for (const e of report.typeErrors) lines.push(`type error in the generated module: ${e}`);
  const header = ['function', 'variable', 'max abs error', 'max rel error', 'allowed noise', 'result'];
  const body = report.rows.map((r) => [
    r.functionName,
    r.variable,
    measuredErrors(r) ? scientific(r.measured.maxAbs) : '-',
    measuredErrors(r) ? scientific(r.measured.maxRel) : '-',
    // Left empty for a skipped row: nothing was compared, so nothing was allowed.
    r.skipped === undefined ? scientific(r.allowance) : '',
    r.skipped !== undefined ? `skipped (${r.skipped})` : r.pass ? 'pass' : `FAIL${r.comparison.mismatch !== undefined ? ` (${r.comparison.mismatch})` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  lines.push(fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt));
  const failed = report.rows.filter((r) => !r.pass).length;
  const skipped = report.rows.filter((r) => r.skipped !== undefined).length;
  const checked = report.rows.length - skipped;
  if (report.notFinite !== undefined) lines.push(describeNotFinite(report.notFinite));
  lines.push(report.ok ? `all ${checked} checks passed${skipped > 0 ? `; ${skipped} not checked` : ''}` : `${failed} of ${report.rows.length} checks failed${report.typeErrors.length > 0 ? '; the module does not type-check' : ''}`);
  return lines.join('\n');
}

/** A number in the JSON report: a non-finite one is written as a string, as in fixture files. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface CheckRowDocument {
  readonly function: string;
  /** `value` for the function's own value, else the variable or definition differentiated against. */
  readonly variable: string;
  /** As measured, nothing subtracted; null when not measured (skipped, or `reason` says why not). */
  readonly maxAbsError: JsonNumber | null;
  readonly maxRelError: JsonNumber | null;
  /** The absolute error allowed for rounding noise before the tolerance applies; null when skipped. */
  readonly allowedNoise: JsonNumber | null;
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
      maxAbsError: measured ? jsonNumber(r.measured.maxAbs) : null,
      maxRelError: measured ? jsonNumber(r.measured.maxRel) : null,
      allowedNoise: r.skipped === undefined ? jsonNumber(r.allowance) : null,
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
