/**
 * Matrix-matrix kernels of generated modules, emitted once into a module that uses them (as the
 * matrix-vector kernels of kernels.ts): `matMul$` for A B and Aᵀ B, `matMulT$` for A Bᵀ and
 * Aᵀ Bᵀ (the weight gradient `delta Xᵀ`), both on `gemm$`.
 *
 * The shapes were measured on this project's 2-core machine (the closing note of issue 15 lists
 * every variant tried). V8 emits scalar SSE2 code, one multiply and one add
 * per term, with a bounds check on every typed-array load, so what counts is how many loads and
 * stores each multiply-add costs. `gemm$` takes eight rows of the result and four steps of the
 * inner dimension per pass over a row of B: the 32 entries of A it needs are loop-invariant, each
 * of the four entries of B it loads serves eight rows, and each entry of the result is loaded and
 * stored once per four multiply-adds (5 to 7 GFLOP/s here, against 0.9 for the plain i-k-j loop;
 * register blocks of 4 x 4, 4 x 2, 2 x 4 and 3 x 4 sums with the inner dimension innermost
 * reached 3 to 4.5: x86-64 has 16 vector registers, and V8 spills the rest). Tiles of 128 steps
 * of the inner dimension and 256 columns keep B's tile in the L2 cache for large operands
 * (measured neutral up to 512 x 1024 x 1024).
 *
 * A Bᵀ reads B across its rows, which the loop above cannot stream: `matMulT$` copies each tile
 * of Bᵀ into a panel the module keeps (128 x 256 entries at most, packing as BLAS libraries do)
 * and runs `gemm$` on it; with the copy (one pass over B a call) this ran 1.6 times as fast as the
 * best register-blocked dot products of rows (4 x 4 sums), which results of few rows still use.
 *
 * A is read through strides, so Aᵀ costs nothing: element (i, p) is a[i * ars + p * acs].
 * Every result entry is summed in a fixed order, so the output is the same on every run.
 *
 * Large products run on a WebAssembly SIMD kernel instead (`wasmMul$`, wasm-gemm.ts): two
 * multiply-adds an instruction and no bounds checks, 2 to 3 times as fast as `gemm$` with the
 * copies of the operands into its memory (bench/wasm-simd.ts). Operands and results that are
 * scratch arrays live in that memory already and are not copied (heap-kernels.ts). Where
 * WebAssembly is missing, the JavaScript kernels above do the work.
 */
import { HEAP_KERNELS, stagingBound } from './heap-kernels.js';
import { elementFormat, type Precision } from './precision.js';
import { GEMM_TILE, wasmGemmModule } from './wasm-gemm.js';

/**
 * Products of at least this many multiply-adds (and four rows) run on the WebAssembly SIMD
 * kernel. 32 x 32 x 32 ran twice as fast there, copies included (bench/wasm-simd.ts); smaller
 * products stay in JavaScript, where nothing is copied and the random-formula tests' tiny
 * products exercise the JavaScript kernels.
 */
const WASM_MIN_PRODUCT = 32768;

/** The parameters of the product kernels (emitted code; one line there). */
const PRODUCT_PARAMS =
  'a: ArrayLike<number>, ars: number, acs: number, b: ArrayLike<number>, ' +
  'rows: number, inner: number, cols: number, scale: number, out: Float64Array';

/** The parameters of `wasmMul$` (emitted code; one line there). */
const WASM_MUL_PARAMS =
  'a: ArrayLike<number>, ars: number, acs: number, b: ArrayLike<number>, transposedB: boolean, ' +
  'rows: number, inner: number, cols: number, scale: number, out: Float64Array';

/** The part of WebAssembly's API that `wasm$` uses, as a type (emitted code; one line there). */
const WASM_API =
  '{ WebAssembly?: { validate(bytes: Uint8Array): boolean; Module: new (bytes: Uint8Array) => object; ' +
  'Instance: new (m: object) => { exports: Record<string, unknown> } } }';

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((x) => x.toString(16).padStart(2, '0')).join('');
}

