/**
 * Resident matrices (src/codegen/heap-kernels.ts, `residentMatrix`): matrices whose entries live
 * in the memory of the module's WebAssembly kernel between calls, so that a training loop's
 * weights and gradients are neither copied in nor out. A call must give exactly what it gives on
 * JavaScript arrays, copy nothing that is resident, and keep working when the memory grows
 * (which detaches every view of it) before or after the residents were made.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModule } from '../../src/check/load.js';
import { compile } from '../../src/compile.js';
import { generate } from '../../src/codegen/module.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { compileAndLoad, type Fn } from './helpers.js';
import { MLP as BATCH_MLP, matrix, mlpInputs, random, type Gradient, type Matrix } from './batch-mlp.js';

type Module = Record<string, Fn> & { residentMatrix: (rows: number, cols: number) => Matrix };

const MLP = `${BATCH_MLP}hvp L wrt W1, W2\n`;

/** `m` as a resident matrix of `mod`, holding the same entries. */
function resident(mod: Module, m: Matrix): Matrix {
  const r = mod.residentMatrix(m.rows, m.cols);
  r.data.set(m.data);
  return r;
}

/** The inputs with X, W1 and W2 resident. */
function residentInputs(mod: Module, inputs: ReturnType<typeof mlpInputs>) {
  return { ...inputs, X: resident(mod, inputs.X), W1: resident(mod, inputs.W1), W2: resident(mod, inputs.W2) };
}

/** A gradient's `out` whose W1 and W2 are resident. */
function residentOut(mod: Module, like: Gradient): Gradient {
  return {
    ...like,
    W1: mod.residentMatrix(like.W1.rows, like.W1.cols),
    W2: mod.residentMatrix(like.W2.rows, like.W2.cols),
  };
}

let mlpCode = '';
let instances = 0;

