/** Issue 17: the package's entry points, `gradc` and the bundler plugins, resolve to what the build emits. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  exports: Record<string, { types: string; default: string }>;
  files: string[];
};

describe('package.json exports', () => {
  it('has the library and one plugin per bundler', () => {
    expect(Object.keys(manifest.exports)).toEqual(['.', './vite', './rollup', './esbuild', './webpack']);
  });

  // tsc -p tsconfig.build.json compiles src/X.ts to dist/X.js and dist/X.d.ts.
  it.each(Object.entries(manifest.exports))(
    '%s: types and code are the build of one source file in src/',
    (_name, entry) => {
      const source = entry.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      expect(entry.types).toBe(entry.default.replace(/\.js$/, '.d.ts'));
      expect(entry.default.startsWith('./dist/')).toBe(true);
      expect(existsSync(`${root}${source}`)).toBe(true);
    },
  );

  it('ships dist/', () => {
    expect(manifest.files).toContain('dist');
  });
});
