/**
 * LANGUAGE.md 1.4, broadcasting: a scalar combines with anything elementwise; an n x 1
 * column with an n x c matrix (repeated across columns); a 1 x c row with an r x c matrix
 * (repeated down rows). Nothing else broadcasts.
 */
import { describe, expect, it } from 'vitest';
import { check, definition, error, shapeOf } from '../syntax/helpers.js';

const DECLS = `s : scalar
u : vector(n)
w : vector(m)
C : matrix(n, c)
D : matrix(c, n)
r : matrix(1, c)
q : vector(c)
`;

function shapeOfExpr(expression: string): string {
  return shapeOf(definition(check(`${DECLS}y = ${expression}`), 'y'));
}

function refused(expression: string): string {
  return error(`${DECLS}y = ${expression}`);
}

describe('accepted', () => {
  it.each([
    ['s + C', 'n x c'],
    ['C + s', 'n x c'],
    ['s - u', 'n x 1'],
    ['C .* s', 'n x c'],
    ['s ./ C', 'n x c'],
    ['C .^ s', 'n x c'],
    ['1 + C', 'n x c'],
  ])('a scalar with anything: %s is %s', (expression, expected) => {
    expect(shapeOfExpr(expression)).toBe(expected);
  });

  it.each([
    ['u + C', 'n x c'],
    ['C + u', 'n x c'],
    ['C - u', 'n x c'],
    ['u .* C', 'n x c'],
    ['C ./ u', 'n x c'],
    ['C .^ u', 'n x c'],
  ])('an n x 1 column with an n x c matrix: %s is %s', (expression, expected) => {
    expect(shapeOfExpr(expression)).toBe(expected);
  });

  it.each([
    ['r + C', 'n x c'],
    ['C + r', 'n x c'],
    ['q^T + C', 'n x c'],
    ['C - q^T', 'n x c'],
    ['r .* C', 'n x c'],
    ['C ./ r', 'n x c'],
  ])('a 1 x c row with an r x c matrix: %s is %s', (expression, expected) => {
    expect(shapeOfExpr(expression)).toBe(expected);
  });

  it('W X + b adds a bias to every column of a batch', () => {
    const model = check('W : matrix(h, p)\nX : matrix(p, B)\nb : vector(h)\nZ = W X + b');
    expect(shapeOf(definition(model, 'Z'))).toBe('h x B');
  });

  it('equal shapes combine', () => {
    expect(shapeOfExpr('C + C')).toBe('n x c');
  });
});

describe("refused, with the shapes in the user's terms", () => {
  it('vector(n) + vector(m)', () => {
    expect(refused('u + w')).toBe('8:5: cannot add vector(n) and vector(m): the shapes differ and do not broadcast');
  });

  it('vector(n) - vector(m)', () => {
    expect(refused('u - w')).toBe(
      '8:5: cannot subtract vector(m) from vector(n): the shapes differ and do not broadcast',
    );
  });

  it('vector(n) .* vector(m)', () => {
    expect(refused('u .* w')).toBe(
      '8:5: cannot multiply vector(n) and vector(m) elementwise: the shapes differ and do not broadcast',
    );
  });

  it('vector(n) ⊙ vector(m)', () => {
    expect(refused('u ⊙ w')).toBe(
      '8:5: cannot multiply vector(n) and vector(m) elementwise: the shapes differ and do not broadcast',
    );
  });

  it('vector(n) ./ vector(m)', () => {
    expect(refused('u ./ w')).toBe(
      '8:5: cannot divide vector(n) by vector(m) elementwise: the shapes differ and do not broadcast',
    );
  });

  it('vector(n) .^ vector(m)', () => {
    expect(refused('u .^ w')).toBe(
      '8:5: cannot raise vector(n) to the power vector(m) elementwise: the shapes differ and do not broadcast',
    );
  });

  it('an n x 1 column and a 1 x c row do not make an outer sum', () => {
    expect(refused('u + r')).toBe('8:5: cannot add vector(n) and vector(c)^T: the shapes differ and do not broadcast');
  });

  it('a column and its own transpose do not broadcast', () => {
    expect(refused('u + u^T')).toBe(
      '8:5: cannot add vector(n) and vector(n)^T: the shapes differ and do not broadcast',
    );
  });

  it('an n x 1 column and a 1 x c row do not multiply elementwise', () => {
    expect(refused('u .* r')).toBe(
      '8:5: cannot multiply vector(n) and vector(c)^T elementwise: the shapes differ and do not broadcast',
    );
  });

  it('a matrix and its transpose', () => {
    expect(refused('C + D')).toBe(
      '8:5: cannot add matrix(n, c) and matrix(c, n): the shapes differ and do not broadcast',
    );
  });

  it('a column whose length is the matrix width suggests its transpose', () => {
    expect(refused('q + C')).toBe(
      '8:5: cannot add vector(c) and matrix(n, c): the shapes differ and do not broadcast; did you mean q^T?',
    );
  });

  it('a transposed row whose length is the matrix width suggests the row', () => {
    expect(refused('C + r^T')).toBe(
      '8:5: cannot add matrix(n, c) and vector(c): the shapes differ and do not broadcast; did you mean r?',
    );
  });

  it('the error points at the whole operation, its parentheses included', () => {
    expect(error(`${DECLS}y = 2 + (u + w)`)).toBe(
      '8:9: cannot add vector(n) and vector(m): the shapes differ and do not broadcast',
    );
  });
});
