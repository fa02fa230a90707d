/** A small project in a temporary directory that imports a formula, as a user's project would. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import gradc, { type GradcPluginOptions } from '../../src/bundler/esbuild.js';

/** r = w^T x - y, L = r^2: at w = (1, 2), x = (3, 4), y = 1, r = 10, L = 100 and dL/dw = 2 r x = (60, 80). */
export const MODEL = 'w : vector(n)\nx : vector(n)\ny : scalar\n\nr = w^T x - y\nL = r^2\n\ngrad L wrt w\n';

/** The entry: calls the formula's functions and prints their results as JSON. */
export const MAIN = `import { L, LGrad } from './model.formula';

const inputs = { w: [1, 2], x: [3, 4], y: 1 };
const { value, w } = LGrad(inputs);
console.log(JSON.stringify({ L: L(inputs), value, w: [...w] }));
`;

export const MAIN_OUTPUT = { L: 100, value: 100, w: [60, 80] };

/** A call with a misspelt input, `why` for `y`, which tsc must refuse. */
export const WRONG_FIELD = `import { LGrad } from './model.formula';

LGrad({ w: [1, 2], x: [3, 4], why: 1 });
`;

/** The one global the entries use: declared here so the check needs no DOM or Node types. */
const CONSOLE = 'declare const console: { log(message: string): void };\n';

export interface Fixture {
  readonly dir: string;
  path(name: string): string;
  write(name: string, text: string): string;
  remove(): void;
}

export function makeFixture(files: Readonly<Record<string, string>>): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'gradc-bundler-'));
  const fixture: Fixture = {
    dir,
    path: (name) => join(dir, name),
    write(name, text) {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [name, text] of Object.entries(files)) fixture.write(name, text);
  return fixture;
}

/** Runs a built bundle with node; its standard output parsed as JSON. */
export function runBundle(file: string): unknown {
  return JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' }));
}

/**
 * `tsc --noEmit` over entry files with the options a project importing formulas sets
 * (`allowArbitraryExtensions`), using this project's TypeScript, in one program: each entry's
 * diagnostics, as `line:col: message`.
 */
export function typeCheck(dir: string, entries: readonly string[]): Record<string, string[]> {
  const globals = join(dir, 'console.d.ts');
  writeFileSync(globals, CONSOLE);
  const program = ts.createProgram([...entries.map((e) => join(dir, e)), globals], {
    strict: true,
    noEmit: true,
    allowArbitraryExtensions: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
  });
  const result: Record<string, string[]> = {};
  for (const entry of entries) {
    const file = program.getSourceFile(join(dir, entry))!;
    result[entry] = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
      const { line, character } = file.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  }
  return result;
}

/** main.ts of `dir` bundled by esbuild with gradc's plugin, for Node, into out.mjs. */
export async function esbuildBuild(dir: string, options?: GradcPluginOptions): Promise<void> {
  await build({
    absWorkingDir: dir,
    entryPoints: ['./main.ts'],
    outfile: 'out.mjs',
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: [gradc(options)],
  });
}
