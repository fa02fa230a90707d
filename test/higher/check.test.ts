/**
 * Generated fJac / LHess / LHvp against differences (gradc check): Jacobians against differences
 * of the value, Hessian blocks against differences of the gradient, HVPs against directional
 * differences of the gradient.
 */
import { describe, expect, it } from 'vitest';
import { checkModel, checkFormula, formatCheckReport } from '../../src/index.js';

/**
 * Checks the formula and requires it to pass with a compared row for every block of every
 * second-order function (a report without rows proves nothing): a Jacobian's value and wrt
 * blocks, a Hessian's value, gradient and every ordered block, an HVP's value, gradient and products.
 */
async function passes(text: string, dims?: Record<string, number>) {
  const model = checkFormula(text);
  const report = await checkModel(model, { seed: 3, ...(dims === undefined ? {} : { dims }) });
  if (!report.ok) throw new Error(formatCheckReport(report));
  const compared = report.rows.filter((r) => r.skipped === undefined).map((r) => `${r.functionName} ${r.variable}`);
  for (const h of model.higherRequests) {
    const wrt = h.wrt.map((w) => w.name);
    const blocks =
      h.kind === 'jacobian'
        ? wrt
        : [
            ...wrt.map((w) => `grad.${w}`),
            ...(h.kind === 'hessian'
              ? wrt.flatMap((x) => wrt.map((y) => `hess.${x}.${y}`))
              : wrt.map((w) => `hvp.${w}`)),
          ];
    expect(compared.filter((r) => r.startsWith(`${h.functionName} `))).toEqual(
      ['value', ...blocks].map((b) => `${h.functionName} ${b}`),
    );
  }
  return report.rows.map((r) => `${r.functionName} ${r.variable}`);
}

describe('gradc check of second-order requests', () => {
  it('a layer Jacobian with respect to a vector, a bias and a scalar', async () => {
    const rows = await passes(
      'W : matrix(h, n)\nb : vector(h)\nx : vector(n)\nc : scalar\nf = sigma(c W x + b)\njacobian f wrt x, b, c\n',
    );
    expect(rows.filter((r) => r.startsWith('fJac'))).toEqual(['fJac value', 'fJac x', 'fJac b', 'fJac c']);
  });

  it('a Jacobian with respect to a definition (the delta of a layer)', async () => {
    await passes('W : matrix(h, n)\nx : vector(n)\nz = W x\nf = softmax(z) .* z\njacobian f wrt z\n');
  });

  it('a row-valued function and reductions on the way', async () => {
    await passes(
      'A : matrix(n, m)\nx : vector(n)\nr = x^T A\nf = r / norm2(r) + mean(x) + logsumexp(x)\njacobian f wrt x\n',
    );
  });

  it('entries, divisions and powers', async () => {
    await passes(
      'x : vector(n)\nk : index(n)\ny : vector(n)\nf = (x ./ (2 + y .* y)) .^ 3 + x[k] + x[0]\njacobian f wrt x, y\n',
    );
  });

  it('every ordered Hessian block of two vectors and a scalar', async () => {
    const rows = await passes(
      'x : vector(n)\ny : vector(m)\nB : matrix(n, m)\nt : scalar\nL = tanh(x)^T B sigma(t y) + t^2 sum(exp(x))\nhessian L wrt x, y, t\n',
    );
    expect(rows.filter((r) => r.includes('hess'))).toEqual(
      ['x', 'y', 't'].flatMap((a) => ['x', 'y', 't'].map((b) => `LHess hess.${a}.${b}`)),
    );
  });

  it('Jacobian and Hessian blocks with respect to matrices are compared in vec order (columns stacked)', async () => {
    const rows = await passes(
      'A : matrix(m, n)\nX : matrix(n, p)\nB : matrix(p, q)\nW : matrix(h, d)\nx : vector(d)\ny : vector(h)\nF = A X B\nL = norm2(W x - y)^2\njacobian F wrt X, A\nhessian L wrt W, x\n',
    );
    expect(rows.filter((r) => r.startsWith('FJac') || r.includes('hess'))).toEqual([
      'FJac value',
      'FJac X',
      'FJac A',
      'LHess hess.W.W',
      'LHess hess.W.x',
      'LHess hess.x.W',
      'LHess hess.x.x',
    ]);
  });

  it('a Jacobian with respect to a matrix-valued definition is differenced through the reference in vec order', async () => {
    await passes('F : matrix(m, n)\nA : matrix(n, p)\nG = tanh(F)\nH = G A\njacobian H wrt G\n');
  });

  it('blocks with respect to a symmetric matrix are taken along symmetric directions (composed with N = (I + K) / 2)', async () => {
    await passes(
      'x : vector(n)\nS : symmetric(n)\nf = S x\nq = x^T S x + logdet(S)\njacobian f wrt S\nhessian q wrt S\n',
    );
  });

  it('the logistic-regression Hessian', async () => {
    await passes(
      'X : matrix(N, d)\ny : vector(N)\nw : vector(d)\ns = sigma(X w)\nL = -sum(y .* log(s) + (1 - y) .* log(1 - s))\nhessian L wrt w\n',
    );
  });

  it('HVPs with respect to a matrix, a vector and a scalar', async () => {
    const rows = await passes(
      'W : matrix(h, n)\nb : vector(h)\nx : vector(n)\na : scalar\nL = sum(softplus(a W x + b) .^ 2)\nhvp L wrt W, b, a\n',
    );
    expect(rows.filter((r) => r.includes('hvp'))).toEqual(['LHvp hvp.W', 'LHvp hvp.b', 'LHvp hvp.a']);
  });

  it('an HVP through softmax cross-entropy', async () => {
    await passes(
      'W : matrix(K, d)\nx : vector(d)\nk : index(K)\nL = logsumexp(W x) - (W x)[k]\nhvp L wrt W\nhessian L wrt x\n',
    );
  });
});
