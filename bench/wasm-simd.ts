/**
 * The WebAssembly SIMD experiment of issue 15: is an f64x2 matrix-product kernel, embedded in a
 * module as bytes (so the module still imports nothing), clearly faster than the JavaScript
 * kernel generated modules call (`gemm$`, src/codegen/matrix-kernels.ts)?
 *
 *   npx tsx bench/wasm-simd.ts [ROUNDS]
 *
 * The wasm kernel is assembled by a few lines of encoder (no toolchain, src/codegen/wasm-gemm.ts):
 * out += A B (A read through strides) over tiles of the result held in registers; the table
 * compares the tile generated modules use (`GEMM_TILE`) with other shapes, two columns per f64x2
 * vector (the columns must be even in number: enough for the experiment). Its operands must live in the wasm module's own
 * memory, so a call from a generated function copies A and B in and the result out; both
 * timings are reported, beside the JavaScript kernel at the batched models' shapes, with the
 * module's size and the cost of compiling and instantiating it.
 */
import ts from 'typescript';
import { MATRIX_KERNELS } from '../src/codegen/matrix-kernels.js';
import { DOT_TILE, GEMM_TILE, wasmGemmModule, type RegisterTile } from '../src/codegen/wasm-gemm.js';

// The encoder lives in src/codegen/wasm-gemm.ts; generated modules embed its bytes.

// --- the JavaScript kernel, as generated modules have it --------------------------------------

type Gemm = (
  a: ArrayLike<number>,
  aOff: number,
  ars: number,
  acs: number,
  b: ArrayLike<number>,
  bOff: number,
  ldb: number,
  depth: number,
  rows: number,
  cols: number,
  scale: number,
  out: Float64Array,
  cOff: number,
  ldc: number,
) => void;
const jsGemm = new Function(
  `${ts.transpile(MATRIX_KERNELS.gemm$!, { target: ts.ScriptTarget.ES2022 })}\nreturn gemm$;`,
)() as Gemm;

// --- measurement ------------------------------------------------------------------------------

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[s.length >> 1]!;
}

/** Mean microseconds per call over about `ms` milliseconds. */
function time(f: () => void, ms: number): number {
  let reps = 0;
  const t0 = performance.now();
  let t = 0;
  do {
    f();
    reps++;
    t = performance.now() - t0;
  } while (t < ms);
  return (t / reps) * 1000;
}

const rounds = Number(process.argv[2] ?? 7);
const BLOCKS: RegisterTile[] = [
  GEMM_TILE,
  { rows: 4, vectors: 2, unroll: 1 },
  { rows: 2, vectors: 4, unroll: 2 },
  { rows: 2, vectors: 3, unroll: 1 },
  { rows: 2, vectors: 5, unroll: 1 },
  { rows: 1, vectors: 8, unroll: 1 },
];
// Through globalThis: the project's type-checking libraries (ES2022) do not declare WebAssembly.
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (b: Uint8Array) => object;
      Instance: new (m: object) => { exports: Record<string, unknown> };
    };
  }
).WebAssembly;
const kernels = BLOCKS.map((block) => {
  const t0 = performance.now();
  const bytes = wasmGemmModule(256, block); // 16 MiB: the largest operands below fit
  const instance = new wasm.Instance(new wasm.Module(bytes));
  const ready = performance.now() - t0;
  return {
    block,
    bytes: bytes.length,
    ready,
    gemm: instance.exports.gemm as (...args: number[]) => void,
    heap: new Float64Array((instance.exports.memory as { buffer: ArrayBuffer }).buffer),
  };
});
const label = (b: RegisterTile) => `${b.rows} x ${b.vectors} vectors, ${b.unroll} step${b.unroll > 1 ? 's' : ''}`;
for (const k of kernels)
  console.log(
    `wasm kernel ${label(k.block)}: ${k.bytes} bytes; encode, compile and instantiate: ${k.ready.toFixed(2)} ms`,
  );
