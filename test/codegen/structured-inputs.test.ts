/**
 * Generated code for symmetric and spd inputs (LANGUAGE.md 2): each is checked before anything is
 * computed from it (symmetric to a relative 1e-12, an spd one positive definite), spd matrices are
 * factorised by Cholesky once per call (solves, inv, det and logdet read the factor), and a
 * gradient with respect to a symmetric matrix comes back exactly symmetric.
 */
import { describe, expect, it } from 'vitest';
import { compileAndLoad } from './helpers.js';

const m = (rows: number, cols: number, data: number[]) => ({ rows, cols, data });
const values = (x: unknown) => Array.from((x as { data: Float64Array }).data ?? (x as Float64Array));
const NLL = 'S : spd(n)\nx, mu : vector(n)\nr = x - mu\nnll = 0.5 r^T inv(S) r + 0.5 logdet(S)\ngrad nll wrt mu, S\n';

/** A random symmetric positive definite n x n matrix, B B^T / n + I. */
function spd(n: number, seed: number): number[] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const b = Array.from({ length: n * n }, () => rand() - 0.5);
  const a = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += (b[i * n + k]! * b[j * n + k]!) / n;
  for (let i = 0; i < n; i++) a[i * n + i]! += 1;
  return a;
}

describe('input checks', () => {
  it('a matrix that is not symmetric is refused with the function, the variable and the largest asymmetry', async () => {
    const { exports } = await compileAndLoad('S : symmetric(n)\nx : vector(n)\nq = x^T S x\ngrad q wrt S\n');
    expect(() => exports.qGrad!({ S: m(2, 2, [1, 0.5, 0.25, 1]), x: [1, 2] })).toThrow(
      new RangeError('qGrad: S is not symmetric: S[1, 0] - S[0, 1] is -0.25 (largest entry 1)'),
    );
  });

  it('an asymmetry within a relative 1e-12 of the largest entry is accepted', async () => {
    const { exports } = await compileAndLoad('S : symmetric(n)\nx : vector(n)\nq = x^T S x\n');
    expect(exports.q!({ S: m(2, 2, [1e6, 3, 3 + 1e-7, 1e6]), x: [1, 0] })).toBe(1e6);
    expect(() => exports.q!({ S: m(2, 2, [1, 3, 3 + 1e-7, 1]), x: [1, 0] })).toThrow(/^q: S is not symmetric/);
  });

  it('an spd input that is not positive definite is refused, in the forward and gradient functions alike', async () => {
    const { exports } = await compileAndLoad(NLL);
    const S = m(2, 2, [1, 2, 2, 1]);
    expect(() => exports.nll!({ S, x: [1, 2], mu: [0, 0] })).toThrow(new RangeError('nll: S is not positive definite'));
    expect(() => exports.nllGrad!({ S, x: [1, 2], mu: [0, 0] })).toThrow(
      new RangeError('nllGrad: S is not positive definite'),
    );
  });

  it('an spd input is checked even where it is only read elementwise', async () => {
    const { exports } = await compileAndLoad('P : spd(n)\ns = sum(P)\n');
    expect(() => exports.s!({ P: m(2, 2, [0, 1, 1, 0]) })).toThrow(new RangeError('s: P is not positive definite'));
    expect(exports.s!({ P: m(2, 2, [2, 1, 1, 2]) })).toBe(6);
  });

  it('nothing is written into out$ when the input is refused', async () => {
    const { exports } = await compileAndLoad(NLL);
    const first = exports.nllGrad!({ S: m(2, 2, [2, 1, 1, 2]), x: [1, 2], mu: [0, 0] }) as {
      S: { data: Float64Array };
    };
    const before = values(first.S);
    expect(() => exports.nllGradInto!({ S: m(2, 2, [1, 2, 3, 1]), x: [1, 2], mu: [0, 0] }, first)).toThrow(
      /^nllGrad: S is not symmetric/,
    );
    expect(values(first.S)).toEqual(before);
  });
});

