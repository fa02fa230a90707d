/**
 * `gradc check`: compile a model's module in memory, type-check it strictly, run it on random
 * inputs, and compare every forward value with the mathjs reference evaluator and every
 * gradient entry with central differences.
 */
import { generate, type GeneratedModule } from '../codegen/module.js';
import { differentiate } from '../diff/differentiate.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { checkGradients } from './gradcheck.js';
import { loadModule, typeCheckModule } from './load.js';
import { compareValues, differenceNoise, type Comparison } from './numeric.js';
import type { Domain } from './random.js';
import { ReferenceEvaluator, type InputValue } from './reference.js';
import { moduleInputs, toValue } from './run-module.js';

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

export interface CheckRow {
  readonly functionName: string;
  /** `value` for a function's own value, else the variable or definition differentiated against. */
  readonly variable: string;
  readonly comparison: Comparison;
  readonly pass: boolean;
  /** Why the row was not compared (then `pass` is true): a gradient central differences cannot check. */
  readonly skipped?: string;
}

export interface CheckReport {
  readonly dims: ReadonlyMap<string, number>;
  readonly seed: number;
  readonly typeErrors: readonly string[];
  /** Whether the module was type-checked (see CheckOptions.typeCheck). */
  readonly typeChecked: boolean;
  readonly rows: readonly CheckRow[];
  readonly ok: boolean;
}

/**
 * Domains that keep random inputs where the formula is smooth: a variable read directly by
 * log, sqrt or a fractional power is positive; by asin, acos or tan, well inside (-1, 1); by
 * relu, abs, sign or as a divisor, away from 0.
 */
export function inferDomains(model: Model): Record<string, Domain> {
  // No prototype: a variable may be named constructor or __proto__.
  const domains = Object.create(null) as Record<string, Domain>;
  const seen = new Set<number>();
  const visit = (n: Node) => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    n.args.forEach(visit);
    const direct = (arg: Node | undefined, domain: Domain) => {
      if (arg?.op === 'var' && domains[arg.attrs.name!] === undefined) domains[arg.attrs.name!] = domain;
    };
    if (n.op === 'unary') {
      const fn = n.attrs.fn!;
      if (fn === 'log' || fn === 'sqrt') direct(n.args[0], 'positive');
      else if (fn === 'asin' || fn === 'acos' || fn === 'tan') direct(n.args[0], 'open-unit');
      else if (fn === 'relu' || fn === 'abs' || fn === 'sign') direct(n.args[0], 'nonzero');
    } else if (n.op === 'pow') {
      const e = n.args[1]!;
      if (e.op !== 'const' || !Number.isInteger(e.attrs.value)) direct(n.args[0], 'positive');
    } else if (n.op === 'div') {
      direct(n.args[1], 'nonzero');
    }
  };
  for (const d of model.definitions) visit(d.node);
  return domains;
}

/** Seeds tried, from the given one, until the formula is finite at the sampled inputs. */
const SEED_ATTEMPTS = 20;

function finiteEverywhere(model: Model, values: ReadonlyMap<string, InputValue>, dims: ReadonlyMap<string, number>): boolean {
  const evaluator = new ReferenceEvaluator({ values, dims });
  return model.definitions.every((d) => evaluator.value(d.node).every((row) => row.every(Number.isFinite)));
}

