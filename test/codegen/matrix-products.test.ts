/**
 * Matrix-matrix products (src/codegen/matrix-kernels.ts): A B and Aᵀ B by `matMul$`, A Bᵀ and
 * Aᵀ Bᵀ by `matMulT$` (packed tiles of Bᵀ from 16 rows up, dot products of rows below), from
 * 32768 multiply-adds on the WebAssembly SIMD kernel (rows in twos, the rest in JavaScript). Every
 * entry must be the product's, at sizes around the blocks (eight rows, four inner steps, two
 * rows and four columns for dot products) and the tiles (128 inner steps, 256 columns), and the
 * gradients through them must check against central differences.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { checkFormula } from '../../src/front.js';
import { compileAndLoad } from './helpers.js';

const PRODUCTS = `A : matrix(m, k)
B : matrix(k, n)
C : matrix(n, k)
D : matrix(k, m)
AB = A B
ACt = A C^T
DtB = D^T B
DtCt = D^T C^T
`;

type Matrix = { rows: number; cols: number; data: Float64Array };

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/** Row-major matrix; `at(i, j)` of its product with another, summed plainly. */
function matrix(rows: number, cols: number, rand: () => number): Matrix {
  return { rows, cols, data: Float64Array.from({ length: rows * cols }, rand) };
}

function product(
  rows: number,
  inner: number,
  cols: number,
  left: (i: number, p: number) => number,
  right: (p: number, j: number) => number,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let p = 0; p < inner; p++) s += left(i, p) * right(p, j);
      out[i * cols + j] = s;
    }
  return out;
}

function maxError(actual: Float64Array, expected: Float64Array): number {
  let e = 0;
  for (let i = 0; i < expected.length; i++) e = Math.max(e, Math.abs(actual[i]! - expected[i]!));
  return e;
}

/**
 * (m, k, n): fewer rows than a block, whole blocks and tails; inner sizes around 4 and the 128
 * tile; columns around the 256 tile; above 32768 multiply-adds (WebAssembly), more rows than
 * columns and fewer (Dᵀ Cᵀ is computed as (C D)ᵀ then), odd and even columns, fewer columns than
 * a SIMD vector.
 */
const SIZES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [2, 3, 5],
  [7, 4, 9],
  [8, 5, 4],
  [9, 127, 3],
  [15, 2, 17],
  [16, 128, 7],
  [17, 129, 255],
  [24, 7, 256],
  [25, 130, 257],
  [33, 300, 520],
  [41, 33, 35],
  [64, 20, 30],
  // On the kernel with fewer columns than a vector (1, and 3 in f32), a few, and few rows.
  [1100, 30, 1],
  [700, 16, 3],
  [4, 2000, 5],
  [5, 40, 300],
];