export const MATRIX_KERNELS = {
  gemm$: `/**
 * out[cOff + i * ldc + j] += scale * sum_{q < depth} a[aOff + i * ars + q * acs] * b[bOff + q * ldb + j]
 * for i < rows, j < cols: eight rows and four steps of q per pass over a row of b.
 */
function gemm$(
  a: ArrayLike<number>, aOff: number, ars: number, acs: number,
  b: ArrayLike<number>, bOff: number, ldb: number,
  depth: number, rows: number, cols: number, scale: number,
  out: Float64Array, cOff: number, ldc: number,
): void {
  let i = 0;
  for (; i + 7 < rows; i += 8) {
    const r0 = aOff + i * ars, r1 = r0 + ars, r2 = r1 + ars, r3 = r2 + ars, r4 = r3 + ars, r5 = r4 + ars, r6 = r5 + ars, r7 = r6 + ars;
    const c0 = cOff + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
    let q = 0;
    for (; q + 3 < depth; q += 4) {
      const o0 = q * acs, o1 = o0 + acs, o2 = o1 + acs, o3 = o2 + acs;
      const x00 = scale * a[r0 + o0], x01 = scale * a[r0 + o1], x02 = scale * a[r0 + o2], x03 = scale * a[r0 + o3];
      const x10 = scale * a[r1 + o0], x11 = scale * a[r1 + o1], x12 = scale * a[r1 + o2], x13 = scale * a[r1 + o3];
      const x20 = scale * a[r2 + o0], x21 = scale * a[r2 + o1], x22 = scale * a[r2 + o2], x23 = scale * a[r2 + o3];
      const x30 = scale * a[r3 + o0], x31 = scale * a[r3 + o1], x32 = scale * a[r3 + o2], x33 = scale * a[r3 + o3];
      const x40 = scale * a[r4 + o0], x41 = scale * a[r4 + o1], x42 = scale * a[r4 + o2], x43 = scale * a[r4 + o3];
      const x50 = scale * a[r5 + o0], x51 = scale * a[r5 + o1], x52 = scale * a[r5 + o2], x53 = scale * a[r5 + o3];
      const x60 = scale * a[r6 + o0], x61 = scale * a[r6 + o1], x62 = scale * a[r6 + o2], x63 = scale * a[r6 + o3];
      const x70 = scale * a[r7 + o0], x71 = scale * a[r7 + o1], x72 = scale * a[r7 + o2], x73 = scale * a[r7 + o3];
      const p0 = bOff + q * ldb, p1 = p0 + ldb, p2 = p1 + ldb, p3 = p2 + ldb;
      for (let j = 0; j < cols; j++) {
        const b0 = b[p0 + j], b1 = b[p1 + j], b2 = b[p2 + j], b3 = b[p3 + j];
        out[c0 + j] += x00 * b0 + x01 * b1 + (x02 * b2 + x03 * b3);
        out[c1 + j] += x10 * b0 + x11 * b1 + (x12 * b2 + x13 * b3);
        out[c2 + j] += x20 * b0 + x21 * b1 + (x22 * b2 + x23 * b3);
        out[c3 + j] += x30 * b0 + x31 * b1 + (x32 * b2 + x33 * b3);
        out[c4 + j] += x40 * b0 + x41 * b1 + (x42 * b2 + x43 * b3);
        out[c5 + j] += x50 * b0 + x51 * b1 + (x52 * b2 + x53 * b3);
        out[c6 + j] += x60 * b0 + x61 * b1 + (x62 * b2 + x63 * b3);
        out[c7 + j] += x70 * b0 + x71 * b1 + (x72 * b2 + x73 * b3);
      }
    }
    for (; q < depth; q++) {
      const o0 = q * acs;
      const x0 = scale * a[r0 + o0], x1 = scale * a[r1 + o0], x2 = scale * a[r2 + o0], x3 = scale * a[r3 + o0];
      const x4 = scale * a[r4 + o0], x5 = scale * a[r5 + o0], x6 = scale * a[r6 + o0], x7 = scale * a[r7 + o0];
      const p0 = bOff + q * ldb;
      for (let j = 0; j < cols; j++) {
        const b0 = b[p0 + j];
        out[c0 + j] += x0 * b0;
        out[c1 + j] += x1 * b0;
        out[c2 + j] += x2 * b0;
        out[c3 + j] += x3 * b0;
        out[c4 + j] += x4 * b0;
        out[c5 + j] += x5 * b0;
        out[c6 + j] += x6 * b0;
        out[c7 + j] += x7 * b0;
      }
    }
  }
  for (; i < rows; i++) {
    const r0 = aOff + i * ars;
    const c0 = cOff + i * ldc;
    let q = 0;
    for (; q + 3 < depth; q += 4) {
      const o0 = q * acs, o1 = o0 + acs, o2 = o1 + acs, o3 = o2 + acs;
      const x0 = scale * a[r0 + o0], x1 = scale * a[r0 + o1], x2 = scale * a[r0 + o2], x3 = scale * a[r0 + o3];
      const p0 = bOff + q * ldb, p1 = p0 + ldb, p2 = p1 + ldb, p3 = p2 + ldb;
      for (let j = 0; j < cols; j++) out[c0 + j] += x0 * b[p0 + j] + x1 * b[p1 + j] + (x2 * b[p2 + j] + x3 * b[p3 + j]);
    }
    for (; q < depth; q++) {
      const x0 = scale * a[r0 + q * acs];
      const p0 = bOff + q * ldb;
      for (let j = 0; j < cols; j++) out[c0 + j] += x0 * b[p0 + j];
    }
  }
}`,
  matMul$: `/**
 * out = scale * A B (rows x cols), with A's element (i, p) at a[i * ars + p * acs] (A: ars = inner,
 * acs = 1; Aᵀ of a stored inner x rows matrix: ars = 1, acs = rows) and b row-major inner x cols.
 */
function matMul$(${PRODUCT_PARAMS}): void {
  if (rows >= 4 && rows * inner * cols >= ${WASM_MIN_PRODUCT} && wasmMul$(a, ars, acs, b, false, rows, inner, cols, scale, out)) return;
  out.fill(0);
  for (let j0 = 0; j0 < cols; j0 += 256) {
    const width = Math.min(256, cols - j0);
    for (let p0 = 0; p0 < inner; p0 += 128) {
      gemm$(a, p0 * acs, ars, acs, b, p0 * cols + j0, cols, Math.min(128, inner - p0), rows, width, scale, out, j0, cols);
    }
  }
}`,
  matMulT$: `/** The tile of Bᵀ that matMulT$ multiplies by: kept between calls. */
let matMulT$panel = new Float64Array(0);

/**
 * out = scale * A Bᵀ (rows x cols), A read through strides as in matMul$, b row-major cols x inner:
 * each tile of Bᵀ (at most 128 x 256) is copied into a panel, which gemm$ then streams by rows.
 */
function matMulT$(${PRODUCT_PARAMS}): void {
  if (rows >= 4 && rows * inner * cols >= ${WASM_MIN_PRODUCT} && wasmMul$(a, ars, acs, b, true, rows, inner, cols, scale, out)) return;
  if (rows < 16) return dotRows$(a, ars, acs, b, rows, inner, cols, scale, out);
  out.fill(0);
  if (matMulT$panel.length < 128 * 256) matMulT$panel = new Float64Array(128 * 256);
  const panel = matMulT$panel;
  for (let j0 = 0; j0 < cols; j0 += 256) {
    const width = Math.min(256, cols - j0);
    for (let p0 = 0; p0 < inner; p0 += 128) {
      const depth = Math.min(128, inner - p0);
      for (let j = 0; j < width; j++) {
        const from = (j0 + j) * inner + p0;
        for (let q = 0; q < depth; q++) panel[q * width + j] = b[from + q];
      }
      gemm$(a, p0 * acs, ars, acs, panel, 0, width, depth, rows, width, scale, out, j0, cols);
    }
  }
}`,
  dotRows$: `/**
 * out = scale * A Bᵀ as in matMulT$, by dot products of rows: two rows of A against four rows of b
 * per pass, eight running sums. For results of few rows, where packing Bᵀ would cost as much as
 * the products.
 */
function dotRows$(${PRODUCT_PARAMS}): void {
  let i = 0;
  for (; i + 1 < rows; i += 2) {
    const r0 = i * ars, r1 = r0 + ars;
    let j = 0;
    for (; j + 3 < cols; j += 4) {
      const p0 = j * inner, p1 = p0 + inner, p2 = p1 + inner, p3 = p2 + inner;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let q = 0; q < inner; q++) {
        const x0 = a[r0 + q * acs], x1 = a[r1 + q * acs];
        const y0 = b[p0 + q], y1 = b[p1 + q], y2 = b[p2 + q], y3 = b[p3 + q];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      const c0 = i * cols + j, c1 = c0 + cols;
      out[c0] = scale * s00;
      out[c0 + 1] = scale * s01;
      out[c0 + 2] = scale * s02;
      out[c0 + 3] = scale * s03;
      out[c1] = scale * s10;
      out[c1 + 1] = scale * s11;
      out[c1 + 2] = scale * s12;
      out[c1 + 3] = scale * s13;
    }
    for (; j < cols; j++) {
      const p0 = j * inner;
      let s0 = 0, s1 = 0;
      for (let q = 0; q < inner; q++) {
        const y0 = b[p0 + q];
        s0 += a[r0 + q * acs] * y0;
        s1 += a[r1 + q * acs] * y0;
      }
      out[i * cols + j] = scale * s0;
      out[(i + 1) * cols + j] = scale * s1;
    }
  }
  for (; i < rows; i++) {
    const r0 = i * ars;
    for (let j = 0; j < cols; j++) {
      const p0 = j * inner;
      let s0 = 0;
      for (let q = 0; q < inner; q++) s0 += a[r0 + q * acs] * b[p0 + q];
      out[i * cols + j] = scale * s0;
    }
  }
}`,
  wasm$: wasmKernels('f64').wasm$,
  wasmMul$: wasmKernels('f64').wasmMul$,
  ...HEAP_KERNELS,
} satisfies Record<string, string>;

