/** Jacobians, Hessians and HVPs in matrix form: what `gradc derive` prints for the textbook cases. */
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/index.js';

const lines = (text: string) => derive(text).filter((l) => /^(J|H|Hv|v_)/.test(l));

describe('derivatives in matrix form', () => {
  it('the Jacobian of an elementwise layer is a diagonal times the weights', () => {
    expect(lines('W : matrix(h, n)\nb : vector(h)\nx : vector(n)\nf = tanh(W x + b)\njacobian f wrt x, b\n')).toEqual([
      'Jf_x = diag(1 - f .^ 2) W',
      'Jf_b = diag(1 - f .^ 2)',
    ]);
  });

  it('the Jacobian of softmax is diag(p) - p p^T', () => {
    expect(lines('z : vector(K)\np = softmax(z)\njacobian p wrt z\n')).toEqual(['Jp_z = diag(p) - p p^T']);
  });

  it('the Hessian of a quadratic form is the symmetric part of its matrix', () => {
    expect(lines('x : vector(n)\nA : matrix(n, n)\nq = 1/2 x^T A x\nhessian q wrt x\n')).toEqual([
      'Hq_x_x = 0.5 (A + A^T)',
    ]);
  });

  it('the logistic-regression Hessian is X^T diag(s .* (1 - s)) X', () => {
    const text =
      'X : matrix(N, d)\ny : vector(N)\nw : vector(d)\ns = sigma(X w)\nL = -sum(y .* log(s) + (1 - y) .* log(1 - s))\nhessian L wrt w\n';
    expect(lines(text)).toEqual(['HL_w_w = X^T diag(s .* (1 - s)) X']);
  });

  it('a Hessian block below the diagonal is the transpose of the one above', () => {
    const text = 'x : vector(n)\ny : vector(m)\nB : matrix(n, m)\nL = x^T B y + sum(exp(x))\nhessian L wrt x, y\n';
    expect(lines(text)).toEqual(['HL_x_x = diag(exp(x))', 'HL_x_y = B', 'HL_y_x = HL_x_y^T', 'HL_y_y = 0 ones(m, m)']);
  });

  it('an HVP declares its directions first and is linear in them', () => {
    const text = 'x : vector(n)\nA : matrix(n, n)\nL = 1/2 x^T A x\nhvp L wrt x\n';
    expect(lines(text)).toEqual(['v_x : vector(n)', 'HvL_x = 0.5 (A + A^T) v_x']);
  });

  it('the Jacobian of a scalar with respect to a vector is its gradient as a row', () => {
    expect(lines('x : vector(n)\nL = sum(x .* x)\njacobian L wrt x\n')).toEqual(['JL_x = 2 x^T']);
  });

  it('a Jacobian through a matrix-valued intermediate is taken in the vec convention: J = (b^T ⊗ I) J_M', () => {
    expect(lines('x : vector(n)\nb : vector(n)\nM = x x^T\nf = M b\njacobian f wrt x\n')).toEqual([
      'Jf_x = kron(b^T, eye(n)) (kron(x, eye(n)) + kron(eye(n), x))',
    ]);
  });
});

describe('derivatives through and with respect to matrices (vec convention, Kronecker form)', () => {
  it('F = A X B: the Jacobian with respect to X is kron(B^T, A)', () => {
    expect(lines('A : matrix(m, n)\nX : matrix(n, q)\nB : matrix(q, p)\nF = A X B\njacobian F wrt X\n')).toEqual([
      'JF_X = kron(B^T, A)',
    ]);
  });

  it('M = X^T X + lam eye(d), f = M w: the Jacobian with respect to lam is w', () => {
    const text = 'X : matrix(n, d)\nw : vector(d)\nlam : scalar\nM = X^T X + lam eye(d)\nf = M w\njacobian f wrt lam\n';
    expect(lines(text)).toEqual(['Jf_lam = w']);
  });

  it('the Hessian of ||W x - y||^2 with respect to W is 2 kron(x x^T, eye(h))', () => {
    expect(lines('W : matrix(h, d)\nx : vector(d)\ny : vector(h)\nL = ||W x - y||^2\nhessian L wrt W\n')).toEqual([
      'HL_W_W = 2 kron(x x^T, eye(h))',
    ]);
  });

  it('the Hessian of tr(X^T A X) with respect to X is kron(eye(k), A + A^T)', () => {
    expect(lines('X : matrix(n, k)\nA : matrix(n, n)\nL = tr(X^T A X)\nhessian L wrt X\n')).toEqual([
      'HL_X_X = kron(eye(k), A + A^T)',
    ]);
  });

  it("a softmax layer's weight Hessian is Kronecker-factored (K-FAC): sum(y) kron(x x^T, diag(p) - p p^T)", () => {
    const text = 'W : matrix(K, n)\nx : vector(n)\ny : vector(K)\np = softmax(W x)\nL = -y^T log(p)\nhessian L wrt W\n';
    expect(lines(text)).toEqual(['HL_W_W = sum(y) kron(x x^T, diag(p) - p p^T)']);
  });

  it('the Hessian of ||W X - Y||^2 over a batch with respect to W is 2 kron(X X^T, eye(h))', () => {
    expect(lines('W : matrix(h, n)\nX : matrix(n, N)\nY : matrix(h, N)\nL = ||W X - Y||^2\nhessian L wrt W\n')).toEqual(
      ['HL_W_W = 2 kron(X X^T, eye(h))'],
    );
  });

  it('inner products of matrices print as sum(A .* B), not vec(A)^T vec(B): the Hessian of det(A + x B)', () => {
    const text = 'A : matrix(n, n)\nB : matrix(n, n)\nx : scalar\nY = A + x B\nf = det(Y)\nhessian f wrt x\n';
    expect(lines(text)).toEqual(['Hf_x_x = f sum(inv(Y)^T .* B)^2 - f sum(B .* (inv(Y) B inv(Y))^T)']);
  });

  it('the Jacobian of a transpose is the commutation matrix', () => {
    expect(lines('X : matrix(m, n)\nF = X^T\njacobian F wrt X\n')).toEqual(['JF_X = commutation(m, n)']);
  });

  it('the Jacobian of inv(X) is -(inv(X)^T ⊗ inv(X))', () => {
    expect(lines('X : matrix(n, n)\nY = inv(X)\njacobian Y wrt X\n')).toEqual(['JY_X = -kron(Y^T, Y)']);
  });
});
