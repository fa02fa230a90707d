/**
 * The WebAssembly SIMD kernel that generated modules run their larger matrix products on
 * (matrix-kernels.ts, `wasmMul$`), assembled here by a few lines of encoder (no toolchain) and
 * embedded in each module that uses it as hex bytes, so the module still imports nothing.
 *
 * `gemm(a, ars, acs, b, ldb, depth, rows, colBytes, out, ldc)` writes A B to out over rows x cols
 * (addresses and strides in bytes; A's element (i, q) at a + i ars + q acs, B's (q, j) at
 * b + q ldb + 8 j), over tiles of the result held in registers (`GEMM_TILE`): each entry's
 * sum runs over the inner dimension in order from zero, then is stored, so the result needs no
 * clearing first and each entry is stored once a call (the kernel it replaced loaded and stored
 * it once a pass). Every entry's sum is the same whichever tile computes it, so a caller may run
 * overlapping tiles for the last rows and columns. `rows` must be a multiple of the tile's rows
 * and the columns whole vectors. Plain
 * multiplies and adds (no fused multiply-add), so each term rounds as in JavaScript; only the
 * order of the sums differs.
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
  i32And: 0x71,
};
const simd = (code: number) => [0xfd, ...uleb(code)];
const v128Load = (offset = 0) => [...simd(0), 3, ...uleb(offset)];
const v128Store = (offset = 0) => [...simd(11), 3, ...uleb(offset)];

/** The instructions that differ between the kernels of each precision: a load-and-splat, add, multiply. */
interface ElementCodes {
  /** v128.load64_splat or v128.load32_splat, with its alignment: one entry into every lane. */
  readonly loadSplat: readonly number[];
  /** v128.load64_zero or v128.load32_zero, with its alignment: one entry into lane 0, zeros elsewhere. */
  readonly loadOne: readonly number[];
  readonly add: readonly number[];
  readonly mul: readonly number[];
  /** The lanes' sum as a scalar: extract_lane per lane and scalar adds, in pairs. */
  readonly lanes: number;
  readonly extractLane: readonly number[];
  readonly scalarAdd: number;
  /** The scalar store, with its alignment. */
  readonly store: readonly number[];
  /** The scalar type (value type code) and its multiply. */
  readonly scalar: number;
  readonly scalarMul: number;
}

const ELEMENT_CODES: Readonly<Record<Precision, ElementCodes>> = {
  f64: {
    loadSplat: [...simd(10), 3],
    loadOne: [...simd(93), 3],
    add: simd(240),
    mul: simd(242),
    lanes: 2,
    extractLane: simd(33),
    scalarAdd: 0xa0,
    store: [0x39, 3],
    scalar: 0x7c,
    scalarMul: 0xa2,
  },
  f32: {
    loadSplat: [...simd(9), 2],
    loadOne: [...simd(92), 2],
    add: simd(228),
    mul: simd(230),
    lanes: 4,
    extractLane: simd(31),
    scalarAdd: 0x92,
    store: [0x38, 2],
    scalar: 0x7d,
    scalarMul: 0x94,
  },
};

// Parameters (byte addresses and byte strides).
const P = { a: 0, ars: 1, acs: 2, b: 3, ldb: 4, depth: 5, rows: 6, colBytes: 7, out: 8, ldc: 9 };
const get = (l: number) => [op.localGet, ...uleb(l)];
const set = (l: number) => [op.localSet, ...uleb(l)];
const add = (x: number[], y: number[]) => [...x, ...y, op.i32Add];
const i32 = (n: number) => [op.i32Const, ...sleb(n)];

/**
 * A register tile: `rows` rows of the result by `vectors` vectors of its columns, summed in
 * registers over the whole inner dimension (`unroll` steps per pass) and stored once, so the inner loop loads only B's vectors and A's entries (one load-and-splat each).
 */
export interface RegisterTile {
  readonly rows: number;
  readonly vectors: number;
  readonly unroll: number;
}

