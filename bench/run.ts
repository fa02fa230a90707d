/**
 * `npm run bench`: generated gradients against hand-written ones and TensorFlow.js.
 *
 * For each model the formula in bench/models/ is compiled in-process, and the contenders
 * (hand-written gradient, generated forward, generated gradient, generated gradient into a
 * reused result, TensorFlow.js on cpu and on wasm) run interleaved in rounds; each round times
 * every contender over a batch of calls sized to about 25 ms, after a warm-up of 300 ms. Medians over the rounds, and
 * their ratios, go to stdout and to bench/results/latest.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../src/compile.js';
import * as baselines from './baselines.js';
import * as tfjs from './tfjs.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const BATCH_MS = 25;
const WARMUP_MS = 300;

type Inputs = Record<string, unknown>;
type Fn = (inputs: Inputs, out?: unknown) => unknown;

/** A small seeded generator, so every run measures the same numbers. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

const rand = random(42);
const vector = (n: number, scale = 1) => Float64Array.from({ length: n }, () => scale * rand());
const matrix = (rows: number, cols: number, scale = 1) => ({ rows, cols, data: vector(rows * cols, scale) });

interface Model {
  readonly name: string;
  readonly file: string;
  readonly sizes: string;
  readonly inputs: Inputs;
  readonly baseline: (inputs: Inputs) => unknown;
  readonly tf: (inputs: Inputs) => tfjs.TfGradient;
}

function models(): Model[] {
  const mlp: Inputs = { x: vector(128), y: vector(128) };
  for (let l = 1; l <= 16; l++) {
    mlp[`W${l}`] = matrix(128, 128, 2 / Math.sqrt(128));
    mlp[`b${l}`] = vector(128, 0.1);
  }
  return [
    {
      name: 'DS 102 net',
      file: 'ds102',
      sizes: 'h = m = 256',
      inputs: { A: matrix(256, 256, 0.2), b: vector(256), x: vector(256), y: 0.3 },
      baseline: baselines.ds102Grad as (i: Inputs) => unknown,
      tf: tfjs.ds102 as (i: Inputs) => tfjs.TfGradient,
    },
    {
      name: 'Domke classifier',
      file: 'domke',
      sizes: 'p = 784, M = 128, K = 10',
      inputs: { W: matrix(128, 784, 0.1), V: matrix(10, 128, 0.3), b: vector(128, 0.1), c: vector(10, 0.1), x: vector(784), y: 3 },
      baseline: baselines.domkeGrad as (i: Inputs) => unknown,
      tf: tfjs.domke as (i: Inputs) => tfjs.TfGradient,
    },
    {
      name: 'INF264 ReLU net',
      file: 'inf264',
      sizes: '5 parameters, one sample',
      inputs: { x: [2, 1], y: 1.3, w0: 1, w1: 1, w2: 0, w3: 1, w4: 0 },
      baseline: baselines.inf264Grad as (i: Inputs) => unknown,
      tf: tfjs.inf264 as (i: Inputs) => tfjs.TfGradient,
    },
    {
      name: 'batch logistic regression',
      file: 'logreg',
      sizes: 'N = 512, d = 64',
      inputs: { X: matrix(512, 64), w: vector(64, 0.3), y: Float64Array.from({ length: 512 }, () => (rand() > 0 ? 1 : -1)) },
      baseline: baselines.logregGrad as (i: Inputs) => unknown,
      tf: tfjs.logreg as (i: Inputs) => tfjs.TfGradient,
    },
    {
      name: '16-layer tanh MLP',
      file: 'mlp16',
      sizes: 'width 128',
      inputs: mlp,
      baseline: (i) => baselines.mlpGrad(i as Record<string, { rows: number; cols: number; data: Float64Array }>),
      tf: (i) => tfjs.mlp(i as Record<string, { rows: number; cols: number; data: Float64Array }>),
    },
  ];
}

/** Flat entries of a gradient result, by key (value excluded). */
function entries(result: unknown): Map<string, ArrayLike<number>> {
  const out = new Map<string, ArrayLike<number>>();
  for (const [k, v] of Object.entries(result as Record<string, unknown>)) {
    if (k === 'value') continue;
    if (typeof v === 'number') out.set(k, [v]);
    else if (v instanceof Float64Array || v instanceof Float32Array) out.set(k, v);
    else out.set(k, (v as { data: ArrayLike<number> }).data);
  }
  return out;
}

function maxRelativeError(actual: unknown, expected: unknown): number {
  const a = entries(actual);
  const e = entries(expected);
  let worst = 0;
  for (const [k, ev] of e) {
    const av = a.get(k);
    if (av === undefined || av.length !== ev.length) return Infinity;
    let scale = 1e-12;
    for (let i = 0; i < ev.length; i++) scale = Math.max(scale, Math.abs(ev[i]!));
    for (let i = 0; i < ev.length; i++) worst = Math.max(worst, Math.abs(av[i]! - ev[i]!) / scale);
  }
  return worst;
}