console.log('');
console.log(
  `| product (rows x inner x cols) | JS gemm$ µs (GFLOP/s) | ${kernels.map((k) => `wasm ${label(k.block)} µs (GFLOP/s)`).join(' | ')} | wasm ${label(GEMM_TILE)} with copies µs (GFLOP/s) | with copies / JS |`,
);
console.log(`|---|---:|${kernels.map(() => '---:|').join('')}---:|---:|`);
const rand = random(5);
for (const [rows, inner, cols, what] of [
  [256, 256, 64, 'W1 X, MLP N = 64'],
  [256, 256, 256, 'W1 X, MLP N = 256'],
  [256, 64, 256, 'dZ Xᵀ (B packed), MLP N = 64'],
  [128, 784, 64, 'W X, Domke batch'],
  [8, 784, 128, 'W X, softmax (8 of its 10 rows)'],
  [32, 32, 32, 'a small product'],
] as const) {
  const A = Float64Array.from({ length: rows * inner }, rand);
  const B = Float64Array.from({ length: inner * cols }, rand);
  const jsOut = new Float64Array(rows * cols);
  const js = () => {
    jsOut.fill(0);
    jsGemm(A, 0, inner, 1, B, 0, cols, inner, rows, cols, 1, jsOut, 0, cols);
  };
  js();
  // Layout in wasm memory: A, then B, then the result.
  const [a, b, c] = [0, rows * inner, rows * inner + inner * cols];
  const flops = 2 * rows * inner * cols;
  const runs: (() => void)[] = [js];
  for (const k of kernels) {
    k.heap.set(A, a);
    k.heap.set(B, b);
    const resident = () => {
      k.heap.fill(0, c, c + rows * cols);
      k.gemm(a * 8, inner * 8, 8, b * 8, cols * 8, inner, rows, cols * 8, c * 8, cols * 8);
    };
    resident();
    let err = 0;
    for (let x = 0; x < jsOut.length; x++) err = Math.max(err, Math.abs(jsOut[x]! - k.heap[c + x]!));
    if (!(err < 1e-12 * inner)) throw new Error(`${what}: wasm ${label(k.block)} differs from JS by ${err}`);
    runs.push(resident);
  }
  const first = kernels[0]!;
  const wasmOut = new Float64Array(rows * cols);
  runs.push(() => {
    first.heap.set(A, a);
    first.heap.set(B, b);
    first.heap.fill(0, c, c + rows * cols);
    first.gemm(a * 8, inner * 8, 8, b * 8, cols * 8, inner, rows, cols * 8, c * 8, cols * 8);
    wasmOut.set(first.heap.subarray(c, c + rows * cols));
  });
  const times: number[][] = runs.map(() => []);
  for (let r = 0; r < rounds; r++) runs.forEach((f, k) => times[k]!.push(time(f, 40)));
  const us = times.map(median);
  const cell = (t: number) => `${t.toFixed(0)} (${(flops / t / 1000).toFixed(2)})`;
  console.log(
    `| ${what}: ${rows} x ${inner} x ${cols} | ${us.map(cell).join(' | ')} | ${(us[us.length - 1]! / us[0]!).toFixed(2)} |`,
  );
}

// --- A Bᵀ: the dot-product kernel against a transposing copy of B and the tile kernel ----------

console.log('');
console.log(
  '| A Bᵀ (rows x inner x cols), precision | copy Bᵀ + gemm µs (GFLOP/s) | dot µs (GFLOP/s) | dot 2 x 2 | dot 4 x 2 | dot 1 x 4 | dot / (copy + gemm) |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const precision of ['f64', 'f32'] as const) {
  const tiles = [DOT_TILE, { rows: 2, cols: 2 }, { rows: 4, cols: 2 }, { rows: 1, cols: 4 }];
  const modules = tiles.map((dot) => {
    const instance = new wasm.Instance(new wasm.Module(wasmGemmModule(256, GEMM_TILE, precision, dot)));
    const buffer = (instance.exports.memory as { buffer: ArrayBuffer }).buffer;
    return {
      gemm: instance.exports.gemm as (...args: number[]) => void,
      dot: instance.exports.dot as (...args: number[]) => void,
      heap: precision === 'f64' ? new Float64Array(buffer) : new Float32Array(buffer),
    };
  });
  const E = precision === 'f64' ? 8 : 4;
  for (const [rows, inner, cols, what] of [
    [256, 64, 256, 'dZ Xᵀ, MLP N = 64'],
    [10, 128, 784, 'dZ Xᵀ, softmax'],
    [128, 64, 784, 'dZ Xᵀ, Domke batch'],
    [33, 31, 35, 'odd sizes'],
  ] as const) {
    const A = Float64Array.from({ length: rows * inner }, rand);
    const B = Float64Array.from({ length: cols * inner }, rand);
    const [a, b, bt, c] = [0, rows * inner, rows * inner + cols * inner, rows * inner + 2 * cols * inner];
    const runs: (() => void)[] = [];
    const { gemm, heap } = modules[0]!;
    heap.set(A, a);
    heap.set(B, b);
    runs.push(() => {
      for (let j = 0; j < cols; j++) for (let q = 0; q < inner; q++) heap[bt + q * cols + j] = heap[b + j * inner + q]!;
      gemm(
        a * E,
        inner * E,
        E,
        bt * E,
        cols * E,
        inner,
        rows - (rows % 2),
        (cols - (cols % (16 / E))) * E,
        c * E,
        cols * E,
      );
    });
    for (const m of modules) {
      m.heap.set(A, a);
      m.heap.set(B, b);
      runs.push(() => m.dot(a * E, inner * E, b * E, inner * E, inner, rows, cols, c * E, cols * E, 1));
      m.heap.fill(Number.NaN, c, c + rows * cols);
      m.dot(a * E, inner * E, b * E, inner * E, inner, rows, cols, c * E, cols * E, 1);
      let err = 0;
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          let s = 0;
          for (let q = 0; q < inner; q++) s += m.heap[a + i * inner + q]! * m.heap[b + j * inner + q]!;
          err = Math.max(err, Math.abs(s - m.heap[c + i * cols + j]!));
        }
      if (!(err < (precision === 'f64' ? 1e-13 : 1e-5) * inner)) throw new Error(`${what}: dot differs by ${err}`);
    }
    const times: number[][] = runs.map(() => []);
    for (let r = 0; r < rounds; r++) runs.forEach((f, k) => times[k]!.push(time(f, 40)));
    const us = times.map(median);
    const flops = 2 * rows * inner * cols;
    const cell = (t: number) => `${t.toFixed(0)} (${(flops / t / 1000).toFixed(2)})`;
    console.log(
      `| ${what}: ${rows} x ${inner} x ${cols}, ${precision} | ${us.map(cell).join(' | ')} | ${(us[1]! / us[0]!).toFixed(2)} |`,
    );
  }
}
