/**
 * The bundler plugin, written once against unplugin: `import { LGrad } from './model.formula'`
 * loads the module `gradc compile` writes, as JavaScript, and writes `model.d.formula.ts` beside
 * the formula so TypeScript (with `allowArbitraryExtensions`) types the import.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { createUnplugin, type UnpluginInstance, type UnpluginMessage } from 'unplugin';
import { compile } from '../compile.js';
import type { Precision } from '../codegen/precision.js';
import { formatDiagnostic, GradcError } from '../diagnostics/errors.js';
import { declarationPath } from './declaration-path.js';
import { moduleDeclaration, moduleJavaScript } from './transpile.js';
import { writeIfChanged } from './write.js';

export interface GradcPluginOptions {
  /**
   * Write `model.d.formula.ts` beside each imported `model.formula` (default true). Off, the
   * project declares `*.formula` modules itself, or runs `gradc compile --dts`.
   */
  readonly declarations?: boolean;
  /**
   * The number format of every imported module, as `gradc compile --precision`: `f64` (default)
   * or `f32` (Float32Array storage and results; its declaration says Float32Array).
   */
  readonly precision?: Precision;
}

/** Only plain file ids: `model.formula?raw` and other queries are left to the bundler. */
const FORMULA_ID = /\.formula$/;

/** The plugin for each bundler; one plugin each (not a list). */
export type GradcPlugins = UnpluginInstance<GradcPluginOptions | undefined, false>;

export const gradcPlugin: GradcPlugins = createUnplugin<GradcPluginOptions | undefined, false>((options, meta) => {
  const declarations = options?.declarations ?? true;
  const precision = options?.precision ?? 'f64';
  // esbuild would print its own frame under the message from a location, with an empty line
  // (unplugin passes no line text): the message's own frame is the better one there.
  // unplugin declares meta with bundlers' types that are not installed (skipLibCheck reads them as any):
  // eslint-disable-next-line @typescript-eslint/no-unsafe-member-access -- meta.framework is a string
  const withLocation = meta.framework !== 'esbuild';
  return {
    name: 'gradc',
    // esbuild: without a loader it would guess one from `.formula`; the plugin returns JavaScript.
    esbuild: { loader: 'js' },
    load: {
      filter: { id: FORMULA_ID },
      async handler(id) {
        const text = readFileSync(id, 'utf8');
        let code: string;
        try {
          code = await compile(text, shownPath(id), { precision });
        } catch (e) {
          if (!(e instanceof GradcError)) throw e;
          // Rollup and Vite throw here; esbuild and webpack collect the error and fail the build
          // after the hook returns, so the hook returns an empty module for them.
          this.error(locatedMessage(e, id, withLocation));
          return { code: '' };
        }
        const fileName = id.split(/[\\/]/).pop()!;
        // Declaration first: the module is only handed on once its types are on disk.
        if (declarations) writeIfChanged(declarationPath(id), moduleDeclaration(code, fileName));
        return { code: moduleJavaScript(code, fileName) };
      },
    },
  };
});

/**
 * gradc's message (every diagnostic: `file:line:col: message`, the source line, a caret), with
 * the first one's location for Vite's overlay and Rollup's error line.
 */
function locatedMessage(e: GradcError, id: string, withLocation: boolean): UnpluginMessage {
  // No stack: the message is about the user's formula, not about gradc's code.
  const message = { message: e.message, id, stack: '' };
  if (!withLocation) return message;
  const first = e.diagnostics[0]!;
  const { line, column } = e.source.position(first.span.start);
  // Lines and columns from 1, as gradc's message counts them: Vite's overlay prints `file:line:col`
  // from `loc` as it stands, and its link opens the editor there (launch-editor counts from 1).
  // The frame is gradc's own (the line and the caret), so Vite does not draw one from a column
  // it would count from 0.
  const frame = formatDiagnostic(e.source, first).split('\n').slice(1).join('\n');
  const located: UnpluginMessage & { frame: string } = { ...message, loc: { file: id, line, column }, frame };
  return located;
}

/** The formula's path in messages: relative to the working directory when inside it, as a user typed it. */
function shownPath(id: string): string {
  const inside = relative(process.cwd(), id);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? id : inside;
}