describe('matrix-matrix products', () => {
  it.each([
    ['on the WebAssembly SIMD kernel above its size', true],
    ['in JavaScript where WebAssembly is unavailable', false],
  ])(
    'A B, A Cᵀ, Dᵀ B and Dᵀ Cᵀ equal the plain sums at every size around the blocks and tiles, %s',
    async (_, wasm) => {
      // Another file name, another module text: a fresh module, which looks for WebAssembly at its first large product.
      const { code, exports } = await compileAndLoad(PRODUCTS, wasm ? 'products.formula' : 'products-js.formula');
      const global = globalThis as { WebAssembly?: unknown };
      const saved = global.WebAssembly;
      if (!wasm) global.WebAssembly = undefined;
      expect(code).toContain('matMul$(v$A, d$k, 1, v$B, d$m, d$k, d$n, 1, t$0);');
      expect(code).toContain('matMulT$(v$A, d$k, 1, v$C, d$m, d$k, d$n, 1, t$0);');
      expect(code).toContain('matMul$(v$D, 1, d$m, v$B, d$m, d$k, d$n, 1, t$0);');
      expect(code).toContain('matMulT$(v$D, 1, d$m, v$C, d$m, d$k, d$n, 1, t$0);');
      const rand = random(11);
      for (const [m, k, n] of SIZES) {
        const A = matrix(m, k, rand);
        const B = matrix(k, n, rand);
        const C = matrix(n, k, rand);
        const D = matrix(k, m, rand);
        const a = (i: number, p: number) => A.data[i * k + p]!;
        const dt = (i: number, p: number) => D.data[p * m + i]!;
        const b = (p: number, j: number) => B.data[p * n + j]!;
        const ct = (p: number, j: number) => C.data[j * k + p]!;
        const cases: [string, Float64Array][] = [
          ['AB', product(m, k, n, a, b)],
          ['ACt', product(m, k, n, a, ct)],
          ['DtB', product(m, k, n, dt, b)],
          ['DtCt', product(m, k, n, dt, ct)],
        ];
        for (const [name, expected] of cases) {
          const result = exports[name]!({ A, B, C, D }) as Matrix;
          expect([result.rows, result.cols], `${name} at ${m} x ${k} x ${n}`).toEqual([m, n]);
          // The kernels sum in another order than the plain loop: rounding differences only.
          expect(maxError(result.data, expected), `${name} at ${m} x ${k} x ${n}`).toBeLessThan(1e-13 * k);
        }
      }
      global.WebAssembly = saved;
    },
  );

  it('in single precision, A B, A Cᵀ, Dᵀ B and Dᵀ Cᵀ equal the plain sums of the float32 inputs at every size', async () => {
    const { exports } = await compileAndLoad(PRODUCTS, 'products-f32.formula', 'f32');
    const rand = random(12);
    const f32 = (rows: number, cols: number) => {
      const x = matrix(rows, cols, rand);
      return { ...x, data: Float32Array.from(x.data) };
    };
    for (const [m, k, n] of SIZES) {
      const [A, B, C, D] = [f32(m, k), f32(k, n), f32(n, k), f32(k, m)];
      const a = (i: number, p: number) => A.data[i * k + p]!;
      const dt = (i: number, p: number) => D.data[p * m + i]!;
      const b = (p: number, j: number) => B.data[p * n + j]!;
      const ct = (p: number, j: number) => C.data[j * k + p]!;
      const cases: [string, Float64Array][] = [
        ['AB', product(m, k, n, a, b)],
        ['ACt', product(m, k, n, a, ct)],
        ['DtB', product(m, k, n, dt, b)],
        ['DtCt', product(m, k, n, dt, ct)],
      ];
      for (const [name, expected] of cases) {
        const result = exports[name]!({ A, B, C, D }) as { rows: number; cols: number; data: Float32Array };
        expect(result.data, name).toBeInstanceOf(Float32Array);
        expect([result.rows, result.cols], `${name} at ${m} x ${k} x ${n}`).toEqual([m, n]);
        // Each term and partial sum rounds to single precision: about k units of 2^-24 of 1/4 at most.
        const error = maxError(Float64Array.from(result.data), expected);
        expect(error, `${name} at ${m} x ${k} x ${n}`).toBeLessThan(2e-8 * (k + 1));
      }
    }
  });

  it('gradients through the four products check against central differences', async () => {
    const model = checkFormula(
      `${PRODUCTS}L = sum(tanh(AB) .* sin(ACt)) + sum(DtB .* DtB) + sum(exp(DtCt / 8))\ngrad L wrt A, B, C, D\n`,
      'products.formula',
    );
    for (const [m, k, n] of [
      [3, 2, 5],
      [9, 5, 4],
      [17, 6, 3],
      [16, 9, 10],
    ] as const) {
      const report = await checkModel(model, { dims: { m, k, n }, seed: 7 });
      expect(report.ok, `m = ${m}, k = ${k}, n = ${n}\n${formatCheckReport(report)}`).toBe(true);
    }
  });
});
