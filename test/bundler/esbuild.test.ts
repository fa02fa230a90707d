/** Issue 17: `gradc/esbuild` bundles a project that imports a formula; the bundle runs, errors are located. */
import { existsSync } from 'node:fs';
import type { BuildFailure } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildBuild, MAIN, MAIN_OUTPUT, makeFixture, MODEL, runBundle } from './fixture.js';

describe('gradc/esbuild', () => {
  it('bundles the compiled module and writes its declaration: the bundle prints the values and gradient', async () => {
    const fixture = makeFixture({ 'model.formula': MODEL, 'main.ts': MAIN });
    try {
      await esbuildBuild(fixture.dir);
      expect(runBundle(fixture.path('out.mjs'))).toEqual(MAIN_OUTPUT);
      expect(existsSync(fixture.path('model.d.formula.ts'))).toBe(true);
    } finally {
      fixture.remove();
    }
  });

  it('declarations: false writes no declaration', async () => {
    const fixture = makeFixture({ 'model.formula': MODEL, 'main.ts': MAIN });
    try {
      await esbuildBuild(fixture.dir, { declarations: false });
      expect(runBundle(fixture.path('out.mjs'))).toEqual(MAIN_OUTPUT);
      expect(existsSync(fixture.path('model.d.formula.ts'))).toBe(false);
    } finally {
      fixture.remove();
    }
  });

  it('a bad formula fails the build with the located message, and nothing is written', async () => {
    const fixture = makeFixture({ 'model.formula': 'w : vector(n)\nx : vector(n)\nL = w^T q\n', 'main.ts': MAIN });
    try {
      const failure = await esbuildBuild(fixture.dir).then(
        () => undefined,
        (e: unknown) => e as BuildFailure,
      );
      const formula = fixture.path('model.formula');
      // The message carries the location and its frame; esbuild's location is the import of the formula.
      expect(
        failure?.errors.map((e) => ({
          text: e.text,
          plugin: e.pluginName,
          file: e.location?.file,
          line: e.location?.lineText,
        })),
      ).toEqual([
        {
          text: `${formula}:3:9: unknown name 'q'; declare it first, for example 'q : vector(n)'\n  L = w^T q\n          ^`,
          plugin: 'gradc',
          file: 'main.ts',
          line: "import { L, LGrad } from './model.formula';",
        },
      ]);
      expect(existsSync(fixture.path('out.mjs'))).toBe(false);
      expect(existsSync(fixture.path('model.d.formula.ts'))).toBe(false);
    } finally {
      fixture.remove();
    }
  });
});
