/**
 * The loop shapes of products (four rows per pass, with tails for sizes that are not multiples
 * of four) and the fused backward pass of a linear layer, which computes Wᵀ δ and the weight
 * gradient δ hᵀ in one walk over W: each must give the reference's values and gradients, in
 * both result modes, whatever the sizes and whichever gradient is asked for first.
 */
import { describe, expect, it } from 'vitest';
import { checkModel, formatCheckReport } from '../../src/check/check-module.js';
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

/** Sizes around the unrolling by four: tails of 0 to 3 rows, and fewer rows than one block. */
const SIZES: readonly Record<string, number>[] = [
  { h: 1, m: 1, k: 1 },
  { h: 3, m: 2, k: 5 },
  { h: 4, m: 8, k: 4 },
  { h: 7, m: 5, k: 6 },
  { h: 9, m: 11, k: 2 },
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

  it('computes the weight gradient in the pass that computes Wᵀ δ, whichever is asked for first', async () => {
    for (const wrt of ['V, W, x', 'x, W, V']) {
      const { code } = await compileAndLoad(LAYER(wrt));
      // One loop over W's rows writes four rows of the weight gradient and reads four of W.
      expect(code, wrt).toMatch(/const hi = [^;]+;\n\s*t\$\d+\[p0 \+ i\] = \w+ \* hi;(\n.*){3}\n\s*t\$\d+\[i\] \+= v\$V\[p0 \+ i\]/);
    }
  });

  it('LGradInto fills a used result with exactly what LGrad returns', async () => {
    const { exports } = await compileAndLoad(LAYER('W, V, x', '2 * '));
    const rand = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));
    const [h, m, k] = [7, 5, 6];
    const inputs = { W: { rows: h, cols: m, data: rand(h * m, 1) }, V: { rows: k, cols: h, data: rand(k * h, 2) }, x: rand(m, 3), y: rand(k, 4) };
    const fresh = exports.LGrad!(inputs) as Record<string, unknown>;
    const used = exports.LGrad!({ ...inputs, x: rand(m, 5) }) as { W: { data: Float64Array }; V: { data: Float64Array }; x: Float64Array };
    used.W.data.fill(123);
    used.V.data.fill(-4);
    used.x.fill(9);
    expect(exports.LGradInto!(inputs, used)).toEqual(fresh);
  });
});
