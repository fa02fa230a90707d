/** Issue 18, item 4: `-` as the file reads standard input; `-o -` writes standard output. */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { DS102, runCli, scratchDirectory, SQUARES } from './run-cli.js';

const scratch = scratchDirectory();

describe('- as the formula file', () => {
  it('derive - reads the formula from standard input', async () => {
    expect(await runCli(['derive', '-'], SQUARES)).toEqual({ status: 0, stdout: 'dL_dx = 2 x\n', stderr: '' });
  });

  it('errors in it are located in <stdin>', async () => {
    expect(await runCli(['latex', '-'], 'x : vector(n)\nf = x x\n')).toEqual({
      status: 1,
      stdout: '',
      stderr:
        '<stdin>:2:5: cannot multiply vector(n) by vector(n); did you mean x^T x or x .* x?\n  f = x x\n      ^~~\n',
    });
  });

  it('compile - -o - writes the module of standard input to standard output', async () => {
    const r = await runCli(['compile', '-', '-o', '-'], SQUARES);
    expect(r).toEqual({ status: 0, stdout: await compile(SQUARES, '<stdin>'), stderr: '' });
  });

  it('compile - without -o - is refused: the module would have no name', async () => {
    expect(await runCli(['compile', '-', '-o', scratch.path], SQUARES)).toEqual({
      status: 2,
      stdout: '',
      stderr:
        "gradc: a formula from standard input has no name to write DIR/<name>.ts under; add -o - to write the module to standard output\nrun 'gradc compile --help' for usage\n",
    });
    expect(readdirSync(scratch.path)).toEqual([]);
  });
});

describe('compile -o -', () => {
  it('writes the module to standard output and creates no folder named -', async () => {
    const file = scratch.file('ds102.formula', DS102);
    const r = await runCli(['compile', file, '-o', '-']);
    expect(r).toEqual({ status: 0, stdout: await compile(DS102, file), stderr: '' });
    expect(existsSync('-')).toBe(false);
    expect(readdirSync(scratch.path)).toEqual(['ds102.formula']);
  });

  it('with more than one formula file is a usage error', async () => {
    const first = scratch.file('one.formula', DS102);
    const second = scratch.file('two.formula', SQUARES);
    expect(await runCli(['compile', first, second, '-o', '-'])).toEqual({
      status: 2,
      stdout: '',
      stderr:
        "gradc: -o - writes one module to standard output, but 2 formula files were given\nrun 'gradc compile --help' for usage\n",
    });
  });

  it('prints nothing on standard output for a bad formula', async () => {
    const bad = scratch.file('bad.formula', 'x : vector(n)\nf = x x\n');
    const r = await runCli(['compile', bad, '-o', '-']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
  });
});

describe('fixtures -o -', () => {
  it('is standard output, as no -o is', async () => {
    const file = scratch.file('ds102.formula', DS102);
    const r = await runCli(['fixtures', file, '--dims', 'h=2,m=2', '-o', '-']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe((await runCli(['fixtures', file, '--dims', 'h=2,m=2'])).stdout);
    expect(readdirSync(scratch.path)).toEqual(['ds102.formula']);
  });

  it('refuses to write over the formula file', async () => {
    const file = scratch.file('ds102.formula', DS102);
    const same = `${scratch.path}/./ds102.formula`;
    expect(await runCli(['fixtures', file, '-o', same])).toEqual({
      status: 2,
      stdout: '',
      stderr: `gradc: -o ${same} is the formula file itself\n`,
    });
  });
});
