/**
 * Stable forms of log-probabilities (issue 18, item 7): within a definition, log(softmax(z)),
 * log(softmax(z)[k]), log(σ(x)) and log(1 - σ(x)) are computed as z - logsumexp(z),
 * z[k] - logsumexp(z), -softplus(-x) and -softplus(x), so values and gradients stay finite
 * and exact at logit gaps where softmax and σ round to 0 or 1.
 */
import { describe, expect, it } from 'vitest';
import { checkFormula, differentiate, toFormula } from '../../src/index.js';
import { compileAndLoad } from './helpers.js';

function derive(text: string): Record<string, string> {
  const model = checkFormula(text);
  return Object.fromEntries(toFormula(model, differentiate(model)).map((l) => [l.name, l.expression]));
}

type Gradient<K extends string> = { value: number } & Record<K, Float64Array>;

const CROSS_ENTROPY = 'z : vector(K)\nk : index(K)\nL = -log(softmax(z)[k])\n';
const CROSS_ENTROPY_OF_LOG_SOFTMAX = 'z : vector(K)\nk : index(K)\nL = -log(softmax(z))[k]\n';

describe('-log(softmax(z)[k]) at a logit gap of 2000', () => {
  it('the loss is logsumexp(z) - z[k] = 2000', async () => {
    const { exports } = await compileAndLoad(`${CROSS_ENTROPY}grad L wrt z\n`);
    expect(exports.L!({ z: [1000, -1000, 0], k: 1 })).toBe(2000);
  });

  it('the gradient is softmax(z) - onehot(k, K)', async () => {
    const { exports } = await compileAndLoad(`${CROSS_ENTROPY}grad L wrt z\n`);
    const g = exports.LGrad!({ z: [1000, -1000, 0], k: 1 }) as Gradient<'z'>;
    expect(Array.from(g.z)).toEqual([1, -1, 0]);
  });

  it('the loss is exact at -1000 too', async () => {
    const { exports } = await compileAndLoad(`${CROSS_ENTROPY}grad L wrt z\n`);
    const g = exports.LGrad!({ z: [-1000, 0, 1000], k: 0 }) as Gradient<'z'>;
    expect(g.value).toBe(2000);
    expect(Array.from(g.z)).toEqual([-1, 0, 1]);
  });

  it('derives to softmax(z) - onehot(k, K)', () => {
    expect(derive(`${CROSS_ENTROPY}grad L wrt z\n`).dL_dz).toBe('softmax(z) - onehot(k, K)');
  });

  it('the derived formula, compiled, is finite at the same gap', async () => {
    const { exports } = await compileAndLoad(
      `${CROSS_ENTROPY}dL_dz = ${derive(`${CROSS_ENTROPY}grad L wrt z\n`).dL_dz}\n`,
    );
    expect(Array.from(exports.dL_dz!({ z: [1000, -1000, 0], k: 1 }) as Float64Array)).toEqual([1, -1, 0]);
  });
});

describe('-log(softmax(z))[k]', () => {
  it('the loss and the gradient are exact at a gap of 2000', async () => {
    const { exports } = await compileAndLoad(`${CROSS_ENTROPY_OF_LOG_SOFTMAX}grad L wrt z\n`);
    const g = exports.LGrad!({ z: [1000, -1000, 0], k: 1 }) as Gradient<'z'>;
    expect(g.value).toBe(2000);
    expect(Array.from(g.z)).toEqual([1, -1, 0]);
  });

  it('derives to softmax(z) - onehot(k, K)', () => {
    expect(derive(`${CROSS_ENTROPY_OF_LOG_SOFTMAX}grad L wrt z\n`).dL_dz).toBe('softmax(z) - onehot(k, K)');
  });
});