/** `wasm$`: the kernel's bytes in hex, instantiated on first use, with memory for a count of numbers. */
function wasmLoader(precision: Precision): string {
  const { bytes } = elementFormat(precision);
  const count = precision === 'f64' ? 'doubles' : 'floats';
  return `/** The WebAssembly SIMD kernel's bytes (src/codegen/wasm-gemm.ts), in hex. */
const wasm$hex = "${toHex(wasmGemmModule(1, GEMM_TILE, precision))}";

interface Wasm$ {
  readonly gemm: (a: number, ars: number, acs: number, b: number, ldb: number, depth: number, rows: number, colBytes: number, out: number, ldc: number) => void;
  readonly dot: (a: number, ars: number, b: number, ldb: number, depth: number, rows: number, cols: number, out: number, ldc: number, scale: number) => void;
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heap: Float64Array;
}

/** The instantiated kernel (undefined before the first use; null where WebAssembly SIMD is unavailable). */
let wasm$state: Wasm$ | null | undefined;

/** The wasm kernel with memory for at least \`${count}\` numbers, or null where it cannot run. */
function wasm$(${count}: number): Wasm$ | null {
  if (wasm$state === undefined) {
    wasm$state = null;
    // Through globalThis: the module needs no declarations of WebAssembly, and runs without it.
    const api = (globalThis as ${WASM_API}).WebAssembly;
    const bytes = new Uint8Array(wasm$hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(wasm$hex.slice(2 * i, 2 * i + 2), 16);
    if (api !== undefined && api.validate(bytes)) {
      const exports = new api.Instance(new api.Module(bytes)).exports;
      const memory = exports.memory as Wasm$["memory"];
      wasm$state = { gemm: exports.gemm as Wasm$["gemm"], dot: exports.dot as Wasm$["dot"], memory, heap: new Float64Array(memory.buffer) };
    }
  }
  const state = wasm$state;
  if (state === null || state.heap.length >= ${count}) return state;
  try {
    state.memory.grow(Math.ceil(((${count} - state.heap.length) * ${bytes}) / 65536));
  } catch {
    return null; // out of memory for the copies: the JavaScript loops need none
  }
  state.heap = new Float64Array(state.memory.buffer);
  return state;
}`;
}

