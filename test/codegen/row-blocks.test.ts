/**
 * Fused loops over sums of outer products, four rows at a time (src/codegen/row-blocks.ts):
 * which loops qualify, and an HVP of a one-example network (its blocks are such sums) that
 * checks at sizes with and without rows left over.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { compile } from '../../src/compile.js';
import { rowBlocked } from '../../src/codegen/row-blocks.js';
import { checkFormula } from '../../src/front.js';

const loop = (body: string) => ['for (let i = 0; i < d$n; i++) {', 'for (let j = 0; j < d$m; j++) {', body, '}', '}'];

describe('loops four rows at a time', () => {
  it('read each row entry once per four rows and each column entry once per column', () => {
    expect(rowBlocked(loop('t$2[i * d$m + j] = (2 * (t$0[i] * t$1[j]));'))).toEqual([
      '{',
      'let i = 0;',
      'for (; i + 3 < d$n; i += 4) {',
      'const o$0 = i * d$m, o$1 = o$0 + d$m, o$2 = o$1 + d$m, o$3 = o$2 + d$m;',
      'const t$0$r0 = t$0[i], t$0$r1 = t$0[i + 1], t$0$r2 = t$0[i + 2], t$0$r3 = t$0[i + 3];',
      'for (let j = 0; j < d$m; j++) {',
      'const t$1$c = t$1[j];',
      't$2[o$0 + j] = (2 * (t$0$r0 * t$1$c));',
      't$2[o$1 + j] = (2 * (t$0$r1 * t$1$c));',
      't$2[o$2 + j] = (2 * (t$0$r2 * t$1$c));',
      't$2[o$3 + j] = (2 * (t$0$r3 * t$1$c));',
      '}',
      '}',
      'for (; i < d$n; i++) {',
      'for (let j = 0; j < d$m; j++) {',
      't$2[i * d$m + j] = (2 * (t$0[i] * t$1[j]));',
      '}',
      '}',
      '}',
    ]);
  });

  it('leave a loop that reads an entry by its flat index, or reads only rows, entry by entry', () => {
    expect(rowBlocked(loop('t$2[i * d$m + j] = Math.tanh(t$0[i * d$m + j] + v$b[i]);'))).toBeUndefined();
    expect(rowBlocked(loop('t$2[i * d$m + j] = v$b[i];'))).toBeUndefined();
    expect(rowBlocked(loop('t$2[i * d$m + j] = t$2[i] * t$1[j];'))).toBeUndefined();
  });

  it('give the HVP of a one-example network, with rows left over and without', async () => {
    const text = [
      'x, y : vector(n)',
      'W1 : matrix(n, n)',
      'W2 : matrix(n, n)',
      'L = ||tanh(W2 tanh(W1 x)) - y||^2',
      'grad L wrt W1, W2',
      'hvp L wrt W1, W2',
      '',
    ].join('\n');
    expect(await compile(text, 'net.formula')).toContain('i += 4');
    for (const n of [6, 8]) {
      const report = await checkModel(checkFormula(text, 'net.formula'), { dims: { n }, seed: 3, typeCheck: n === 6 });
      expect(report.typeErrors).toEqual([]);
      expect(report.rows.filter((r) => r.functionName === 'LHvp').length).toBeGreaterThan(0);
      expect(report.rows.filter((r) => !r.pass)).toEqual([]);
    }
  }, 60_000);

  it('keep names with letters beyond ASCII whole (β_2, ψ_0: found by the random formulas)', async () => {
    const text =
      'w : scalar\nψ_0 : vector(3)\nv : vector(F)\nu = (ones(3, F) + v^T) .* (ψ_0 * v^T)\nG = w + mean(u)\ngrad G wrt w, v, ψ_0\n';
    const report = await checkModel(checkFormula(text, 'psi.formula'), { seed: 1 });
    expect(report.typeErrors).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
