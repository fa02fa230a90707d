/**
 * Random formulas through the whole product: formula text → compile → strict type check →
 * load → checkModel (forward values against the mathjs reference evaluator, gradients against
 * central differences; a value or gradient that is not finite fails). Many formulas are batched into one formula file, so one generated
 * module (one prettier run, one type check, one import) serves them all; a batch that fails
 * is split into its formulas, each checked alone, and a failing one is shrunk by fast-check.
 */
import fc from 'fast-check';
import { checkModel } from '../../src/check/check-module.js';
import { describeNotFinite, type CheckReport } from '../../src/check/check-report.js';
import { loadModule, typeCheckModule } from '../../src/check/load.js';
import { generate } from '../../src/codegen/module.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import type { Model } from '../../src/ir/model.js';
import { formulaArbitrary, renderFormula, simplerFormulas, type FormulaSpec } from './formulas.js';

/** Relative tolerance of the gradient check (errors of entries below 1e-3 are absolute). */
export const PIPELINE_TOLERANCE = 1e-6;

function describeReport(report: CheckReport): string {
  const lines: string[] = [];
  for (const e of report.typeErrors) lines.push(`type error: ${e}`);
  for (const r of report.rows) {
    if (r.pass) continue;
    const c = r.comparison;
    const w = c.worst;
    lines.push(
      `${r.functionName} ${r.variable}: ${c.mismatch ?? `max rel error ${c.maxRel.toExponential(2)}${w === undefined ? '' : ` at (${w.row}, ${w.col}): ${w.actual} vs ${w.expected}`}`}`,
    );
  }
  if (report.notFinite !== undefined) lines.push(describeNotFinite(report.notFinite));
  lines.push(`dims ${JSON.stringify(Object.fromEntries(report.dims))}, check seed ${report.seed}`);
  return lines.join('\n');
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

/** How a formula failed: the stage (for shrinking, which keeps the stage) and the details. */
export interface Failure {
  readonly kind: 'rejected' | 'compile' | 'type-check' | 'load' | 'check' | 'mismatch';
  readonly message: string;
}

/**
 * One formula through every stage, as `gradc check` would run it: undefined when it passes,
 * else where and how it failed. `typeCheck: false` leaves out the (slowest) stage.
 */
export async function checkOneFormula(
  spec: FormulaSpec,
  seed = 1,
  options: { typeCheck?: boolean } = {},
): Promise<Failure | undefined> {
  const { text, dims } = renderFormula(spec);
  let stage: Failure['kind'] = 'rejected';
  try {
    const model = checkFormula(text, 'random.formula');
    stage = 'compile';
    // What compile(text) does, keeping the manifest for checkModel.
    const module = await generate(model, differentiate(model), { sourceName: 'random.formula' });
    if (options.typeCheck ?? true) {
      const typeErrors = await typeCheckModule(module.code);
      if (typeErrors.length > 0)
        return { kind: 'type-check', message: `the module does not type-check:\n${typeErrors.join('\n')}` };
    }
    stage = 'load';
    await loadModule(module.code);
    stage = 'check';
    const report = await checkModel(model, { dims, seed, tol: PIPELINE_TOLERANCE, typeCheck: false }, module);
    return report.ok ? undefined : { kind: 'mismatch', message: describeReport(report) };
  } catch (e) {
    return { kind: stage, message: errorText(e) };
  }
}

/**
 * The smallest variant of a failing formula (simplerFormulas, greedily) that fails at the same
 * stage, within a time budget.
 */
export async function minimizeFormula(
  spec: FormulaSpec,
  failure: Failure,
  seed: number,
  budgetMs = 60_000,
): Promise<{ spec: FormulaSpec; failure: Failure; steps: number }> {
  const start = performance.now();
  let current = { spec, failure, steps: 0 };
  const typeCheck = failure.kind === 'type-check';
  for (let improved = true; improved && performance.now() - start < budgetMs;) {
    improved = false;
    for (const candidate of simplerFormulas(current.spec)) {
      if (performance.now() - start > budgetMs) break;
      const f = await checkOneFormula(candidate, seed, { typeCheck });
      if (f !== undefined && f.kind === failure.kind) {
        current = { spec: candidate, failure: f, steps: current.steps + 1 };
        improved = true;
        break;
      }
    }
  }
  return current;
}

export interface BatchResult {
  /** Indices (into the batch) of formulas that failed alone, with why. */
  readonly failures: { readonly index: number; readonly failure: Failure }[];
  /** A failure of the batch that no formula reproduces alone (an interaction), with the batch's text. */
  readonly batchFailure?: { readonly failure: Failure; readonly text: string };
  readonly typeChecked: boolean;
}

/**
 * The formula (index in the batch) a type error of a batch module belongs to: the function it
 * is in is named after the formula's prefix (`f3_L`, `f3_LGrad`); in the shared forward pass,
 * a `value$N` local belongs to definition N. Undefined when it cannot tell.
 */
function formulaOfTypeError(error: string, code: string, model: Model): number | undefined {
  const at = /^(\d+):\d+ /.exec(error);
  if (at === null) return undefined;
  const lines = code.split('\n');
  for (let l = Number(at[1]) - 1; l >= 0; l--) {
    const f = /^(?:export )?function ([^\s(<]+)/.exec(lines[l]!);
    if (f === null) continue;
    let name = f[1]!;
    if (name === 'forward$') {
      const value = /'value\$(\d+)'/.exec(error);
      if (value === null) return undefined;
      name = model.definitions[Number(value[1])]?.name ?? '';
    }
    const m = /^f(\d+)_/.exec(name);
    return m === null ? undefined : Number(m[1]);
  }
  return undefined;
}

/** Checks formulas together in one module; failures are confirmed one formula at a time. */
export async function checkBatch(
  specs: readonly FormulaSpec[],
  options: { seed: number; typeCheck: boolean },
): Promise<BatchResult> {
  const rendered = specs.map((s, i) => renderFormula(s, `f${i}_`));
  const text = rendered.map((r) => r.text).join('\n');
  const dims = Object.assign({}, ...rendered.map((r) => r.dims)) as Record<string, number>;
  const everyone = specs.map((_, i) => i);
  let suspects = new Set<number>();
  let batchFailure: Failure | undefined;
  try {
    const model = checkFormula(text, 'batch.formula');
    const module = await generate(model, differentiate(model), { sourceName: 'batch.formula' });
    const report = await checkModel(
      model,
      { dims, seed: options.seed, tol: PIPELINE_TOLERANCE, typeCheck: options.typeCheck },
      module,
    );
    if (!report.ok) {
      // A value or gradient that is not finite fails its rows too (checkModel compares no NaN).
      batchFailure =
        report.rows.every((r) => r.pass) && report.notFinite === undefined
          ? { kind: 'type-check', message: `the module does not type-check:\n${report.typeErrors.join('\n')}` }
          : { kind: 'mismatch', message: describeReport(report) };
      for (const r of report.rows) {
        if (r.pass) continue;
        const m = /^f(\d+)_/.exec(r.functionName);
        for (const i of m === null ? everyone : [Number(m[1])]) suspects.add(i);
      }
      for (const e of report.typeErrors) {
        const i = formulaOfTypeError(e, module.code, model);
        for (const j of i === undefined ? everyone : [i]) suspects.add(j);
      }
    }
  } catch (e) {
    batchFailure = { kind: 'check', message: errorText(e) };
    suspects = new Set(everyone);
  }
  const failures: { index: number; failure: Failure }[] = [];
  for (const i of [...suspects].sort((a, b) => a - b)) {
    const alone = await checkOneFormula(specs[i]!, options.seed);
    if (alone !== undefined) failures.push({ index: i, failure: alone });
  }
  const together = batchFailure !== undefined && failures.length === 0 ? { failure: batchFailure, text } : undefined;
  return { failures, ...(together !== undefined ? { batchFailure: together } : {}), typeChecked: options.typeCheck };
}

export interface RandomRunOptions {
  /** fast-check seed of the formula stream. */
  readonly seed: number;
  readonly count: number;
  /** Index in the stream of the first formula to run (default 0): shards of one stream. */
  readonly start?: number;
  /** Formulas per generated module. */
  readonly batchSize: number;
  /** Type-check one batch in this many (1: every batch). */
  readonly typeCheckEvery: number;
  /** Depth of the loss expression (definitions get one less); default 3. */
  readonly depth?: number;
}

function arbitraryOf(depth: number | undefined): fc.Arbitrary<FormulaSpec> {
  return depth === undefined
    ? formulaArbitrary()
    : formulaArbitrary({ depth, definitionDepth: Math.max(1, depth - 1) });
}

export interface RandomRunResult {
  readonly formulas: number;
  readonly batches: number;
  readonly typeCheckedFormulas: number;
  readonly milliseconds: number;
  /** A readable account of every failure: seed, path, the shrunk formula. Empty when all pass. */
  readonly report: string;
}

/**
 * Runs `count` formulas of the fast-check stream `seed` through the product. A failing formula
 * is shrunk by replaying its path in that stream: fast-check reports the smallest formula that
 * still fails, and the command that replays it.
 */
export async function runRandomFormulas(options: RandomRunOptions): Promise<RandomRunResult> {
  const start = performance.now();
  const arbitrary = arbitraryOf(options.depth);
  const start0 = options.start ?? 0;
  const specs = fc.sample(arbitrary, { seed: options.seed, numRuns: start0 + options.count }).slice(start0);
  const reports: string[] = [];
  let batches = 0;
  let typeCheckedFormulas = 0;
  for (let from = 0; from < specs.length; from += options.batchSize) {
    const batch = specs.slice(from, from + options.batchSize);
    const typeCheck = batches % options.typeCheckEvery === 0;
    // The check seed depends only on the batch's place in the stream, so a shard reproduces alone.
    const checkSeed = options.seed + (start0 + from) / options.batchSize;
    const result = await checkBatch(batch, { seed: checkSeed, typeCheck });
    batches++;
    if (typeCheck) typeCheckedFormulas += batch.length;
    if (result.batchFailure !== undefined) {
      const { failure, text } = result.batchFailure;
      reports.push(
        `formulas ${start0 + from}..${start0 + from + batch.length - 1} fail together but not alone:\n${failure.message}\n${text}`,
      );
    }
    for (const f of result.failures) {
      reports.push(
        await shrinkFailure(arbitrary, options, start0 + from + f.index, specs[from + f.index]!, f.failure, checkSeed),
      );
    }
  }
  return {
    formulas: specs.length,
    batches,
    typeCheckedFormulas,
    milliseconds: performance.now() - start,
    report: reports.join('\n\n'),
  };
}

/**
 * A failing formula, shrunk: first by fast-check (replaying its path in the stream, keeping
 * the stage that failed), then by replacing parts with smaller parts of the same shape.
 */
async function shrinkFailure(
  arbitrary: fc.Arbitrary<FormulaSpec>,
  options: RandomRunOptions,
  index: number,
  spec: FormulaSpec,
  failure: Failure,
  checkSeed: number,
): Promise<string> {
  const sameStage = async (s: FormulaSpec) => (await checkOneFormula(s, checkSeed))?.kind !== failure.kind;
  const shrunk = await fc.check(fc.asyncProperty(arbitrary, sameStage), {
    seed: options.seed,
    path: String(index),
    numRuns: index + 1,
  });
  let minimal = spec;
  let why = failure;
  if (shrunk.failed) {
    minimal = shrunk.counterexample![0] as FormulaSpec;
    why = (await checkOneFormula(minimal, checkSeed)) ?? failure;
  }
  const smaller = await minimizeFormula(minimal, why, checkSeed);
  return [
    `random formula #${index} failed at stage '${failure.kind}' (fast-check seed ${options.seed}, path ${index}; check seed ${checkSeed})`,
    `replay: GRADC_FC_SEED=${options.seed} GRADC_FC_PATH=${index} GRADC_CHECK_SEED=${checkSeed}${options.depth !== undefined ? ` GRADC_FORMULA_DEPTH=${options.depth}` : ''} npx vitest run test/reliability/random-formulas.test.ts`,
    '--- as generated ---',
    renderFormula(spec).text + failure.message,
    `--- shrunk (${shrunk.numShrinks} fast-check shrinks, then ${smaller.steps} structural steps) ---`,
    renderFormula(smaller.spec).text + smaller.failure.message,
  ].join('\n');
}

/** Replays one formula of a stream (its index in the stream), and shrinks it if it fails. */
export async function replayFormula(seed: number, index: number, checkSeed: number, depth?: number): Promise<string> {
  const arbitrary = arbitraryOf(depth);
  const spec = fc.sample(arbitrary, { seed, numRuns: index + 1 })[index]!;
  const failure = await checkOneFormula(spec, checkSeed);
  if (failure === undefined) return '';
  return shrinkFailure(
    arbitrary,
    { seed, count: index + 1, batchSize: 1, typeCheckEvery: 1, ...(depth !== undefined ? { depth } : {}) },
    index,
    spec,
    failure,
    checkSeed,
  );
}
