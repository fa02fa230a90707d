/**
 * A large model's generated functions are all optimised by V8 (src/codegen/split.ts): the
 * 16-layer MLP's gradient, HVP and forward pass, run in a child process with `--trace-opt`,
 * which reports each function V8 compiles with its optimising compiler (TurboFan; compiled on
 * the main thread, so that the report is complete when the process ends): each function as a
 * whole, not only a loop of it on stack replacement. V8 counts the bytecode a function runs
 * against its size before optimising it, so code without loops (the input checks) waits hundreds
 * of calls; the child counts in budgets eight times smaller (`--interrupt-budget`), which changes
 * when V8 optimises, not what it can. Unsplit, the HVP's body
 * (about 67 KB of bytecode) is never optimised, which the second test shows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, type ModuleOptions } from '../../src/codegen/module.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';

const MLP16 = readFileSync(new URL('../../bench/models/mlp16.formula', import.meta.url), 'utf8');
const TEXT = `${MLP16.trimEnd()}\n${/^grad (L wrt .+)$/m.exec(MLP16)![0].replace(/^grad/, 'hvp')}\n`;

/** Calls every function of the module (width 8: cheap calls) until V8 has had every reason to optimise them. */
const DRIVER = `
const m = await import(process.argv[2]);
const n = 8;
let seed = 1;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5) * 0.5;
const vector = () => Float64Array.from({ length: n }, rand);
const matrix = () => ({ rows: n, cols: n, data: Float64Array.from({ length: n * n }, rand) });
const inputs = { x: vector(), y: vector() };
for (let i = 1; i <= 16; i++) Object.assign(inputs, { ['W' + i]: matrix(), ['b' + i]: vector() });
const g = m.LGrad(inputs);
const { value, ...v } = g;
const h = m.LHvp(inputs, v);
for (let k = 0; k < 600; k++) {
  m.L(inputs);
  m.LGrad(inputs);
  m.LGradInto(inputs, g);
  m.LHvp(inputs, v);
  m.LHvpInto(inputs, v, h);
}
`;

const dir = mkdtempSync(join(tmpdir(), 'gradc-optimised-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bodies of the module's functions (LGrad$, LHvp$, forward$ and their segments), and those V8 optimised. */
async function optimised(options: Partial<ModuleOptions>): Promise<{ bodies: string[]; optimised: Set<string> }> {
  const model = checkFormula(TEXT, 'mlp16.formula');
  const { code } = await generate(model, differentiate(model), {
    sourceName: 'mlp16.formula',
    format: false,
    ...options,
  });
  const name = `mlp16-${Object.keys(options).join('-') || 'default'}`;
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  writeFileSync(join(dir, `${name}.mjs`), js);
  writeFileSync(join(dir, 'driver.mjs'), DRIVER);
  const run = spawnSync(
    process.execPath,
    [
      '--trace-opt',
      '--no-concurrent-recompilation',
      '--interrupt-budget=8192',
      join(dir, 'driver.mjs'),
      `./${name}.mjs`,
    ],
    {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  expect(run.status, run.stderr).toBe(0);
  const bodies = [...code.matchAll(/^function ((?:LGrad|LHvp|forward)\$\d*)\(/gm)].map((m) => m[1]!);
  const done = [
    ...run.stdout.matchAll(/\[completed compiling [^<]*<JSFunction ([\w$]+) [^\]]*\(target TURBOFAN\) - took/g),
  ].map((m) => m[1]!);
  return { bodies, optimised: new Set(done) };
}

describe('a large model in V8', () => {
  it('has every generated function optimised: the 16-layer MLP, split', async () => {
    const { bodies, optimised: done } = await optimised({});
    expect(bodies).toContain('LHvp$2');
    expect(bodies.filter((b) => !done.has(b))).toEqual([]);
  }, 60_000);

  it('unsplit, its HVP body is never optimised', async () => {
    const { bodies, optimised: done } = await optimised({ split: { above: Infinity, segment: Infinity } });
    expect(bodies).toEqual(expect.arrayContaining(['LGrad$', 'LHvp$', 'forward$']));
    expect(bodies.filter((b) => !done.has(b))).toEqual(['LHvp$']);
  }, 60_000);
});