describe('Cholesky for spd matrices', () => {
  it('an spd matrix is factorised by Cholesky, never by LU', async () => {
    const { code } = await compileAndLoad(NLL);
    expect(code).toContain('function cholesky$(');
    expect(code).toContain('function cholSolve$(');
    expect(code).not.toContain('function lu$(');
  });

  it('a symmetric matrix that is not declared spd is factorised by LU', async () => {
    const { code } = await compileAndLoad('S : symmetric(n)\nl = logdet(S)\n');
    expect(code).toContain('function lu$(');
    expect(code).not.toContain('function cholesky$(');
  });

  it('one factorisation per call: the gradient function factorises S once for inv, logdet and the solve', async () => {
    const { code } = await compileAndLoad(NLL);
    const start = code.indexOf('function nllGrad$(');
    const body = code.slice(start, code.indexOf('\n}\n', start));
    expect(body.match(/cholesky\$\(/g)).toHaveLength(1);
  });

  it('logdet, det, solves and inv match LU on a 6 x 6 spd matrix', async () => {
    const text = (type: string) => `S : ${type}\nb : vector(n)\nd = det(S)\nl = logdet(S)\nx = inv(S) b\nI = inv(S)\n`;
    const chol = (await compileAndLoad(text('spd(n)'))).exports;
    const lu = (await compileAndLoad(text('matrix(n, n)'))).exports;
    const S = m(6, 6, spd(6, 7));
    const b = [1, -2, 3, 0.5, -1, 2];
    expect(chol.l!({ S })).toBeCloseTo(lu.l!({ S }) as number, 12);
    expect((chol.d!({ S }) as number) / (lu.d!({ S }) as number)).toBeCloseTo(1, 12);
    values(chol.x!({ S, b })).forEach((v, i) => expect(v).toBeCloseTo(values(lu.x!({ S, b }))[i]!, 12));
    values(chol.I!({ S })).forEach((v, i) => expect(v).toBeCloseTo(values(lu.I!({ S }))[i]!, 12));
  });

  it('logdet of an spd matrix whose determinant overflows stays finite', async () => {
    const { exports } = await compileAndLoad('S : spd(n)\nl = logdet(S)\n');
    const n = 200;
    const S = m(
      n,
      n,
      Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1e3 : 0)),
    );
    expect(exports.l!({ S })).toBeCloseTo(n * Math.log(1e3), 9);
  });
});

describe('gradients with respect to a symmetric matrix are exactly symmetric', () => {
  const exactlySymmetric = (data: number[], n: number) => {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(data[i * n + j]).toBe(data[j * n + i]);
  };

  it('the NLL gradient, fresh and Into', async () => {
    const { exports } = await compileAndLoad(NLL);
    const n = 7;
    const inputs = {
      S: m(n, n, spd(n, 3)),
      x: Array.from({ length: n }, (_, i) => Math.sin(i)),
      mu: new Array<number>(n).fill(0.1),
    };
    const g = exports.nllGrad!(inputs) as { S: { data: Float64Array } };
    exactlySymmetric(values(g.S), n);
    const out = exports.nllGrad!(inputs) as { S: { data: Float64Array } };
    out.S.data.fill(0);
    exports.nllGradInto!(inputs, out);
    exactlySymmetric(values(out.S), n);
    expect(values(out.S)).toEqual(values(g.S));
  });

  it('X^T S X, symmetric only up to rounding as computed, is returned exactly symmetric', async () => {
    const { exports } = await compileAndLoad(
      'S : symmetric(n)\nX : matrix(n, n)\nA : matrix(n, n)\nf = tr(A X^T S X)\ngrad f wrt S\n',
    );
    const n = 9;
    const S = spd(n, 5);
    const X = Array.from({ length: n * n }, (_, k) => Math.cos(k * 1.3));
    const A = Array.from({ length: n * n }, (_, k) => Math.sin(k * 0.7));
    const g = exports.fGrad!({ S: m(n, n, S), X: m(n, n, X), A: m(n, n, A) }) as { S: { data: Float64Array } };
    exactlySymmetric(values(g.S), n);
  });
});
