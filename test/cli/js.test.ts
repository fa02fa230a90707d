/**
 * `gradc compile --js` (LANGUAGE.md 2): `<name>.js`, an ES module that plain Node runs, and
 * `<name>.d.ts`, against which a strict TypeScript consumer type-checks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { loadModule } from '../../src/check/load.js';
import { DS102, runCli, scratchDirectory } from './run-cli.js';

const INPUTS = { A: { rows: 2, cols: 3, data: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] }, b: [1, -1], x: [1, 2, 3], y: 0.5 };

/** A strict consumer of the module's types: `why` misspells an input only when `typo` is set. */
function consumer(typo: boolean): string {
  return `import { LGrad, type LGradient } from './ds102.js';
const g: LGradient = LGrad({ A: { rows: 2, cols: 3, data: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] }, b: [1, -1], x: [1, 2, 3], ${typo ? 'why' : 'y'}: 0.5 });
const first: number = g.A.data[0]!;
export const total: number = g.value + first + g.b[0]!;
`;
}

/** TypeScript's errors for each file, compiled strictly in one program, as `file line:col message`. */
function typeErrors(files: readonly string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    noEmit: true,
    // TypeScript's own library is not under test; the module's .d.ts and the consumer are.
    skipDefaultLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const where = d.file && at ? `${d.file.fileName.split('/').pop()} ${at.line + 1}:${at.character + 1} ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('gradc compile --js', () => {
  const dir = scratchDirectory();

  it('writes <name>.js and <name>.d.ts, and no .ts', async () => {
    const formula = dir.file('ds102.formula', DS102);
    const out = join(dir.path, 'out');
    expect(await runCli(['compile', '--js', formula, '-o', out])).toEqual({
      status: 0,
      stdout: `wrote ${join(out, 'ds102.js')}\nwrote ${join(out, 'ds102.d.ts')}\n`,
      stderr: '',
    });
    expect(existsSync(join(out, 'ds102.ts'))).toBe(false);
    expect(readFileSync(join(out, 'ds102.d.ts'), 'utf8')).toContain(
      'export declare function LGrad(input$: LInputs): LGradient;',
    );
  });

  it('the .js runs in plain Node and gives what the TypeScript module gives', async () => {
    const formula = dir.file('ds102.formula', DS102);
    expect((await runCli(['compile', '--js', formula, '-o', dir.path])).status).toBe(0);
    const script = dir.file(
      'run.mjs',
      `import { LGrad } from './ds102.js';\nconst g = LGrad(${JSON.stringify(INPUTS)});\nconsole.log(JSON.stringify({ value: g.value, A: [...g.A.data], b: [...g.b] }));\n`,
    );
    const fromNode = JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' })) as unknown;
    const typescript = (await loadModule(await compile(DS102, 'ds102.formula'))) as {
      LGrad: (i: unknown) => { value: number; A: { data: Float64Array }; b: Float64Array };
    };
    const g = typescript.LGrad(INPUTS);
    expect(fromNode).toEqual({ value: g.value, A: [...g.A.data], b: [...g.b] });
  });

  it('a strict consumer type-checks against the .d.ts, and a misspelt input does not', async () => {
    const formula = dir.file('ds102.formula', DS102);
    expect((await runCli(['compile', '--js', formula, '-o', dir.path])).status).toBe(0);
    writeFileSync(join(dir.path, 'package.json'), '{ "type": "module" }\n');
    const good = dir.file('good.ts', consumer(false));
    const bad = dir.file('bad.ts', consumer(true));
    expect(typeErrors([good, bad])).toEqual([
      "bad.ts 2:119 Object literal may only specify known properties, and 'why' does not exist in type 'Z4Inputs'.",
    ]);
  });

  it('is byte-identical from run to run', async () => {
    const formula = dir.file('ds102.formula', DS102);
    await runCli(['compile', '--js', formula, '-o', join(dir.path, 'a')]);
    await runCli(['compile', '--js', formula, '-o', join(dir.path, 'b')]);
    for (const f of ['ds102.js', 'ds102.d.ts'])
      expect(readFileSync(join(dir.path, 'a', f), 'utf8')).toBe(readFileSync(join(dir.path, 'b', f), 'utf8'));
  });

  it('refuses -o -: it writes two files', async () => {
    const formula = dir.file('ds102.formula', DS102);
    const r = await runCli(['compile', '--js', formula, '-o', '-']);
    expect([r.status, r.stderr.split('\n')[0]]).toEqual([
      2,
      'gradc: --js writes two files, DIR/<name>.js and DIR/<name>.d.ts; give a directory with -o DIR',
    ]);
  });
});
