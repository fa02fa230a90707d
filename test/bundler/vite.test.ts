/** Issue 17: `gradc/vite` builds a project that imports a formula; the bundle runs, the import is typed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleDeclaration } from '../../src/bundler/transpile.js';
import gradc from '../../src/bundler/vite.js';
import { compile } from '../../src/compile.js';
import { MAIN, MAIN_OUTPUT, makeFixture, MODEL, runBundle, typeCheck, WRONG_FIELD, type Fixture } from './fixture.js';

/** A server-side (Node) build of main.ts into dist/main.mjs. */
async function viteBuild(dir: string): Promise<void> {
  await build({
    root: dir,
    configFile: false,
    logLevel: 'silent',
    plugins: [gradc()],
    build: { ssr: join(dir, 'main.ts'), outDir: join(dir, 'dist'), minify: false },
  });
}

describe('gradc/vite: a project importing model.formula', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = makeFixture({ 'model.formula': MODEL, 'main.ts': MAIN, 'wrong.ts': WRONG_FIELD });
    await viteBuild(fixture.dir);
  });
  afterAll(() => fixture.remove());

  it('builds: the bundle prints the values and gradient', () => {
    expect(runBundle(fixture.path('dist/main.mjs'))).toEqual(MAIN_OUTPUT);
  });

  it('writes model.d.formula.ts, the declaration of the module gradc compile writes', async () => {
    const declaration = readFileSync(fixture.path('model.d.formula.ts'), 'utf8');
    expect(declaration).toBe(moduleDeclaration(await compile(MODEL, 'model.formula'), 'model.formula'));
    expect(declaration).toContain('export declare function LGrad(input$: LInputs): LGradient;');
  });

  it('the declaration types the import: tsc passes the right call and refuses a wrong input name', () => {
    expect(typeCheck(fixture.dir, ['main.ts', 'wrong.ts'])).toEqual({
      'main.ts': [],
      'wrong.ts': [
        "3:31: Object literal may only specify known properties, and 'why' does not exist in type 'RInputs'.",
      ],
    });
  });
});

describe('gradc/vite: a bad formula', () => {
  it('fails the build with the located message: file:line:col, the line, the caret', async () => {
    const fixture = makeFixture({ 'model.formula': 'w : vector(n)\nx : vector(n)\nL = w^T q\n', 'main.ts': MAIN });
    try {
      const error = await viteBuild(fixture.dir).then(
        () => undefined,
        (e: unknown) => e as { message: string; errors: { plugin: string; id: string; loc: unknown }[] },
      );
      const formula = fixture.path('model.formula');
      expect(error?.message).toContain(
        `${formula}:3:9: unknown name 'q'; declare it first, for example 'q : vector(n)'\n  L = w^T q\n          ^`,
      );
      // The plugin, the file and the position for the bundler's own report, counted as gradc's message counts it.
      expect(error?.errors.map(({ plugin, id, loc }) => ({ plugin, id, loc }))).toEqual([
        { plugin: 'gradc', id: formula, loc: { file: formula, line: 3, column: 9 } },
      ]);
    } finally {
      fixture.remove();
    }
  });
});
