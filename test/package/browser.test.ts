import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every .ts file under `dir`, as a path from the repository root. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** What only Node has: its modules, ts-morph (the whole TypeScript compiler), its globals. */
const NODE_ONLY = /from '(?:node:[^']+|ts-morph|prettier)'|\bBuffer\.|\bprocess\.|\b__dirname\b|\brequire\(/;

describe('the compiler runs in a browser (playground/)', () => {
  it('uses Node only in the command line, the bundler plugins and the module the playground build replaces', () => {
    const nodeOnly = sources('src').filter(
      (f) =>
        !f.startsWith(join('src', 'cli')) &&
        !f.startsWith(join('src', 'bundler')) &&
        NODE_ONLY.test(readFileSync(f, 'utf8')),
    );
    expect(nodeOnly).toEqual([join('src', 'check', 'load.ts')]);
  });

  it('the playground build names that module', () => {
    const config = readFileSync('playground/vite.config.ts', 'utf8');
    expect(config).toContain("here('../src/check/load.ts')");
  });
});
