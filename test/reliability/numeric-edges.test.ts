/**
 * Numerical edge cases of generated modules, pinned: the stable forms (sigmoid, softplus,
 * logsumexp, softmax, log(1 + exp(x))) at ±1000 and ±1e-300, values and gradients; NaN and
 * ±Infinity inputs propagate as IEEE arithmetic says, without throwing; zero sizes are refused
 * with a clear RangeError; huge size mismatches are reported before anything is allocated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModule, typeCheckModule } from '../../src/check/load.js';
import { mulberry32, randomDims, randomInputs } from '../../src/check/random.js';
import { moduleInputs } from '../../src/check/run-module.js';
import { compile } from '../../src/compile.js';
import { checkFormula } from '../../src/front.js';

/** A generated function: inputs, then a direction (HVPs) and/or an `out` to fill (`...Into`). */
type Fn = (inputs: Record<string, unknown>, ...rest: unknown[]) => unknown;
type Exports = Record<string, Fn>;

async function load(text: string): Promise<Exports> {
  const code = await compile(text, 'edges.formula');
  expect(await typeCheckModule(code)).toEqual([]);
  return (await loadModule(code)) as Exports;
}

/** Plain data: numbers, arrays for Float64Arrays, { rows, cols, data } with an array; -0 as 0. */
function plain(v: unknown): unknown {
  if (typeof v === 'number') return v + 0;
  if (v instanceof Float64Array) return Array.from(v, (x) => x + 0);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const STABLE = `x : scalar
v, w : vector(n)
M : matrix(n, m)
s = sigmoid(x)
p = softplus(x)
q = log(1 + exp(x))
l = logsumexp(v)
y = softmax(v)
Y = softmax(M)
o = dot(w, softmax(v))
O = sum(w^T softmax(M))
grad s wrt x
grad p wrt x
grad q wrt x
grad l wrt v
grad o wrt v, w
grad O wrt M
`;

const LN2 = Math.log(2);

describe('stable forms at extreme arguments', () => {
  let m: Exports;
  beforeAll(async () => {
    m = await load(STABLE);
  });

  // [x, sigmoid, sigmoid', softplus = log(1 + exp(x)), softplus']
  const SCALARS: readonly [number, number, number, number, number][] = [
    [1000, 1, 0, 1000, 1],
    [-1000, 0, 0, 0, 0],
    [1e-300, 0.5, 0.25, LN2, 0.5],
    [-1e-300, 0.5, 0.25, LN2, 0.5],
    [710, 1, 0, 710, 1],
    [-745, 5e-324, 5e-324, 5e-324, 5e-324],
  ];

  it.each(SCALARS)('x = %d: sigmoid, softplus and log(1 + exp(x)), values and derivatives', (x, sig, dsig, sp, dsp) => {
    expect(plain(m.sGrad!({ x }))).toEqual({ value: sig, x: dsig });
    expect(plain(m.pGrad!({ x }))).toEqual({ value: sp, x: dsp });
    expect(plain(m.qGrad!({ x }))).toEqual({ value: sp, x: dsp });
    expect(m.s!({ x })).toBe(sig);
    expect(m.p!({ x })).toBe(sp);
    expect(m.q!({ x })).toBe(sp);
  });

  // [v, logsumexp, softmax (= its gradient)]
  const VECTORS: readonly [number[], number, number[]][] = [
    [[1000, 1000], 1000 + LN2, [0.5, 0.5]],
    [[-1000, -1000], -1000 + LN2, [0.5, 0.5]],
    [[1000, -1000], 1000, [1, 0]],
    [[-1000, 1000], 1000, [0, 1]],
    [[1e-300, -1e-300], LN2, [0.5, 0.5]],
    [[-1000, -1e-300], -1e-300, [0, 1]],
  ];

  it.each(VECTORS)('v = %j: logsumexp, softmax and their gradients', (v, lse, sm) => {
    const l = plain(m.lGrad!({ v })) as { value: number; v: number[] };
    expect(l.value).toBeCloseTo(lse, 12);
    expect(l.v).toEqual(sm);
    expect(plain(m.y!({ v }))).toEqual(sm);
    // o = w . softmax(v): do/dv = softmax .* (w - o), do/dw = softmax.
    const w = [1, 2];
    const o = plain(m.oGrad!({ v, w })) as { value: number; v: number[]; w: number[] };
    const value = sm[0]! * w[0]! + sm[1]! * w[1]!;
    expect(o.value).toBe(value);
    expect(o.w).toEqual(sm);
    o.v.forEach((g, i) => expect(g).toBeCloseTo(sm[i]! * (w[i]! - value), 15));
  });

  it('softmax of matrix columns at ±1000, and its gradient', () => {
    const M = { rows: 2, cols: 2, data: [1000, -1000, -1000, 1000] };
    expect(plain(m.Y!({ M }))).toEqual({ rows: 2, cols: 2, data: [1, 0, 0, 1] });
    expect(plain(m.OGrad!({ M, w: [1, 2] }))).toEqual({ value: 3, M: { rows: 2, cols: 2, data: [0, 0, 0, 0] } });
  });
});

describe('NaN and infinities propagate as IEEE says, without throwing (structured inputs are refused)', () => {
  let m: Exports;
  beforeAll(async () => {
    m = await load(STABLE);
  });

  it('sigmoid, softplus and log(1 + exp(x)) at NaN and ±Infinity', () => {
    expect(plain(m.sGrad!({ x: NaN }))).toEqual({ value: NaN, x: NaN });
    expect(plain(m.pGrad!({ x: NaN }))).toEqual({ value: NaN, x: NaN });
    expect(plain(m.qGrad!({ x: NaN }))).toEqual({ value: NaN, x: NaN });
    expect(plain(m.sGrad!({ x: Infinity }))).toEqual({ value: 1, x: 0 });
    expect(plain(m.sGrad!({ x: -Infinity }))).toEqual({ value: 0, x: 0 });
    expect(plain(m.pGrad!({ x: Infinity }))).toEqual({ value: Infinity, x: 1 });
    expect(plain(m.pGrad!({ x: -Infinity }))).toEqual({ value: 0, x: 0 });
    expect(plain(m.qGrad!({ x: Infinity }))).toEqual({ value: Infinity, x: 1 });
  });

  it('logsumexp and softmax: a NaN or an infinite maximum makes NaN, -Infinity entries weigh nothing', () => {
    expect(plain(m.lGrad!({ v: [NaN, 1] }))).toEqual({ value: NaN, v: [NaN, NaN] });
    // exp(x - max) with max = ±Infinity is exp(NaN): the value keeps the infinity, the weights are NaN.
    expect(plain(m.lGrad!({ v: [Infinity, 0] }))).toEqual({ value: Infinity, v: [NaN, NaN] });
    expect(plain(m.lGrad!({ v: [-Infinity, -Infinity] }))).toEqual({ value: -Infinity, v: [NaN, NaN] });
    expect(plain(m.lGrad!({ v: [-Infinity, 0] }))).toEqual({ value: 0, v: [0, 1] });
    expect(plain(m.y!({ v: [Infinity, 0] }))).toEqual([NaN, NaN]);
    expect(plain(m.y!({ v: [-Infinity, 0] }))).toEqual([0, 1]);
    expect(plain(m.oGrad!({ v: [NaN, 0], w: [1, 2] }))).toEqual({ value: NaN, v: [NaN, NaN], w: [NaN, NaN] });
  });

  const examples = readdirSync('examples')
    .filter((f) => f.endsWith('.formula'))
    .sort();

  it.each(examples)(
    '%s: every function on NaN, +Infinity and -Infinity inputs returns values of the right shapes',
    async (name) => {
      const text = readFileSync(join('examples', name), 'utf8');
      const model = checkFormula(text, name);
      const exports = (await loadModule(await compile(text, name))) as Exports;
      const dims = randomDims(model);
      const sample = randomInputs(model, dims, mulberry32(1));
      const finite = moduleInputs(model, sample, dims);
      // fGradInto(inputs, out) fills a result of fGrad. An HVP also takes a direction shaped like its
      // variables: the inputs themselves are one (the function reads only the keys it needs).
      const call = (f: string, inputs: Record<string, unknown>) => {
        const args: [Record<string, unknown>, ...unknown[]] = /Hvp\d*(Into)?$/.test(f) ? [inputs, inputs] : [inputs];
        const base = exports[f.slice(0, -4)];
        return f.endsWith('Into') && base !== undefined ? exports[f]!(...args, base(...args)) : exports[f]!(...args);
      };
      // The formula's functions: not the allocator of resident matrices (heap-kernels.ts).
      const functions = Object.keys(exports).filter((f) => f !== 'residentMatrix');
      const shapes = new Map(functions.map((f) => [f, JSON.stringify(shape(call(f, finite)))]));
      // A symmetric or spd input is checked before anything is computed from it (LANGUAGE.md 2):
      // special entries there are refused with a RangeError that names it; elsewhere they propagate.
      const structured = new Set(model.variables.filter((v) => v.structure !== undefined).map((v) => v.name));
      for (const special of [NaN, Infinity, -Infinity]) {
        const specialValues = (keep: (name: string) => boolean) =>
          new Map(
            [...sample].map(([k, v]) => [
              k,
              keep(k) || model.variables.find((x) => x.name === k)!.kind === 'index'
                ? v
                : typeof v === 'number'
                  ? special
                  : v.map((row) => row.map(() => special)),
            ]),
          );
        // Every real entry special (index variables stay valid integers), structured inputs kept valid.
        const inputs = moduleInputs(
          model,
          specialValues((k) => structured.has(k)),
          dims,
        );
        for (const f of functions) {
          let result: unknown;
          expect(() => (result = call(f, inputs)), `${f} on ${special}`).not.toThrow();
          expect(JSON.stringify(shape(result)), `${f} on ${special}`).toBe(shapes.get(f));
        }
        for (const name of structured) {
          const refused = moduleInputs(
            model,
            specialValues((k) => k !== name),
            dims,
          );
          let refusals = 0;
          for (const f of functions) {
            let thrown: unknown;
            try {
              call(f, refused);
            } catch (e) {
              thrown = e;
            }
            // A function that reads the input refuses it; one that does not is unaffected.
            if (thrown !== undefined) {
              refusals++;
              expect(thrown, `${f} on ${name} = ${special}`).toBeInstanceOf(RangeError);
              expect((thrown as Error).message, `${f} on ${name} = ${special}`).toMatch(
                new RegExp(`: ${name} is not (symmetric|positive definite)`),
              );
            }
          }
          expect(refusals, `functions that refuse ${name} = ${special}`).toBeGreaterThan(0);
        }
      }
    },
  );
});

/** The shape of a result: number, length of a Float64Array, rows x cols of a matrix, per field. */
function shape(v: unknown): unknown {
  if (typeof v === 'number') return 'number';
  if (v instanceof Float64Array) return v.length;
  if (typeof v === 'object' && v !== null && 'data' in v) {
    const m = v as { rows: number; cols: number; data: unknown };
    expect(m.data).toBeInstanceOf(Float64Array);
    return `${m.rows}x${m.cols}`;
  }
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

const SIZES = `A : matrix(h, m)
x : vector(m)
y : vector(h)
k : index(h)
c : scalar
z = A x
L = sum(y .* z) + y[k] + c sum(ones(p))
grad L wrt A, x
`;

describe('sizes', () => {
  let m: Exports;
  beforeAll(async () => {
    m = await load(SIZES);
  });
  const A = { rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6] };
  const ok = { A, x: [1, 2, 3], y: [1, 1], k: 0, c: 1, p: 2 };

  it('computes with consistent sizes', () => {
    expect(plain(m.z!({ A, x: [1, 2, 3] }))).toEqual([14, 32]);
    expect((m.LGrad!(ok) as { value: number }).value).toBe(14 + 32 + 1 + 2);
  });

  const ZERO: readonly [string, Record<string, unknown>, RegExp][] = [
    [
      'a matrix with no rows',
      { ...ok, A: { rows: 0, cols: 3, data: [] }, y: [] },
      /^LGrad: dimension h is 0 \(from A\.rows\); every dimension must be at least 1$/,
    ],
    [
      'a matrix with no columns',
      { ...ok, A: { rows: 2, cols: 0, data: [] }, x: [] },
      /^LGrad: dimension m is 0 \(from A\.cols\); every dimension must be at least 1$/,
    ],
    ['a free dimension of 0', { ...ok, p: 0 }, /^LGrad: dimension p is 0; it must be a positive integer$/],
  ];

  it.each(ZERO)('refuses %s with a RangeError naming the dimension', (_name, inputs, message) => {
    expect(() => m.LGrad!(inputs)).toThrow(RangeError);
    expect(() => m.LGrad!(inputs)).toThrow(message);
  });

  it('refuses an empty vector where a dimension is first read', () => {
    expect(() => m.z!({ A: { rows: 2, cols: 0, data: [] }, x: [] })).toThrow(
      /^z: dimension m is 0 \(from A\.cols\); every dimension must be at least 1$/,
    );
  });

  // Lengths that could not be allocated: the check must come first, and fail fast.
  const HUGE: readonly [string, Record<string, unknown>, RegExp][] = [
    [
      'a matrix whose data does not fit its sizes',
      { ...ok, A: { rows: 1e9, cols: 1e9, data: [1, 2, 3] } },
      /A\.data has length 3 but A is 1000000000 x 1000000000/,
    ],
    [
      'a vector far longer than its dimension',
      { ...ok, x: { length: 1e12 } },
      /x has length 1000000000000 but dimension m is 3 \(from A\.cols\)/,
    ],
    [
      'a vector far shorter than its dimension',
      { ...ok, y: [1] },
      /y has length 1 but dimension h is 2 \(from A\.rows\)/,
    ],
    ['an index far out of range', { ...ok, k: 1e12 }, /k is 1000000000000 but must be an integer with 0 <= k < h = 2/],
    [
      'a free dimension that is not an integer',
      { ...ok, p: 0.5 },
      /dimension p is 0\.5; it must be a positive integer/,
    ],
    [
      'an infinite size',
      { ...ok, A: { rows: Infinity, cols: 3, data: [1, 2, 3] } },
      /^LGrad: A\.rows must be a positive integer, not Infinity$/,
    ],
  ];

  it.each(HUGE)('reports %s before allocating anything', (_name, inputs, message) => {
    const start = performance.now();
    expect(() => m.LGrad!(inputs)).toThrow(RangeError);
    expect(() => m.LGrad!(inputs)).toThrow(message);
    expect(performance.now() - start).toBeLessThan(100);
  });
});
