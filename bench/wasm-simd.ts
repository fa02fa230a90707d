/**
 * The WebAssembly SIMD experiment of issue 15: is an f64x2 matrix-product kernel, embedded in a
 * module as bytes (so the module still imports nothing), clearly faster than the JavaScript
 * kernel generated modules call (`gemm$`, src/codegen/matrix-kernels.ts)?
 *
 *   npx tsx bench/wasm-simd.ts [ROUNDS]
 *
 * The wasm kernel is assembled below by a few lines of encoder (no toolchain): the same loop
 * shape as `gemm$` (out += A B over a tile, A read through strides), four rows of the result and
 * two inner steps per pass over a row of B, two columns per f64x2 vector (the columns must be
 * even in number: enough for the experiment). Its operands must live in the wasm module's own
 * memory, so a call from a generated function copies A and B in and the result out; both
 * timings are reported, beside the JavaScript kernel at the batched models' shapes, with the
 * module's size and the cost of compiling and instantiating it.
 */
import ts from 'typescript';
import { MATRIX_KERNELS } from '../src/codegen/matrix-kernels.js';
import { wasmGemmModule } from '../src/codegen/wasm-gemm.js';

// The encoder lives in src/codegen/wasm-gemm.ts; generated modules embed its bytes.

// --- the JavaScript kernel, as generated modules have it --------------------------------------

type Gemm = (a: ArrayLike<number>, aOff: number, ars: number, acs: number, b: ArrayLike<number>, bOff: number, ldb: number, depth: number, rows: number, cols: number, scale: number, out: Float64Array, cOff: number, ldc: number) => void;
const jsGemm = new Function(`${ts.transpile(MATRIX_KERNELS.gemm$!, { target: ts.ScriptTarget.ES2022 })}\nreturn gemm$;`)() as Gemm;

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
const t0 = performance.now();
const bytes = wasmGemmModule(256); // 16 MiB: the largest operands below fit
// Through globalThis: the project's type-checking libraries (ES2022) do not declare WebAssembly.
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object) => { exports: Record<string, unknown> } } }).WebAssembly;
const instance = new wasm.Instance(new wasm.Module(bytes));
const firstCall = performance.now() - t0;
const wasmGemm = instance.exports.gemm as (...args: number[]) => void;
const heap = new Float64Array((instance.exports.memory as { buffer: ArrayBuffer }).buffer);

console.log(`wasm module: ${bytes.length} bytes; compile and instantiate: ${firstCall.toFixed(2)} ms`);
console.log('| product (rows x inner x cols) | JS gemm$ µs | GFLOP/s | wasm f64x2, operands resident µs | GFLOP/s | wasm with copies in and out µs | GFLOP/s | wasm+copies / JS |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
const rand = random(5);
for (const [rows, inner, cols, what] of [
  [256, 256, 64, 'W1 X, MLP N = 64'],
  [256, 256, 256, 'W1 X, MLP N = 256'],
  [256, 64, 256, 'dZ Xᵀ (packed), MLP N = 64'],
  [128, 784, 64, 'W X, Domke batch'],
  [8, 784, 128, 'W X, softmax (8 of its 10 rows)'],
] as const) {
  const A = Float64Array.from({ length: rows * inner }, rand);
  const B = Float64Array.from({ length: inner * cols }, rand);
  const jsOut = new Float64Array(rows * cols);
  const js = () => {
    jsOut.fill(0);
    jsGemm(A, 0, inner, 1, B, 0, cols, inner, rows, cols, 1, jsOut, 0, cols);
  };
  // Layout in wasm memory: A, then B, then the result.
  const [a, b, c] = [0, rows * inner, rows * inner + inner * cols];
  const resident = () => {
    heap.fill(0, c, c + rows * cols);
    wasmGemm(a * 8, inner * 8, 8, b * 8, cols * 8, inner, rows, cols * 8, c * 8, cols * 8);
  };
  const wasmOut = new Float64Array(rows * cols);
  const copying = () => {
    heap.set(A, a);
    heap.set(B, b);
    resident();
    wasmOut.set(heap.subarray(c, c + rows * cols));
  };
  copying();
  js();
  let err = 0;
  for (let k = 0; k < jsOut.length; k++) err = Math.max(err, Math.abs(jsOut[k]! - wasmOut[k]!));
  if (!(err < 1e-12 * inner)) throw new Error(`${what}: wasm differs from JS by ${err}`);
  const times: Record<string, number[]> = { js: [], resident: [], copying: [] };
  for (let r = 0; r < rounds; r++) {
    times.js!.push(time(js, 60));
    times.resident!.push(time(resident, 60));
    times.copying!.push(time(copying, 60));
  }
  const flops = 2 * rows * inner * cols;
  const [tj, tr, tc] = [median(times.js!), median(times.resident!), median(times.copying!)];
  const g = (t: number) => (flops / t / 1000).toFixed(2);
  console.log(`| ${what}: ${rows} x ${inner} x ${cols} | ${tj.toFixed(0)} | ${g(tj)} | ${tr.toFixed(0)} | ${g(tr)} | ${tc.toFixed(0)} | ${g(tc)} | ${(tc / tj).toFixed(2)} |`);
}