describe('log(softmax(z)) of a vector', () => {
  it('is z - logsumexp(z), finite where softmax rounds to 0', async () => {
    const { exports } = await compileAndLoad('z : vector(K)\np = log(softmax(z))\n');
    expect(Array.from(exports.p!({ z: [1000, -1000, 0] }) as Float64Array)).toEqual([0, -2000, -1000]);
  });

  it('gives the cross-entropy with a probability vector a finite gradient', async () => {
    const { exports } = await compileAndLoad('z, y : vector(K)\nL = -y^T log(softmax(z))\ngrad L wrt z\n');
    const g = exports.LGrad!({ z: [1000, -1000, 0], y: [0, 0.5, 0.5] }) as Gradient<'z'>;
    expect(g.value).toBe(1500);
    // softmax(z) sum(y) - y
    expect(Array.from(g.z)).toEqual([1, -0.5, -0.5]);
  });
});

describe('log(σ(x)) and log(1 - σ(x)), elementwise on a vector', () => {
  it('log(σ(x)) is -softplus(-x): -1000 and 0 at x = -1000 and 1000', async () => {
    const { exports } = await compileAndLoad('x : vector(n)\nf = log(sigmoid(x))\n');
    expect(Array.from(exports.f!({ x: [-1000, 1000] }) as Float64Array)).toEqual([-1000, -0]);
  });

  it('the gradient of sum(log(σ(x))) is σ(-x), exact at ±1000', async () => {
    const { exports } = await compileAndLoad('x : vector(n)\nL = sum(log(sigmoid(x)))\ngrad L wrt x\n');
    const g = exports.LGrad!({ x: [-1000, 1000] }) as Gradient<'x'>;
    expect(g.value).toBe(-1000);
    expect(Array.from(g.x)).toEqual([1, 0]);
  });

  it('log(1 - σ(x)) is -softplus(x): 0 and -1000 at x = -1000 and 1000', async () => {
    const { exports } = await compileAndLoad('x : vector(n)\nf = log(1 - sigmoid(x))\n');
    expect(Array.from(exports.f!({ x: [-1000, 1000] }) as Float64Array)).toEqual([-0, -1000]);
  });

  it('the gradient of sum(log(1 - σ(x))) is -σ(x), exact at ±1000', async () => {
    const { exports } = await compileAndLoad('x : vector(n)\nL = sum(log(1 - sigmoid(x)))\ngrad L wrt x\n');
    const g = exports.LGrad!({ x: [-1000, 1000] }) as Gradient<'x'>;
    expect(g.value).toBe(-1000);
    expect(Array.from(g.x)).toEqual([-0, -1]);
  });

  it('ones(n) - σ(x) and -σ(x) + 1 are rewritten the same way', () => {
    const d = derive(
      'x : vector(n)\nu = sum(log(ones(n) - sigmoid(x)))\nv = sum(log(-sigmoid(x) + 1))\ngrad u wrt x\ngrad v wrt x\n',
    );
    expect([d.du_dx, d.dv_dx]).toEqual(['-sigmoid(x)', '-sigmoid(x)']);
  });

  it('a scalar log(1 - σ(x)) at 1000 is -1000 with gradient -1', async () => {
    const { exports } = await compileAndLoad('x : scalar\nL = log(1 - sigmoid(x))\ngrad L wrt x\n');
    expect(exports.LGrad!({ x: 1000 })).toEqual({ value: -1000, x: -1 });
  });
});

describe('the rewrites stop at named definitions', () => {
  it('log(p[k]) with p = softmax(z) keeps the exact gradient with respect to p', () => {
    const d = derive('z : vector(K)\nk : index(K)\np = softmax(z)\nL = -log(p[k])\ngrad L wrt p\n');
    expect(d.dL_dp).toBe('-1 / p[k] onehot(k, K)');
  });

  it('log(1 - yhat) with yhat = σ(z) keeps the exact gradient with respect to yhat', () => {
    const d = derive('z : scalar\nyhat = sigma(z)\nL = log(1 - yhat)\ngrad L wrt yhat\n');
    expect(d.dL_dyhat).toBe('-1 / (1 - yhat)');
  });
});