/** The MLP module with every copy into or out of the kernel's memory counted in `copies$`. */
function counted(code: string): string {
  return code
    .replace(
      /(function (?:stage|stageTransposed|unstage)\$\([^)]*\)[^{]*\{)/g,
      '$1\n(globalThis as unknown as { copies$: number }).copies$++;',
    )
    .replace(
      'const copy = heap$(slot, x.length);',
      '(globalThis as unknown as { copies$: number }).copies$++;\nconst copy = heap$(slot, x.length);',
    );
}

/** A fresh instance of the MLP module, with memory of its own (another module text, loaded anew). */
async function mlp(): Promise<Module> {
  return (await loadModule(`${counted(mlpCode)}\n// instance ${++instances}\n`)) as Module;
}

/** How many copies `run` made. */
function copiesOf(run: () => void): number {
  const g = globalThis as unknown as { copies$: number };
  g.copies$ = 0;
  run();
  return g.copies$;
}

describe('resident matrices', () => {
  beforeAll(async () => {
    mlpCode = (await compileAndLoad(MLP, 'mlp.formula')).code;
  });

  it('are exported by a module whose products run on WebAssembly, and by no other', async () => {
    expect(mlpCode).toContain('export function residentMatrix(rows: number, cols: number): Matrix');
    const small = await compile('x : vector(n)\nL = x^T x\ngrad L wrt x\n', 'small.formula');
    expect(small).not.toContain('residentMatrix');
  });

  it('start as zeros of their shape, each in entries of its own', async () => {
    const mod = await mlp();
    const a = mod.residentMatrix(3, 5);
    const b = mod.residentMatrix(1, 7);
    expect([a.rows, a.cols, a.data.length, b.rows, b.cols, b.data.length]).toEqual([3, 5, 15, 1, 7, 7]);
    expect([...a.data, ...b.data].every((x) => x === 0)).toBe(true);
    a.data.fill(1);
    expect([...b.data].every((x) => x === 0)).toBe(true);
    // Both are views of one memory: the kernel's, not arrays of their own.
    expect(a.data.buffer).toBe(b.data.buffer);
    expect(a.data.buffer.byteLength % 65536).toBe(0);
  });

  it('refuse sizes that are not whole numbers', async () => {
    const mod = await mlp();
    expect(() => mod.residentMatrix(-1, 2)).toThrow(
      new RangeError('residentMatrix: rows and cols must be whole numbers, not -1 x 2'),
    );
    expect(() => mod.residentMatrix(2, 2.5)).toThrow(RangeError);
    expect(() => mod.residentMatrix(Number.NaN, 2)).toThrow(RangeError);
  });

  it('give the gradient that JavaScript arrays give, exactly, with nothing copied in or out', async () => {
    const plain = await mlp();
    const mod = await mlp();
    const inputs = mlpInputs(256, 128, 10, 64, 1);
    const expected = plain.LGrad!(inputs) as Gradient;
    const out = residentOut(mod, plain.LGrad!(inputs) as Gradient);
    const ins = residentInputs(mod, inputs);
    mod.LGradInto!(ins, out); // the first call at these sizes may grow the memory
    let got: Gradient | undefined;
    expect(copiesOf(() => (got = mod.LGradInto!(ins, out) as Gradient))).toBe(0);
    expect(got).toEqual(expected);
    expect(got!.W1).toBe(out.W1);
    // The same call on JavaScript arrays copies.
    const plainOut = plain.LGrad!(inputs) as Gradient;
    expect(copiesOf(() => plain.LGradInto!(inputs, plainOut))).toBeGreaterThan(0);
  });

  it('survive the memory growing in the first call after them: the call starts again and reads them anew', async () => {
    const plain = await mlp();
    const mod = await mlp();
    const inputs = mlpInputs(200, 96, 7, 50, 2);
    // Residents first, while the memory holds only them: the call's frame must grow it.
    const ins = residentInputs(mod, inputs);
    const out = residentOut(mod, plain.LGrad!(inputs) as Gradient);
    const before = ins.W1.data.buffer;
    expect(mod.LGradInto!(ins, out)).toEqual(plain.LGrad!(inputs));
    expect(ins.W1.data.buffer).not.toBe(before);
    expect(ins.W1.data).toEqual(inputs.W1.data);
    expect(ins.X.data).toEqual(inputs.X.data);
  });

  it('keep their entries when a call at larger sizes grows the memory, and serve the smaller calls again', async () => {
    const plain = await mlp();
    const mod = await mlp();
    const small = mlpInputs(128, 64, 5, 40, 3);
    const large = mlpInputs(320, 256, 10, 90, 4);
    const ins = residentInputs(mod, small);
    const out = residentOut(mod, plain.LGrad!(small) as Gradient);
    expect(mod.LGradInto!(ins, out)).toEqual(plain.LGrad!(small));
    expect(mod.LGrad!(large)).toEqual(plain.LGrad!(large));
    expect(ins.W1.data).toEqual(small.W1.data);
    expect(mod.LGradInto!(ins, out)).toEqual(plain.LGrad!(small));
  });

  it('serve the forward functions and the HVP too, with the same results as JavaScript arrays', async () => {
    const plain = await mlp();
    const mod = await mlp();
    const inputs = mlpInputs(160, 96, 6, 48, 5);
    const rand = random(6);
    const v = { W1: matrix(96, 160, rand), W2: matrix(6, 96, rand) };
    const ins = residentInputs(mod, inputs);
    const vIn = { W1: resident(mod, v.W1), W2: resident(mod, v.W2) };
    const hvp = mod.LHvp as unknown as (i: unknown, v: unknown) => unknown;
    expect(mod.H!(ins)).toEqual(plain.H!(inputs));
    expect(mod.L!(ins)).toBe(plain.L!(inputs));
    expect(hvp(ins, vIn)).toEqual((plain.LHvp as unknown as (i: unknown, v: unknown) => unknown)(inputs, v));
  });

  it('start a split function again from its part that opens the frame, with the same results', async () => {
    const model = checkFormula(MLP, 'mlp.formula');
    // Split everywhere: the frame opens in a part of its own, which must call the whole function again.
    const split = await generate(model, differentiate(model), {
      sourceName: 'mlp.formula',
      format: false,
      split: { above: 0, segment: 1 },
    });
    expect(split.code).toMatch(/continued \(part 2 of/);
    const plain = await mlp();
    const mod = (await loadModule(split.code)) as Module;
    const inputs = mlpInputs(144, 80, 6, 40, 8);
    const ins = residentInputs(mod, inputs);
    const out = residentOut(mod, plain.LGrad!(inputs) as Gradient);
    expect(mod.LGradInto!(ins, out)).toEqual(plain.LGrad!(inputs));
    expect(mod.H!(ins)).toEqual(plain.H!(inputs));
  });

  it('are matrices of their own where WebAssembly is missing', async () => {
    const mod = await mlp();
    const global = globalThis as { WebAssembly?: unknown };
    const saved = global.WebAssembly;
    global.WebAssembly = undefined;
    let m: Matrix;
    try {
      m = mod.residentMatrix(4, 3);
    } finally {
      global.WebAssembly = saved;
    }
    expect(m.data).toEqual(new Float64Array(12));
    expect(m.data.buffer.byteLength).toBe(96);
  });

  it('hold float32 entries in an f32 module, with the results of JavaScript arrays', async () => {
    const code = await compile(MLP, 'mlp.formula', { precision: 'f32' });
    const plain = (await loadModule(`${code}\n// plain\n`)) as Module;
    const mod = (await loadModule(`${code}\n// resident\n`)) as Module;
    const inputs = mlpInputs(192, 64, 10, 64, 7);
    const ins = { ...inputs, X: mod.residentMatrix(192, 64), W1: mod.residentMatrix(64, 192) };
    ins.X.data.set(inputs.X.data);
    ins.W1.data.set(inputs.W1.data);
    expect(ins.X.data).toBeInstanceOf(Float32Array);
    expect(mod.LGrad!(ins)).toEqual(plain.LGrad!(inputs));
  });

  it('yield their name to a definition: beside a definition called residentMatrix, the allocator is residentMatrix2', async () => {
    const code = await compile(
      'A : matrix(m, k)\nB : matrix(k, n)\nresidentMatrix = A B\nL = sum(residentMatrix)\ngrad L wrt A\n',
      'named.formula',
    );
    expect(code).toContain('export function residentMatrix(input$: ResidentMatrixInputs): Matrix');
    expect(code).toContain('export function residentMatrix2(rows: number, cols: number): Matrix');
    expect(code).toContain('"residentMatrix2: rows and cols must be whole numbers, not "');
  });
});
