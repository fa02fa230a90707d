/**
 * Random second-order requests: each random formula of the shared generator (formulas.ts) gets
 * a `hessian` of its loss with respect to its variables (matrices included: blocks in the vec
 * convention), an `hvp` with respect to all of them, a `jacobian` of the last non-scalar
 * definition (a vector or a matrix; else the loss) with respect to everything its grad line
 * names, and (where they are other lines) jacobians of the loss and of the first non-scalar
 * definition with respect to the variables. Batches of formulas go through compile → strict type check → load → check, as the
 * gradient suite's do. Nothing is refused for its path or its shapes.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { describeNotFinite } from '../../src/check/check-report.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { reachable } from '../../src/ir/walk.js';
import { isColumn, isRow, isScalar, type Shape } from '../../src/ir/shape.js';

/** A value with a matrix's shape: neither a scalar, nor a column, nor a row. */
export const isMatrix = (s: Shape) => !(isScalar(s) || isColumn(s) || isRow(s));
import { formulaArbitrary, renderFormula } from './formulas.js';
import { PIPELINE_TOLERANCE } from './pipeline.js';

/** The second-order request lines for a formula's text (whose first grad line differentiates a scalar). */
export function secondOrderRequests(text: string): string[] {
  const model = checkFormula(text, 'random.formula');
  const lines: string[] = [];
  for (const g of model.requests) {
    const of = g.target.name;
    const variables = g.wrt.filter((w) => w.isVariable);
    if (variables.length > 0) lines.push(`hessian ${of} wrt ${variables.map((w) => w.name).join(', ')}`);
    if (variables.length > 0) lines.push(`hvp ${of} wrt ${variables.map((w) => w.name).join(', ')}`);
    const valued = [...model.definitions].reverse().find((d) => !isScalar(d.node.shape)) ?? g.target;
    if (g.wrt.length > 0) lines.push(`jacobian ${valued.name} wrt ${g.wrt.map((w) => w.name).join(', ')}`);
    // The loss's Jacobian (its gradient as rows) by forward mode, through every op on the path.
    // The loss's Jacobian (its gradient as rows) by forward mode, and the first matrix- or
    // vector-valued definition's, with respect to the variables: through every op on the path.
    const first = model.definitions.find((d) => !isScalar(d.node.shape));
    for (const d of [g.target, ...(first === undefined ? [] : [first])]) {
      const line = `jacobian ${d.name} wrt ${variables.map((w) => w.name).join(', ')}`;
      if (variables.length > 0 && !lines.includes(line)) lines.push(line);
    }
  }
  return lines;
}

/**
 * The second-order requests of `text`, derived to make sure gradc accepts every one (nothing is
 * refused for its path or its shapes: a refusal throws), and how many of them have a matrix on
 * the path (a matrix-valued value between the variable and the target) or as the variable.
 */
export function acceptedSecondOrder(text: string): { lines: string[]; withMatrices: number } {
  const lines = secondOrderRequests(text);
  const model = checkFormula(`${text}\n${lines.join('\n')}\n`, 'random.formula');
  differentiate(model);
  const withMatrices = model.higherRequests.filter((r) => {
    if (r.wrt.some((w) => isMatrix(w.node.shape))) return true;
    const wrtIds = new Set(r.wrt.map((w) => w.node.id));
    const depends = new Map<number, boolean>();
    for (const n of reachable([r.target.node]))
      depends.set(n.id, wrtIds.has(n.id) || n.args.some((a) => depends.get(a.id) === true));
    return reachable([r.target.node]).some((n) => depends.get(n.id) === true && isMatrix(n.shape));
  }).length;
  return { lines, withMatrices };
}

export interface SecondOrderRun {
  /** Requests checked (each a function of the generated module compared with differences). */
  readonly requests: number;
  /** Requests with a matrix on the path or as the variable. */
  readonly withMatrices: number;
  readonly formulas: number;
  readonly report: string;
}

/** Runs `count` formulas from index `start` of the stream `seed`, `batchSize` to a module. */
export async function runSecondOrder(options: {
  seed: number;
  start: number;
  count: number;
  batchSize: number;
}): Promise<SecondOrderRun> {
  const specs = fc
    .sample(formulaArbitrary(), { seed: options.seed, numRuns: options.start + options.count })
    .slice(options.start);
  let requests = 0;
  let withMatrices = 0;
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
        withMatrices += accepted.withMatrices;
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
        const failed = report.rows
          .filter((r) => !r.pass)
          .map(
            (r) =>
              `${r.functionName} ${r.variable}: ${r.comparison.mismatch ?? `max rel error ${r.comparison.maxRel.toExponential(2)}`}`,
          );
        reports.push(
          [
            ...report.typeErrors.map((e) => `type error: ${e}`),
            ...failed,
            ...(report.notFinite ? [describeNotFinite(report.notFinite)] : []),
            `dims ${JSON.stringify(dims)}`,
            text,
          ].join('\n'),
        );
      }
    } catch (e) {
      reports.push(`${String(e)}\n${text}`);
    }
  }
  return { requests, withMatrices, formulas: specs.length, report: reports.join('\n\n') };
}

const COUNT = Number(process.env.GRADC_SECOND_ORDER_FORMULAS ?? 168);
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
      console.log(
        `second-order requests: ${run.requests} checked in ${run.formulas} formulas, ${run.withMatrices} with a matrix on the path or as the variable; 0 refused`,
      );
      expect(run.report).toBe('');
      // About 4.7 requests a formula (a hessian, an hvp and up to three jacobian lines): 792 in the
      // default run, 562 of them with a matrix on the path or as the variable.
      expect(run.requests).toBeGreaterThanOrEqual(Math.floor((end - start) * 4));
      // Matrices on the path or as the variable are the common case, not the exception: at least
      // three requests a formula (504 or more in the default run of 168).
      expect(run.withMatrices).toBeGreaterThanOrEqual((end - start) * 3);
    },
    // A bound against a hang, not a speed target.
    Math.max(600_000, (end - start) * 5_000),
  );
}