export async function checkModel(model: Model, options: CheckOptions = {}, generated?: GeneratedModule): Promise<CheckReport> {
  const derived = differentiate(model);
  const module = generated ?? (await generate(model, derived, { sourceName: model.source.path.split(/[\\/]/).pop() ?? 'model.formula' }));
  const typeChecked = options.typeCheck ?? true;
  const typeErrors = typeChecked ? typeCheckModule(module.code) : [];
  const tol = options.tol ?? 1e-6;
  const domains = inferDomains(model);
  const firstSeed = options.seed ?? 1;
  let seed = firstSeed;
  let report = checkGradients(model, { ...(options.dims !== undefined ? { dims: options.dims } : {}), seed, derived, domains });
  for (let attempt = 1; attempt < SEED_ATTEMPTS && !finiteEverywhere(model, report.inputs, report.dims); attempt++) {
    seed = firstSeed + attempt;
    report = checkGradients(model, { ...(options.dims !== undefined ? { dims: options.dims } : {}), seed, derived, domains });
  }
  const exports = await loadModule(module.code);
  const inputs = moduleInputs(model, report.inputs, report.dims);
  const reference = new ReferenceEvaluator({ values: report.inputs, dims: report.dims });
  const rows: CheckRow[] = [];
  const row = (functionName: string, variable: string, comparison: Comparison) => {
    const pass = comparison.mismatch === undefined && comparison.maxRel <= tol;
    rows.push({ functionName, variable, comparison, pass });
  };
  const call = (name: string): unknown => (exports[name] as (i: unknown) => unknown)(inputs);

  for (const { definition, functionName } of module.manifest.definitions) {
    const node = model.definitions.find((d) => d.name === definition)!.node;
    row(functionName, 'value', compareValues(toValue(call(functionName)), reference.value(node)));
  }
  for (const g of module.manifest.gradients) {
    const result = call(g.functionName) as Record<string, unknown>;
    const target = model.definitions.find((d) => d.name === g.of)!.node;
    const value = reference.value(target);
    row(g.functionName, 'value', compareValues(toValue(result.value), value));
    // Central differences of a large value carry rounding noise of about ε·|f| / step: not an error.
    const noise = differenceNoise(value[0]![0]!);
    for (const w of g.wrt) {
      const check = report.checks.find((c) => c.functionName === g.functionName && c.wrt === w);
      if (check === undefined) {
        // Not checkable by central differences (a constant definition): say so, do not guess.
        const skip = report.skipped.find((s) => s.functionName === g.functionName && s.wrt === w);
        const none: Comparison = { maxAbs: 0, maxRel: 0, worst: undefined, mismatch: undefined };
        rows.push({ functionName: g.functionName, variable: w, comparison: none, pass: true, skipped: skip?.reason ?? 'not checked' });
        continue;
      }
      row(g.functionName, w, compareValues(toValue(result[w]), check.numeric, { noise }));
    }
  }
  return { dims: report.dims, seed, typeErrors, typeChecked, rows, ok: typeErrors.length === 0 && rows.every((r) => r.pass) };
}

/** The report as a table for a terminal. */
export function formatCheckReport(report: CheckReport): string {
  const lines: string[] = [];
  const dims = [...report.dims].map(([d, n]) => `${d}=${n}`).join(', ');
  lines.push(`dimensions: ${dims === '' ? '(none)' : dims}; seed ${report.seed}`);
  for (const e of report.typeErrors) lines.push(`type error in the generated module: ${e}`);
  const header = ['function', 'variable', 'max abs error', 'max rel error', 'result'];
  const body = report.rows.map((r) => [
    r.functionName,
    r.variable,
    r.comparison.mismatch !== undefined || r.skipped !== undefined ? '-' : r.comparison.maxAbs.toExponential(2),
    r.comparison.mismatch !== undefined || r.skipped !== undefined ? '-' : r.comparison.maxRel.toExponential(2),
    r.skipped !== undefined ? `skipped (${r.skipped})` : r.pass ? 'pass' : `FAIL${r.comparison.mismatch !== undefined ? ` (${r.comparison.mismatch})` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  lines.push(fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt));
  const failed = report.rows.filter((r) => !r.pass).length;
  const skipped = report.rows.filter((r) => r.skipped !== undefined).length;
  const checked = report.rows.length - skipped;
  lines.push(report.ok ? `all ${checked} checks passed${skipped > 0 ? `; ${skipped} not checked` : ''}` : `${failed} of ${report.rows.length} checks failed${report.typeErrors.length > 0 ? '; the module does not type-check' : ''}`);
  return lines.join('\n');
}
