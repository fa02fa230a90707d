import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { DS102 } from './helpers/models.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gradc-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('gradc compile', () => {
  it('writes DIR/<basename>.ts and creates DIR', async () => {
    const dir = workspace({ 'ds102.formula': DS102 });
    const { out, io } = capture();
    expect(await main(['compile', join(dir, 'ds102.formula'), '-o', join(dir, 'out', 'nested')], io)).toBe(0);
    const code = readFileSync(join(dir, 'out', 'nested', 'ds102.ts'), 'utf8');
    expect(code).toContain('export function LGrad(');
    expect(out.stdout).toBe(`wrote ${join(dir, 'out', 'nested', 'ds102.ts')}\n`);
  });

  it('writes nothing when any file has an error, and exits 1 with the located error', async () => {
    const dir = workspace({ 'good.formula': DS102, 'bad.formula': 'x : vector(n)\nf = x x\n' });
    const { out, io } = capture();
    const status = await main(
      ['compile', join(dir, 'good.formula'), join(dir, 'bad.formula'), '-o', join(dir, 'out')],
      io,
    );
    expect(status).toBe(1);
    expect(out.stderr).toBe(
      `${join(dir, 'bad.formula')}:2:5: cannot multiply vector(n) by vector(n); did you mean x^T x or x .* x?\n  f = x x\n      ^~~\n`,
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('exits 2 for a missing file', async () => {
    const { out, io } = capture();
    expect(await main(['compile', '/nonexistent/x.formula'], io)).toBe(2);
    expect(out.stderr).toBe('gradc: no such file: /nonexistent/x.formula\n');
  });
});

describe('gradc check', () => {
  it('prints a table of every value and gradient and exits 0 when all pass', async () => {
    const dir = workspace({ 'ds102.formula': DS102 });
    const { out, io } = capture();
    expect(await main(['check', join(dir, 'ds102.formula'), '--dims', 'h=3,m=5', '--seed', '4'], io)).toBe(0);
    expect(out.stdout).toContain('dimensions: h=3, m=5; seed 4');
    expect(out.stdout).toMatch(/^LGrad\s+A\s+\d+ (?:entries|entry|directions)\s+\S+\s+\S+\s+\S+\s+pass$/m);
    expect(out.stdout).toMatch(/^LGrad\s+b\s+\d+ (?:entries|entry|directions)\s+\S+\s+\S+\s+\S+\s+pass$/m);
    expect(out.stdout).toContain('all 8 checks passed');
  });

  it('refuses a dimension the formula does not have', async () => {
    const dir = workspace({ 'ds102.formula': DS102 });
    const { out, io } = capture();
    expect(await main(['check', join(dir, 'ds102.formula'), '--dims', 'k=3'], io)).toBe(2);
    expect(out.stderr).toContain('--dims: k is not a dimension of');
  });
});

describe('gradc check: sizes', () => {
  it('refuses dimensions that would make a variable too large to check', async () => {
    const dir = workspace({ 'ds102.formula': DS102 });
    const { out, io } = capture();
    expect(await main(['check', join(dir, 'ds102.formula'), '--dims', 'h=100000,m=100000'], io)).toBe(2);
    expect(out.stderr).toContain(
      'gradc: --dims: A would have 10000000000 entries; check works with at most 1000000 per variable',
    );
  });
});

describe('gradc fixtures', () => {
  it('writes inputs, values and gradients as JSON, the same for the same seed', async () => {
    const dir = workspace({ 'ds102.formula': DS102 });
    const run = async (name: string) => {
      const { io } = capture();
      expect(
        await main(
          [
            'fixtures',
            join(dir, 'ds102.formula'),
            '--seed',
            '9',
            '--count',
            '2',
            '--dims',
            'h=2,m=3',
            '-o',
            join(dir, name),
          ],
          io,
        ),
      ).toBe(0);
      return readFileSync(join(dir, name), 'utf8');
    };
    const first = await run('a.json');
    expect(await run('b.json')).toBe(first);
    const fixtures = JSON.parse(first);
    expect(fixtures.formula).toBe('ds102.formula');
    expect(fixtures.dims).toEqual({ h: 2, m: 3 });
    expect(fixtures.cases).toHaveLength(2);
    const c = fixtures.cases[0];
    expect(c.inputs.A.rows).toBe(2);
    expect(c.inputs.A.cols).toBe(3);
    expect(c.inputs.A.data).toHaveLength(6);
    expect(c.inputs.b).toHaveLength(2);
    expect(Object.keys(c.values)).toEqual(['z1', 'z2', 'z3', 'z4', 'L']);
    expect(c.gradients.LGrad.value).toBe(c.values.L);
    expect(c.gradients.LGrad.A.data).toHaveLength(6);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
