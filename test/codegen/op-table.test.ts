/**
 * The code generator takes its op knowledge from the op table: each op's `lower` entry
 * (src/ops/lowering.ts) says how it is emitted, and src/codegen dispatches on lowering kinds,
 * never on op names. Data flows from src/ops to src/codegen, never back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPS } from '../../src/ops/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sources = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(join(root, dir, f), 'utf8') }));

describe('the code generator and the op table', () => {
  it('every op has a lowering of a known kind', () => {
    const kinds = new Set(['leaf', 'elementwise', 'reduction', 'structural', 'constant', 'buffer', 'index']);
    for (const def of Object.values(OPS)) expect(kinds, def.name).toContain(def.lower.kind);
  });

  it('src/codegen never tests an op by name', () => {
    const byName = /\.op\s*(===|!==)|\.includes\([^)]*\.op\)|switch\s*\([^)]*\.op\)/;
    for (const { path, text } of sources('src/codegen')) {
      const lines = text.split('\n').filter((l) => byName.test(l));
      expect(lines, path).toEqual([]);
    }
  });

  it('src/ops imports nothing from src/codegen', () => {
    for (const { path, text } of sources('src/ops')) expect(text, path).not.toMatch(/from '\.\.\/codegen\//);
  });

  it('src/codegen has no import cycle', () => {
    const files = new Map(sources('src/codegen').map(({ path, text }) => [path, text]));
    const deps = (path: string) =>
      [...files.get(path)!.matchAll(/^import (?!type )[^']*from '\.\/([\w-]+)\.js'/gm)].map(
        (m) => `src/codegen/${m[1]}.ts`,
      );
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (path: string, chain: string[]): void => {
      expect(visiting.has(path), `cycle: ${[...chain, path].join(' -> ')}`).toBe(false);
      if (done.has(path)) return;
      visiting.add(path);
      for (const d of deps(path)) visit(d, [...chain, path]);
      visiting.delete(path);
      done.add(path);
    };
    for (const path of files.keys()) visit(path, []);
  });

  it('no file of src/codegen or src/ops is over 600 lines', () => {
    for (const { path, text } of [...sources('src/codegen'), ...sources('src/ops')]) {
      expect(text.split('\n').length, path).toBeLessThanOrEqual(601);
    }
  });

  it("ARCHITECTURE.md's example entry is the one in src/ops/linear.ts", () => {
    const readme = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
    const example = /```typescript\n(export const diagpart: OpDef = \{\n[\s\S]*?\n\};)\n```/.exec(readme);
    expect(example).not.toBeNull();
    expect(readFileSync(join(root, 'src/ops/linear.ts'), 'utf8')).toContain(example![1]);
  });
});
