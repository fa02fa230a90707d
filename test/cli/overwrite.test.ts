/** Issue 18, item 1: `compile` never lets one input's module silently replace another's. */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DS102, runCli, scratchDirectory, SQUARES } from './run-cli.js';

const scratch = scratchDirectory();

describe('two inputs with the same output path', () => {
  it('are refused before anything is written, naming both inputs and the shared path', async () => {
    mkdirSync(join(scratch.path, 'a'));
    mkdirSync(join(scratch.path, 'b'));
    const first = scratch.file(join('a', 'model.formula'), DS102);
    const second = scratch.file(join('b', 'model.formula'), SQUARES);
    const out = join(scratch.path, 'out');
    const r = await runCli(['compile', first, second, '-o', out]);
    expect(r).toEqual({
      status: 2,
      stdout: '',
      stderr:
        `gradc: ${first} and ${second} would both be written to ${join(out, 'model.ts')}; ` +
        'compile them in separate runs with different -o directories\n',
    });
    expect(existsSync(out)).toBe(false);
  });

  it('the same file given twice is refused as such', async () => {
    const file = scratch.file('model.formula', SQUARES);
    const out = join(scratch.path, 'out');
    const r = await runCli(['compile', file, file, '-o', out]);
    expect(r).toEqual({ status: 2, stdout: '', stderr: `gradc: ${file} is given twice\n` });
    expect(existsSync(out)).toBe(false);
  });

  it('different base names still compile together', async () => {
    const first = scratch.file('one.formula', DS102);
    const second = scratch.file('two.formula', SQUARES);
    const out = join(scratch.path, 'out');
    const r = await runCli(['compile', first, second, '-o', out]);
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['one.ts', 'two.ts']);
  });
});
