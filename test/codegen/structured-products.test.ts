/**
 * Products with a commutation matrix or a diagonal matrix as a factor are a permutation or a
 * scaling of the other factor's rows or columns: O(entries) work, never a dense product. Matrix
 * Hessians are built of them (d vec(Xᵀ) = K d vec(X); an elementwise function's derivative is
 * diag(vec f'(X))), and a dense product with an (n²) x (n²) factor is O(n⁶).
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { checkFormula } from '../../src/front.js';
import { at, compileAndLoad, matrix, type Matrix } from './helpers.js';

/** Entry (r, c) of kron(A, B), B p x q. */
const kronAt = (A: Matrix, B: Matrix, r: number, c: number) =>
  at(A, Math.floor(r / B.rows), Math.floor(c / B.cols)) * at(B, r % B.rows, c % B.cols);

const KRON = 'A : matrix(m, p)\nB : matrix(n, q)\n';
const [m, n, p, q] = [3, 4, 2, 5];
const A = matrix(m, p, (i, j) => 1 + i - 2 * j);
const B = matrix(n, q, (i, j) => 0.5 * i + j * j - 1);

describe('products with a commutation or diagonal factor', () => {
  it('commutation(m, n) M moves row i + j m of M to row j + i n, and compares no indices to build K', async () => {
    const { code, exports } = await compileAndLoad(`${KRON}F = commutation(m, n) kron(A, B)\n`);
    expect(code).not.toMatch(/\? 1 : 0/);
    const F = exports.F!({ A, B }) as Matrix;
    expect([F.rows, F.cols]).toEqual([m * n, p * q]);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++)
        for (let c = 0; c < p * q; c++) expect(at(F, j + i * n, c)).toBe(kronAt(A, B, i + j * m, c));
  });

  it('M commutation(p, q) moves column j + i q of M to column i + j p', async () => {
    const { code, exports } = await compileAndLoad(`${KRON}G = kron(A, B) commutation(p, q)\n`);
    expect(code).not.toMatch(/\? 1 : 0/);
    const G = exports.G!({ A, B }) as Matrix;
    expect([G.rows, G.cols]).toEqual([m * n, p * q]);
    for (let r = 0; r < m * n; r++)
      for (let i = 0; i < p; i++)
        for (let j = 0; j < q; j++) expect(at(G, r, i + j * p)).toBe(kronAt(A, B, r, j + i * q));
  });

  it('diag(v) M scales row i of M by v[i], without a matrix product', async () => {
    const { code, exports } = await compileAndLoad('M : matrix(r, s)\nv : vector(r)\nD = diag(v) M\n');
    expect(code).not.toMatch(/matMul\$|gemm\$/);
    const M = matrix(3, 4, (i, j) => i * 4 + j - 5);
    const v = [2, -0.5, 3];
    const D = exports.D!({ M, v }) as Matrix;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(at(D, i, j)).toBe(v[i]! * at(M, i, j));
  });

  it('M diag(w) scales column j of M by w[j], without a matrix product', async () => {
    const { code, exports } = await compileAndLoad('M : matrix(r, s)\nw : vector(s)\nE = M diag(w)\n');
    expect(code).not.toMatch(/matMul\$|gemm\$/);
    const M = matrix(3, 4, (i, j) => i * 4 + j - 5);
    const w = [2, -0.5, 3, 0.25];
    const E = exports.E!({ M, w }) as Matrix;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(at(E, i, j)).toBe(at(M, i, j) * w[j]!);
  });

  it('(I ⊗ B) K moves the columns of I ⊗ B, read entry by entry, instead of multiplying K in densely', async () => {
    // The Hessian of sum(softplus(a a)) with respect to a has (I ⊗ B) K and (Aᵀ ⊗ I) K terms.
    const text = 'a : matrix(n, n)\nL = sum(softplus(a * a))\nhessian L wrt a\n';
    const { code } = await compileAndLoad(text);
    expect(code).not.toMatch(/=== \(\w+ % d\$\w+\) \* d\$\w+ \+ Math\.floor/);
    const report = await checkModel(checkFormula(text, 'softplus.formula'), {
      dims: { n: 4 },
      seed: 1,
      typeCheck: false,
    });
    expect(report.ok, formatCheckReport(report)).toBe(true);
  });

  it('the Hessians of logdet(Λ) and of mean(inv(I + tanh(V) / c)ᵀ) use neither K nor diag(vec f′) densely, and pass the check', async () => {
    // Found by the false-alarm suite: at n = 16 this Hessian's dense products of (n²) x (n²)
    // factors took about 0.3 s a call, and its check 34 s.
    const text = [
      'V : matrix(n, n)',
      'Λ : matrix(c, c)',
      'X = inv(eye(n) + tanh(V) / (n + 1)^2)^T',
      'L = logdet(Λ) + mean(X)',
      'hessian L wrt V, Λ',
      '',
    ].join('\n');
    const { code } = await compileAndLoad(text);
    // K's entries as an indicator, (k % n) * n + floor(k / n), appear only where K is formed densely.
    expect(code).not.toMatch(/=== \(\w+ % d\$\w+\) \* d\$\w+ \+ Math\.floor/);
    // A dense product with a computed left factor: `aik * t$13[k * (n * n) + j]`, k over n² entries.
    expect(code).not.toMatch(/aik \* t\$\d+\[k \*/);
    const report = await checkModel(checkFormula(text, 'hessian.formula'), {
      dims: { n: 4, c: 3 },
      seed: 1,
      typeCheck: false,
    });
    expect(report.ok, formatCheckReport(report)).toBe(true);
  });
});
