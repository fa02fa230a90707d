/**
 * The loop shapes of products: A x four rows and two columns at a time, Aᵀ δ and outer products
 * eight rows at a time, each with tails for sizes that are not multiples of the block. They
 * must give the reference's values and gradients, in both result modes, at every size around
 * the blocks, whichever gradients are asked for.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { checkFormula } from '../../src/front.js';
import { compileAndLoad } from './helpers.js';

const LAYER = (wrt: string, scale = '') => `W : matrix(h, m)
V : matrix(k, h)
x : vector(m)
y : vector(k)
z = tanh(W x)
f = V z
L = ${scale}sum((f - y) .^ 2)
grad L wrt ${wrt}
`;

/** Sizes around the blocks of four and eight rows and two columns: whole blocks, tails, and fewer than one block. */
const SIZES: readonly Record<string, number>[] = [
  { h: 1, m: 1, k: 1 },
  { h: 3, m: 2, k: 5 },
  { h: 4, m: 8, k: 4 },
  { h: 7, m: 5, k: 6 },
  { h: 8, m: 16, k: 8 },
  { h: 9, m: 11, k: 2 },
  { h: 17, m: 3, k: 15 },
];

describe('products and fused backward passes', () => {
  it.each([
    ['W, V, x', ''],
    ['x, V, W', ''],
    ['V, W', '0.5 '],
    ['W', '3 * '],
  ])('grad L wrt %s (scale "%s") checks at every size', async (wrt, scale) => {
    const model = checkFormula(LAYER(wrt, scale), 'layer.formula');
    for (const dims of SIZES) {
      const report = await checkModel(model, { dims, seed: 3 });
      expect(report.ok, `${JSON.stringify(dims)}\n${formatCheckReport(report)}`).toBe(true);
    }
  });

  it('row vectors times matrices, and products with transposes, check at every size', async () => {
    const model = checkFormula(
      'A : matrix(n, m)\nu : vector(n)\nv : vector(m)\nr = u^T A\nL = sum(sigma(r)) + u^T (A v) + sum(exp(A^T u)) + sum(tanh(v^T A^T))\ngrad L wrt A, u, v\n',
      'rows.formula',
    );
    for (const [n, m] of [
      [1, 1],
      [3, 2],
      [8, 8],
      [9, 17],
      [17, 5],
      [16, 9],
    ] as const) {
      const report = await checkModel(model, { dims: { n, m }, seed: 5 });
      expect(report.ok, `n = ${n}, m = ${m}\n${formatCheckReport(report)}`).toBe(true);
    }
  });

  it('products of operands computed inline (not stored) check at every size', async () => {
    const model = checkFormula(
      'A : matrix(n, m)\nu : vector(n)\nv : vector(m)\nL = sum(sigma((u .* u) v^T)) + sum(tanh(A^T tanh(u))) + sum(sin(exp(u)^T A)) + sum(cos((A .* A) v)) + sum(sin(eye(n) u))\ngrad L wrt A, u, v\n',
      'inline.formula',
    );
    for (const [n, m] of [
      [1, 1],
      [3, 2],
      [8, 8],
      [9, 17],
      [17, 5],
    ] as const) {
      const report = await checkModel(model, { dims: { n, m }, seed: 7 });
      expect(report.ok, `n = ${n}, m = ${m}\n${formatCheckReport(report)}`).toBe(true);
    }
  });

  it('LGradInto fills a used result with exactly what LGrad returns', async () => {
    const { exports } = await compileAndLoad(LAYER('W, V, x', '2 * '));
    const rand = (n: number, seed: number) =>
      Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));
    const [h, m, k] = [17, 9, 11];
    const inputs = {
      W: { rows: h, cols: m, data: rand(h * m, 1) },
      V: { rows: k, cols: h, data: rand(k * h, 2) },
      x: rand(m, 3),
      y: rand(k, 4),
    };
    const fresh = exports.LGrad!(inputs) as Record<string, unknown>;
    const used = exports.LGrad!({ ...inputs, x: rand(m, 5) }) as {
      W: { data: Float64Array };
      V: { data: Float64Array };
      x: Float64Array;
    };
    used.W.data.fill(123);
    used.V.data.fill(-4);
    used.x.fill(9);
    expect(exports.LGradInto!(inputs, used)).toEqual(fresh);
  });
});

describe('scratch arrays (values that never leave a function, kept between calls)', () => {
  const NET =
    'W : matrix(h, m)\nV : matrix(k, h)\nx : vector(m)\ny : vector(k)\nz = tanh(W x)\nf = V z\nL = sum((f - y) .^ 2)\ngrad L wrt W, V, x\n';
  const rand = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 3.7 + i * 0.9));
  const inputsOf = (h: number, m: number, k: number, seed: number) => ({
    W: { rows: h, cols: m, data: rand(h * m, seed) },
    V: { rows: k, cols: h, data: rand(k * h, seed + 1) },
    x: rand(m, seed + 2),
    y: rand(k, seed + 3),
  });

  it('results and definition values of one call are not changed by later calls', async () => {
    const { exports } = await compileAndLoad(NET);
    const first = exports.LGrad!(inputsOf(9, 5, 3, 1));
    const z = exports.z!(inputsOf(9, 5, 3, 1));
    const f = exports.f!(inputsOf(9, 5, 3, 1));
    const copies = structuredClone({ first, z, f });
    exports.LGrad!(inputsOf(9, 5, 3, 2));
    exports.f!(inputsOf(9, 5, 3, 3));
    exports.L!(inputsOf(9, 5, 3, 4));
    expect({ first, z, f }).toEqual(copies);
  });

  it('calls at different sizes, in turn, give what a fresh module gives', async () => {
    const reused = (await compileAndLoad(NET)).exports;
    const sizes: [number, number, number][] = [
      [9, 5, 3],
      [2, 17, 8],
      [9, 5, 3],
      [1, 1, 1],
      [2, 17, 8],
    ];
    for (const [i, [h, m, k]] of sizes.entries()) {
      const fresh = (await compileAndLoad(NET)).exports;
      const inputs = inputsOf(h, m, k, 10 + i);
      expect(reused.LGrad!(inputs), `call ${i}`).toEqual(fresh.LGrad!(inputs));
      expect(reused.L!(inputs), `call ${i}`).toEqual(fresh.L!(inputs));
    }
  });
});
