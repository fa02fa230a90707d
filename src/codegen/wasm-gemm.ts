/**
 * The WebAssembly SIMD kernel that generated modules run their larger matrix products on
 * (matrix-kernels.ts, `wasmMul$`), assembled here by a few lines of encoder (no toolchain) and
 * embedded in each module that uses it as hex bytes, so the module still imports nothing.
 *
 * `gemm(a, ars, acs, b, ldb, depth, rows, colBytes, out, ldc)` adds A B to out over rows x cols
 * (addresses and strides in bytes; A's element (i, q) at a + i ars + q acs, B's (q, j) at
 * b + q ldb + 8 j): the loop shape of the JavaScript `gemm$`, four rows of the result and two
 * inner steps per pass over a row of B, two columns per f64x2 vector. `rows` must be a multiple
 * of four and the columns even in number: the caller pads B's rows and runs the last rows in
 * JavaScript. Plain multiplies and adds (no fused multiply-add), so each term rounds as in
 * JavaScript; only the order of the sums differs.
 *
 * The same encoder emits the single-precision kernel of `--precision f32` modules (`ELEMENT_CODES`):
 * four columns per f32x4 vector (B's (q, j) at b + q ldb + 4 j, the columns a multiple of four),
 * every multiply and add rounded to single precision, exactly as IEEE 754 specifies, on every engine.
 */
import type { Precision } from './precision.js';

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32GeS: 0x4e,
  i32GtS: 0x4a,
  i32Add: 0x6a,
  i32Mul: 0x6c,
};
const simd = (code: number) => [0xfd, ...uleb(code)];
const v128Load = (offset = 0) => [...simd(0), 3, ...uleb(offset)];
const v128Store = (offset = 0) => [...simd(11), 3, ...uleb(offset)];

/** The instructions that differ between the kernels of each precision: a scalar load (with its alignment), splat, add, multiply. */
interface ElementCodes {
  readonly load: readonly number[];
  readonly splat: readonly number[];
  readonly add: readonly number[];
  readonly mul: readonly number[];
}

const ELEMENT_CODES: Readonly<Record<Precision, ElementCodes>> = {
  f64: { load: [0x2b, 3], splat: simd(20), add: simd(240), mul: simd(242) },
  f32: { load: [0x2a, 2], splat: simd(19), add: simd(228), mul: simd(230) },
};

// Parameters (byte addresses and byte strides).
const P = { a: 0, ars: 1, acs: 2, b: 3, ldb: 4, depth: 5, rows: 6, colBytes: 7, out: 8, ldc: 9 };
const get = (l: number) => [op.localGet, ...uleb(l)];
const set = (l: number) => [op.localSet, ...uleb(l)];
const add = (x: number[], y: number[]) => [...x, ...y, op.i32Add];
const i32 = (n: number) => [op.i32Const, ...sleb(n)];

/** The shape of the kernel's blocks: rows of the result and inner steps per pass over B's rows. */
export interface GemmBlock {
  readonly rows: number;
  readonly steps: number;
}

/** The locals of `gemm` for `block`: i32 counters and pointers, then v128 splats of A and vectors of B. */
function localsOf(block: GemmBlock) {
  const { rows: R, steps: S } = block;
  const i32s = { i: 10, q: 11, j: 12, qa: 13, pb: 14, ra: 14 + S, rc: 14 + S + R };
  const firstV128 = 14 + S + 2 * R;
  return { ...i32s, i32Count: firstV128 - 10, x: firstV128, bv: firstV128 + R * S, v128Count: R * S + S };
}

