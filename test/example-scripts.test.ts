import { describe, expect, it } from 'vitest';
import { newtonCg, truncatedCg } from '../examples/cg_least_squares.js';
import { fitCovariance, sampleCovariance, samples } from '../examples/covariance_mle.js';
import { train } from '../examples/domke_momentum.js';
import { fitHyperparameters } from '../examples/gp_hyperparameters.js';
import { nllGrad } from '../generated/covariance_mle.js';
import { descend } from '../examples/inf264_descent.js';
import { choleskySolve, newton } from '../examples/newton_logistic.js';
import { newton as newtonSoftmax } from '../examples/newton_softmax.js';

describe('examples/inf264_descent.ts: INF264 Homework 4 with the generated module', () => {
  const r = descend(0.01);

  it('predicts 3 and 0 on the two samples', () => {
    expect(r.predictions).toEqual([3, 0]);
  });

  it('has loss 3.25', () => {
    expect(r.loss).toBeCloseTo(3.25, 12);
  });

  it('has mean gradient (3.4, 1.7, 1.7, 5.1, -0.2)', () => {
    [3.4, 1.7, 1.7, 5.1, -0.2].forEach((g, i) => expect(r.gradient[i]).toBeCloseTo(g, 12));
  });

  it('takes one step of size 0.01 against the gradient', () => {
    [0.966, 0.983, -0.017, 0.949, 0.002].forEach((w, i) => expect(r.updated[i]).toBeCloseTo(w, 12));
  });

  it('lowers the loss', () => {
    expect(r.newLoss).toBeLessThan(r.loss);
  });
});

describe("examples/domke_momentum.ts: gradient descent with momentum on Domke's network", () => {
  it('lowers the risk every epoch', () => {
    const risks = train(30);
    for (let i = 1; i < risks.length; i++) expect(risks[i]).toBeLessThan(risks[i - 1]!);
    expect(risks[risks.length - 1]!).toBeLessThan(risks[0]! / 50);
  });
});

describe("examples/newton_logistic.ts: Newton's method with the generated LHess", () => {
  it('solves a positive definite system by Cholesky: [[4, 2], [2, 3]] p = (2, 1) gives p = (0.5, 0)', () => {
    const H = { rows: 2, cols: 2, data: Float64Array.of(4, 2, 2, 3) };
    expect(Array.from(choleskySolve(H, Float64Array.of(2, 1)))).toEqual([0.5, 0]);
  });

  it('refuses a matrix that is not positive definite', () => {
    const H = { rows: 2, cols: 2, data: Float64Array.of(1, 2, 2, 1) };
    expect(() => choleskySolve(H, Float64Array.of(1, 1))).toThrow(
      new RangeError('choleskySolve: H is not positive definite (pivot 1)'),
    );
  });

  const iterates = newton();
  const norms = iterates.map((it) => it.gradientNorm);

  it('reaches a gradient norm below 1e-12 within 6 Newton steps', () => {
    expect(iterates.length).toBeLessThanOrEqual(7);
    expect(norms[norms.length - 1]!).toBeLessThan(1e-12);
  });

  it('converges quadratically: once the norm is below 2, each step until rounding level (1e-9) gives norm <= 0.1 norm^2', () => {
    const quadraticSteps = norms.slice(1).map((next, k) => ({ previous: norms[k]!, next }));
    const nearMinimum = quadraticSteps.filter(({ previous }) => previous < 2 && previous > 1e-9);
    expect(nearMinimum.length).toBeGreaterThanOrEqual(3);
    for (const { previous, next } of nearMinimum) expect(next).toBeLessThanOrEqual(0.1 * previous ** 2);
  });

  it('lowers the loss at every step above rounding level and never raises it', () => {
    for (let k = 1; k < iterates.length; k++) {
      expect(iterates[k]!.loss).toBeLessThanOrEqual(iterates[k - 1]!.loss);
      if (norms[k - 1]! > 1e-6) expect(iterates[k]!.loss).toBeLessThan(iterates[k - 1]!.loss);
    }
  });
});

