/**
 * Issue 18, item 8: `check` prints each row's error as measured and the allowed noise in its
 * own column (the error columns were 0.00e+0 for every passing gradient, the noise subtracted).
 */
import { describe, expect, it } from 'vitest';
import { checkModel, formatCheckReport } from '../../src/check/check-module.js';
import { differenceNoise } from '../../src/check/numeric.js';
import { checkFormula } from '../../src/front.js';
import { DS102, runCli, scratchDirectory } from './run-cli.js';

const scratch = scratchDirectory();

/** A large value: the central differences of L carry rounding noise of about 2e-4. */
const LARGE = 'a : scalar\nL = 1000000 + a^2\ngrad L wrt a\n';

/** The cells of the table row of `fn` and `variable`. */
function cells(table: string, fn: string, variable: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`${fn} `) && l.split(/\s{2,}/)[1] === variable);
  if (line === undefined) throw new Error(`no row ${fn} ${variable} in\n${table}`);
  return line.split(/\s{2,}/);
}

describe('check shows its margin', () => {
  it('the header names the columns: errors as measured, then the allowed noise', async () => {
    const r = await runCli(['check', scratch.file('large.formula', LARGE)]);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'dimensions: (none); seed 1',
      'tolerance: relative error 1e-6, after the allowed noise is subtracted',
      'function  variable  max abs error  max rel error  allowed noise  result',
      '--------  --------  -------------  -------------  -------------  ------',
    ]);
  });

  it('a passing gradient shows its measured error, not 0.00e+0', async () => {
    const model = checkFormula(LARGE, 'large.formula');
    const report = await checkModel(model, { seed: 1, typeCheck: false });
    const row = report.rows.find((r) => r.functionName === 'LGrad' && r.variable === 'a')!;
    expect(row.pass).toBe(true);
    expect(row.comparison.maxAbs).toBe(0); // within the noise: what the table used to print
    expect(row.measured.maxAbs).toBeGreaterThan(0);
    const [, , abs, rel] = cells(formatCheckReport(report), 'LGrad', 'a');
    expect([abs, rel]).toEqual([row.measured.maxAbs.toExponential(2), row.measured.maxRel.toExponential(2)]);
  });

  it('the allowed noise of a gradient is the rounding noise of central differences of its value', async () => {
    const report = await checkModel(checkFormula(LARGE, 'large.formula'), { seed: 1, typeCheck: false });
    const row = report.rows.find((r) => r.functionName === 'LGrad' && r.variable === 'a')!;
    // L = 1e6 + a^2 with |a| <= 1, so the noise is 10 ε |L| / 1e-5 for |L| in [1e6, 1e6 + 1].
    expect(row.allowance).toBeGreaterThanOrEqual(differenceNoise(1e6));
    expect(row.allowance).toBeLessThanOrEqual(differenceNoise(1e6 + 1));
    expect(cells(formatCheckReport(report), 'LGrad', 'a')[4]).toBe('2.22e-4');
  });

  it('a value, compared with the reference evaluator, is allowed no noise', async () => {
    const report = await checkModel(checkFormula(LARGE, 'large.formula'), { seed: 1, typeCheck: false });
    const table = formatCheckReport(report);
    expect(cells(table, 'L', 'value')[4]).toBe('0.00e+0');
    expect(cells(table, 'LGrad', 'value')[4]).toBe('0.00e+0');
  });

  it('a row passes by its error beyond the allowed noise, so its measured rel error may exceed --tol', async () => {
    const report = await checkModel(checkFormula(LARGE, 'large.formula'), { seed: 1, tol: 1e-6, typeCheck: false });
    const row = report.rows.find((r) => r.functionName === 'LGrad' && r.variable === 'a')!;
    expect(row.measured.maxRel).toBeGreaterThan(1e-6);
    expect(row.measured.maxAbs).toBeLessThan(row.allowance);
    expect(row.pass).toBe(true);
  });
});

describe('--tol and forward values', () => {
  it('--tol bounds the forward values against the reference evaluator: --tol 0 fails values that differ by rounding', async () => {
    const file = scratch.file('ds102.formula', DS102);
    const r = await runCli(['check', file, '--dims', 'h=3,m=4', '--seed', '1', '--tol', '0']);
    expect(r.status).toBe(1);
    const [, , abs, , noise, result] = cells(r.stdout, 'z1', 'value');
    expect(abs).not.toBe('0.00e+0');
    expect([noise, result]).toEqual(['0.00e+0', 'FAIL']);
    expect(r.stdout).toContain('tolerance: relative error 0, after the allowed noise is subtracted');
  });
});
