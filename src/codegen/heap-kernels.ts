/**
 * Operands that stay in WebAssembly memory: the kernels that place a function's scratch arrays
 * in the memory of the module's WebAssembly kernel (matrix-kernels.ts, `wasm$`), so that the
 * products that read and write them (`wasmMul$`) copy nothing.
 *
 * A function whose products run on the kernel opens a frame first (`frame$`, emitted by
 * storage.ts once the function's dimensions are known): it reserves, in one growth of the
 * memory, room for every scratch array of the function and for the largest staging area of its
 * products (the operands that are not in the memory yet: inputs, transposed copies, results).
 * Then each scratch array is a view of the memory (`heap$`), laid out one after another from
 * the start. Growing a WebAssembly memory detaches every view of it, so the memory grows only
 * where no view is live: in `frame$`, and in `wasmMul$` before any view of the frame is handed
 * out. Where WebAssembly is missing or the memory cannot grow, `heap$` hands out the JavaScript
 * scratch arrays (`scratch$`), and the products run in JavaScript as before.
 *
 * Every frame starts at the same place, so functions of one module share the memory: values
 * that never leave a function need no room between its calls, and results are always arrays of
 * their own (or the caller's, for `...Into`).
 *
 * That place is after the resident matrices (`residentMatrix`, exported by such modules): the
 * caller's weights and gradients, kept at the memory's start for good, so the products read and
 * write them where they are. A frame that grows the memory detaches the views
 * the caller's inputs hold, so the function then starts again and reads its inputs anew.
 */

import { elementFormat, type Precision } from './precision.js';

/**
 * The kernels that count the memory's bytes, for a module of `precision`: a view of the memory
 * starts `bytes` bytes per entry in (4 in an f32 module, whose memory holds float32 entries).
 */
export function byteKernels(precision: Precision): {
  readonly heap$: string;
  readonly stage$: string;
  readonly resident$: string;
} {
  const { bytes } = elementFormat(precision);
  return {
    heap$: `/** The views heap$ handed out, by slot: reused while the memory and the place are the same. */
const heap$views: (Float64Array | undefined)[] = [];

/**
 * The scratch array of \`slot\` as a view of the WebAssembly memory, next in the frame, holding
 * whatever the last call left there; a JavaScript scratch array where the frame has no room.
 */
function heap$(slot: number, length: number): Float64Array {
  const at = frame$at.top;
  const end = at + length + (length & 1);
  if (end > frame$at.end) return scratch$(slot, length);
  frame$at.top = end;
  const buffer = wasm$state!.heap.buffer;
  const v = heap$views[slot];
  if (v !== undefined && v.buffer === buffer && v.byteOffset === at * ${bytes} && v.length === length) return v;
  return (heap$views[slot] = new Float64Array(buffer, at * ${bytes}, length));
}`,
    stage$: `/** Where array \`x\` starts in \`heap\` (in doubles) when it is a view of it, or -1. */
function onHeap$(heap: Float64Array, x: ArrayLike<number>): number {
  return x instanceof Float64Array && x.buffer === heap.buffer ? x.byteOffset / ${bytes} : -1;
}

/** Copies \`x\` into \`heap\` at \`at\`; returns the next free (even) place after it. */
function stage$(heap: Float64Array, x: ArrayLike<number>, at: number): number {
  heap.set(x, at);
  return at + x.length + (x.length & 1);
}

/**
 * Copies \`scale\` times the transpose of the rows x cols matrix read through strides (entry (i, q)
 * at x[i * rs + q * cs]) into \`heap\` at \`at\`, row-major cols x rows.
 */
function stageTransposed$(heap: Float64Array, x: ArrayLike<number>, rs: number, cs: number, rows: number, cols: number, scale: number, at: number): void {
  // Four rows at a time: each step writes four neighbours of a row of the copy.
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const f0 = i * rs, f1 = f0 + rs, f2 = f1 + rs, f3 = f2 + rs;
    for (let q = 0; q < cols; q++) {
      const to = at + q * rows + i;
      const o = q * cs;
      heap[to] = scale * x[f0 + o];
      heap[to + 1] = scale * x[f1 + o];
      heap[to + 2] = scale * x[f2 + o];
      heap[to + 3] = scale * x[f3 + o];
    }
  }
  for (; i < rows; i++) {
    const from = i * rs;
    for (let q = 0; q < cols; q++) heap[at + q * rows + i] = scale * x[from + q * cs];
  }
}

/** out = scale * the rows x cols matrix at heap[at] (or its transpose, cols x rows, when \`transposed\`). */
function unstage$(heap: Float64Array, at: number, rows: number, cols: number, transposed: boolean, scale: number, out: Float64Array): void {
  if (transposed) {
    for (let j = 0; j < cols; j++) {
      const from = at + j;
      for (let i = 0; i < rows; i++) out[j * rows + i] = scale * heap[from + i * cols];
    }
  } else if (scale === 1) out.set(heap.subarray(at, at + rows * cols));
  else for (let k = 0; k < rows * cols; k++) out[k] = scale * heap[at + k];
}`,
    resident$: residentKernel(bytes),
  };
}

