/**
 * `npm run bench`: generated gradients against hand-written ones and TensorFlow.js.
 *
 * This file prepares; bench/measure.ts measures. It compiles each formula in bench/models/
 * in-process, with an `hvp` line of the gradient's variables added (to bench/.generated/NAME.ts,
 * kept for reading), then turns the generated
 * modules and the bench itself (measure.ts, baselines.ts, gp-baseline.ts, tfjs.ts) into JavaScript with
 * TypeScript's transpileModule (bench/.generated/js/), and runs measure.js with plain `node`.
 *
 * Why not measure under tsx: in a process run by tsx, loading @tensorflow/tfjs-core slows
 * every float64 loop that runs afterwards, generated and hand-written alike, by a quarter to
 * a third (DS 102 gradInto 150 -> 200 µs, a bare matrix-vector loop likewise); under plain
 * node, loading it changes nothing. Generated modules are meant to run as plain JavaScript,
 * so that is how they are measured.
 *
 * Arguments and environment are passed on to measure.ts (see there: BENCH_ROUNDS,
 * BENCH_ROUND_MS, BENCH_MODELS, BENCH_NO_TFJS). Results: bench/results/latest.json (or the
 * path in BENCH_RESULTS).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { compile } from '../src/compile.js';

const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, '.generated');
const js = join(generated, 'js');
mkdirSync(js, { recursive: true });

function transpile(source: string, file: string): void {
  const out = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  writeFileSync(join(js, `${basename(file, '.ts')}.js`), out.outputText);
}

/**
 * The bench's copy of a model: its `grad L wrt ...` line with an `hvp L wrt ...` line of the
 * same variables after it, so that measure.ts times a Hessian-vector product against the gradient.
 */
function withHvp(source: string): string {
  const grad = /^grad L wrt (.+)$/m.exec(source);
  if (grad === null) throw new Error('bench model without a `grad L wrt ...` line');
  return `${source.trimEnd()}\nhvp L wrt ${grad[1]!.trim()}\n`;
}

const only = process.env.BENCH_MODELS?.split(',').map((s) => s.trim());
for (const file of readdirSync(join(here, 'models')).sort()) {
  if (!file.endsWith('.formula')) continue;
  const name = basename(file, '.formula');
  // A batched model is selected with its batch size (mlp2-64).
  if (only !== undefined && !only.some((o) => o === name || o.startsWith(`${name}-`))) continue;
  const code = await compile(withHvp(readFileSync(join(here, 'models', file), 'utf8')), file);
  writeFileSync(join(generated, `${name}.ts`), code);
  transpile(code, `${name}.ts`);
}
for (const file of ['measure.ts', 'baselines.ts', 'batch-baselines.ts', 'gp-baseline.ts', 'tfjs.ts'])
  transpile(readFileSync(join(here, file), 'utf8'), file);

const results = process.env.BENCH_RESULTS ?? join(here, 'results', 'latest.json');
const run = spawnSync(process.execPath, [join(js, 'measure.js'), results, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
