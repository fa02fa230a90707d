/**
 * What a generated function says when it is called the wrong way (issue 18, item 5): a wrong
 * kind of value is a TypeError naming the function and the input; a wrong size stays a
 * RangeError (LANGUAGE.md 2). Gradient functions (LGrad) and forward functions (L, which run
 * the shared forward pass) say the same.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileAndLoad, type Fn } from './helpers.js';
import { DS102 } from '../helpers/models.js';

let m: Record<string, Fn>;
beforeAll(async () => {
  m = (await compileAndLoad(DS102)).exports;
});

/** Inputs LGrad accepts: A is 2 x 3. */
const good = () => ({ A: { rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6] }, b: [1, 2], x: [1, 2, 3], y: 0.5 });
/** A result of LGrad for the inputs above, to fill. */
const result = () => ({ value: 0, A: { rows: 2, cols: 3, data: new Float64Array(6) }, b: new Float64Array(2) });

describe('the inputs object', () => {
  it('LGrad() with no argument names the inputs it wants', () => {
    expect(() => (m.LGrad as unknown as () => unknown)()).toThrow(
      new TypeError('LGrad: inputs must be an object with A, b, x, y'),
    );
  });

  it('a forward function with no argument names only its own inputs', () => {
    expect(() => (m.z1 as unknown as () => unknown)()).toThrow(new TypeError('z1: inputs must be an object with A, x'));
  });

  it('a number instead of the inputs object is a TypeError too', () => {
    expect(() => m.LGrad!(3 as unknown as Record<string, unknown>)).toThrow(
      new TypeError('LGrad: inputs must be an object with A, b, x, y'),
    );
  });

  it('a missing field is named', () => {
    const { x: _, ...noX } = good();
    expect(() => m.LGrad!(noX)).toThrow(new TypeError('LGrad: missing input x'));
  });

  it('a missing field of a forward function is named', () => {
    expect(() => m.L!({ ...good(), A: undefined })).toThrow(new TypeError('L: missing input A'));
  });
});

describe('matrices', () => {
  it('nested arrays are refused with the layout to use', () => {
    const inputs = {
      ...good(),
      A: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    };
    expect(() => m.LGrad!(inputs)).toThrow(
      new TypeError('LGrad: A must be { rows, cols, data } (row-major), not an array of rows'),
    );
  });

  it('a flat array is refused with the layout to use', () => {
    const inputs = { ...good(), A: [1, 2, 3, 4, 5, 6] };
    expect(() => m.LGrad!(inputs)).toThrow(
      new TypeError('LGrad: A must be { rows, cols, data } (row-major), not an array'),
    );
  });

  it('rows given as a string is a TypeError, not a size mismatch', () => {
    const inputs = { ...good(), A: { rows: '2', cols: 3, data: [1, 2, 3, 4, 5, 6] } };
    expect(() => m.LGrad!(inputs)).toThrow(
      new TypeError('LGrad: A.rows must be a positive integer, not the string "2"'),
    );
  });

  it('rows that are not an integer are a RangeError', () => {
    const inputs = { ...good(), A: { rows: 2.5, cols: 3, data: [1, 2, 3, 4, 5, 6] } };
    expect(() => m.LGrad!(inputs)).toThrow(new RangeError('LGrad: A.rows must be a positive integer, not 2.5'));
  });

  it('columns that are NaN are a RangeError', () => {
    const inputs = { ...good(), A: { rows: 2, cols: NaN, data: [1, 2, 3, 4, 5, 6] } };
    expect(() => m.LGrad!(inputs)).toThrow(new RangeError('LGrad: A.cols must be a positive integer, not NaN'));
  });

  it('missing columns are a missing size: a RangeError', () => {
    const inputs = { ...good(), A: { rows: 2, data: [1, 2, 3, 4, 5, 6] } };
    expect(() => m.LGrad!(inputs)).toThrow(new RangeError('LGrad: A.cols must be a positive integer, not undefined'));
  });

  it('zero rows keep the message that names the dimension', () => {
    const inputs = { ...good(), A: { rows: 0, cols: 3, data: [] } };
    expect(() => m.LGrad!(inputs)).toThrow(
      new RangeError('LGrad: dimension h is 0 (from A.rows); every dimension must be at least 1'),
    );
  });

  it('negative rows keep the message that names the dimension', () => {
    const inputs = { ...good(), A: { rows: -1, cols: 3, data: [] } };
    expect(() => m.LGrad!(inputs)).toThrow(
      new RangeError('LGrad: dimension h is -1 (from A.rows); every dimension must be at least 1'),
    );
  });

  it('missing data says what data must hold', () => {
    const inputs = { ...good(), A: { rows: 2, cols: 3 } };
    expect(() => m.LGrad!(inputs)).toThrow(
      new TypeError('LGrad: A.data must be an array of numbers (h x m, row-major), not undefined'),
    );
  });

  it('data that is not array-like says what data must hold', () => {
    const inputs = { ...good(), A: { rows: 2, cols: 3, data: 'abc' } };
    expect(() => m.LGrad!(inputs)).toThrow(
      new TypeError('LGrad: A.data must be an array of numbers (h x m, row-major), not the string "abc"'),
    );
  });

  it('a forward function says the same as the gradient function', () => {
    const inputs = { ...good(), A: { rows: '2', cols: 3, data: [1, 2, 3, 4, 5, 6] } };
    expect(() => m.L!(inputs)).toThrow(new TypeError('L: A.rows must be a positive integer, not the string "2"'));
  });

  it('a size mismatch keeps its RangeError', () => {
    const inputs = { ...good(), b: [1, 2, 3] };
    expect(() => m.LGrad!(inputs)).toThrow(new RangeError('LGrad: b has length 3 but dimension h is 2 (from A.rows)'));
  });
});