interface Contender {
  readonly name: string;
  readonly run: () => unknown;
  readonly backend?: tfjs.TfBackend;
}

async function timeBatch(c: Contender, calls: number): Promise<number> {
  if (c.backend !== undefined) await tfjs.useBackend(c.backend);
  c.run();
  const start = performance.now();
  for (let i = 0; i < calls; i++) c.run();
  return (performance.now() - start) / calls;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Row {
  model: string;
  sizes: string;
  /** Median microseconds per call. */
  microseconds: Record<string, number>;
  ratios: Record<string, number>;
}

async function benchModel(m: Model): Promise<Row> {
  const code = await compile(readFileSync(join(here, 'models', `${m.file}.formula`), 'utf8'), `${m.file}.formula`);
  const dir = join(here, '.generated');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${m.file}.ts`);
  writeFileSync(path, code);
  const module = (await import(path)) as Record<string, Fn>;
  const forward = module.L!;
  const grad = module.LGrad!;
  const gradInto = module.LGradInto!;
  const out = grad(m.inputs);

  // Correctness before speed.
  const reference = m.baseline(m.inputs);
  const generatedError = maxRelativeError(grad(m.inputs), reference);
  if (!(generatedError < 1e-8)) throw new Error(`${m.name}: generated gradient differs from the hand-written one (${generatedError})`);
  const contenders: Contender[] = [
    { name: 'baseline', run: () => m.baseline(m.inputs) },
    { name: 'forward', run: () => forward(m.inputs) },
    { name: 'grad', run: () => grad(m.inputs) },
    { name: 'gradInto', run: () => gradInto(m.inputs, out) },
  ];
  for (const backend of ['cpu', 'wasm'] as const) {
    await tfjs.useBackend(backend);
    const run = m.tf(m.inputs);
    const tfError = maxRelativeError(run(), reference);
    if (!(tfError < 1e-3)) throw new Error(`${m.name}: TensorFlow.js ${backend} gradient differs (${tfError})`);
    contenders.push({ name: `tfjs-${backend}`, run, backend });
  }

  // Warm up (let the JIT optimise every contender), then size each batch to about BATCH_MS.
  const calls = new Map<string, number>();
  for (const c of contenders) {
    const t = await timeBatch(c, 3);
    const warm = Math.max(3, Math.round(WARMUP_MS / Math.max(t, 1e-4)));
    const t2 = await timeBatch(c, warm);
    calls.set(c.name, Math.max(3, Math.round(BATCH_MS / Math.max(t2, 1e-4))));
  }
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of contenders) times.get(c.name)!.push(await timeBatch(c, calls.get(c.name)!));
  }
  const us = Object.fromEntries([...times].map(([k, v]) => [k, median(v) * 1000]));
  return {
    model: m.name,
    sizes: m.sizes,
    microseconds: us,
    ratios: {
      'grad / baseline': us.grad! / us.baseline!,
      'gradInto / baseline': us.gradInto! / us.baseline!,
      'grad / forward': us.grad! / us.forward!,
      'tfjs-wasm / grad': us['tfjs-wasm']! / us.grad!,
      'tfjs-cpu / grad': us['tfjs-cpu']! / us.grad!,
    },
  };
}

function table(rows: readonly Row[]): string {
  const header = ['model', 'baseline µs', 'forward µs', 'grad µs', 'gradInto µs', 'tfjs-cpu µs', 'tfjs-wasm µs', 'grad/base', 'grad/fwd', 'wasm/grad'];
  const body = rows.map((r) => {
    const u = r.microseconds;
    const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
    return [
      r.model,
      f(u.baseline!),
      f(u.forward!),
      f(u.grad!),
      f(u.gradInto!),
      f(u['tfjs-cpu']!),
      f(u['tfjs-wasm']!),
      r.ratios['grad / baseline']!.toFixed(2),
      r.ratios['grad / forward']!.toFixed(2),
      r.ratios['tfjs-wasm / grad']!.toFixed(1),
    ];
  });
  const lines = [header, ...body].map((cells) => `| ${cells.join(' | ')} |`);
  lines.splice(1, 0, `|${header.map(() => '---').join('|')}|`);
  return lines.join('\n');
}

const rows: Row[] = [];
for (const m of models()) {
  rows.push(await benchModel(m));
  process.stderr.write(`measured ${m.name}\n`);
}
const machine = `${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`${machine}; ${new Date().toISOString().slice(0, 10)}; medians of ${ROUNDS} interleaved rounds\n`);
console.log(table(rows));
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'latest.json'),
  `${JSON.stringify({ machine, date: new Date().toISOString(), rounds: ROUNDS, rows }, null, 2)}\n`,
);