/** `resident$`: the resident matrices' allocator, `residentMatrix`, in a module of `bytes` bytes an entry. */
function residentKernel(bytes: number): string {
  return `/** The end of the resident matrices (residentMatrix), in entries: every frame starts there. */
let resident$top = 0;

/**
 * A rows x cols matrix of zeros whose entries live in the memory of the module's WebAssembly
 * kernel, where they stay between calls: pass it as an input (the weights) or as an array of
 * \`out\` (the gradient) and the products read and write it in place, with no copy in or out.
 * The memory is kept for the module's life, so allocate once and reuse. Read \`data\` again after
 * a call rather than keeping the array: a call at larger sizes may grow the memory, and then
 * \`data\` is a new array over the same entries. Where WebAssembly is unavailable, a matrix of
 * its own.
 */
export function residentMatrix(rows: number, cols: number): Matrix {
  if (!(Number.isInteger(rows) && rows >= 0 && Number.isInteger(cols) && cols >= 0))
    throw new RangeError("residentMatrix: rows and cols must be whole numbers, not " + rows + " x " + cols);
  const length = rows * cols;
  const at = resident$top;
  const w = wasm$(at + length);
  if (w === null) return { rows, cols, data: new Float64Array(length) };
  resident$top = at + length + (length & 1);
  let view = new Float64Array(w.heap.buffer, at * ${bytes}, length);
  view.fill(0); // frames of earlier calls used this place
  return {
    rows,
    cols,
    get data(): Float64Array {
      // Growing the memory detached the last view: a new one over the same entries.
      if (view.buffer !== w.heap.buffer) view = new Float64Array(w.heap.buffer, at * ${bytes}, length);
      return view;
    },
  };
}`;
}

/** The frame's kernels, emitted into modules whose products run on WebAssembly. */
export const HEAP_KERNELS = {
  frame$: `/** Where the frame starts, its next free double (scratch arrays first, then the products' staging), and the end of its scratch arrays. */
const frame$at = { base: 0, top: 0, end: 0 };

/**
 * Opens the frame of one call, after the resident matrices: room for \`scratch\` doubles of
 * scratch arrays (heap$) and \`staging\` of operands copied in by the products, reserved by
 * growing the memory now, while no view of the frame is live. True when that growth detached
 * views of resident matrices, which the caller's inputs may hold: the function starts again,
 * reading them anew (the second time the memory has room, so it does not grow).
 */
function frame$(scratch: number, staging: number): boolean {
  const base = resident$top;
  const before = wasm$state?.heap.buffer;
  const w = wasm$(base + scratch + staging);
  frame$at.base = frame$at.top = base;
  frame$at.end = w === null ? base : base + scratch;
  return base > 0 && w !== null && w.heap.buffer !== before;
}`,
  heap$: byteKernels('f64').heap$,
  stage$: byteKernels('f64').stage$,
  resident$: byteKernels('f64').resident$,
  copyIn$: `/**
 * Input \`x\`, which several products read, copied once into the scratch array of \`slot\` (a view of
 * the kernel's memory, heap$), where the products read it without staging it each; \`x\` itself
 * when it is in that memory already (a resident matrix's data).
 */
function copyIn$(slot: number, x: ArrayLike<number>): Float64Array {
  if (x instanceof Float64Array && x.buffer === wasm$state?.heap.buffer) return x;
  const copy = heap$(slot, x.length);
  copy.set(x);
  return copy;
}`,
} satisfies Record<string, string>;

/**
 * The doubles of staging a product of rows x inner by inner x cols may need beyond the frame's
 * scratch arrays (both operands and the result copied, either way round, each from an even
 * place), as an expression of generated code. `frame$` reserves the largest of a function's
 * products.
 */
export function stagingBound(rows: string, inner: string, cols: string): string {
  return `(${rows} + ${cols}) * ${inner} + ${rows} * ${cols} + 8`;
}
