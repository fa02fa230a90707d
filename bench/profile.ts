/**
 * `npx tsx bench/profile.ts [grad|gradInto|resident] [calls]`: where the mini-batch MLP gradient's
 * time goes (bench/models/mlp2.formula at d = h = 256, K = 10, N = 64), by function, from a CPU
 * profile. `resident` is `gradInto` with `X`, `W1`, `W2` and the gradient's `W1`, `W2` made by the
 * module's `residentMatrix`, so they stay in its WebAssembly memory between calls.
 *
 * Compiles the model in-process (to bench/.generated/js/mlp2-profile.js), then runs a small
 * driver under plain `node --cpu-prof` that warms the module up and calls the gradient `calls`
 * times (default 2,000), and sums the profile's self time per function. "Copies" is the time
 * spent moving operands into and out of the WebAssembly kernel's memory: the self time of
 * `wasmMul$` (which clears results and runs the kernel) and of the staging helpers it calls
 * (`stage$`, `stageTransposed$`, `unstage$`, `onHeap$`), whose loops are the copies, and of
 * `copyIn$`, which copies an input that several products read once a call; V8 inlines
 * some of them into `wasmMul$`, whose self time then holds them. `wasm-function[0]` is the
 * WebAssembly kernel itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { compile } from '../src/compile.js';

const here = dirname(fileURLToPath(import.meta.url));
const js = join(here, '.generated', 'js');
mkdirSync(js, { recursive: true });

const mode = process.argv[2] === 'gradInto' || process.argv[2] === 'resident' ? process.argv[2] : 'grad';
const calls = Number(process.argv[3] ?? 2000);

const code = await compile(readFileSync(join(here, 'models', 'mlp2.formula'), 'utf8'), 'mlp2.formula');
const transpiled = ts.transpileModule(code, {
  fileName: 'mlp2-profile.ts',
  compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
});
writeFileSync(join(js, 'mlp2-profile.js'), transpiled.outputText);

const driver = `
import { LGrad, LGradInto, residentMatrix } from './mlp2-profile.js';
let seed = 1;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
const matrix = (rows, cols, scale = 1) => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, () => scale * rand()) });
const [d, h, K, N] = [256, 256, 10, 64];
const input = { X: matrix(d, N), Y: matrix(K, N), W1: matrix(h, d, 2 / 16), b1: matrix(h, 1, 0.1).data, W2: matrix(K, h, 2 / 16), b2: matrix(K, 1, 0.1).data };
const out = LGrad(input);
if (${JSON.stringify(mode)} === 'resident') {
  for (const name of ['X', 'W1', 'W2']) {
    const m = residentMatrix(input[name].rows, input[name].cols);
    m.data.set(input[name].data);
    input[name] = m;
  }
  for (const name of ['W1', 'W2']) out[name] = residentMatrix(out[name].rows, out[name].cols);
}
const run = ${mode === 'grad' ? '() => LGrad(input)' : '() => LGradInto(input, out)'};
for (let i = 0; i < 200; i++) run();
const t0 = performance.now();
for (let i = 0; i < ${calls}; i++) run();
console.log(((performance.now() - t0) * 1000 / ${calls}).toFixed(0));
`;
writeFileSync(join(js, 'mlp2-profile-driver.mjs'), driver);

const dir = mkdtempSync(join(tmpdir(), 'gradc-profile-'));
const run = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, join(js, 'mlp2-profile-driver.mjs')], {
  encoding: 'utf8',
});
if (run.status !== 0) throw new Error(run.stderr);
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount: number;
}
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
rmSync(dir, { recursive: true, force: true });
const self = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  if (n.callFrame.functionName === '(idle)') continue;
  const name = n.callFrame.functionName || '(anonymous)';
  self.set(name, (self.get(name) ?? 0) + n.hitCount);
  total += n.hitCount;
}
const copies = ['wasmMul$', 'stage$', 'stageTransposed$', 'unstage$', 'onHeap$', 'copyIn$'].reduce(
  (s, f) => s + (self.get(f) ?? 0),
  0,
);
const pct = (x: number) => `${((100 * x) / total).toFixed(1)}%`;
console.log(`${mode}: ${run.stdout.trim()} µs per call over ${calls} calls (${total} samples)`);
console.log(`copies (self time of wasmMul$ and the staging helpers it calls): ${pct(copies)}`);
for (const [name, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${pct(hits)}  ${name}`);
