/**
 * Operands that stay in WebAssembly memory (src/codegen/heap-kernels.ts): a function whose
 * products run on the WebAssembly kernel keeps its scratch arrays in the kernel's memory, so
 * products read and write them where they are. Results must still be arrays of their own, a
 * call must not see what an earlier call (of it or of another function of the module) left
 * there, and memory that grows for larger inputs must not leave stale views behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModule } from '../../src/check/load.js';
import { compileAndLoad, type Fn } from './helpers.js';
import { MLP, matrix, mlpInputs, random, type Gradient, type Matrix } from './batch-mlp.js';

let mlpCode = '';
let instances = 0;

/** A fresh instance of the MLP module, with memory of its own: another module text (a comment added), loaded anew. */
async function mlp(): Promise<Record<string, Fn>> {
  return (await loadModule(`${mlpCode}\n// instance ${++instances}\n`)) as Record<string, Fn>;
}

describe('operands that stay in WebAssembly memory', () => {
  beforeAll(async () => {
    mlpCode = (await compileAndLoad(MLP, 'mlp.formula')).code;
  });

  it("keeps a gradient's intermediates in the kernel's memory and opens one frame before them", () => {
    const code = mlpCode;
    const body = code.slice(code.indexOf('function LGrad$('), code.indexOf('export function LGrad('));
    expect(body.match(/frame\$\(/g)).toHaveLength(1);
    expect(body).toContain('const t$0 = heap$(');
    expect(body).not.toContain('scratch$(');
    expect(body.indexOf('frame$(')).toBeLessThan(body.indexOf('heap$('));
  });

  it('copies an input that two products read into the memory once a call, and both products read the copy', () => {
    const code = mlpCode;
    const body = code.slice(code.indexOf('function LGrad$('), code.indexOf('export function LGrad('));
    // X in W1 X and in dZ Xᵀ; W2 in W2 H and in W2ᵀ (F - Y). W1 is read by one product only.
    expect(body.match(/copyIn\$\(/g)).toHaveLength(2);
    const copyX = body.indexOf('const v$X$w = copyIn$(');
    expect(copyX).toBeGreaterThan(body.indexOf('frame$('));
    expect(copyX).toBeLessThan(body.indexOf('matMul$(v$W1, d$d, 1, v$X$w,'));
    expect(body).toContain('matMulT$(t$5, d$N, 1, v$X$w,');
    expect(body).toContain('const v$W2$w = copyIn$(');
    expect(body).not.toContain('v$W1$w');
    expect(body).not.toMatch(/matMulT?\$\([^;]*\bv\$(X|W2)\b,/);
  });

  it('gives the same gradient, exactly, on every call, in arrays of their own', async () => {
    const { LGrad } = await mlp();
    const inputs = mlpInputs(64, 48, 5, 20, 1);
    const first = LGrad!(inputs) as Gradient;
    const copy = structuredClone(first);
    const second = LGrad!(inputs) as Gradient;
    expect(second).toEqual(copy);
    // The first result is untouched by the second call, and owns its buffers.
    expect(first).toEqual(copy);
    for (const data of [first.W1.data, first.b1, first.W2.data, first.b2]) {
      expect(data.byteOffset).toBe(0);
      expect(data.buffer.byteLength).toBe(data.byteLength);
    }
  });

  it('sees only the inputs of the call: a call after one with other inputs equals a first call', async () => {
    const used = await mlp();
    const fresh = await mlp();
    const a = mlpInputs(64, 48, 5, 20, 2);
    const b = mlpInputs(64, 48, 5, 20, 3);
    used.LGrad!(a);
    expect(used.LGrad!(b)).toEqual(fresh.LGrad!(b));
    const out = used.LGrad!(a) as Gradient;
    expect(used.LGradInto!(b, out)).toEqual(fresh.LGrad!(b));
  });

  it("keeps the module's functions apart: forward functions and gradients called in turn", async () => {
    const used = await mlp();
    // a and b of one shape, c of another.
    const a = mlpInputs(64, 48, 5, 20, 4);
    const b = mlpInputs(64, 48, 5, 20, 5);
    const c = mlpInputs(40, 64, 7, 33, 6);
    const expected = {
      H: (await mlp()).H!(a),
      F: (await mlp()).F!(c),
      L: (await mlp()).L!(a),
      grad: (await mlp()).LGrad!(b),
    };
    const out = used.LGrad!(a) as Gradient;
    const H = used.H!(a) as Matrix;
    expect(used.F!(c)).toEqual(expected.F);
    expect(used.LGradInto!(b, out)).toEqual(expected.grad);
    expect(H).toEqual(expected.H);
    expect(used.L!(a)).toBe(expected.L);
    expect(used.LGrad!(b)).toEqual(expected.grad);
  });

  it('grows the memory for larger inputs without leaving stale views, then serves smaller ones again', async () => {
    const used = await mlp();
    const small = mlpInputs(64, 48, 5, 20, 6);
    const large = mlpInputs(300, 260, 10, 70, 7);
    const expectedSmall = (await mlp()).LGrad!(small);
    const expectedLarge = (await mlp()).LGrad!(large);
    expect(used.LGrad!(small)).toEqual(expectedSmall);
    expect(used.LGrad!(large)).toEqual(expectedLarge);
    expect(used.LGrad!(small)).toEqual(expectedSmall);
    expect(used.H!(large)).toEqual((await mlp()).H!(large));
  });

  it('agrees with the JavaScript kernels, where the scratch arrays are JavaScript arrays', async () => {
    const wasm = await mlp();
    const js = await mlp();
    const inputs = mlpInputs(72, 41, 9, 37, 8);
    const global = globalThis as { WebAssembly?: unknown };
    const saved = global.WebAssembly;
    global.WebAssembly = undefined;
    let expected: Gradient;
    try {
      expected = js.LGrad!(inputs) as Gradient;
    } finally {
      global.WebAssembly = saved;
    }
    const got = wasm.LGrad!(inputs) as Gradient;
    expect(Math.abs(got.value - expected.value)).toBeLessThan(1e-12 * Math.abs(expected.value));
    for (const key of ['W1', 'W2'] as const)
      got[key].data.forEach((x, i) => expect(Math.abs(x - expected[key].data[i]!)).toBeLessThan(1e-12));
  });

  /** Products of intermediates in each orientation, their results intermediates too. */
  const PRODUCTS = `A : matrix(m, k)
B : matrix(k, n)
C : matrix(n, k)
D : matrix(k, m)
AB = sum(sin(tanh(A) (B .* B)))
ACt = sum(sin(tanh(A) (C .* C)^T))
DtB = sum(sin(tanh(D)^T (B .* B)))
DtCt = sum(sin(tanh(D)^T (C .* C)^T))
`;

  let products: Record<string, Fn> = {};
  beforeAll(async () => {
    products = (await compileAndLoad(PRODUCTS, 'products-heap.formula')).exports;
  });

  // One instance for every size: the memory grows between them, and shrinks never.
  it.each([
    [4, 128, 64],
    [7, 300, 31],
    [9, 65, 257],
    [33, 130, 9],
    [64, 64, 64],
    [130, 33, 131],
  ])(
    'multiplies intermediates in place at %i x %i x %i (rows and columns around the blocks, both orders of A Cᵀ)',
    (m, k, n) => {
      const rand = random(m + k + n);
      const [A, B, C, D] = [matrix(m, k, rand), matrix(k, n, rand), matrix(n, k, rand), matrix(k, m, rand)];
      const left = {
        A: (i: number, p: number) => Math.tanh(A.data[i * k + p]!),
        Dt: (i: number, p: number) => Math.tanh(D.data[p * m + i]!),
      };
      const right = {
        B: (p: number, j: number) => B.data[p * n + j]! ** 2,
        Ct: (p: number, j: number) => C.data[j * k + p]! ** 2,
      };
      const expected = (l: (i: number, p: number) => number, r: (p: number, j: number) => number) => {
        let total = 0;
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += l(i, p) * r(p, j);
            total += Math.sin(s);
          }
        return total;
      };
      const cases = [
        ['AB', left.A, right.B],
        ['ACt', left.A, right.Ct],
        ['DtB', left.Dt, right.B],
        ['DtCt', left.Dt, right.Ct],
      ] as const;
      for (const [name, l, r] of cases) {
        const got = products[name]!({ A, B, C, D }) as number;
        expect(Math.abs(got - expected(l, r)), name).toBeLessThan(1e-13 * k * m * n);
      }
    },
  );
});