/** The locals of the register kernel: i32 counters and pointers, then the v128 sums, B's vectors and A's splat. */
function tileLocals(tile: RegisterTile) {
  const { rows: R, vectors: V, unroll: U } = tile;
  const i32s = { i: 10, j: 11, q: 12, pb: 13, qa: 13 + U, ra: 13 + 2 * U, rc: 13 + 2 * U + R };
  const firstV128 = 13 + 2 * U + 2 * R;
  return {
    ...i32s,
    i32Count: firstV128 - 10,
    sum: firstV128,
    bv: firstV128 + R * V,
    x: firstV128 + R * V + V * U,
    v128Count: R * V + V * U + 1,
  };
}

const v128Zero = () => [...simd(12), ...Array.from({ length: 16 }, () => 0)];

/** The body of the register kernel: rows a multiple of tile.rows, columns whole vectors, any depth. */
function registerGemmBody(tile: RegisterTile, codes: ElementCodes): number[] {
  const L = tileLocals(tile);
  const { rows: R, unroll: U } = tile;
  const code: number[] = [];
  const e = (...xs: number[][]) => {
    for (const x of xs) code.push(...x);
  };
  const loop = (exitWhen: number[], body: () => void, next: number[]) => {
    e([op.block, 0x40, op.loop, 0x40], exitWhen, [op.brIf, 1]);
    body();
    e(next, [op.br, 0, op.end, op.end]);
  };
  // One tile of `V` vectors at column byte j: sums over the inner dimension, `steps` at a time.
  const tileAt = (V: number) => {
    for (let k = 0; k < R * V; k++) e(v128Zero(), set(L.sum + k));
    e(add(get(P.b), get(L.j)), set(L.pb), i32(0), set(L.qa), i32(0), set(L.q));
    for (const steps of U === 1 ? [1] : [U, 1]) {
      loop(
        [...add(get(L.q), i32(steps)), ...get(P.depth), op.i32GtS],
        () => {
          for (let t = 1; t < steps; t++) {
            e(add(get(L.pb + t - 1), get(P.ldb)), set(L.pb + t));
            e(add(get(L.qa + t - 1), get(P.acs)), set(L.qa + t));
          }
          for (let t = 0; t < steps; t++)
            for (let v = 0; v < V; v++) e(get(L.pb + t), v128Load(16 * v), set(L.bv + t * V + v));
          for (let t = 0; t < steps; t++)
            for (let r = 0; r < R; r++) {
              e(add(get(L.ra + r), get(L.qa + t)), [...codes.loadSplat, 0], set(L.x));
              for (let v = 0; v < V; v++)
                e(
                  get(L.sum + r * V + v),
                  get(L.x),
                  get(L.bv + t * V + v),
                  [...codes.mul],
                  [...codes.add],
                  set(L.sum + r * V + v),
                );
            }
        },
        [
          ...add(get(L.q), i32(steps)),
          ...set(L.q),
          ...add(get(L.pb + steps - 1), get(P.ldb)),
          ...set(L.pb),
          ...add(get(L.qa + steps - 1), get(P.acs)),
          ...set(L.qa),
        ],
      );
    }
    for (let r = 0; r < R; r++)
      for (let v = 0; v < V; v++) e(add(get(L.rc + r), get(L.j)), get(L.sum + r * V + v), v128Store(16 * v));
  };
  e(i32(0), set(L.i));
  loop(
    [...add(get(L.i), i32(R)), ...get(P.rows), op.i32GtS],
    () => {
      for (let r = 0; r < R; r++) {
        e(get(P.a), get(L.i), i32(r), [op.i32Add], get(P.ars), [op.i32Mul, op.i32Add], set(L.ra + r));
        e(get(P.out), get(L.i), i32(r), [op.i32Add], get(P.ldc), [op.i32Mul, op.i32Add], set(L.rc + r));
      }
      e(i32(0), set(L.j));
      for (const V of tile.vectors === 1 ? [1] : [tile.vectors, 1])
        loop(
          [...add(get(L.j), i32(16 * V)), ...get(P.colBytes), op.i32GtS],
          () => {
            tileAt(V);
          },
          [...add(get(L.j), i32(16 * V)), ...set(L.j)],
        );
    },
    [...add(get(L.i), i32(R)), ...set(L.i)],
  );
  return code;
}

