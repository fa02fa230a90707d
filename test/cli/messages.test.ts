/**
 * Issue 18, item 4: plain messages for files that cannot be read or written (no errno codes, no
 * usage text), and a formula that leaves a command nothing to do says so.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCli, scratchDirectory, SQUARES } from './run-cli.js';

/** Files the tests cannot make unreadable as root: reading them fails as the kernel would. */
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const failing = (code: string, words: string) => Object.assign(new Error(`${code}: ${words}, open`), { code });
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (String(path) === 'locked.formula') throw failing('EACCES', 'permission denied');
    if (String(path) === 'broken.formula') throw failing('EIO', 'i/o error');
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, readFileSync, default: { ...fs, readFileSync } };
});

const scratch = scratchDirectory();

describe('a formula file that cannot be read', () => {
  it('a directory', async () => {
    expect(await runCli(['derive', '.'])).toEqual({ status: 2, stdout: '', stderr: 'gradc: . is a directory\n' });
  });

  it('no such file', async () => {
    expect(await runCli(['latex', 'x.formula'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'gradc: no such file: x.formula\n',
    });
  });

  it('permission denied', async () => {
    expect(await runCli(['check', 'locked.formula'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'gradc: permission denied: locked.formula\n',
    });
  });

  it('another error is said in words, without its code', async () => {
    expect(await runCli(['derive', 'broken.formula'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'gradc: cannot read broken.formula: i/o error\n',
    });
  });
});

describe('an output that cannot be written', () => {
  it('a directory where the module goes', async () => {
    const file = scratch.file('blocked.formula', SQUARES);
    const out = join(scratch.path, 'out');
    mkdirSync(join(out, 'blocked.ts'), { recursive: true });
    expect(await runCli(['compile', file, '-o', out])).toEqual({
      status: 2,
      stdout: '',
      stderr: `gradc: cannot write ${join(out, 'blocked.ts')}: it is a directory\n`,
    });
    expect(readdirSync(out)).toEqual(['blocked.ts']);
  });

  it('a file where the output directory goes', async () => {
    const file = scratch.file('model.formula', SQUARES);
    const out = scratch.file('taken', 'not a directory');
    expect(await runCli(['compile', file, '-o', out])).toEqual({
      status: 2,
      stdout: '',
      stderr: `gradc: cannot create directory ${out}: a file is in the way\n`,
    });
  });
});

describe('a formula with nothing to do', () => {
  const DECLARATIONS = 'x : vector(n)\n';

  it('compile: an error, and no file', async () => {
    const file = scratch.file('empty.formula', DECLARATIONS);
    const out = join(scratch.path, 'out');
    expect(await runCli(['compile', file, '-o', out])).toEqual({
      status: 1,
      stdout: '',
      stderr: `${file}: nothing to compile: no definitions\n`,
    });
    expect(readdirSync(scratch.path)).toEqual(['empty.formula']);
  });

  it('compile of an empty file from standard input', async () => {
    expect(await runCli(['compile', '-', '-o', '-'], '')).toEqual({
      status: 1,
      stdout: '',
      stderr: '<stdin>: nothing to compile: no definitions\n',
    });
  });

  it('derive without grad requests: nothing on stdout, a note on stderr, exit 0', async () => {
    const file = scratch.file('forward.formula', 'x : vector(n)\nL = sum(x)\n');
    expect(await runCli(['derive', file])).toEqual({
      status: 0,
      stdout: '',
      stderr: `${file}: no grad requests; nothing to derive\n`,
    });
  });

  it('derive --json without grad requests: an empty list, and the note', async () => {
    const file = scratch.file('forward.formula', 'x : vector(n)\nL = sum(x)\n');
    expect(await runCli(['derive', file, '--json'])).toEqual({
      status: 0,
      stdout: `${JSON.stringify({ formula: file, derivatives: [], higher: [] }, null, 2)}\n`,
      stderr: `${file}: no grad requests; nothing to derive\n`,
    });
  });

  it('latex without definitions: nothing on stdout, a note on stderr, exit 0', async () => {
    const file = scratch.file('empty.formula', DECLARATIONS);
    expect(await runCli(['latex', file])).toEqual({
      status: 0,
      stdout: '',
      stderr: `${file}: no definitions; nothing to print\n`,
    });
  });

  it('check without definitions: exit 1, not "all 0 checks passed"', async () => {
    const file = scratch.file('empty.formula', DECLARATIONS);
    expect(await runCli(['check', file])).toEqual({
      status: 1,
      stdout: '',
      stderr: `${file}: nothing to check: no definitions\n`,
    });
  });

  it('fixtures without definitions: exit 1', async () => {
    const file = scratch.file('empty.formula', DECLARATIONS);
    expect(await runCli(['fixtures', file])).toEqual({
      status: 1,
      stdout: '',
      stderr: `${file}: nothing to make fixtures of: no definitions\n`,
    });
  });
});
