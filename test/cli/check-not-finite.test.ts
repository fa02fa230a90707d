/**
 * Issue 11, item 5: checks that can fail. A value or gradient that is not finite at any sampled
 * point fails `check` (exit 1) and says what was not finite; NaN used to agree with NaN, so
 * `L = sum(sqrt(-1 - x .* x))` printed "all 3 checks passed".
 */
import { describe, expect, it } from 'vitest';
import { checkModel, SEED_ATTEMPTS } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { checkFormula } from '../../src/front.js';
import { runCli, scratchDirectory } from './run-cli.js';

const scratch = scratchDirectory();

/** NaN at every point: the square root of a negative number. */
const NAN_EVERYWHERE = 'x : vector(n)\nL = sum(sqrt(-1 - x .* x))\ngrad L wrt x\n';
/** A finite value whose derived gradient is NaN everywhere (exp overflows: Infinity / Infinity). */
const NAN_GRADIENT = 'x : vector(n)\nL = sum(atan(exp(1000 + x .* x)))\ngrad L wrt x\n';
/** Finite only where a < 0: half the seeds. */
const FINITE_AT_SOME_SEEDS = 'a : scalar\nL = log(-2 a)\ngrad L wrt a\n';

describe('checkModel on a formula that is not finite at any sampled point', () => {
  it('fails every row whose value is NaN, with the reason', async () => {
    const report = await checkModel(checkFormula(NAN_EVERYWHERE, 'nan.formula'), { seed: 1, typeCheck: false });
    expect(report.ok).toBe(false);
    expect(report.rows.map((r) => [r.functionName, r.variable, r.pass, r.comparison.mismatch])).toEqual([
      ['L', 'value', false, 'not finite: NaN at entry (0, 0)'],
      ['LGrad', 'value', false, 'not finite: NaN at entry (0, 0)'],
      ['LGrad', 'x', false, 'not finite: NaN at entry (0, 0)'],
    ]);
  });

  it('says what was not finite, and which seeds were tried', async () => {
    const report = await checkModel(checkFormula(NAN_EVERYWHERE, 'nan.formula'), { seed: 1, typeCheck: false });
    expect(report.notFinite).toEqual({ what: 'L', value: NaN, entry: undefined, seeds: [1, SEED_ATTEMPTS] });
    expect(report.seed).toBe(SEED_ATTEMPTS);
  });

  it('names a derived gradient that is not finite where the value is, and its first bad entry', async () => {
    const report = await checkModel(checkFormula(NAN_GRADIENT, 'grad.formula'), { seed: 3, typeCheck: false });
    expect(report.ok).toBe(false);
    expect(report.notFinite).toEqual({
      what: 'dL/dx',
      value: NaN,
      entry: { row: 0, col: 0 },
      seeds: [3, 3 + SEED_ATTEMPTS - 1],
    });
    expect(report.rows.find((r) => r.variable === 'x')?.comparison.mismatch).toBe('not finite: NaN at entry (0, 0)');
  });

  it('passes a formula that is finite at a later seed, at the first such seed', async () => {
    const report = await checkModel(checkFormula(FINITE_AT_SOME_SEEDS, 'log.formula'), { seed: 1, typeCheck: false });
    expect(report.ok, formatCheckReport(report)).toBe(true);
    expect(report.seed).toBeGreaterThan(1);
    expect(report.notFinite).toBeUndefined();
  });
});

describe('gradc check on a formula that is not finite at any sampled point', () => {
  it('exits 1 and prints the failed rows, what was not finite, and the count', async () => {
    const r = await runCli(['check', scratch.file('nan.formula', NAN_EVERYWHERE)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').slice(4)).toEqual([
      'L         value     -       -      -          0.00e+0    FAIL (not finite: NaN at entry (0, 0))',
      'LGrad     value     -       -      -          0.00e+0    FAIL (not finite: NaN at entry (0, 0))',
      'LGrad     x         -       -      -          0.00e+0    FAIL (not finite: NaN at entry (0, 0))',
      'L is not finite at any sampled point (tried seeds 1-20): NaN',
      '3 of 3 checks failed',
      '',
    ]);
  });

  it('names the seeds tried from the one given', async () => {
    const r = await runCli(['check', scratch.file('grad.formula', NAN_GRADIENT), '--seed', '5', '--dims', 'n=2']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      '\ndL/dx is not finite at any sampled point (tried seeds 5-24): NaN at entry (0, 0)\n1 of 3 checks failed\n',
    );
  });

  it('with --json, fails the rows and carries the summary', async () => {
    const r = await runCli(['check', scratch.file('nan.formula', NAN_EVERYWHERE), '--json']);
    expect(r.status).toBe(1);
    const document = JSON.parse(r.stdout) as Record<string, unknown> & { rows: Record<string, unknown>[] };
    expect(document.ok).toBe(false);
    expect(document.rows.map((row) => [row.result, row.reason])).toEqual([
      ['fail', 'not finite: NaN at entry (0, 0)'],
      ['fail', 'not finite: NaN at entry (0, 0)'],
      ['fail', 'not finite: NaN at entry (0, 0)'],
    ]);
    expect(document.notFinite).toEqual({
      what: 'L',
      value: 'NaN',
      entry: null,
      seeds: { first: 1, last: 20 },
      message: 'L is not finite at any sampled point (tried seeds 1-20): NaN',
    });
  });

  it('a formula that is finite leaves notFinite out of the JSON', async () => {
    const r = await runCli(['check', scratch.file('log.formula', FINITE_AT_SOME_SEEDS), '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).not.toHaveProperty('notFinite');
  });
});