/** A tile of the dot-product kernel: rows of A by rows of B, each pair's products summed in a vector's lanes. */
export interface DotTile {
  readonly rows: number;
  readonly cols: number;
}

// Parameters of `dot` (byte addresses and strides; the depth in entries).
const D = { a: 0, ars: 1, b: 2, ldb: 3, depth: 4, rows: 5, cols: 6, out: 7, ldc: 8, scale: 9 };

function dotLocals(tile: DotTile) {
  const { rows: R, cols: C } = tile;
  const i32s = { i: 10, j: 11, q: 12, qVec: 13, qAll: 14, jb: 15, ra: 16, rb: 16 + R, rc: 16 + R + C };
  const firstV128 = 16 + 2 * R + C;
  return {
    ...i32s,
    i32Count: firstV128 - 10,
    sum: firstV128,
    av: firstV128 + R * C,
    bv: firstV128 + R * C + R,
    v128Count: R * C + R + 1,
  };
}

/**
 * The body of `dot(a, ars, b, ldb, depth, rows, cols, out, ldc, scale)`: out = scale A Bᵀ for A rows x depth
 * and B cols x depth, both with their rows contiguous (entry (i, q) of A at a + i ars + q bytes), so
 * that A Bᵀ needs no transposing copy. Each entry sums in the lanes of a vector, a vector of each
 * row a step and the last entries one at a time (loaded with zeros beside them), then adds its
 * lanes in pairs and multiplies by the scale: the same order whichever tile computes it. Any rows,
 * columns and depth.
 */
function dotBody(tile: DotTile, codes: ElementCodes): number[] {
  const L = dotLocals(tile);
  const E = 16 / codes.lanes;
  const code: number[] = [];
  const e = (...xs: number[][]) => {
    for (const x of xs) code.push(...x);
  };
  const loop = (exitWhen: number[], body: () => void, next: number[]) => {
    e([op.block, 0x40, op.loop, 0x40], exitWhen, [op.brIf, 1]);
    body();
    e(next, [op.br, 0, op.end, op.end]);
  };
  const halves = (n: number) => (n === 1 ? [1] : [n, 1]);
  // Sums of `R` rows of A by `C` rows of B at (i, j).
  const tileAt = (R: number, C: number) => {
    for (let c = 0; c < C; c++)
      e(get(D.b), get(L.j), i32(c), [op.i32Add], get(D.ldb), [op.i32Mul, op.i32Add], set(L.rb + c));
    for (let k = 0; k < R * C; k++) e(v128Zero(), set(L.sum + k));
    e(i32(0), set(L.q));
    for (const [end, load, step] of [
      [L.qVec, (o: number[]) => [...o, ...v128Load()], 16],
      [L.qAll, (o: number[]) => [...o, ...codes.loadOne, 0], E],
    ] as const)
      loop(
        [...get(L.q), ...get(end), op.i32GeS],
        () => {
          for (let r = 0; r < R; r++) e(load(add(get(L.ra + r), get(L.q))), set(L.av + r));
          for (let c = 0; c < C; c++) {
            e(load(add(get(L.rb + c), get(L.q))), set(L.bv));
            for (let r = 0; r < R; r++)
              e(
                get(L.sum + r * C + c),
                get(L.av + r),
                get(L.bv),
                [...codes.mul],
                [...codes.add],
                set(L.sum + r * C + c),
              );
          }
        },
        [...add(get(L.q), i32(step)), ...set(L.q)],
      );
    e(get(L.j), i32(E), [op.i32Mul], set(L.jb));
    for (let r = 0; r < R; r++)
      for (let c = 0; c < C; c++) {
        e(add(get(L.rc + r), get(L.jb)));
        const lane = (k: number) => [...get(L.sum + r * C + c), ...codes.extractLane, k];
        let level = Array.from({ length: codes.lanes }, (_, k) => lane(k));
        while (level.length > 1) {
          const next: number[][] = [];
          for (let k = 0; k < level.length; k += 2) next.push([...level[k]!, ...level[k + 1]!, codes.scalarAdd]);
          level = next;
        }
        e(level[0]!, get(D.scale), [codes.scalarMul], [...codes.store, ...uleb(c * E)]);
      }
  };
  e(get(D.depth), i32(E), [op.i32Mul], set(L.qAll));
  e(get(L.qAll), i32(-16), [op.i32And], set(L.qVec));
  e(i32(0), set(L.i));
  for (const R of halves(tile.rows))
    loop(
      [...add(get(L.i), i32(R)), ...get(D.rows), op.i32GtS],
      () => {
        for (let r = 0; r < R; r++) {
          e(get(D.a), get(L.i), i32(r), [op.i32Add], get(D.ars), [op.i32Mul, op.i32Add], set(L.ra + r));
          e(get(D.out), get(L.i), i32(r), [op.i32Add], get(D.ldc), [op.i32Mul, op.i32Add], set(L.rc + r));
        }
        e(i32(0), set(L.j));
        for (const C of halves(tile.cols))
          loop(
            [...add(get(L.j), i32(C)), ...get(D.cols), op.i32GtS],
            () => {
              tileAt(R, C);
            },
            [...add(get(L.j), i32(C)), ...set(L.j)],
          );
      },
      [...add(get(L.i), i32(R)), ...set(L.i)],
    );
  return code;
}

