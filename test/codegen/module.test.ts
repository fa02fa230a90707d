import * as babel from 'prettier/plugins/babel';
import * as estree from 'prettier/plugins/estree';
import { format } from 'prettier/standalone';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/codegen/module.js';
import { compile } from '../../src/compile.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { compileAndLoad } from './helpers.js';

const DS102 = `# DS 102
A : matrix(h, m)
b : vector(h)
x : vector(m)
y : scalar
z1 = A x
z2 = sigma(z1)
z3 = b^T z2
z4 = y - z3
L = z4^2
grad L wrt A, b
`;

describe('generated modules: the API of LANGUAGE.md section 2', () => {
  it('exports one forward function per definition, and LGrad and LGradInto per grad line', async () => {
    const { exports } = await compileAndLoad(DS102);
    expect(Object.keys(exports).sort()).toEqual(['L', 'LGrad', 'LGradInto', 'z1', 'z2', 'z3', 'z4']);
  });

  it('imports nothing', async () => {
    const code = await compile(DS102);
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/require\(/);
  });

  it('returns numbers, Float64Arrays and row-major matrices', async () => {
    const { exports } = await compileAndLoad(DS102);
    const inputs = { A: { rows: 2, cols: 3, data: [1, 0, 0, 0, 1, 0] }, b: [1, 2], x: [0, 0, 0], y: 1 };
    // z1 = 0, z2 = (1/2, 1/2), z3 = 3/2, z4 = -1/2, L = 1/4
    expect(exports.z1!(inputs)).toEqual(new Float64Array([0, 0]));
    expect(exports.z3!(inputs)).toBe(1.5);
    expect(exports.L!(inputs)).toBe(0.25);
    const g = exports.LGrad!(inputs) as {
      value: number;
      A: { rows: number; cols: number; data: Float64Array };
      b: Float64Array;
    };
    expect(g.value).toBe(0.25);
    // dL/db = -2 z4 z2 = (1/2, 1/2); dL/dA = -2 z4 (b .* z2 .* (1 - z2)) x^T = 0 since x = 0
    expect(g.b).toEqual(new Float64Array([0.5, 0.5]));
    expect(g.A.rows).toBe(2);
    expect(g.A.cols).toBe(3);
    expect(Array.from(g.A.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('takes only the inputs a function depends on', async () => {
    const code = await compile(DS102);
    expect(code).toContain(
      'export interface Z1Inputs {\n  A: { rows: number; cols: number; data: ArrayLike<number> };\n  x: ArrayLike<number>;\n}',
    );
  });

  it('names a second grad line of the same target LGrad2', async () => {
    const { exports } = await compileAndLoad(`${DS102}grad L wrt x\n`);
    expect(Object.keys(exports)).toContain('LGrad2');
  });

  it('is byte-identical when compiled twice', async () => {
    expect(await compile(DS102, 'a/ds102.formula')).toBe(await compile(DS102, 'b/c/ds102.formula'));
  });
});

describe('generated modules: sizes are read from the inputs and checked', () => {
  const inputs = () => ({ A: { rows: 4, cols: 2, data: new Array(8).fill(0.1) }, b: [1, 2, 3], x: [1, 1], y: 0 });

  it('names the function, the variable, the dimension and both sizes', async () => {
    const { exports } = await compileAndLoad(DS102);
    expect(() => exports.LGrad!(inputs())).toThrow(
      new RangeError('LGrad: b has length 3 but dimension h is 4 (from A.rows)'),
    );
  });

  it('checks matrix data against rows x cols', async () => {
    const { exports } = await compileAndLoad(DS102);
    const bad = { ...inputs(), A: { rows: 4, cols: 2, data: [1, 2, 3] }, b: [1, 2, 3, 4] };
    expect(() => exports.L!(bad)).toThrow(new RangeError('L: A.data has length 3 but A is 4 x 2'));
  });

  it('refuses zero-size dimensions', async () => {
    const { exports } = await compileAndLoad(DS102);
    const empty = { A: { rows: 0, cols: 2, data: [] }, b: [], x: [1, 1], y: 0 };
    expect(() => exports.L!(empty)).toThrow(
      new RangeError('L: dimension h is 0 (from A.rows); every dimension must be at least 1'),
    );
  });

  it('checks literal dimensions', async () => {
    const { exports } = await compileAndLoad('x : vector(2)\nf = sum(x)\n');
    expect(() => exports.f!({ x: [1, 2, 3] })).toThrow(new RangeError('f: x has length 3 but must have length 2'));
  });

  it('checks matrix rows against a dimension bound earlier', async () => {
    const { exports } = await compileAndLoad('b : vector(M)\nW : matrix(M, p)\nf = sum(W^T b)\n');
    expect(() => exports.f!({ b: [1, 2], W: { rows: 3, cols: 1, data: [1, 2, 3] } })).toThrow(
      new RangeError('f: W has 3 rows but dimension M is 2 (from b.length)'),
    );
  });

  it('checks index inputs are integers in range', async () => {
    const { exports } = await compileAndLoad('f : vector(K)\nk : index(K)\nL = f[k]\n');
    expect(exports.L!({ f: [5, 6, 7], k: 2 })).toBe(7);
    expect(() => exports.L!({ f: [5, 6, 7], k: 3 })).toThrow(
      new RangeError('L: k is 3 but must be an integer with 0 <= k < K = 3'),
    );
    expect(() => exports.L!({ f: [5, 6, 7], k: 0.5 })).toThrow(RangeError);
  });

  it('reports a missing input clearly', async () => {
    const { exports } = await compileAndLoad(DS102);
    expect(() => exports.z1!({ A: { rows: 1, cols: 1, data: [1] } })).toThrow(new TypeError('z1: missing input x'));
  });

  it('takes a dimension no input determines as a number field', async () => {
    const { code, exports } = await compileAndLoad('c : scalar\nf = c ones(n)\n');
    expect(code).toContain('n: number;');
    expect(exports.f!({ c: 2, n: 3 })).toEqual(new Float64Array([2, 2, 2]));
    expect(() => exports.f!({ c: 2, n: 0 })).toThrow(
      new RangeError('f: dimension n is 0; it must be a positive integer'),
    );
  });

  it('checks a literal index against a symbolic dimension at run time', async () => {
    const { exports } = await compileAndLoad('x : vector(n)\nf = x[2]\n');
    expect(exports.f!({ x: [1, 2, 3] })).toBe(3);
    expect(() => exports.f!({ x: [1, 2] })).toThrow(
      new RangeError('f: index 2 is out of range for a vector, which has n = 2'),
    );
  });
});

describe('generated modules: numerically stable forms', () => {
  const cases: [string, string, number, number][] = [
    ['sigmoid', 'f = sigmoid(x)', 1000, 1],
    ['sigmoid', 'f = sigmoid(x)', -1000, 0],
    ['softplus', 'f = softplus(x)', 1000, 1000],
    ['softplus', 'f = softplus(x)', -1000, 0],
    ['log(1 + exp(x))', 'f = log(1 + exp(x))', 1000, 1000],
    ['log(1 + exp(x))', 'f = log(1 + exp(x))', -1000, 0],
  ];
  for (const [name, formula, x, expected] of cases) {
    it(`${name} at ${x} is ${expected}`, async () => {
      const { exports } = await compileAndLoad(`x : scalar\n${formula}\ngrad f wrt x\n`);
      expect(exports.f!({ x })).toBeCloseTo(expected, 12);
      const g = exports.fGrad!({ x }) as { x: number };
      expect(Number.isFinite(g.x)).toBe(true);
    });
  }

  it('logsumexp of (1000, 999) is finite', async () => {
    const { exports } = await compileAndLoad('v : vector(n)\nf = logsumexp(v)\ngrad f wrt v\n');
    expect(exports.f!({ v: [1000, 999] })).toBeCloseTo(1000 + Math.log1p(Math.exp(-1)), 10);
    expect(exports.f!({ v: [-1000, -999] })).toBeCloseTo(-999 + Math.log1p(Math.exp(-1)), 10);
    const g = exports.fGrad!({ v: [1000, 999] }) as { v: Float64Array };
    expect(g.v[0]! + g.v[1]!).toBeCloseTo(1, 12);
  });

  it('softmax of (1000, -1000) is (1, 0)', async () => {
    const { exports } = await compileAndLoad('v : vector(n)\nf = softmax(v)\n');
    expect(exports.f!({ v: [1000, -1000] })).toEqual(new Float64Array([1, 0]));
  });
});

describe('generated modules: safe names and text', () => {
  it('mangles TypeScript reserved words and keeps the input field names', async () => {
    const { code, exports } = await compileAndLoad(
      'new : vector(n)\nfunction : scalar\nconstructor = function sum(new)\ngrad constructor wrt new, function\n',
    );
    expect(code).toContain('  new: ArrayLike<number>;');
    const g = exports.constructorGrad!({ new: [1, 2], function: 3 }) as {
      value: number;
      new: Float64Array;
      function: number;
    };
    expect(g.value).toBe(9);
    expect(g.new).toEqual(new Float64Array([3, 3]));
    expect(g.function).toBe(3);
  });

  it('keeps comment text that could close a comment or start code harmless', async () => {
    const text = 'x : scalar # */ throw new Error("pwned") /* ${process.exit(1)} `\nf = 2 x\ngrad f wrt x\n';
    const { code, exports } = await compileAndLoad(text);
    expect(code).not.toContain('*/ throw');
    expect(exports.f!({ x: 2 })).toBe(4);
  });
});

describe('generated modules: fGradInto fills a result in place', () => {
  const inputs = {
    A: { rows: 2, cols: 3, data: [0.1, -0.2, 0.3, 0.4, 0.5, -0.6] },
    b: [1, -2],
    x: [0.5, 1, -1],
    y: 0.25,
  };

  it('gives the same numbers as fGrad, in the same arrays it was given', async () => {
    const { exports } = await compileAndLoad(`${DS102}grad L wrt z1, x, y\n`);
    type G = { value: number; A: { rows: number; cols: number; data: Float64Array }; b: Float64Array };
    const fresh = exports.LGrad!(inputs) as G;
    const out = exports.LGrad!({ ...inputs, y: 3 }) as G;
    const arrays = [out.A.data, out.b];
    const again = exports.LGradInto!(inputs, out as unknown as Record<string, unknown>) as unknown as G;
    expect(again).toBe(out);
    expect(out.A.data).toBe(arrays[0]);
    expect(out.b).toBe(arrays[1]);
    expect(out).toEqual(fresh);
    const grad2 = exports.LGrad2!(inputs) as Record<string, unknown>;
    const out2 = exports.LGrad2!({ ...inputs, x: [9, 9, 9] }) as Record<string, unknown>;
    expect(exports.LGrad2Into!(inputs, out2)).toEqual(grad2);
  });

  it('checks the lengths of the arrays it fills', async () => {
    const { exports } = await compileAndLoad(DS102);
    const out = { value: 0, A: { rows: 2, cols: 3, data: new Float64Array(5) }, b: new Float64Array(2) };
    expect(() => exports.LGradInto!(inputs, out)).toThrow(
      new RangeError('LGradInto: out.A.data has length 5 but must have length 6'),
    );
  });
});

describe('generated modules: edge cases', () => {
  it('a formula that reads no input still type-checks strictly', async () => {
    const { exports } = await compileAndLoad('x : scalar\nL = 3\ngrad L wrt x\n');
    expect(exports.L!({})).toBe(3);
    expect(exports.LGrad!({ x: 1 })).toEqual({ value: 3, x: 0 });
  });

  it('a file with declarations only compiles to a module with just the Matrix interface', async () => {
    const { code, exports } = await compileAndLoad('x : vector(n)\n');
    expect(Object.keys(exports)).toEqual([]);
    expect(code).toContain('export interface Matrix');
  });
});

describe('generated modules without prettier (format: false)', () => {
  it('are the same code in the generator layout: laid out by prettier, they are the module, byte for byte', async () => {
    const model = checkFormula(DS102, 'ds102.formula');
    const derived = differentiate(model);
    const formatted = await generate(model, derived, { sourceName: 'ds102.formula' });
    const raw = await generate(model, derived, { sourceName: 'ds102.formula', format: false });
    expect(raw.code).not.toBe(formatted.code);
    expect(raw.manifest).toEqual(formatted.manifest);
    const [head, body] = [
      raw.code.slice(0, raw.code.indexOf('\n\n') + 2),
      raw.code.slice(raw.code.indexOf('\n\n') + 2),
    ];
    const laidOut = await format(body, { parser: 'babel-ts', plugins: [babel, estree], printWidth: 110 });
    expect(head + laidOut).toBe(formatted.code);
  });
});
