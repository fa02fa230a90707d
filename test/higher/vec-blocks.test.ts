/**
 * Generated Jacobian and Hessian blocks through and with respect to matrices (LANGUAGE.md 1.3, 2):
 * Matrix values of entries(F) x entries(X) in vec order (columns stacked), Kronecker-structured
 * blocks filled from their factors, the `...Into` twins, and the documented size limit.
 */
import { describe, expect, it } from 'vitest';
import { at, compileAndLoad, matrix, type Matrix } from '../codegen/helpers.js';

describe('generated blocks in the vec convention', () => {
  it('the Jacobian of A X B with respect to X is kron(B^T, A): entry (i + k m, j + l n) = B[l, k] A[i, j]', async () => {
    const { exports, code } = await compileAndLoad(
      'A : matrix(m, n)\nX : matrix(n, q)\nB : matrix(q, p)\nF = A X B\njacobian F wrt X\n',
    );
    // Filled from its factors: no dense product with an identity's Kronecker product.
    expect(code).not.toMatch(/eye|I_/);
    const [m, n, q, p] = [2, 3, 4, 5];
    const A = matrix(m, n, (i, j) => 1 + i + 10 * j);
    const X = matrix(n, q, (i, j) => i - j);
    const B = matrix(q, p, (i, j) => 0.5 * i + j * j);
    const result = exports.FJac!({ A, X, B }) as { value: Matrix; X: Matrix };
    expect([result.X.rows, result.X.cols]).toEqual([m * p, n * q]);
    for (let i = 0; i < m; i++)
      for (let k = 0; k < p; k++)
        for (let j = 0; j < n; j++)
          for (let l = 0; l < q; l++) expect(at(result.X, i + k * m, j + l * n)).toBe(at(B, l, k) * at(A, i, j));
  });

  it('the Hessian of ||W x - y||^2 with respect to W (h x d) is the (h d) x (h d) matrix 2 kron(x x^T, eye(h)), and LHessInto fills it in place', async () => {
    const { exports } = await compileAndLoad(
      'W : matrix(h, d)\nx : vector(d)\ny : vector(h)\nL = ||W x - y||^2\nhessian L wrt W\n',
    );
    const [h, d] = [3, 2];
    const inputs = { W: matrix(h, d, (i, j) => i + j), x: [0.5, -2], y: [1, 2, 3] };
    const result = exports.LHess!(inputs) as { hess: { W: { W: Matrix } } };
    const H = result.hess.W.W;
    expect([H.rows, H.cols]).toEqual([h * d, h * d]);
    const x = inputs.x;
    for (let a = 0; a < h * d; a++) {
      for (let b = 0; b < h * d; b++) {
        // vec index a = i + j h: entry W[i, j].
        const [i, j, k, l] = [a % h, Math.floor(a / h), b % h, Math.floor(b / h)];
        expect(at(H, a, b) + 0).toBe(i === k ? 2 * x[j]! * x[l]! : 0);
      }
    }
    const data = H.data;
    const again = exports.LHessInto!(inputs, result as unknown as Record<string, unknown>) as typeof result;
    expect(again.hess.W.W.data).toBe(data);
  });

  it('a block over 10^7 entries throws a RangeError that names it, its size and hvp, before computing', async () => {
    const { exports } = await compileAndLoad(
      'W : matrix(h, d)\nx : vector(d)\ny : vector(h)\nL = ||W x - y||^2\nhessian L wrt W\n',
    );
    const [h, d] = [100, 40];
    const call = () => exports.LHess!({ W: matrix(h, d, () => 0), x: new Float64Array(d), y: new Float64Array(h) });
    expect(call).toThrow(RangeError);
    expect(call).toThrow(
      'LHess: the Hessian block hess.W.W of L would have 16000000 entries (4000 x 4000), over the limit of 10^7; ask for hvp L wrt W (Hessian-vector products) instead',
    );
  });
});
