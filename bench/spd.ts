/**
 * `npm run bench:spd`: logdet(P) + b^T inv(P) b of a symmetric positive definite P at n = 256
 * (BENCH_SPD_N), three ways in one process:
 *
 *   cholesky   the generated function with P declared spd(n): its input check factorises P by
 *              Cholesky once (n^3/3 flops), logdet and the solve read the factor
 *   lu         the generated function with P declared matrix(n, n): LU with partial pivoting
 *              (2n^3/3 flops), as before symmetric declarations existed
 *   hand       a hand-written Cholesky (bench/spd-baseline.ts)
 *
 * The three results are first checked to agree (relative 1e-10). Then the contenders run
 * interleaved in BENCH_ROUNDS rounds (default 9; the starting contender rotates), each timed
 * over enough calls to last about BENCH_ROUND_MS milliseconds (default 200); the table shows the
 * median time per call over the rounds and the ratios of the medians. Results:
 * bench/results/spd.json (or BENCH_RESULTS).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModule } from '../src/check/load.js';
import { compile } from '../src/compile.js';
import { logdetSolve } from './spd-baseline.js';

const here = dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BENCH_SPD_N ?? 256);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 200);

type Fn = (inputs: Record<string, unknown>) => number;

async function generated(type: string): Promise<Fn> {
  const code = await compile(`P : ${type}\nb : vector(n)\nf = logdet(P) + b^T inv(P) b\n`, 'spd.formula');
  return (await loadModule(code)).f as Fn;
}

/** A seeded symmetric positive definite n x n matrix B B^T / n + I, and a vector. */
function inputs(n: number): { P: { rows: number; cols: number; data: Float64Array }; b: Float64Array } {
  let s = 7;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5;
  const B = Float64Array.from({ length: n * n }, rand);
  const P = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let t = 0;
      for (let k = 0; k < n; k++) t += B[i * n + k]! * B[j * n + k]!;
      P[i * n + j] = P[j * n + i] = t / n + (i === j ? 1 : 0);
    }
  }
  return { P: { rows: n, cols: n, data: P }, b: Float64Array.from({ length: n }, rand) };
}

const contenders: [string, Fn][] = [
  ['cholesky', await generated('spd(n)')],
  ['lu', await generated('matrix(n, n)')],
  ['hand', logdetSolve as Fn],
];
const x = inputs(N);
const reference = logdetSolve(x);
for (const [name, f] of contenders) {
  const v = f(x);
  if (!(Math.abs(v - reference) <= 1e-10 * Math.abs(reference)))
    throw new Error(`${name} computes ${v}, the hand-written Cholesky ${reference}`);
}

/** Mean time per call (ms) over calls lasting about `ms` milliseconds. */
function time(f: Fn, ms: number): number {
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    f(x);
    calls++;
    now = performance.now();
  }
  return (now - start) / calls;
}

for (const [, f] of contenders) time(f, 100); // warm-up
const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < contenders.length; k++) {
    const [name, f] = contenders[(round + k) % contenders.length]!;
    samples.get(name)!.push(time(f, ROUND_MS));
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const ms = Object.fromEntries([...samples].map(([name, v]) => [name, median(v)]));
const ratios = { luOverCholesky: ms.lu! / ms.cholesky!, choleskyOverHand: ms.cholesky! / ms.hand! };
console.log(
  `logdet(P) + b^T inv(P) b, n = ${N}: median of ${ROUNDS} rounds of ~${ROUND_MS} ms (load ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores)`,
);
for (const [name, t] of Object.entries(ms)) console.log(`  ${name.padEnd(9)} ${t.toFixed(3)} ms`);
console.log(`  generated LU / generated Cholesky: ${ratios.luOverCholesky.toFixed(2)}x`);
console.log(`  generated Cholesky / hand-written Cholesky: ${ratios.choleskyOverHand.toFixed(2)}x`);
const results = process.env.BENCH_RESULTS ?? join(here, 'results', 'spd.json');
mkdirSync(dirname(results), { recursive: true });
writeFileSync(
  results,
  `${JSON.stringify({ n: N, rounds: ROUNDS, roundMs: ROUND_MS, load: loadavg()[0], cores: cpus().length, medianMs: ms, ratios }, null, 2)}\n`,
);
