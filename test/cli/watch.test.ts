/** Issue 17: `gradc compile --watch`, driven by writing the formula file, in a separate process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { moduleDeclaration } from '../../src/bundler/transpile.js';
import { compile } from '../../src/compile.js';

const GRADC = fileURLToPath(new URL('./gradc-from-source.ts', import.meta.url));
/** tsx's loader by its full URL: the child runs in a scratch directory, where `tsx` would not resolve. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** The machine may be shared: starting tsx and loading the compiler can take many seconds. */
const PATIENCE_MS = 60_000;

const FIRST = 'w : vector(n)\nx : vector(n)\ny : scalar\nr = w^T x - y\nL = r^2\ngrad L wrt w\n';
const SECOND = 'w : vector(n)\nL = w^T w\ngrad L wrt w\n';
const BAD = 'w : vector(n)\nL = w^T q\n';

const WROTE = /^\d\d:\d\d:\d\d wrote out\/model\.ts, model\.d\.formula\.ts in \d+ ms$/;
const FAILED = /^\d\d:\d\d:\d\d model\.formula: not compiled, nothing written, in \d+ ms$/;

interface Watcher {
  readonly child: ChildProcess;
  stdoutLines(): string[];
  stderr(): string;
  /** Resolves once standard output has `count` lines. */
  lines(count: number): Promise<string[]>;
}

function startWatch(dir: string): Watcher {
  const child = spawn(
    process.execPath,
    ['--import', TSX, GRADC, 'compile', '--watch', '--dts', 'model.formula', '-o', 'out'],
    {
      cwd: dir,
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const stdoutLines = () => stdout.split('\n').filter((l) => l !== '');
  return {
    child,
    stdoutLines,
    stderr: () => stderr,
    lines: (count) =>
      new Promise((done, fail) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (stdoutLines().length >= count) {
            clearInterval(poll);
            done(stdoutLines());
          } else if (Date.now() - started > PATIENCE_MS || child.exitCode !== null) {
            clearInterval(poll);
            fail(new Error(`waited for ${count} lines; stdout:\n${stdout}\nstderr:\n${stderr}`));
          }
        }, 50);
      }),
  };
}

let dir = '';
let running: ChildProcess | undefined;
afterEach(() => {
  if (running?.exitCode === null) running.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('gradc compile --watch', () => {
  it(
    'compiles, recompiles on each change with one line and its time, keeps going after a bad formula, and stops on SIGTERM',
    { timeout: 4 * PATIENCE_MS },
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'gradc-watch-'));
      writeFileSync(join(dir, 'model.formula'), FIRST);
      const watcher = startWatch(dir);
      running = watcher.child;

      expect((await watcher.lines(1))[0]).toMatch(WROTE);
      const firstModule = await compile(FIRST, 'model.formula');
      expect(readFileSync(join(dir, 'out/model.ts'), 'utf8')).toBe(firstModule);
      expect(readFileSync(join(dir, 'model.d.formula.ts'), 'utf8')).toBe(
        moduleDeclaration(firstModule, 'model.formula'),
      );

      // A bad formula: its located error on stderr, one line on stdout, and the last good outputs stay.
      writeFileSync(join(dir, 'model.formula'), BAD);
      expect((await watcher.lines(2))[1]).toMatch(FAILED);
      expect(watcher.stderr()).toContain(
        "model.formula:2:9: unknown name 'q'; declare it first, for example 'q : vector(n)'\n  L = w^T q\n          ^\n",
      );
      expect(readFileSync(join(dir, 'out/model.ts'), 'utf8')).toBe(firstModule);

      writeFileSync(join(dir, 'model.formula'), SECOND);
      expect((await watcher.lines(3))[2]).toMatch(WROTE);
      const secondModule = await compile(SECOND, 'model.formula');
      expect(readFileSync(join(dir, 'out/model.ts'), 'utf8')).toBe(secondModule);
      expect(readFileSync(join(dir, 'model.d.formula.ts'), 'utf8')).toBe(
        moduleDeclaration(secondModule, 'model.formula'),
      );
      // Nothing partial: no temporary files are left beside the outputs.
      expect(readdirSync(join(dir, 'out'))).toEqual(['model.ts']);
      expect(readdirSync(dir).sort()).toEqual(['model.d.formula.ts', 'model.formula', 'out']);

      const exit = new Promise<number | null>((done) => watcher.child.once('exit', (code) => done(code)));
      watcher.child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(watcher.stdoutLines()).toHaveLength(3);
      expect(existsSync(join(dir, 'out/model.ts'))).toBe(true);
    },
  );
});
