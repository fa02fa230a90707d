/**
 * Issue 18, item 8, and issue 22: `check` prints each row's error as measured and, in its own
 * column, the allowance it was judged by (see README, What pass means).
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { checkFormula } from '../../src/front.js';
import { DS102, runCli, scratchDirectory } from './run-cli.js';

const scratch = scratchDirectory();

/** A large value: the differences of L carry rounding noise of about 1e-3. */
const LARGE = 'a : scalar\nL = 1000000 + a^2\ngrad L wrt a\n';

/** The cells of the table row of `fn` and `variable`. */
function cells(table: string, fn: string, variable: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`${fn} `) && l.split(/\s{2,}/)[1] === variable);
  if (line === undefined) throw new Error(`no row ${fn} ${variable} in\n${table}`);
  return line.split(/\s{2,}/);
}

describe('check shows its margin', () => {
  it('the header names the columns: probes, error as measured, relative error, allowance', async () => {
    const r = await runCli(['check', scratch.file('large.formula', LARGE)]);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'dimensions: (none); seed 1',
      'tolerance: values within relative error 1e-6 beyond their rounding; derivatives within their allowance',
      'function  variable  probes   error    rel error  allowance  result',
      '--------  --------  -------  -------  ---------  ---------  ------',
    ]);
  });

  it('a passing gradient shows its measured error and the allowance that covers it', async () => {
    const model = checkFormula(LARGE, 'large.formula');
    const report = await checkModel(model, { seed: 1, typeCheck: false });
    const row = report.rows.find((r) => r.functionName === 'LGrad' && r.variable === 'a')!;
    expect(row.pass).toBe(true);
    expect(row.probes).toEqual({ count: 1, method: 'entries' });
    expect(row.measured.maxAbs).toBeGreaterThan(0);
    expect(row.measured.maxAbs).toBeLessThanOrEqual(row.allowance);
    const [, , probes, error, rel, allowance] = cells(formatCheckReport(report), 'LGrad', 'a');
    expect([probes, error, rel, allowance]).toEqual([
      '1 entry',
      row.measured.maxAbs.toExponential(2),
      row.measured.maxRel.toExponential(2),
      row.allowance.toExponential(2),
    ]);
  });

  it('the allowance of a gradient of a large value covers the rounding of its differences', async () => {
    const report = await checkModel(checkFormula(LARGE, 'large.formula'), { seed: 1, typeCheck: false });
    const row = report.rows.find((r) => r.functionName === 'LGrad' && r.variable === 'a')!;
    // L = 1e6 + a^2 with |a| <= 1, a step of 1e-5: SAFETY 4 times 32 ε |L| / h at least.
    expect(row.allowance).toBeGreaterThanOrEqual((4 * 32 * Number.EPSILON * 1e6) / 1e-5);
    // What differences of a value of a million can resolve, and no more.
    expect(row.allowance).toBeLessThan(1e-2);
  });

  it('a value is allowed what rounding explains: a few hundred ε of its size here', async () => {
    const report = await checkModel(checkFormula(LARGE, 'large.formula'), { seed: 1, typeCheck: false });
    for (const r of report.rows.filter((x) => x.variable === 'value')) {
      expect(r.allowance).toBeGreaterThan(0);
      expect(r.allowance).toBeLessThan(1e-9 * 1e6);
    }
  });
});

describe('--tol and forward values', () => {
  it('--tol bounds the forward values beyond their rounding: --tol 0 still passes values that differ from the reference by rounding', async () => {
    const file = scratch.file('ds102.formula', DS102);
    const r = await runCli(['check', file, '--dims', 'h=3,m=4', '--seed', '1', '--tol', '0']);
    expect(r.status).toBe(0);
    const [, , , error, , allowance, result] = cells(r.stdout, 'z1', 'value');
    expect(error).not.toBe('0.00e+0');
    expect(Number(error)).toBeLessThanOrEqual(Number(allowance));
    expect(result).toBe('pass');
    expect(r.stdout).toContain(
      'tolerance: values within relative error 0 beyond their rounding; derivatives within their allowance',
    );
  });
});
