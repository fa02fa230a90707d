/**
 * LANGUAGE.md 3: a bad formula prints `file:line:col: message`, the source line and a caret
 * to stderr, exits 1 and writes nothing; bad usage exits 2.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gradc-front-cli-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI with captured output. */
async function run(argv: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { status, stdout, stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const BAD = 'A : matrix(h, m)\nx : vector(k)\nz = A x\n';

describe('a bad formula', () => {
  it('compile prints the located error to stderr and exits 1', async () => {
    const bad = file('bad.formula', BAD);
    const out = join(dir, 'out');
    const r = await run(['compile', bad, '-o', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${bad}:3:5: cannot multiply matrix(h, m) by vector(k): m != k\n  z = A x\n      ^~~\n`);
    expect(r.stdout).toBe('');
  });

  it('compile writes no file', async () => {
    const bad = file('bad.formula', BAD);
    const out = join(dir, 'out');
    await run(['compile', bad, '-o', out]);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(readdirSync(dir)).toEqual(['bad.formula']);
  });

  it('every error of the file is printed', async () => {
    const bad = file('two.formula', 'x : scalar\ny = x +\nz = 2 q\n');
    const r = await run(['compile', bad, '-o', join(dir, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      [
        `${bad}:2:8: expected an expression, but found the end of the statement`,
        '  y = x +',
        '         ^',
        `${bad}:3:7: unknown name 'q'; declare it first, for example 'q : scalar'`,
        '  z = 2 q',
        '        ^',
        '',
      ].join('\n'),
    );
  });

  it('no stack trace is printed', async () => {
    const r = await run(['compile', file('bad.formula', BAD), '-o', join(dir, 'out')]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(['derive', 'latex', 'check', 'fixtures'])('%s also exits 1 with the located error', async (command) => {
    const bad = file('bad.formula', BAD);
    const r = await run([command, bad]);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`${bad}:3:5: cannot multiply matrix(h, m) by vector(k): m != k`);
    expect(r.stdout).toBe('');
  });
});

describe('bad usage exits 2', () => {
  it('no command', async () => {
    const r = await run([]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('gradc: missing command');
  });

  it('an unknown command', async () => {
    const r = await run(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("gradc: unknown command 'frobnicate'");
  });

  it('compile without a file', async () => {
    const r = await run(['compile']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('gradc: compile takes at least one formula file');
  });

  it('a file that does not exist', async () => {
    const missing = join(dir, 'missing.formula');
    const r = await run(['compile', missing, '-o', join(dir, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`gradc: no such file: ${missing}\n`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an unknown option', async () => {
    const r = await run(['compile', file('bad.formula', BAD), '--frob']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('gradc: unknown option --frob');
  });

  it('an option without its value', async () => {
    const r = await run(['compile', file('bad.formula', BAD), '-o']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('gradc: -o needs a value');
  });

  it('derive with two files', async () => {
    const r = await run(['derive', file('a.formula', BAD), file('b.formula', BAD)]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('gradc: derive takes one formula file');
  });

  it('usage errors print a one-line hint, not the whole usage', async () => {
    const r = await run(['frobnicate']);
    expect(r.stderr).toBe("gradc: unknown command 'frobnicate'\nrun 'gradc --help' for usage\n");
  });
});
