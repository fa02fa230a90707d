/**
 * inv, det, logdet and solves in generated code (LANGUAGE.md 1.6): exact values on small
 * matrices, one LU factorisation per matrix per function, solves instead of inverses, a
 * singular matrix refused with a RangeError naming the function and the matrix.
 */
import { describe, expect, it } from 'vitest';
import { compileAndLoad } from './helpers.js';

const m = (rows: number, cols: number, data: number[]) => ({ rows, cols, data });
const values = (x: unknown) => Array.from((x as { data: Float64Array }).data ?? (x as Float64Array));

describe('values of the matrix functions', () => {
  const formula =
    'S : matrix(n, n)\nb : vector(n)\nI = inv(S)\nd = det(S)\nl = logdet(S)\nx = inv(S) b\nq = b^T inv(S) b\n';
  // S = [[0, 2], [1, 1]]: a row swap is needed, det = -2.
  const S = m(2, 2, [0, 2, 1, 1]);
  const b = [2, 4];

  it('inv(S), with pivoting', async () => {
    const { exports } = await compileAndLoad(formula);
    expect(values(exports.I!({ S }))).toEqual([-0.5, 1, 0.5, 0]);
  });

  it('det(S) carries the sign of the row swap; logdet(S) = log |det S|', async () => {
    const { exports } = await compileAndLoad(formula);
    expect(exports.d!({ S })).toBe(-2);
    expect(exports.l!({ S })).toBeCloseTo(Math.log(2), 15);
  });

  it('inv(S) b and b^T inv(S) b', async () => {
    const { exports } = await compileAndLoad(formula);
    expect(values(exports.x!({ S, b }))).toEqual([3, 1]);
    expect(exports.q!({ S, b })).toBe(10);
  });

  it('logdet stays finite where det overflows', async () => {
    const { exports } = await compileAndLoad(formula);
    const n = 200;
    const big = m(
      n,
      n,
      Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1e3 : 0)),
    );
    expect(exports.d!({ S: big })).toBe(Infinity);
    expect(exports.l!({ S: big })).toBeCloseTo(n * Math.log(1e3), 9);
  });
});

describe('one factorisation per matrix per function, solves instead of inverses', () => {
  it('the GP negative log marginal likelihood factorises K once in its gradient, and its value solves', async () => {
    const { code } = await compileAndLoad(
      'K : matrix(n, n)\ny : vector(n)\nL = 1/2 y^T inv(K) y + 1/2 logdet(K)\ngrad L wrt K\n',
    );
    const body = (name: string) =>
      code.slice(code.indexOf(`function ${name}(`), code.indexOf('\n}\n', code.indexOf(`function ${name}(`)));
    expect(body('LGrad$').match(/lu\$\(/g)).toHaveLength(1);
    expect(body('LGrad$').match(/luInverse\$\(/g)).toHaveLength(1);
    // The value alone: one factorisation and a solve, no inverse.
    expect(body('forward$').match(/lu\$\(/g)).toHaveLength(1);
    expect(body('forward$')).not.toContain('luInverse$(');
    expect(body('forward$')).toContain('luSolve$(');
  });

  it('the kernels are emitted once per module', async () => {
    const { code } = await compileAndLoad(
      'A, B : matrix(n, n)\nL = logdet(A) + det(B) + sum(inv(A))\ngrad L wrt A, B\n',
    );
    expect(code.match(/^function lu\$\(/gm)).toHaveLength(1);
    expect(code.match(/^function luInverse\$\(/gm)).toHaveLength(1);
  });
});

describe('a singular matrix throws a RangeError naming the function and the matrix', () => {
  const singular = m(2, 2, [1, 2, 2, 4]);

  it('a variable, by its name', async () => {
    const { exports } = await compileAndLoad('S : matrix(n, n)\nx : vector(n)\nL = x^T inv(S) x\ngrad L wrt x\n');
    expect(() => exports.LGrad!({ S: singular, x: [1, 1] })).toThrow(new RangeError('LGrad: S is singular'));
    expect(() => exports.L!({ S: singular, x: [1, 1] })).toThrow(new RangeError('L: S is singular'));
  });

  it('a definition, by its name', async () => {
    const { exports } = await compileAndLoad('A : matrix(n, n)\nK = A A^T\nL = logdet(K)\ngrad L wrt A\n');
    expect(() => exports.LGrad!({ A: m(2, 2, [1, 1, 1, 1]) })).toThrow(new RangeError('LGrad: K is singular'));
  });

  it('a composite argument, by its printed expression', async () => {
    const { exports } = await compileAndLoad('A : matrix(n, n)\nL = det(A + A^T)\ngrad L wrt A\n');
    expect(() => exports.LGrad!({ A: m(2, 2, [1, 0, 2, 1]) })).toThrow(new RangeError('LGrad: A + A^T is singular'));
  });
});