describe("examples/cg_least_squares.ts: Newton-CG on DS 102's network with the generated LHvp", () => {
  it('truncated CG solves a positive definite system exactly in two steps: [[4, 1], [1, 3]] p = -(1, 2)', () => {
    const times = (d: Float64Array) => Float64Array.of(4 * d[0]! + d[1]!, d[0]! + 3 * d[1]!);
    const { p, iterations } = truncatedCg(times, Float64Array.of(1, 2), 1e-14, 10);
    expect(iterations).toBe(2);
    expect(p[0]).toBeCloseTo(-1 / 11, 14);
    expect(p[1]).toBeCloseTo(-7 / 11, 14);
  });

  it('truncated CG returns -g when g itself is a direction of negative curvature', () => {
    const times = (d: Float64Array) => Float64Array.of(-2 * d[0]!, d[1]!); // H = diag(-2, 1), g^T H g = -1
    const { p, iterations } = truncatedCg(times, Float64Array.of(1, 1), 1e-14, 10);
    expect(iterations).toBe(1);
    expect(Array.from(p)).toEqual([-1, -1]);
  });

  const rows = newtonCg();
  const norms = rows.map((row) => row.gradientNorm);
  const last = rows[rows.length - 1]!;

  it('reaches a gradient norm below 1e-8 within 20 steps', () => {
    expect(rows.length).toBeLessThanOrEqual(21);
    expect(last.gradientNorm).toBeLessThan(1e-8);
  });

  it('lowers the loss at every step above rounding level, never raises it, and ends below 4.6 and 30% of the start', () => {
    for (let k = 1; k < rows.length; k++) {
      expect(rows[k]!.loss).toBeLessThanOrEqual(rows[k - 1]!.loss);
      if (norms[k - 1]! > 1e-6) expect(rows[k]!.loss).toBeLessThan(rows[k - 1]!.loss);
    }
    expect(last.loss).toBeLessThan(4.6);
    expect(last.loss).toBeLessThan(0.3 * rows[0]!.loss);
  });

  it('converges superlinearly: over the last five steps the ratio of successive gradient norms shrinks every step', () => {
    const ratios = norms
      .slice(-6)
      .slice(1)
      .map((next, k) => next / norms[norms.length - 6 + k]!);
    for (let k = 1; k < ratios.length; k++) expect(ratios[k]!).toBeLessThan(ratios[k - 1]!);
    expect(ratios[ratios.length - 1]!).toBeLessThan(1e-3);
  });

  it('spends fewer Hessian-vector products on each step than the 16 that forming the Hessian would take', () => {
    for (const row of rows.slice(0, -1)) expect(row.cgIterations).toBeLessThan(16);
  });
});

describe('examples/gp_hyperparameters.ts: Gaussian-process hyperparameters by gradient descent', () => {
  const history = fitHyperparameters(10);

  it('starts from (ell, sf2, sn2) = (1, 1, 0.5)', () => {
    expect([history[0]!.ell, history[0]!.sf2, history[0]!.sn2]).toEqual([1, 1, 0.5]);
  });

  it('raises the marginal likelihood (lowers nlml) every step', () => {
    for (let i = 1; i < history.length; i++) expect(history[i]!.nlml).toBeLessThan(history[i - 1]!.nlml);
  });

  it('shrinks the noise variance towards the small noise of the data', () => {
    expect(history.at(-1)!.sn2).toBeLessThan(0.05);
  });
});

describe("examples/newton_softmax.ts: Newton's method on multinomial logistic regression, W (K x p) the variable", () => {
  const iterates = newtonSoftmax();
  const norms = iterates.map((it) => it.gradientNorm);

  it('reaches a gradient norm below 1e-12 within 8 Newton steps of the (K p) x (K p) Hessian', () => {
    expect(iterates.length).toBeLessThanOrEqual(9);
    expect(norms[norms.length - 1]!).toBeLessThan(1e-12);
  });

  it('converges quadratically: once the norm is below 0.01, each step until rounding level gives norm <= 10 norm^2', () => {
    const steps = norms.slice(1).map((next, k) => ({ previous: norms[k]!, next }));
    const nearMinimum = steps.filter(({ previous }) => previous < 0.01 && previous > 1e-9);
    expect(nearMinimum.length).toBeGreaterThanOrEqual(3);
    for (const { previous, next } of nearMinimum) expect(next).toBeLessThanOrEqual(10 * previous ** 2);
  });

  it('lowers the loss at every step above rounding level', () => {
    for (let k = 1; k < iterates.length; k++)
      if (norms[k - 1]! > 1e-6) expect(iterates[k]!.loss).toBeLessThan(iterates[k - 1]!.loss);
  });
});

describe('examples/covariance_mle.ts: maximum likelihood of an spd covariance by gradient steps', () => {
  const X = samples();
  const fit = fitCovariance(X);
  const C = sampleCovariance(X);

  it('reaches a gradient norm below 1e-7 N within 1000 steps', () => {
    expect(fit.nll.length).toBeLessThan(1000);
    expect(fit.gradientNorm).toBeLessThan(1e-7 * X.cols);
  });

  it('agrees with the closed form X X^T / N to 1e-6', () => {
    fit.S.data.forEach((x, k) => expect(Math.abs(x - C.data[k]!)).toBeLessThan(1e-6));
  });

  it('lowers the negative log-likelihood every step, to its value at the closed form', () => {
    for (let i = 1; i < fit.nll.length; i++) expect(fit.nll[i]).toBeLessThanOrEqual(fit.nll[i - 1]!);
    expect(fit.nll.at(-1)!).toBeCloseTo(nllGrad({ X, S: C }).value, 9);
  });

  it('keeps S exactly symmetric', () => {
    const d = fit.S.rows;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(fit.S.data[i * d + j]).toBe(fit.S.data[j * d + i]);
  });

  it('the gradient is 0 at the sample covariance, to rounding', () => {
    const g = nllGrad({ X, S: C }).S.data;
    g.forEach((x) => expect(Math.abs(x)).toBeLessThan(1e-9 * X.cols));
  });
});