/**
 * The WebAssembly kernels of a module of `precision`: its bytes, and `wasmMul$`, which runs the
 * columns of R in whole vectors (two f64 or four f32 entries) and counts addresses in bytes per entry.
 */
export function wasmKernels(precision: Precision): { readonly wasm$: string; readonly wasmMul$: string } {
  const { bytes, lanes } = elementFormat(precision);
  // The last rows as the last whole tile of rows and the last columns as the last whole vector,
  // each overlapping the others (an entry's sum is the same whichever tile computes it, and the
  // kernel writes rather than adds): nothing to clear and nothing to copy back. Fewer columns than
  // a vector run in JavaScript on the same memory.
  const remainders = `  const run = (r0: number, count: number, c0: number, width: number): void =>
    w.gemm((lAt + r0 * lrs) * ${bytes}, lrs * ${bytes}, lcs * ${bytes}, (rAt + c0) * ${bytes}, n * ${bytes}, inner, count, width * ${bytes}, (cAt + r0 * n + c0) * ${bytes}, n * ${bytes});
  const rowsFrom = (r0: number, count: number): void => {
    if (n < ${lanes}) {
      heap.fill(0, cAt + r0 * n, cAt + (r0 + count) * n);
      gemm$(heap, lAt + r0 * lrs, lrs, lcs, heap, rAt, n, inner, count, n, 1, heap, cAt + r0 * n, n);
      return;
    }
    if (whole < n) run(r0, count, n - ${lanes}, ${lanes});
    run(r0, count, 0, whole);
  };
  if (blockRows < m) rowsFrom(m - ${GEMM_TILE.rows}, ${GEMM_TILE.rows});
  rowsFrom(0, blockRows);`;
  return {
    wasm$: wasmLoader(precision),

    wasmMul$: `/**
 * out = scale * A B (or A Bᵀ when \`transposedB\`, b then cols x inner) on the WebAssembly SIMD kernel.
 * Operands that are views of the kernel's memory (the frame's scratch arrays, heap-kernels.ts) are
 * read where they are, and a result that is one is written where it is; the others are staged
 * after the frame's arrays: the left operand L as it is (read there through strides), the right
 * one R row-major (transposed when it is Bᵀ). Rows of L in tiles of ${GEMM_TILE.rows} and columns of R in
 * vectors of ${lanes} there, the last ones as the last whole tile and vector (overlapping the others).
 * A Bᵀ with A's rows contiguous runs on the dot-product kernel, which reads both as they are. Aᵀ Bᵀ
 * with fewer rows than columns is computed as (B A)ᵀ, so that the copy that transposes is of the smaller operand. False where WebAssembly
 * SIMD is unavailable or the memory has no room (then nothing was written).
 */
function wasmMul$(${WASM_MUL_PARAMS}): boolean {
  const need = frame$at.top + ${stagingBound('rows', 'inner', 'cols')};
  // The memory grows only while no view of the frame, nor of a resident matrix, is live (growing detaches them).
  const w = frame$at.top === frame$at.base && resident$top === 0 ? wasm$(need) : wasm$(0);
  if (w === null || w.heap.length < need) return false;
  const heap = w.heap;
  let free = frame$at.top;
  if (transposedB && acs === 1) {
    // A Bᵀ with A's rows contiguous: dot products of rows, with no transposing copy.
    let aAt = onHeap$(heap, a);
    if (aAt < 0) {
      aAt = free;
      free = stage$(heap, a, free);
    }
    let bAt = onHeap$(heap, b);
    if (bAt < 0) {
      bAt = free;
      free = stage$(heap, b, free);
    }
    const onto = onHeap$(heap, out);
    const at = onto >= 0 ? onto : free;
    w.dot(aAt * ${bytes}, ars * ${bytes}, bAt * ${bytes}, inner * ${bytes}, inner, rows, cols, at * ${bytes}, cols * ${bytes}, scale);
    if (onto < 0) unstage$(heap, at, rows, cols, false, 1, out);
    return true;
  }
  const swap = transposedB && rows < cols;
  const m = swap ? cols : rows;
  const n = swap ? rows : cols;
  const left = swap ? b : a;
  const lrs = swap ? inner : ars;
  const lcs = swap ? 1 : acs;
  let lAt = onHeap$(heap, left);
  if (lAt < 0) {
    lAt = free;
    free = stage$(heap, left, free);
  }
  // R is inner x n: b, Aᵀ (stored as it is when A was given transposed), or Bᵀ; a transposing
  // copy takes the scale along, so the result needs no pass of its own for it.
  let rAt = !transposedB ? onHeap$(heap, b) : swap && ars === 1 && acs === rows ? onHeap$(heap, a) : -1;
  let rest = scale;
  if (rAt < 0) {
    rAt = free;
    if (!transposedB) free = stage$(heap, b, free);
    else {
      if (swap) stageTransposed$(heap, a, ars, acs, rows, inner, scale, free);
      else stageTransposed$(heap, b, inner, 1, cols, inner, scale, free);
      free += inner * n + ((inner * n) & 1);
      rest = 1;
    }
  }
  const direct = swap ? -1 : onHeap$(heap, out);
  const cAt = direct >= 0 ? direct : free;
  const whole = n - (n % ${lanes});
  const blockRows = m - (m % ${GEMM_TILE.rows});
${remainders}
  if (direct < 0) unstage$(heap, cAt, m, n, swap, rest, out);
  else if (rest !== 1) for (let k = cAt; k < cAt + m * n; k++) heap[k] *= rest;
  return true;
}`,
  };
}

/** The kernels each matrix-matrix kernel calls. */
export const MATRIX_KERNEL_NEEDS: Readonly<
  Record<keyof typeof MATRIX_KERNELS, readonly (keyof typeof MATRIX_KERNELS)[]>
> = {
  gemm$: [],
  matMul$: ['gemm$', 'wasmMul$'],
  matMulT$: ['gemm$', 'dotRows$', 'wasmMul$'],
  dotRows$: [],
  wasm$: [],
  wasmMul$: ['wasm$', 'gemm$', 'frame$', 'stage$'],
  frame$: ['wasm$', 'resident$'],
  resident$: ['wasm$'],
  heap$: ['frame$', 'wasm$'],
  stage$: [],
  copyIn$: ['heap$'],
};
