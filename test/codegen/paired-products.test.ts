/**
 * Two matrix-vector products of one matrix computed by one kernel call (schedule.ts pairs them,
 * products.ts emits matVec2$ / matTVec2$): an HVP's W h with W ḣ and Wᵀ δ with Wᵀ δ̇ read W
 * once each. The two-vector kernels sum exactly as the one-vector ones do, so pairing changes
 * no result, only how often the matrix is read.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { compile } from '../../src/compile.js';
import { KERNELS } from '../../src/codegen/kernels.js';
import { checkFormula } from '../../src/front.js';

type Kernel = (...args: unknown[]) => void;

/** The kernels' TypeScript source, run. */
function kernels(): Record<'matVec$' | 'matTVec$' | 'matVec2$' | 'matTVec2$', Kernel> {
  const names = ['matVec$', 'matTVec$', 'matVec2$', 'matTVec2$'] as const;
  const source = names.map((n) => KERNELS[n]).join('\n');
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  return new Function(`${js}\nreturn { ${names.join(', ')} };`)() as ReturnType<typeof kernels>;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

const SIZES: [number, number][] = [
  [1, 1],
  [1, 5],
  [2, 3],
  [3, 2],
  [7, 9],
  [8, 8],
  [9, 17],
  [17, 4],
  [33, 31],
];

describe('the two-vector product kernels', () => {
  const k = kernels();
  it.each(SIZES)('matVec2$ on a %i x %i matrix gives what two matVec$ calls give, to the bit', (rows, cols) => {
    const rand = random(rows * 100 + cols);
    const a = Float64Array.from({ length: rows * cols }, rand);
    const [x, y] = [0, 1].map(() => Float64Array.from({ length: cols }, rand)) as [Float64Array, Float64Array];
    const [ex, ey, gx, gy] = [0, 1, 2, 3].map(() => new Float64Array(rows).fill(NaN));
    k.matVec$(a, x, rows, cols, 0.5, ex);
    k.matVec$(a, y, rows, cols, -3, ey);
    k.matVec2$(a, x, y, rows, cols, 0.5, -3, gx, gy);
    expect(gx).toEqual(ex);
    expect(gy).toEqual(ey);
  });

  it.each(SIZES)('matTVec2$ on a %i x %i matrix gives what two matTVec$ calls give, to the bit', (rows, cols) => {
    const rand = random(rows * 100 + cols + 7);
    const a = Float64Array.from({ length: rows * cols }, rand);
    const [x, y] = [0, 1].map(() => Float64Array.from({ length: rows }, rand)) as [Float64Array, Float64Array];
    const [ex, ey, gx, gy] = [0, 1, 2, 3].map(() => new Float64Array(cols).fill(NaN));
    k.matTVec$(a, x, rows, cols, 2, ex);
    k.matTVec$(a, y, rows, cols, 1, ey);
    k.matTVec2$(a, x, y, rows, cols, 2, 1, gx, gy);
    expect(gx).toEqual(ex);
    expect(gy).toEqual(ey);
  });
});

const NETWORK = `x, y : vector(n)
W1 : matrix(n, n)
W2 : matrix(n, n)
W3 : matrix(n, n)
h1 = tanh(W1 x)
h2 = tanh(W2 h1)
L = ||W3 h2 - y||^2
grad L wrt W1, W2, W3
hvp L wrt W1, W2, W3
`;

describe('paired products in generated code', () => {
  it('an HVP reads each inner weight matrix once forward (W h with W ḣ) and once backward (Wᵀ δ with Wᵀ δ̇)', async () => {
    const code = await compile(NETWORK, 'net.formula');
    const hvp = code.slice(code.indexOf('function LHvp$('), code.indexOf('\n}\n', code.indexOf('function LHvp$(')));
    const calls = (kernel: string, matrix: string) =>
      hvp.match(new RegExp(`\\b${kernel.replace('$', '\\$')}\\(${matrix.replace('$', '\\$')},`, 'g'))?.length ?? 0;
    for (const w of ['v$W2', 'v$W3']) {
      expect(calls('matVec2$', w)).toBe(1);
      expect(calls('matTVec2$', w)).toBe(1);
      expect(calls('matVec$', w)).toBe(0);
      expect(calls('matTVec$', w)).toBe(0);
    }
    // W1 x has no tangent (x is not a variable), and nothing needs W1ᵀ δ.
    expect(calls('matVec$', 'v$W1')).toBe(1);
    expect(calls('matVec2$', 'v$W1') + calls('matTVec$', 'v$W1') + calls('matTVec2$', 'v$W1')).toBe(0);
    // The gradient has no tangent to pair with.
    const grad = code.slice(code.indexOf('function LGrad$('), code.indexOf('\n}\n', code.indexOf('function LGrad$(')));
    expect(grad).not.toMatch(/matT?Vec2\$\(/);
  });

  it('the paired module passes the check: values, gradients and the HVP against differences', async () => {
    const report = await checkModel(checkFormula(NETWORK, 'net.formula'), { dims: { n: 9 }, seed: 3 });
    expect(report.rows.filter((r) => !r.pass)).toEqual([]);
    expect(report.rows.some((r) => r.functionName === 'LHvp')).toBe(true);
    expect(report.ok).toBe(true);
  });

  it('the paired module in single precision passes the check too (Float32Array results from the same kernels)', async () => {
    const report = await checkModel(checkFormula(NETWORK, 'net.formula'), {
      dims: { n: 9 },
      seed: 3,
      precision: 'f32',
    });
    expect(report.rows.filter((r) => !r.pass)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('a gradient pairs two products of one matrix too: W x and W z, then Wᵀ of both adjoints', async () => {
    const code = await compile(
      'W : matrix(m, n)\nx, z : vector(n)\nL = sum(tanh(W x)) + sum(sigma(W z))\ngrad L wrt W, x, z\n',
      'two.formula',
    );
    const grad = code.slice(code.indexOf('function LGrad$('), code.indexOf('\n}\n', code.indexOf('function LGrad$(')));
    expect(grad).toMatch(/matVec2\$\(v\$W, v\$x, v\$z,/);
    expect(grad).toMatch(/matTVec2\$\(v\$W, /);
  });
});
