/** Sizes a reader can hold (ARCHITECTURE.md, "Sizes"): no module over 600 lines, no function over 100. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/sizes.mjs', import.meta.url));

it('no module of src/ or playground/src/ is over 600 lines, and no function over 100', () => {
  expect(execFileSync(process.execPath, [script], { encoding: 'utf8' })).toMatch(
    /^no module over 600 lines and no function over 100 lines among \d+ modules of src, playground\/src\n$/,
  );
});

it('the size check fails on a long module and a long method, and names them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradc-sizes-'));
  try {
    const body = Array.from({ length: 99 }, (_, i) => `    const x${i} = ${i};`).join('\n');
    // 101 lines: the method's first line, 99 statements, its closing brace.
    const method = `class Long {\n  /** Its doc comment is not counted. */\n  run(): void {\n${body}\n  }\n}\n`;
    const short = `export function short(): number {\n  return 1;\n}\n`;
    writeFileSync(join(dir, 'long.ts'), method + short);
    writeFileSync(
      join(dir, 'big.ts'),
      Array.from({ length: 601 }, (_, i) => `export const c${i} = ${i};`).join('\n') + '\n',
    );
    const run = spawnSync(process.execPath, [script, '.'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(
      run.stdout.replaceAll(/\(\S*[/\\](long|big)\.ts/g, '($1.ts').replaceAll(/ \S*[/\\]big\.ts/g, ' big.ts'),
    ).toBe(
      '1 modules over 600 lines:\n  big.ts: 601 lines\n1 functions over 100 lines:\n  Long.run (long.ts:3): 101 lines\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
