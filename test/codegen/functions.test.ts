import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { checkFormula } from '../../src/front.js';

/**
 * Every function and operator of the language, each in a definition of its own with its own
 * variables, compiled into one module: the module must type-check strictly, every forward value
 * must match the mathjs reference, and every gradient must match central differences.
 */
const CASES: readonly [name: string, declarations: string, expression: string, wrt: string][] = [
  ['exp', 'x : vector(n)', 'exp(x)', 'x'],
  ['log', 'x : vector(n)', 'log(x)', 'x'],
  ['sqrt', 'x : vector(n)', 'sqrt(x)', 'x'],
  ['sin', 'x : vector(n)', 'sin(x)', 'x'],
  ['cos', 'x : vector(n)', 'cos(x)', 'x'],
  ['tan', 'x : vector(n)', 'tan(x)', 'x'],
  ['asin', 'x : vector(n)', 'asin(x)', 'x'],
  ['acos', 'x : vector(n)', 'acos(x)', 'x'],
  ['atan', 'x : vector(n)', 'atan(x)', 'x'],
  ['tanh', 'x : vector(n)', 'tanh(x)', 'x'],
  ['sigmoid', 'x : vector(n)', 'sigma(x)', 'x'],
  ['relu', 'x : vector(n)', 'relu(x)', 'x'],
  ['softplus', 'x : vector(n)', 'softplus(x)', 'x'],
  ['abs', 'x : vector(n)', 'abs(x)', 'x'],
  ['sign', 'x : vector(n)', 'sign(x) .* x', 'x'],
  ['log1p', 'x : vector(n)', 'log1p(x)', 'x'],
  ['expm1', 'x : vector(n)', 'expm1(x)', 'x'],
  ['cosh', 'x : vector(n)', 'cosh(x)', 'x'],
  ['sinh', 'x : vector(n)', 'sinh(x)', 'x'],
  ['sum', 'X : matrix(m, n)', 'sum(X) ones(n)', 'X'],
  ['mean', 'X : matrix(m, n)', 'mean(X) ones(n)', 'X'],
  ['dot', 'x, y : vector(n)', 'dot(x, y) y', 'x, y'],
  ['norm2', 'X : matrix(m, n)', 'norm2(X) ones(n)', 'X'],
  ['norm', 'x : vector(n)', '||x||_2 x', 'x'],
  ['norm1', 'x : vector(n)', 'norm1(x) ones(n)', 'x'],
  ['logsumexp', 'x : vector(n)', 'logsumexp(x) ones(n)', 'x'],
  ['softmax', 'x : vector(n)', 'softmax(x)', 'x'],
  ['softmax of columns', 'X : matrix(n, m)', 'softmax(X) ones(m)', 'X'],
  ['tr', 'Q : matrix(n, n)', 'tr(Q) ones(n)', 'Q'],
  ['diag of a vector', 'x : vector(n)', 'diag(x) x', 'x'],
  ['diag of a matrix', 'Q : matrix(n, n)', 'diag(Q)', 'Q'],
  ['eye', 'Q : matrix(n, n)', '(Q + eye(n)) ones(n)', 'Q'],
  ['onehot', 'x : vector(n)\nk : index(n)', 'x[k] onehot(k, n) + x', 'x'],
  ['entries', 'X : matrix(m, n)\nx : vector(n)', 'X[1, 0] x + X[0, 1] x .* x', 'X, x'],
  ['matrix products', 'A : matrix(m, n)\nB : matrix(n, m)\nx : vector(n)', 'B A x + A^T A x', 'A, B, x'],
  ['transposes', 'A : matrix(m, n)\nx : vector(m)', "(x^T A)' + (xᵀ A)^T", 'A, x'],
  [
    'broadcasting',
    'X : matrix(n, m)\nb : vector(n)\nr : matrix(1, m)\nc : scalar',
    '(X + b - r .* c) ones(m)',
    'X, b, r, c',
  ],
  ['quotients', 'x, y : vector(n)\nc : scalar', 'x ./ (1 + y .^ 2) + x / (1 + c^2) + c ./ (2 + x .^ 2)', 'x, y, c'],
  ['powers', 'x : vector(n)\nc : scalar', 'x .^ 3 + exp(x) .^ c + c^2 x + 2^c x', 'x, c'],
  ['ones', 'X : matrix(m, n)', 'X ones(n) + ones(m, n) ones(n)', 'X'],
  ['pi and dimension sizes', 'x : vector(n)', 'pi x / n + m x', 'x'],
];

const text = CASES.map(([, declarations, expression, wrt], i) => {
  const rename = (s: string) => s.replace(/\b(x|y|X|A|B|Q|b|r|c|k)\b/g, (v) => `${v}${i}`);
  return [
    `${rename(declarations)}`,
    `f${i} = ${rename(expression)}`,
    // A loss with a non-uniform adjoint: dL/df = 2 f + cos(f).
    `L${i} = sum(f${i} .* f${i}) + sum(sin(f${i}))`,
    `grad L${i} wrt ${rename(wrt)}`,
  ].join('\n');
}).join('\n');

describe('every function through compile and check', () => {
  it('compiles to one strictly typed module whose values and gradients all check', async () => {
    const model = checkFormula(text, 'functions.formula');
    const report = await checkModel(model, { dims: { n: 3, m: 4 }, seed: 11 });
    expect(report.typeErrors).toEqual([]);
    const failures = report.rows
      .filter((r) => !r.pass)
      .map((r) => `${r.functionName} ${r.variable}: ${JSON.stringify(r.comparison)}`);
    expect(failures).toEqual([]);
    // One value row per definition, one value and one row per wrt name per gradient.
    expect(report.rows.length).toBe(CASES.length * 2 + CASES.reduce((s, c) => s + 1 + c[3].split(',').length, 0));
  });
});
