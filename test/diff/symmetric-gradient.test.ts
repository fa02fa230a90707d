/**
 * The gradient with respect to a symmetric matrix is sym(G) = (G + Gᵀ) / 2 of the unconstrained
 * gradient G (LANGUAGE.md 1.1): symmetric, and ⟨sym(G), E⟩ is the directional derivative along
 * every symmetric direction E. The common G + Gᵀ - G ⊙ I is not (Srinivasan & Panda, 2023): its
 * off-diagonal entries are twice too large.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32, randomDims, randomInputs } from '../../src/check/random.js';
import { ReferenceEvaluator, evaluateScalar, type Value } from '../../src/check/reference.js';
import { symmetrise } from '../../src/check/symmetric.js';
import { checkFormula, differentiate } from '../../src/index.js';
import { expectGradientsMatch } from '../check/harness.js';

const inner = (a: Value, b: Value) => a.reduce((s, row, i) => s + row.reduce((t, x, j) => t + x * b[i]![j]!, 0), 0);

/**
 * The gradient of `text`'s first grad line with respect to S, its value, and the directional
 * derivative of the target along a random symmetric E by central differences (S ± t E, symmetric
 * points only, evaluated by the reference evaluator).
 */
function alongRandomSymmetric(text: string, seed: number): { gradient: Value; directional: number; direction: Value } {
  const model = checkFormula(text);
  const dims = randomDims(model);
  const rng = mulberry32(seed);
  const inputs = randomInputs(model, dims, rng);
  const request = differentiate(model).gradients[0]!;
  const gradient = new ReferenceEvaluator({ values: inputs, dims }).value(
    request.results.find((r) => r.name === 'S')!.node,
  );
  const S = inputs.get('S') as Value;
  const direction = symmetrise(S.map((row) => row.map(() => 2 * rng() - 1)));
  const t = 1e-5;
  const at = (sign: number) => {
    const moved = new Map(inputs);
    moved.set(
      'S',
      S.map((row, i) => row.map((x, j) => x + sign * t * direction[i]![j]!)),
    );
    return evaluateScalar(request.request.target.node, { values: moved, dims });
  };
  return { gradient, directional: (at(1) - at(-1)) / (2 * t), direction };
}

const FORMULAS: Record<string, string> = {
  'tr(A S), used unsymmetrically': 'S : symmetric(n)\nA : matrix(n, n)\nt = tr(A S)\ngrad t wrt S\n',
  'a^T S b': 'S : symmetric(n)\na, b : vector(n)\nq = a^T S b\ngrad q wrt S\n',
  'logdet of an spd matrix': 'S : spd(n)\nl = logdet(S)\ngrad l wrt S\n',
  'the Gaussian negative log-likelihood':
    'S : spd(n)\nx, mu : vector(n)\nr = x - mu\nnll = 0.5 r^T inv(S) r + 0.5 logdet(S)\ngrad nll wrt S\n',
  'an elementwise function of S against a matrix':
    'S : symmetric(n)\nA : matrix(n, n)\nv = sum(tanh(S) .* A)\ngrad v wrt S\n',
};

describe('sym(G) against the directional derivative along a symmetric direction', () => {
  it.each(Object.entries(FORMULAS))('%s: <G, E> equals d/dt f(S + t E)', (_name, text) => {
    for (const seed of [1, 2, 3]) {
      const { gradient, directional, direction } = alongRandomSymmetric(text, seed);
      expect(Math.abs(inner(gradient, direction) - directional)).toBeLessThan(
        1e-7 * Math.max(1, Math.abs(directional)),
      );
    }
  });

  it.each(Object.entries(FORMULAS))('%s: the gradient is symmetric', (_name, text) => {
    const { gradient } = alongRandomSymmetric(text, 1);
    gradient.forEach((row, i) =>
      row.forEach((x, j) => expect(Math.abs(x - gradient[j]![i]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(x)))),
    );
  });

  it.each(Object.entries(FORMULAS))('%s: entry by entry against central differences (gradc check)', (_name, text) => {
    expectGradientsMatch(text);
  });
});

describe('why not G + G^T - G .* I', () => {
  it('its inner product with a symmetric direction is off by the off-diagonal part', () => {
    // The unconstrained gradient of a^T S b is a b^T; sym(G) = (a b^T + b a^T) / 2.
    const { gradient, directional, direction } = alongRandomSymmetric(FORMULAS['a^T S b']!, 1);
    const n = gradient.length;
    const common = gradient.map((row, i) => row.map((x, j) => (i === j ? x : 2 * x)));
    expect(Math.abs(inner(gradient, direction) - directional)).toBeLessThan(1e-7);
    expect(Math.abs(inner(common, direction) - directional)).toBeGreaterThan(1e-3);
    expect(n).toBeGreaterThan(1);
  });
});