/** Statements of one pass over B's rows with `steps` inner steps: splat A's entries, then out[i, j:j+2] += sum x b. */
function pass(block: GemmBlock, steps: number, codes: ElementCodes): number[] {
  const L = localsOf(block);
  const code: number[] = [];
  const e = (...xs: number[][]) => {
    for (const x of xs) code.push(...x);
  };
  for (let r = 0; r < block.rows; r++) {
    for (let t = 0; t < steps; t++) {
      const at =
        t === 0
          ? add(get(L.ra + r), get(L.qa))
          : add(add(get(L.ra + r), get(L.qa)), [...get(P.acs), ...i32(t), op.i32Mul]);
      e(at, [...codes.load, 0], [...codes.splat], set(L.x + r * block.steps + t));
    }
  }
  e(get(P.b), get(L.q), get(P.ldb), [op.i32Mul, op.i32Add], set(L.pb));
  for (let t = 1; t < steps; t++) e(add(get(L.pb + t - 1), get(P.ldb)), set(L.pb + t));
  e(i32(0), set(L.j));
  e([op.block, 0x40, op.loop, 0x40]);
  e(get(L.j), get(P.colBytes), [op.i32GeS, op.brIf, 1]);
  for (let t = 0; t < steps; t++) e(add(get(L.pb + t), get(L.j)), v128Load(), set(L.bv + t));
  for (let r = 0; r < block.rows; r++) {
    e(add(get(L.rc + r), get(L.j))); // the store's address
    e(add(get(L.rc + r), get(L.j)), v128Load());
    // Products summed in pairs, then added to the result: (x0 b0 + x1 b1) + (x2 b2 + x3 b3).
    const terms = Array.from({ length: steps }, (_, t) => [
      ...get(L.x + r * block.steps + t),
      ...get(L.bv + t),
      ...codes.mul,
    ]);
    let level = terms;
    while (level.length > 1) {
      const next: number[][] = [];
      for (let k = 0; k < level.length; k += 2)
        next.push(k + 1 < level.length ? [...level[k]!, ...level[k + 1]!, ...codes.add] : level[k]!);
      level = next;
    }
    e(level[0]!, [...codes.add], v128Store());
  }
  e(add(get(L.j), i32(16)), set(L.j), [op.br, 0, op.end, op.end]);
  return code;
}

/** The body of `gemm` (see above) for `block`: rows a multiple of block.rows, any depth. */
function gemmBody(block: GemmBlock, codes: ElementCodes): number[] {
  const L = localsOf(block);
  const { rows: R, steps: S } = block;
  const code: number[] = [];
  const e = (...xs: number[][]) => {
    for (const x of xs) code.push(...x);
  };
  e(i32(0), set(L.i));
  e([op.block, 0x40, op.loop, 0x40]);
  e(add(get(L.i), i32(R)), get(P.rows), [op.i32GtS, op.brIf, 1]);
  for (let r = 0; r < R; r++) {
    e(get(P.a), get(L.i), i32(r), [op.i32Add], get(P.ars), [op.i32Mul, op.i32Add], set(L.ra + r));
    e(get(P.out), get(L.i), i32(r), [op.i32Add], get(P.ldc), [op.i32Mul, op.i32Add], set(L.rc + r));
  }
  // S inner steps per pass while S remain, then one at a time.
  e(i32(0), set(L.q), i32(0), set(L.qa));
  for (const steps of S === 1 ? [1] : [S, 1]) {
    e([op.block, 0x40, op.loop, 0x40]);
    e(add(get(L.q), i32(steps)), get(P.depth), [op.i32GtS, op.brIf, 1]);
    e(pass(block, steps, codes));
    e(add(get(L.q), i32(steps)), set(L.q), add(get(L.qa), [...get(P.acs), ...i32(steps), op.i32Mul]), set(L.qa), [
      op.br,
      0,
      op.end,
      op.end,
    ]);
  }
  e(add(get(L.i), i32(R)), set(L.i), [op.br, 0, op.end, op.end]);
  return code;
}

/** The kernel's block: four rows and two inner steps per pass (bench/wasm-simd.ts measures the others). */
export const GEMM_BLOCK: GemmBlock = { rows: 4, steps: 2 };

/**
 * The module: one memory of `pages` 64 KiB pages (exported, growable), one function `gemm`
 * (exported) on numbers of `precision` (f64x2 or f32x4 vectors).
 */
export function wasmGemmModule(pages = 1, block: GemmBlock = GEMM_BLOCK, precision: Precision = 'f64'): Uint8Array {
  const type = [0x60, ...vec(Array.from({ length: 10 }, () => [I32])), 0];
  const L = localsOf(block);
  const locals = [...uleb(2), ...uleb(L.i32Count), I32, ...uleb(L.v128Count), V128];
  const body = [...locals, ...gemmBody(block, ELEMENT_CODES[precision]), op.end];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([type])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(
      7,
      vec([
        [...name('gemm'), 0x00, 0],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}
