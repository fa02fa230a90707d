/**
 * `npm run bench:compile` (which runs `npm run build` first: the CLI runs from dist/):
 * compile time, module size and gradient speed of L-layer tanh networks of width n,
 *
 *   h1 = tanh(W1 x + b1), h_k = tanh(W_k h_{k-1} + b_k), L = ||h_L - y||^2, grad wrt every W_k, b_k
 *
 * for L = 4, 16, 64. Compile time is `node bin/gradc.js compile FILE -o DIR` timed as a whole
 * process (median of 5). Then each module is loaded and its LGradInto timed at width 128 (mitata,
 * median of 5 rounds after a warm-up), reported per layer: with a linear-time gradient that
 * number is the same for every L. Results go to stdout and bench/results/compile.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { do_not_optimize, measure } from 'mitata';

const here = dirname(fileURLToPath(import.meta.url));
const gradc = join(here, '..', 'bin', 'gradc.js');
const LAYERS = [4, 16, 64];
const RUNS = 5;
const WIDTH = 128;

/** The formula of an L-layer network. */
function network(layers: number): string {
  const lines = ['x, y : vector(n)'];
  for (let k = 1; k <= layers; k++) lines.push(`W${k} : matrix(n, n)`, `b${k} : vector(n)`);
  lines.push('h1 = tanh(W1 x + b1)');
  for (let k = 2; k <= layers; k++) lines.push(`h${k} = tanh(W${k} h${k - 1} + b${k})`);
  lines.push(`L = ||h${layers} - y||^2`);
  lines.push(`grad L wrt ${Array.from({ length: layers }, (_, i) => `W${i + 1}, b${i + 1}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function inputs(layers: number): Record<string, unknown> {
  let s = 7;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const vector = (n: number, scale = 1) => Float64Array.from({ length: n }, () => scale * rand());
  const out: Record<string, unknown> = { x: vector(WIDTH), y: vector(WIDTH) };
  for (let k = 1; k <= layers; k++) {
    out[`W${k}`] = { rows: WIDTH, cols: WIDTH, data: vector(WIDTH * WIDTH, 2 / Math.sqrt(WIDTH)) };
    out[`b${k}`] = vector(WIDTH, 0.1);
  }
  return out;
}

/** Median over 5 rounds of the mean microseconds per LGradInto call, after a warm-up of about 2 s. */
async function gradientMicroseconds(path: string, layers: number): Promise<number> {
  type Grad = (inputs: Record<string, unknown>, out?: unknown) => unknown;
  const module = (await import(pathToFileURL(path).href)) as { LGrad: Grad; LGradInto: Grad };
  const input = inputs(layers);
  const out = module.LGrad(input);
  const run = () => do_not_optimize(module.LGradInto(input, out));
  const warmEnd = performance.now() + 2000;
  while (performance.now() < warmEnd) run();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const stats = await measure(run, { min_cpu_time: 200e6, min_samples: 3, gc: false });
    rounds.push(stats.avg / 1000);
  }
  return median(rounds);
}

interface Row {
  layers: number;
  lines: number;
  bytes: number;
  /** Median of the whole-process compile times, seconds. */
  seconds: number;
  runs: number[];
  gradIntoMicroseconds: number;
  gradIntoMicrosecondsPerLayer: number;
}

const load = loadavg()[0]!;
if (load > 0.5)
  process.stderr.write(
    `warning: load average ${load.toFixed(2)}: other processes are running, timings will be noisy\n`,
  );
const dir = mkdtempSync(join(tmpdir(), 'gradc-bench-'));
const rows: Row[] = [];
try {
  for (const layers of LAYERS) {
    const file = join(dir, `mlp${layers}.formula`);
    writeFileSync(file, network(layers));
    const runs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      execFileSync(process.execPath, [gradc, 'compile', file, '-o', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
      runs.push(Number(((performance.now() - start) / 1000).toFixed(3)));
    }
    const text = readFileSync(join(dir, `mlp${layers}.ts`), 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const us = await gradientMicroseconds(join(dir, `mlp${layers}.ts`), layers);
    rows.push({
      layers,
      lines,
      bytes: Buffer.byteLength(text),
      seconds: median(runs),
      runs,
      gradIntoMicroseconds: Number(us.toPrecision(4)),
      gradIntoMicrosecondsPerLayer: Number((us / layers).toPrecision(4)),
    });
    process.stderr.write(`measured L = ${layers}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const byLayers = (l: number) => rows.find((r) => r.layers === l)!;
const [l16, l64] = [byLayers(16), byLayers(64)];
const ratios = {
  'lines(64) / lines(16)': Number((l64.lines / l16.lines).toFixed(2)),
  'seconds(64) / seconds(16)': Number((l64.seconds / l16.seconds).toFixed(2)),
  'gradInto(64) / gradInto(16)': Number((l64.gradIntoMicroseconds / l16.gradIntoMicroseconds).toFixed(2)),
};
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown cpu',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverageAtStart: Number(load.toFixed(2)),
};
const date = new Date().toISOString().slice(0, 10);
console.log(`${machine.cpu}, ${machine.cores} cores, Node ${process.version}; ${date}; width ${WIDTH}\n`);
console.log('| layers | generated lines | compile s (median of 5, whole process) | LGradInto µs | µs per layer |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.layers} | ${r.lines} | ${r.seconds.toFixed(2)} | ${r.gradIntoMicroseconds} | ${r.gradIntoMicrosecondsPerLayer} |`,
  );
}
console.log(
  `\n${Object.entries(ratios)
    .map(([k, v]) => `${k} = ${v}`)
    .join('; ')} (linear in L: 4; L = 64 compiles in ${l64.seconds.toFixed(2)} s, target < 3 s)`,
);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'compile.json'),
  `${JSON.stringify({ machine, date, width: WIDTH, rows, ratios }, null, 2)}\n`,
);
