/** Generated modules in memory (src/check/load.ts): TypeScript in a worker thread, wherever gradc runs. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModule, typeCheckModule } from '../../src/check/load.js';

describe('loading and type-checking a generated module', () => {
  it('loads its exports and reports its type errors', async () => {
    const module = await loadModule('export const a: number = 1;\n');
    expect(module.a).toBe(1);
    expect(await typeCheckModule("export const b: number = 'x';\n")).toEqual([
      "1:14 Type 'string' is not assignable to type 'number'.",
    ]);
  });

  it('works from a script run by tsx, whose esbuild wraps functions in a __name helper (the benches)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradc-load-'));
    try {
      const script = join(dir, 'load.mts');
      const load = resolve('src/check/load.ts').replaceAll('\\', '/');
      writeFileSync(
        script,
        `import { loadModule, typeCheckModule } from '${load}';\n` +
          `const m = await loadModule('export const a: number = 1;');\n` +
          `console.log(JSON.stringify([m.a, await typeCheckModule("export const b: number = 'x';")]));\n`,
      );
      const out = execFileSync(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), script], {
        encoding: 'utf8',
      });
      expect(JSON.parse(out)).toEqual([1, ["1:14 Type 'string' is not assignable to type 'number'."]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
