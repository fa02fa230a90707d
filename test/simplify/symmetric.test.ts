/**
 * What a declared structure lets the simplifier and the printer do (LANGUAGE.md 1.1), and only
 * that: Sᵀ = S for a symmetric or spd variable, symmetry by construction (inv(S), Xᵀ S X, x xᵀ,
 * S⁻¹ r rᵀ S⁻¹), and the gradient with respect to S is sym(G), printed as the Matrix Cookbook
 * writes it (§2.8: ∂ logdet S / ∂S = S⁻¹, ∂ xᵀ S x / ∂S = x xᵀ, ∂ xᵀ S⁻¹ x / ∂S = -S⁻¹ x xᵀ S⁻¹).
 */
import { describe, expect, it } from 'vitest';
import { checkFormula, derive, differentiate } from '../../src/index.js';
import { isSymmetric } from '../../src/simplify/matrix.js';
import { expectRoundTripMatches } from '../check/harness.js';

const gradients = (text: string) => derive(text).filter((l) => /^(d|H|Hv|v_)/.test(l));

describe('the Matrix Cookbook forms with respect to a symmetric matrix', () => {
  it('d x^T S x / dS = x x^T', () => {
    expect(gradients('S : symmetric(n)\nx : vector(n)\nq = x^T S x\ngrad q wrt S\n')).toEqual(['dq_dS = x x^T']);
  });

  it('d logdet(S) / dS = inv(S), not inv(S)^T', () => {
    expect(gradients('S : spd(n)\nl = logdet(S)\ngrad l wrt S\n')).toEqual(['dl_dS = inv(S)']);
  });

  it('d x^T inv(S) x / dS = -inv(S) x x^T inv(S)', () => {
    expect(gradients('S : spd(n)\nx : vector(n)\nq = x^T inv(S) x\ngrad q wrt S\n')).toEqual([
      'dq_dS = -inv(S) x x^T inv(S)',
    ]);
  });

  it('d tr(X^T S X) / dS = X X^T', () => {
    expect(gradients('S : symmetric(n)\nX : matrix(n, m)\nu = tr(X^T S X)\ngrad u wrt S\n')).toEqual(['du_dS = X X^T']);
  });

  it('the Gaussian negative log-likelihood: -inv(S) r, 0.5 (inv(S) - inv(S) r r^T inv(S)), and the Hessian inv(S)', () => {
    const text =
      'S : spd(n)\nx, mu : vector(n)\nr = x - mu\nnll = 0.5 r^T inv(S) r + 0.5 logdet(S)\ngrad nll wrt mu, S\nhessian nll wrt mu\n';
    expect(gradients(text)).toEqual([
      'dnll_dmu = -inv(S) r',
      'dnll_dS = 0.5 (inv(S) - inv(S) r r^T inv(S))',
      'Hnll_mu_mu = inv(S)',
    ]);
  });

  it('the same model with a plain square matrix keeps the transposes (nothing is assumed)', () => {
    const text =
      'S : matrix(n, n)\nx, mu : vector(n)\nr = x - mu\nnll = 0.5 r^T inv(S) r + 0.5 logdet(S)\ngrad nll wrt mu, S\n';
    const [dmu, dS] = gradients(text);
    expect(dmu).toBe('dnll_dmu = -0.5 (inv(S) + inv(S)^T) r');
    expect(dS).toContain('inv(S)^T');
  });
});

describe('a use that is not symmetric still gets sym(G)', () => {
  it('d tr(A S) / dS = (A + A^T) / 2, not A^T', () => {
    expect(gradients('S : symmetric(n)\nA : matrix(n, n)\nt = tr(A S)\ngrad t wrt S\n')).toEqual([
      'dt_dS = 0.5 (A + A^T)',
    ]);
  });

  it('d a^T S b / dS = (a b^T + b a^T) / 2', () => {
    expect(gradients('S : symmetric(n)\na, b : vector(n)\nq = a^T S b\ngrad q wrt S\n')).toEqual([
      'dq_dS = 0.5 (a b^T + b a^T)',
    ]);
  });

  it('an HVP with respect to S declares a symmetric direction', () => {
    const lines = gradients('S : spd(n)\nl = logdet(S)\nhvp l wrt S\n');
    expect(lines).toEqual(['v_S : symmetric(n)', 'Hvl_S = -inv(S) v_S inv(S)']);
  });

  it('Jacobian and Hessian blocks with respect to S are composed with the symmetriser N = (I + K) / 2 on vec(S)', () => {
    const lines = derive(
      'x : vector(n)\nS : symmetric(n)\nf = S x\nq = x^T S x + logdet(S)\njacobian f wrt S\nhessian q wrt S\n',
    ).filter((l) => /^(t|J|H)/.test(l));
    expect(lines).toEqual([
      't = kron(inv(S), inv(S))',
      'Jf_S = 0.5 (kron(x^T, eye(n)) + kron(x^T, eye(n)) commutation(n, n))',
      'Hq_S_S = -0.5 (t + t commutation(n, n))',
    ]);
  });
});

describe('symmetric by construction', () => {
  const model = checkFormula(
    [
      'S : symmetric(n)',
      'P : spd(n)',
      'A : matrix(n, n)',
      'X : matrix(n, m)',
      'x : vector(n)',
      'v : vector(n)',
      'a1 = inv(S)',
      'a2 = X^T S X',
      'a3 = X^T P X',
      'a4 = A + A^T',
      'a5 = 2 S + 3 P',
      'a6 = exp(S)',
      'a7 = diag(v)',
      'a8 = x x^T',
      'a9 = X^T inv(P) X',
      'a10 = S .* P',
      'b1 = A',
      'b2 = A S',
      'b3 = S A',
      'b4 = X^T A X',
      'b5 = S + A',
      'b6 = inv(A)',
      '',
    ].join('\n'),
  );
  const value = (name: string) => model.definitions.find((d) => d.name === name)!.node;

  it.each(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10'])('%s is symmetric', (name) => {
    expect(isSymmetric(value(name), model.graph)).toBe(true);
  });

  it.each(['b1', 'b2', 'b3', 'b4', 'b5', 'b6'])('%s is not known to be symmetric', (name) => {
    expect(isSymmetric(value(name), model.graph)).toBe(false);
  });
});

describe('the derivation is unchanged where no structure is declared', () => {
  it('d logdet(A) / dA of a plain matrix is inv(A)^T', () => {
    const model = checkFormula('A : matrix(n, n)\nl = logdet(A)\ngrad l wrt A\n');
    expect(isSymmetric(differentiate(model).gradients[0]!.results[0]!.node, model.graph)).toBe(false);
    expect(gradients('A : matrix(n, n)\nl = logdet(A)\ngrad l wrt A\n')).toEqual(['dl_dA = inv(A)^T']);
  });
});

describe('derive output with respect to a symmetric matrix reads back', () => {
  it.each([
    [
      'the Gaussian NLL',
      'S : spd(n)\nx, mu : vector(n)\nr = x - mu\nnll = 0.5 r^T inv(S) r + 0.5 logdet(S)\ngrad nll wrt mu, S\n',
    ],
    ['tr(A S)', 'S : symmetric(n)\nA : matrix(n, n)\nt = tr(A S)\ngrad t wrt S\n'],
    [
      'the covariance likelihood',
      'X : matrix(d, N)\nS : spd(d)\nnll = N/2 logdet(S) + 1/2 tr(X^T inv(S) X)\ngrad nll wrt S\n',
    ],
  ])('%s: each dL_dS line evaluates to the derived gradient', (_name, text) => {
    expectRoundTripMatches(text, { seeds: [1, 2] });
  });
});