/** The dot-product kernel's tile: two rows of A by four rows of B (bench/wasm-simd.ts). */
export const DOT_TILE: DotTile = { rows: 2, cols: 4 };

/**
 * The kernel's tile: two rows by four vectors (eight columns in f64, sixteen in f32), one inner
 * step per pass: 25 to 35% faster than the streaming kernel it replaced (four rows, two steps,
 * the result loaded and stored every pass) at the bench models' shapes; bench/wasm-simd.ts
 * measures the others.
 */
export const GEMM_TILE: RegisterTile = { rows: 2, vectors: 4, unroll: 1 };

/**
 * The module: one memory of `pages` 64 KiB pages (exported, growable), one function `gemm`
 * (exported) on numbers of `precision` (f64x2 or f32x4 vectors).
 */
export function wasmGemmModule(
  pages = 1,
  tile: RegisterTile = GEMM_TILE,
  precision: Precision = 'f64',
  dot: DotTile = DOT_TILE,
): Uint8Array {
  const gemmType = [0x60, ...vec(Array.from({ length: 10 }, () => [I32])), 0];
  const dotType = [0x60, ...vec([...Array.from({ length: 9 }, () => [I32]), [ELEMENT_CODES[precision].scalar]]), 0];
  const G = tileLocals(tile);
  const gemmBody = [
    ...[...uleb(2), ...uleb(G.i32Count), I32, ...uleb(G.v128Count), V128],
    ...registerGemmBody(tile, ELEMENT_CODES[precision]),
    op.end,
  ];
  const T = dotLocals(dot);
  const dotCode = [
    ...[...uleb(2), ...uleb(T.i32Count), I32, ...uleb(T.v128Count), V128],
    ...dotBody(dot, ELEMENT_CODES[precision]),
    op.end,
  ];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([gemmType, dotType])),
    ...section(3, vec([[0], [1]])),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(
      7,
      vec([
        [...name('gemm'), 0x00, 0],
        [...name('dot'), 0x00, 1],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(
      10,
      vec([
        [...uleb(gemmBody.length), ...gemmBody],
        [...uleb(dotCode.length), ...dotCode],
      ]),
    ),
  ]);
}