describe('vectors', () => {
  it('a number instead of a vector names the length it must have', () => {
    expect(() => m.LGrad!({ ...good(), b: 5 })).toThrow(
      new TypeError('LGrad: b must be an array of numbers (length h), not 5'),
    );
  });

  it('a string is not a vector', () => {
    expect(() => m.LGrad!({ ...good(), b: '12' })).toThrow(
      new TypeError('LGrad: b must be an array of numbers (length h), not the string "12"'),
    );
  });

  it('null is not a vector', () => {
    expect(() => m.z1!({ ...good(), x: null })).toThrow(
      new TypeError('z1: x must be an array of numbers (length m), not null'),
    );
  });

  it('a literal length is named as a number', async () => {
    const { exports } = await compileAndLoad('x : vector(3)\nf = sum(x)\n');
    expect(() => exports.f!({ x: {} })).toThrow(
      new TypeError('f: x must be an array of numbers (length 3), not an object'),
    );
  });

  it('a typed array is a vector', () => {
    expect((m.LGrad!({ ...good(), b: new Float32Array([1, 2]) }) as { value: number }).value).toBe(
      (m.LGrad!(good()) as { value: number }).value,
    );
  });
});

describe('scalars, indices and dimensions', () => {
  it('a string for a scalar is a TypeError that shows it', () => {
    expect(() => m.LGrad!({ ...good(), y: '0.5' })).toThrow(
      new TypeError('LGrad: y must be a number, not the string "0.5"'),
    );
  });

  it('a one-entry array for a scalar is a TypeError', () => {
    expect(() => m.L!({ ...good(), y: [0.5] })).toThrow(new TypeError('L: y must be a number, not an array'));
  });

  it('a missing index is named', async () => {
    const { exports } = await compileAndLoad('f : vector(K)\nk : index(K)\nL = f[k]\n');
    expect(() => exports.L!({ f: [1, 2] })).toThrow(new TypeError('L: missing input k'));
  });

  it('an index out of range keeps its RangeError', async () => {
    const { exports } = await compileAndLoad('f : vector(K)\nk : index(K)\nL = f[k]\n');
    expect(() => exports.L!({ f: [1, 2], k: 2 })).toThrow(
      new RangeError('L: k is 2 but must be an integer with 0 <= k < K = 2'),
    );
  });

  it('a missing dimension input is a missing size: a RangeError naming it', async () => {
    const { exports } = await compileAndLoad('c : scalar\nf = sum(c ones(n))\ngrad f wrt c\n');
    expect(() => exports.fGrad!({ c: 2 })).toThrow(new RangeError('fGrad: missing input n'));
  });

  it('a dimension given as a string is a TypeError', async () => {
    const { exports } = await compileAndLoad('c : scalar\nf = c ones(n)\n');
    expect(() => exports.f!({ c: 2, n: '3' })).toThrow(
      new TypeError('f: dimension n must be a positive integer, not the string "3"'),
    );
  });
});

describe('...Into(inputs, out)', () => {
  it('a missing out keeps its message', () => {
    expect(() => m.LGradInto!(good())).toThrow(
      new TypeError('LGradInto: out is missing; pass a result of LGrad to reuse'),
    );
  });

  it('a missing vector of out is named', () => {
    const { b: _, ...noB } = result();
    expect(() => m.LGradInto!(good(), noB)).toThrow(
      new TypeError('LGradInto: out.b is missing; pass a result of LGrad to reuse'),
    );
  });

  it('a missing matrix of out is named', () => {
    const { A: _, ...noA } = result();
    expect(() => m.LGradInto!(good(), noA)).toThrow(
      new TypeError('LGradInto: out.A is missing; pass a result of LGrad to reuse'),
    );
  });

  it('a matrix of out without data is named', () => {
    const out = { ...result(), A: { rows: 2, cols: 3 } };
    expect(() => m.LGradInto!(good(), out)).toThrow(
      new TypeError('LGradInto: out.A.data must be a Float64Array, not undefined; pass a result of LGrad to reuse'),
    );
  });

  it('a number in place of a vector of out is named', () => {
    const out = { ...result(), b: 0 };
    expect(() => m.LGradInto!(good(), out)).toThrow(
      new TypeError('LGradInto: out.b must be a Float64Array, not 0; pass a result of LGrad to reuse'),
    );
  });

  it('checks out before it writes anything into it', () => {
    const out = { ...result(), b: undefined };
    expect(() => m.LGradInto!(good(), out)).toThrow(TypeError);
    expect(Array.from(out.A.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('a wrong length in out keeps its RangeError', () => {
    const out = { ...result(), b: new Float64Array(3) };
    expect(() => m.LGradInto!(good(), out)).toThrow(
      new RangeError('LGradInto: out.b has length 3 but must have length 2'),
    );
  });
});
