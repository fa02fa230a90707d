/**
 * Issue 17: the Vite dev server. Editing a formula updates the modules that import it (Vite's
 * hot update reaches them through its module graph), and a bad formula's error carries what the
 * error overlay shows: gradc's located message, the plugin, the file and the position.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gradc from '../../src/bundler/vite.js';
import { MAIN, makeFixture, MODEL, type Fixture } from './fixture.js';

/** What Vite's hot update hands the plugins after a file changes: the file, and each module with its importers. */
interface HotUpdate {
  readonly file: string;
  readonly modules: readonly { readonly id: string | null; readonly importers: readonly (string | null)[] }[];
}

describe('gradc/vite in the dev server', () => {
  let fixture: Fixture;
  let server: ViteDevServer;
  const updates: HotUpdate[] = [];
  // A plugin after gradc that sees the hot updates Vite computes, as a framework's plugin would.
  const observer: Plugin = {
    name: 'observe-hot-updates',
    hotUpdate({ file, modules }) {
      updates.push({ file, modules: modules.map((m) => ({ id: m.id, importers: [...m.importers].map((i) => i.id) })) });
    },
  };

  beforeAll(async () => {
    fixture = makeFixture({ 'model.formula': MODEL, 'main.ts': MAIN });
    server = await createServer({
      root: fixture.dir,
      configFile: false,
      logLevel: 'silent',
      plugins: [gradc(), observer],
      server: { middlewareMode: true, ws: false },
      appType: 'custom',
    });
  });
  afterAll(async () => {
    await server.close();
    fixture.remove();
  });

  it('serves the formula as JavaScript, writes its declaration, and a formula edit updates main.ts, which imports it', async () => {
    expect((await server.transformRequest('/main.ts'))?.code).toContain('from "/model.formula?import"');
    expect((await server.transformRequest('/model.formula'))?.code).toContain('function LGrad(input$) {');
    expect(readFileSync(fixture.path('model.d.formula.ts'), 'utf8')).toContain(
      'export declare function LGrad(input$: LInputs): LGradient;',
    );

    writeFileSync(fixture.path('model.formula'), MODEL.replace('L = r^2', 'L = 1/2 r^2'));
    await expect
      .poll(() => updates.find((u) => u.file === fixture.path('model.formula')), { timeout: 30_000 })
      .toEqual({
        file: fixture.path('model.formula'),
        modules: [{ id: fixture.path('model.formula'), importers: [fixture.path('main.ts')] }],
      });
    // The module is invalidated once the hooks have run: the next request compiles the new formula.
    await expect
      .poll(async () => (await server.transformRequest('/model.formula'))?.code, { timeout: 30_000 })
      .toContain(' *   L = 1/2 r^2\n');
    expect(readFileSync(fixture.path('model.d.formula.ts'), 'utf8')).toContain(' *   L = 1/2 r^2\n');
  });

  it('a bad formula: the error the overlay shows', async () => {
    writeFileSync(fixture.path('model.formula'), 'w : vector(n)\nx : vector(n)\nL = w^T q\n');
    const failedRequest = () =>
      server.transformRequest('/model.formula').then(
        () => undefined,
        (e: unknown) =>
          e as { message: string; plugin: string; id: string; loc: unknown; stack: string; frame?: string },
      );
    await expect.poll(failedRequest, { timeout: 30_000 }).toBeDefined();
    const error = await failedRequest();
    const formula = fixture.path('model.formula');
    const { message, plugin, id, loc, stack, frame } = error!;
    expect({ message, plugin, id, loc, stack, frame }).toEqual({
      message: `${formula}:3:9: unknown name 'q'; declare it first, for example 'q : vector(n)'\n  L = w^T q\n          ^`,
      plugin: 'gradc',
      id: formula,
      // The overlay prints `${loc.file}:${loc.line}:${loc.column}`: the position gradc's message gives.
      loc: { file: formula, line: 3, column: 9 },
      frame: '  L = w^T q\n          ^', // the caret under q, not one column after it
      stack: '', // the overlay shows no trace of gradc's code
    });
  });
});
