/**
 * Hints where a newcomer's habits from NumPy, PyTorch or C fail: each is a located error
 * (`file:line:col: message`, the source line, a caret under the offending text) that says
 * what gradc writes instead.
 */
import { describe, expect, it } from 'vitest';
import { checkFormula } from '../../src/front.js';
import { GradcError } from '../../src/diagnostics/errors.js';

/** The rendered error of a formula that must be refused, as its lines. */
function rendered(text: string): string[] {
  try {
    checkFormula(text, 'model.formula');
  } catch (e) {
    if (e instanceof GradcError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected the formula to be refused');
}

const X = 'x : vector(n)\n';
const AX = 'A : matrix(n, n)\nx : vector(n)\n';

const XM = 'X : matrix(m, n)\nx, y : vector(n)\n';

describe('sums, means and extrema as NumPy and PyTorch write them', () => {
  it.each([
    [
      'sum(X, 1)',
      '3:5',
      "sum takes 1 argument (all the entries); for NumPy's sum(X, axis=1) write X ones(n) (the sum of each row, a column)",
    ],
    [
      'sum(X, 0)',
      '3:5',
      "sum takes 1 argument (all the entries); for NumPy's sum(X, axis=0) write ones(m)^T X (the sum of each column, a row)",
    ],
    [
      'mean(X, 0)',
      '3:5',
      "mean takes 1 argument (all the entries); for NumPy's mean(X, axis=0) write ones(m)^T X / m (the mean of each column, a row)",
    ],
    [
      'sum(2 X, 1)',
      '3:5',
      "sum takes 1 argument (all the entries); for NumPy's sum(X, axis=1) write (2 X) ones(n) (the sum of each row, a column)",
    ],
    [
      'sum(X, axis=0)',
      '3:12',
      "functions take no keyword arguments ('axis='); write ones(m)^T X for the sum of each column (a row; m is the number of rows of X)",
    ],
    [
      'mean(X, dim=1)',
      '3:13',
      "functions take no keyword arguments ('dim='); write X ones(n) / n for the mean of each row (a column; n is the number of columns of X)",
    ],
    [
      'X.sum(0)',
      '3:6',
      "'.sum(...)' is not a function call here; write ones(m)^T X for the sum of each column (a row; m is the number of rows of X)",
    ],
    [
      'X.mean(axis=1)',
      '3:6',
      "'.mean(...)' is not a function call here; write X ones(n) / n for the mean of each row (a column; n is the number of columns of X)",
    ],
    ['x.max()', '3:6', "'.max(...)' is not a function call here; write max(x)"],
    ['np.maximum(x, 0)', '3:5', "functions take no 'np.' prefix; write max(x, 0) or relu(x)"],
    ['torch.max(x)', '3:5', "functions take no 'torch.' prefix; write max(x)"],
    [
      'np.max(X, 0)',
      '3:5',
      "functions take no 'np.' prefix; write max(X) for the largest entry (gradc's max(a, b) is elementwise)",
    ],
    ['torch.minimum(x, y)', '3:5', "functions take no 'torch.' prefix; write min(x, y)"],
    ['softmax(x, dim=0)', '3:16', "functions take no keyword arguments ('dim=')"],
  ])('%s: %s %s', (expression, at, message) => {
    expect(rendered(`${XM}L = ${expression}`)[0]).toBe(`model.formula:${at}: ${message}`);
  });

  it('sum(X, 2) is an ordinary arity error: there is no axis 2', () => {
    expect(rendered(`${XM}L = sum(X, 2)`)[0]).toBe('model.formula:3:5: sum takes 1 argument, not 2');
  });
});

describe('functions and operators of other notations', () => {
  it('norm(x) suggests norm2(x) or ||x|| before norm1(x)', () => {
    expect(rendered(`${X}y = norm(x)`)).toEqual([
      "model.formula:2:5: unknown function 'norm'; write norm2(x) or ||x|| for the Euclidean norm, norm1(x) for the 1-norm",
      '  y = norm(x)',
      '      ^~~~',
    ]);
  });

  it('A @ x suggests A x or A * x', () => {
    expect(rendered(`${AX}y = A @ x`)).toEqual([
      "model.formula:3:7: '@' is not an operator; write the matrix product as A x or A * x",
      '  y = A @ x',
      '        ^',
    ]);
  });

  it('A.T suggests A^T', () => {
    expect(rendered(`${AX}y = x^T A.T x`)).toEqual([
      "model.formula:3:10: '.T' is not a transpose; write A^T",
      '  y = x^T A.T x',
      '           ^~',
    ]);
  });

  it('np.exp(x) suggests exp(x), with the caret under the prefix', () => {
    expect(rendered(`${X}y = sum(np.exp(x))`)).toEqual([
      "model.formula:2:9: functions take no 'np.' prefix; write exp(x)",
      '  y = sum(np.exp(x))',
      '          ^~~',
    ]);
  });

  it('np.dot(u, v) suggests dot(u, v)', () => {
    expect(rendered(`u, v : vector(n)\ny = np.dot(u, v)`)[0]).toBe(
      "model.formula:2:5: functions take no 'np.' prefix; write dot(u, v)",
    );
  });

  it('torch.sigmoid(x) suggests sigmoid(x)', () => {
    expect(rendered(`${X}y = sum(torch.sigmoid(x))`)[0]).toBe(
      "model.formula:2:9: functions take no 'torch.' prefix; write sigmoid(x)",
    );
  });

  it('np.linalg.norm(x) drops the whole prefix and suggests the Euclidean norm', () => {
    expect(rendered(`${X}y = np.linalg.norm(x)`)).toEqual([
      "model.formula:2:5: functions take no 'np.linalg.' prefix; write norm2(x) or ||x|| for the Euclidean norm, norm1(x) for the 1-norm",
      '  y = np.linalg.norm(x)',
      '      ^~~~~~~~~~',
    ]);
  });

  it('transpose(A) suggests A^T', () => {
    expect(rendered(`${AX}y = x^T transpose(A) x`)).toEqual([
      "model.formula:3:9: unknown function 'transpose'; write A^T",
      '  y = x^T transpose(A) x',
      '          ^~~~~~~~~',
    ]);
  });

  it.each([
    ['inverse(S)', "unknown function 'inverse'; write inv(S)"],
    ['determinant(S + S^T)', "unknown function 'determinant'; write det(S + S^T)"],
    ['slogdet(S)', "unknown function 'slogdet'; write logdet(S) for log |det|"],
    ['np.linalg.solve(S, b)', "functions take no 'np.linalg.' prefix; write inv(S) b"],
    [
      'S^-1',
      "'^' is the power of a scalar, but S is matrix(n, n); for the inverse use inv(S), for an elementwise power use S .^ (-1)",
    ],
  ])('%s suggests the matrix function: %s', (expression, message) => {
    expect(rendered(`S : matrix(n, n)\nb : vector(n)\ny = ${expression}`)[0]).toBe(`model.formula:3:5: ${message}`);
  });

  it('np.maximum(0, x) suggests max(0, x) and relu(x)', () => {
    expect(rendered(`${X}y = np.maximum(0, x)`)).toEqual([
      "model.formula:2:5: functions take no 'np.' prefix; write max(0, x) or relu(x)",
      '  y = np.maximum(0, x)',
      '      ^~~',
    ]);
  });

  it('log_softmax(z) of a vector suggests z - logsumexp(z) or log(softmax(z))', () => {
    expect(rendered('z : vector(k)\ny = log_softmax(z)')).toEqual([
      "model.formula:2:5: unknown function 'log_softmax'; write z - logsumexp(z) or log(softmax(z))",
      '  y = log_softmax(z)',
      '      ^~~~~~~~~~~',
    ]);
  });

  it('log_softmax(Z) of a matrix suggests only log(softmax(Z)), since logsumexp sums the whole matrix', () => {
    expect(rendered('Z : matrix(k, m)\nY = log_softmax(Z)')[0]).toBe(
      "model.formula:2:5: unknown function 'log_softmax'; write log(softmax(Z)) (softmax works column by column)",
    );
  });

  it('a // comment suggests #', () => {
    expect(rendered(`${X}y = sum(x) // the total`)).toEqual([
      "model.formula:2:12: '//' does not start a comment; a comment starts with #",
      '  y = sum(x) // the total',
      '             ^~',
    ]);
  });

  it('an unclosed bracket in a // comment does not swallow the next line', () => {
    expect(rendered(`${X}// the total (of x\ny = sum(x)`)).toEqual([
      "model.formula:2:1: '//' does not start a comment; a comment starts with #",
      '  // the total (of x',
      '  ^~',
    ]);
  });
});

describe('the suggested declaration of an undeclared name follows its use', () => {
  it('w^T x with x a vector(n) suggests w : vector(n)', () => {
    expect(rendered(`${X}y = w^T x`)).toEqual([
      "model.formula:2:5: unknown name 'w'; declare it first, for example 'w : vector(n)'",
      '  y = w^T x',
      '      ^',
    ]);
  });

  it('A u with A a matrix(m, n) suggests u : vector(n)', () => {
    expect(rendered('A : matrix(m, n)\nz = A u')[0]).toBe(
      "model.formula:2:7: unknown name 'u'; declare it first, for example 'u : vector(n)'",
    );
  });

  it('u .* x with x a vector(n) suggests u : vector(n)', () => {
    expect(rendered(`${X}z = u .* x`)[0]).toBe(
      "model.formula:2:5: unknown name 'u'; declare it first, for example 'u : vector(n)'",
    );
  });

  it('W x + b with x a vector(n) and b a vector(h) suggests W : matrix(h, n)', () => {
    expect(rendered(`${X}b : vector(h)\nz = W x + b`)[0]).toBe(
      "model.formula:3:5: unknown name 'W'; declare it first, for example 'W : matrix(h, n)'",
    );
  });

  it('W x alone suggests a matrix whose rows are a dimension the file does not use', () => {
    expect(rendered('x : vector(m)\nz = W x')[0]).toBe(
      "model.formula:2:5: unknown name 'W'; declare it first, for example 'W : matrix(n, m)'",
    );
  });

  it('a use through a function and a scalar: (y - b^T sigma(u))^2 suggests u : vector(h)', () => {
    expect(rendered('b : vector(h)\ny : scalar\nL = (y - b^T sigma(u))^2')[0]).toBe(
      "model.formula:3:20: unknown name 'u'; declare it first, for example 'u : vector(h)'",
    );
  });

  it('an undeclared index suggests an index over the indexed axis', () => {
    expect(rendered(`${X}z = x[k]`)[0]).toBe(
      "model.formula:2:7: unknown name 'k'; declare it first, for example 'k : index(n)'",
    );
  });

  it('a use that says nothing of the shape suggests a scalar, as before', () => {
    expect(rendered(`${X}z = sum(q)`)[0]).toBe(
      "model.formula:2:9: unknown name 'q'; declare it first, for example 'q : scalar'",
    );
  });
});
