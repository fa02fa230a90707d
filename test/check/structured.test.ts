/**
 * check and fixtures with symmetric and spd variables: inputs sampled with their structure, the
 * report saying so, gradients checked along symmetric directions (so sym(G) passes), and HVP
 * directions of a symmetric matrix symmetric.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { makeFixtures } from '../../src/check/fixtures.js';
import { checkFormula } from '../../src/front.js';

const NLL =
  'S : spd(n)\nx, mu : vector(n)\nr = x - mu\nnll = 0.5 r^T inv(S) r + 0.5 logdet(S)\ngrad nll wrt mu, S\nhvp nll wrt S\n';

const symmetric = (m: { rows: number; data: readonly number[] }) =>
  m.data.every((x, k) => x === m.data[(k % m.rows) * m.rows + Math.floor(k / m.rows)]);

describe('gradc check with structured matrices', () => {
  it('passes the Gaussian NLL, its sym(G) gradient and its HVP, with the rows it checked', async () => {
    const report = await checkModel(checkFormula(NLL, 'nll.formula'), { typeCheck: false });
    expect(report.rows.map((r) => `${r.functionName} ${r.variable}`)).toEqual([
      'r value',
      'nll value',
      'nllGrad value',
      'nllGrad mu',
      'nllGrad S',
      'nllHvp value',
      'nllHvp grad.S',
      'nllHvp hvp.S',
    ]);
    expect(report.rows.filter((r) => !r.pass)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('says how structured variables were sampled', async () => {
    const text =
      'P : spd(n)\nS : symmetric(n)\nA : symmetric(n)\nf = logdet(P) + sum(S .* S) + logdet(A)\ngrad f wrt P, S, A\n';
    const report = await checkModel(checkFormula(text, 'f.formula'), { typeCheck: false });
    expect(report.structuredMatrices).toEqual([
      'P symmetric positive definite',
      'A symmetric, diagonally dominant',
      'S symmetric',
    ]);
    expect(report.ok).toBe(true);
  });
});

describe('gradc fixtures with structured matrices', () => {
  it('samples S symmetric positive definite and the HVP direction symmetric', async () => {
    const fixtures = await makeFixtures(checkFormula(NLL, 'nll.formula'), { count: 3, dims: { n: 4 } });
    for (const c of fixtures.cases) {
      const S = c.inputs.S as { rows: number; data: number[] };
      expect(symmetric(S)).toBe(true);
      const hvp = c.hvps!.nllHvp as {
        v: { S: { rows: number; data: number[] } };
        hvp: { S: { rows: number; data: number[] } };
      };
      expect(symmetric(hvp.v.S)).toBe(true);
      expect(symmetric(hvp.hvp.S)).toBe(true);
    }
  });
});
