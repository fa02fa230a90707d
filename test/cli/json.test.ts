/** Issue 18, item 4: `derive --json` and `check --json` print one JSON document. */
import { describe, expect, it } from 'vitest';
import { DS102, runCli, scratchDirectory } from './run-cli.js';

const scratch = scratchDirectory();

describe('derive --json', () => {
  it('is one document: the formula and every derivative with its name, of, wrt and expression', async () => {
    const file = scratch.file('ds102.formula', DS102);
    const r = await runCli(['derive', file, '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      formula: file,
      derivatives: [
        { name: 'dL_dA', of: 'L', wrt: 'A', expression: '-2 z4 (b .* z2 .* (1 - z2)) x^T' },
        { name: 'dL_db', of: 'L', wrt: 'b', expression: '-2 z4 z2' },
      ],
      higher: [],
    });
  });

  it('lists jacobian, hessian and hvp lines, directions declared first', async () => {
    const file = scratch.file(
      'second.formula',
      'x : vector(n)\nA : matrix(n, n)\nf = A x\nL = 1/2 x^T A x\njacobian f wrt x\nhvp L wrt x\n',
    );
    const document = JSON.parse((await runCli(['derive', file, '--json'])).stdout) as unknown;
    expect(document).toEqual({
      formula: file,
      derivatives: [],
      higher: [
        { kind: 'jacobian', name: 'Jf_x', of: 'f', wrt: ['x'], text: 'Jf_x = A' },
        { kind: 'direction', name: 'v_x', of: 'L', wrt: ['x'], text: 'v_x : vector(n)' },
        { kind: 'hvp', name: 'HvL_x', of: 'L', wrt: ['x'], text: 'HvL_x = 0.5 (A + A^T) v_x' },
      ],
    });
  });

  it('holds the same lines as the text output', async () => {
    const file = scratch.file('ds102.formula', DS102);
    const text = (await runCli(['derive', file])).stdout;
    const document = JSON.parse((await runCli(['derive', file, '--json'])).stdout) as {
      derivatives: { name: string; expression: string }[];
    };
    expect(document.derivatives.map((d) => `${d.name} = ${d.expression}\n`).join('')).toBe(text);
  });
});

describe('check --json', () => {
  // `t = 2` is a constant definition: its gradient row is skipped.
  const CONSTANT = 'x : vector(n)\nt = 2\nL = t sum(sin(x))\ngrad L wrt x, t\n';

  it('is one document: formula, dims, seed, tolerance, type check, every row, ok', async () => {
    const file = scratch.file('constant.formula', CONSTANT);
    const r = await runCli(['check', file, '--dims', 'n=3', '--seed', '5', '--json']);
    expect(r.status).toBe(0);
    const document = JSON.parse(r.stdout);
    expect(Object.keys(document)).toEqual([
      'formula',
      'dims',
      'seed',
      'tolerance',
      'typeChecked',
      'typeErrors',
      'rows',
      'ok',
    ]);
    expect(document).toMatchObject({
      formula: file,
      dims: { n: 3 },
      seed: 5,
      tolerance: 1e-6,
      typeChecked: true,
      typeErrors: [],
      ok: true,
    });
    expect(
      document.rows.map((row: { function: string; variable: string; result: string }) => [
        row.function,
        row.variable,
        row.result,
      ]),
    ).toEqual([
      ['t', 'value', 'pass'],
      ['L', 'value', 'pass'],
      ['LGrad', 'value', 'pass'],
      ['LGrad', 'x', 'pass'],
      ['LGrad', 't', 'skipped'],
    ]);
  });

  it('a row carries its probes, the measured errors and the allowance; a skipped row carries nulls and its reason', async () => {
    const file = scratch.file('constant.formula', CONSTANT);
    const { rows } = JSON.parse((await runCli(['check', file, '--dims', 'n=3', '--seed', '5', '--json'])).stdout);
    expect(Object.keys(rows[3])).toEqual([
      'function',
      'variable',
      'probes',
      'error',
      'relError',
      'allowance',
      'result',
    ]);
    expect(rows[3]).toMatchObject({
      function: 'LGrad',
      variable: 'x',
      probes: { count: 3, method: 'entries' },
      result: 'pass',
    });
    expect(rows[3].error).toBeGreaterThan(0);
    expect(rows[3].error).toBeLessThanOrEqual(rows[3].allowance);
    expect(rows[1]).toMatchObject({ function: 'L', variable: 'value', probes: null, result: 'pass' });
    expect(rows[4]).toEqual({
      function: 'LGrad',
      variable: 't',
      probes: null,
      error: null,
      relError: null,
      allowance: null,
      result: 'skipped',
      reason: 'the definition is a constant',
    });
  });
});
