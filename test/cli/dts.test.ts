/** Issue 17: `gradc compile --dts` writes the declaration the bundler plugins write, beside the formula; and what --watch refuses before it starts. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declarationPath } from '../../src/bundler/declaration-path.js';
import { moduleDeclaration } from '../../src/bundler/transpile.js';
import { compile } from '../../src/compile.js';
import { runCli, scratchDirectory, SQUARES } from './run-cli.js';

const scratch = scratchDirectory();

describe('gradc compile --dts', () => {
  it('writes DIR/<name>.ts and <name>.d.formula.ts beside the formula', async () => {
    const file = scratch.file('squares.formula', SQUARES);
    const out = join(scratch.path, 'out');
    const declaration = join(scratch.path, 'squares.d.formula.ts');
    expect(await runCli(['compile', file, '-o', out, '--dts'])).toEqual({
      status: 0,
      stdout: `wrote ${join(out, 'squares.ts')}\nwrote ${declaration}\n`,
      stderr: '',
    });
    const module = await compile(SQUARES, 'squares.formula');
    expect(readFileSync(join(out, 'squares.ts'), 'utf8')).toBe(module);
    expect(readFileSync(declaration, 'utf8')).toBe(moduleDeclaration(module, 'squares.formula'));
    expect(readFileSync(declaration, 'utf8')).toContain('export declare function LGrad(input$: LInputs): LGradient;');
  });

  it('with -o -, the module goes to standard output and the declaration beside the formula', async () => {
    const file = scratch.file('squares.formula', SQUARES);
    const module = await compile(SQUARES, 'squares.formula');
    expect(await runCli(['compile', file, '-o', '-', '--dts'])).toEqual({ status: 0, stdout: module, stderr: '' });
    expect(readFileSync(join(scratch.path, 'squares.d.formula.ts'), 'utf8')).toBe(
      moduleDeclaration(module, 'squares.formula'),
    );
  });

  it('a bad formula among several writes nothing at all', async () => {
    const good = scratch.file('squares.formula', SQUARES);
    const bad = scratch.file('bad.formula', 'w : vector(n)\nL = w^T q\n');
    const r = await runCli(['compile', good, bad, '-o', join(scratch.path, 'out'), '--dts']);
    expect(r.status).toBe(1);
    expect(readdirSync(scratch.path).sort()).toEqual(['bad.formula', 'squares.formula']);
  });

  it('a formula from standard input has no file to write the declaration beside', async () => {
    expect(await runCli(['compile', '-', '-o', '-', '--dts'], SQUARES)).toEqual({
      status: 2,
      stdout: '',
      stderr:
        "gradc: --dts writes <name>.d.formula.ts beside the formula file; a formula from standard input has no file\nrun 'gradc compile --help' for usage\n",
    });
  });

  it('--watch writes files: it takes neither - nor -o -', async () => {
    const file = scratch.file('squares.formula', SQUARES);
    expect(await runCli(['compile', file, '-o', '-', '--watch'])).toEqual({
      status: 2,
      stdout: '',
      stderr:
        "gradc: --watch recompiles files when they change: it takes neither - nor -o -\nrun 'gradc compile --help' for usage\n",
    });
    expect(existsSync(join(scratch.path, 'squares.d.formula.ts'))).toBe(false);
  });
});

describe('gradc compile --watch, refused before watching', () => {
  it('a formula in a directory that does not exist', async () => {
    const dir = join(scratch.path, 'nodir');
    expect(await runCli(['compile', '--watch', join(dir, 'model.formula')])).toEqual({
      status: 2,
      stdout: '',
      stderr: `gradc: cannot watch ${dir}: no such directory\n`,
    });
  });
});

describe('declarationPath: TypeScript arbitrary-extension names', () => {
  it.each([
    ['model.formula', 'model.d.formula.ts'],
    ['src/nets/two.layer.formula', 'src/nets/two.layer.d.formula.ts'],
    ['notes/model.txt', 'notes/model.d.txt.ts'],
    ['model', 'model.d.ts'],
  ])('%s → %s', (formula, declaration) => {
    expect(declarationPath(formula)).toBe(declaration);
  });
});
