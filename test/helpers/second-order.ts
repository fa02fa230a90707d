/**
 * Random second-order requests: each random formula of the shared generator (formulas.ts) gets
 * a `hessian` of its loss with respect to its scalar and vector variables, an `hvp` with respect
 * to all its differentiated variables, and a `jacobian` of a vector-valued definition (or of the
 * loss) with respect to scalars and vectors it depends on. Batches of formulas go through
 * compile → strict type check → load → check, as the gradient suite's do.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { checkModel, describeNotFinite } from '../../src/check/check-module.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { GradcError } from '../../src/diagnostics/errors.js';
import { isColumn, isRow, isScalar, type Shape } from '../../src/ir/shape.js';
import { formulaArbitrary, renderFormula } from './formulas.js';
import { PIPELINE_TOLERANCE } from './pipeline.js';

const vectorLike = (s: Shape) => isScalar(s) || isColumn(s) || isRow(s);

/** The second-order request lines for a formula's text (whose first grad line differentiates a scalar). */
export function secondOrderRequests(text: string): string[] {
  const model = checkFormula(text, 'random.formula');
  const lines: string[] = [];
  for (const g of model.requests) {
    const of = g.target.name;
    const variables = g.wrt.filter((w) => w.isVariable);
    const small = variables.filter((w) => vectorLike(w.node.shape));
    if (small.length > 0) lines.push(`hessian ${of} wrt ${small.map((w) => w.name).join(', ')}`);
    if (variables.length > 0) lines.push(`hvp ${of} wrt ${variables.map((w) => w.name).join(', ')}`);
    const jacWrt = g.wrt.filter((w) => vectorLike(w.node.shape));
    const vectorDefinition = [...model.definitions].reverse().find((d) => vectorLike(d.node.shape) && !isScalar(d.node.shape)) ?? g.target;
    if (jacWrt.length > 0) lines.push(`jacobian ${vectorDefinition.name} wrt ${jacWrt.map((w) => w.name).join(', ')}`);
  }
  return lines;
}

/**
 * The second-order requests of `text` that gradc accepts, and how many were left out because
 * their Jacobian passes through a matrix-valued intermediate (a located error).
 */
export function acceptedSecondOrder(text: string): { lines: string[]; refused: number } {
  let lines = secondOrderRequests(text);
  let refused = 0;
  for (;;) {
    const full = `${text}\n${lines.join('\n')}\n`;
    try {
      differentiate(checkFormula(full, 'random.formula'));
      return { lines, refused };
    } catch (e) {
      const d = e instanceof GradcError ? e.diagnostics.find((x) => x.message.includes('passes through')) : undefined;
      if (d === undefined) throw e;
      const bad = full.slice(d.span.start, full.indexOf('\n', d.span.start));
      lines = lines.filter((l) => l !== bad);
      refused++;
    }
  }
}

export interface SecondOrderRun {
  /** Requests checked (each a function of the generated module compared with differences). */
  readonly requests: number;
  /** Requests left out because their Jacobian passes through a matrix-valued intermediate (a located error). */
  readonly matrixFlows: number;
  readonly formulas: number;
  readonly report: string;
}

/** Runs `count` formulas from index `start` of the stream `seed`, `batchSize` to a module. */
export async function runSecondOrder(options: { seed: number; start: number; count: number; batchSize: number }): Promise<SecondOrderRun> {
  const specs = fc.sample(formulaArbitrary(), { seed: options.seed, numRuns: options.start + options.count }).slice(options.start);
  let requests = 0;
  let matrixFlows = 0;
  const reports: string[] = [];
  for (let from = 0; from < specs.length; from += options.batchSize) {
    const parts: string[] = [];
    let dims: Record<string, number> = {};
    for (const [i, spec] of specs.slice(from, from + options.batchSize).entries()) {
      const rendered = renderFormula(spec, `f${from + i}_`);
      dims = { ...dims, ...rendered.dims };
      let extra: string[] = [];
      try {
        const accepted = acceptedSecondOrder(rendered.text);
        extra = accepted.lines;
        matrixFlows += accepted.refused;
      } catch (e) {
        reports.push(`formula #${options.start + from + i} is refused:\n${rendered.text}\n${String(e)}`);
      }
      requests += extra.length;
      parts.push(`${rendered.text}\n${extra.join('\n')}\n`);
    }
    const text = parts.join('\n');
    try {
      const model = checkFormula(text, 'batch.formula');
      const report = await checkModel(model, { dims, seed: options.seed + from, tol: PIPELINE_TOLERANCE });
      if (!report.ok) {
        const failed = report.rows.filter((r) => !r.pass).map((r) => `${r.functionName} ${r.variable}: ${r.comparison.mismatch ?? `max rel error ${r.comparison.maxRel.toExponential(2)}`}`);
        reports.push(
          [...report.typeErrors.map((e) => `type error: ${e}`), ...failed, ...(report.notFinite ? [describeNotFinite(report.notFinite)] : []), `dims ${JSON.stringify(dims)}`, text].join('\n'),
        );
      }
    } catch (e) {
      reports.push(`${String(e)}\n${text}`);
    }
  }
  return { requests, matrixFlows, formulas: specs.length, report: reports.join('\n\n') };
}

const COUNT = Number(process.env.GRADC_SECOND_ORDER_FORMULAS ?? 240);
const SEED = Number(process.env.GRADC_FC_SEED ?? 20_261_130);
const BATCH = 12;

/** Declares the test of shard `shard` of `shards`: a slice of one formula stream, on whole batches. */
export function secondOrderShard(shard: number, shards: number): void {
  const batches = Math.ceil(COUNT / BATCH);
  const start = Math.floor((batches * shard) / shards) * BATCH;
  const end = Math.min(COUNT, Math.floor((batches * (shard + 1)) / shards) * BATCH);
  it(
    `formulas ${start}..${end - 1} of ${COUNT} with second-order requests pass the check (fast-check seed ${SEED})`,
    async () => {
      const run = await runSecondOrder({ seed: SEED, start, count: end - start, batchSize: BATCH });
      console.log(`second-order requests: ${run.requests} checked in ${run.formulas} formulas; ${run.matrixFlows} refused (a matrix-valued intermediate)`);
      expect(run.report).toBe('');
      // About 2.2 requests a formula: over 500 in the default run.
      expect(run.requests).toBeGreaterThanOrEqual(Math.floor((end - start) * 2.05));
      // A refused Jacobian is the exception: most random formulas flow through vectors.
      expect(run.matrixFlows).toBeLessThan(run.requests / 3);
    },
    // A bound against a hang, not a speed target.
    Math.max(600_000, (end - start) * 5_000),
  );
}
