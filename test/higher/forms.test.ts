/** Jacobians, Hessians and HVPs in matrix form: what `gradc derive` prints for the textbook cases. */
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/index.js';
import { GradcError } from '../../src/diagnostics/errors.js';
import { formatDiagnostic } from '../../src/index.js';

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
    expect(lines('x : vector(n)\nA : matrix(n, n)\nq = 1/2 x^T A x\nhessian q wrt x\n')).toEqual(['Hq_x_x = 0.5 (A^T + A)']);
  });

  it('the logistic-regression Hessian is X^T diag(s .* (1 - s)) X', () => {
    const text = 'X : matrix(N, d)\ny : vector(N)\nw : vector(d)\ns = sigma(X w)\nL = -sum(y .* log(s) + (1 - y) .* log(1 - s))\nhessian L wrt w\n';
    expect(lines(text)).toEqual(['HL_w_w = X^T diag(s .* (1 - s)) X']);
  });

  it('a Hessian block below the diagonal is the transpose of the one above', () => {
    const text = 'x : vector(n)\ny : vector(m)\nB : matrix(n, m)\nL = x^T B y + sum(exp(x))\nhessian L wrt x, y\n';
    expect(lines(text)).toEqual(['HL_x_x = diag(exp(x))', 'HL_x_y = B', 'HL_y_x = HL_x_y^T', 'HL_y_y = 0 ones(m, m)']);
  });

  it('an HVP declares its directions first and is linear in them', () => {
    const text = 'x : vector(n)\nA : matrix(n, n)\nL = 1/2 x^T A x\nhvp L wrt x\n';
    expect(lines(text)).toEqual(['v_x : vector(n)', 'HvL_x = 0.5 (A^T + A) v_x']);
  });

  it('the Jacobian of a scalar with respect to a vector is its gradient as a row', () => {
    expect(lines('x : vector(n)\nL = sum(x .* x)\njacobian L wrt x\n')).toEqual(['JL_x = 2 x^T']);
  });

  it('a Jacobian through a matrix-valued intermediate is a located error that names it and hvp', () => {
    const text = 'x : vector(n)\nb : vector(n)\nM = x x^T\nf = M b\njacobian f wrt x\n';
    let message = '';
    try {
      derive(text, 'outer.formula');
    } catch (e) {
      if (!(e instanceof GradcError)) throw e;
      message = formatDiagnostic(e.source, e.diagnostics[0]!);
    }
    expect(message.split('\n')[0]).toBe(
      "outer.formula:5:1: the Jacobian of f passes through 'M', a matrix(n, n) that depends on the wrt value; gradc writes Jacobians through scalars and vectors only: ask for hvp f wrt ... (Hessian-vector products) or grad of a scalar",
    );
  });
});
