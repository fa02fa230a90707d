import { describe, expect, it } from 'vitest';
import { train } from '../examples/domke_momentum.js';
import { fitHyperparameters } from '../examples/gp_hyperparameters.js';
import { descend } from '../examples/inf264_descent.js';

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

describe('examples/domke_momentum.ts: gradient descent with momentum on Domke\'s network', () => {
  it('lowers the risk every epoch', () => {
    const risks = train(30);
    for (let i = 1; i < risks.length; i++) expect(risks[i]).toBeLessThan(risks[i - 1]!);
    expect(risks[risks.length - 1]!).toBeLessThan(risks[0]! / 50);
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
