/**
 * Declarations of structured matrices (LANGUAGE.md 1.1): `S : symmetric(n)` and `P : spd(n)` are
 * n x n matrices that carry their structure; a second dimension, a misspelt type word or a
 * structure word used as a name are located errors that say what to write.
 */
import { describe, expect, it } from 'vitest';
import { check, error } from '../syntax/helpers.js';

describe('declaring a symmetric or spd matrix', () => {
  it('symmetric(n) is an n x n matrix variable marked symmetric', () => {
    const s = check('S : symmetric(n)\n').variables[0]!;
    expect([s.kind, s.shape.rows, s.shape.cols, s.structure]).toEqual(['matrix', 'n', 'n', 'symmetric']);
  });

  it('spd(3) is a 3 x 3 matrix variable marked spd, and its node carries the structure', () => {
    const p = check('P : spd(3)\n').variables[0]!;
    expect([p.shape.rows, p.shape.cols, p.structure, p.node.attrs.structure]).toEqual([3, 3, 'spd', 'spd']);
  });

  it('several names share one structured type', () => {
    expect(check('A, B : spd(n)\n').variables.map((v) => v.structure)).toEqual(['spd', 'spd']);
  });

  it('a plain square matrix has no structure', () => {
    expect(check('A : matrix(n, n)\n').variables[0]!.structure).toBeUndefined();
  });

  it('S^T of a symmetric variable is the variable itself', () => {
    const model = check('S : symmetric(n)\nT2 = S^T\n');
    expect(model.definitions[0]!.node).toBe(model.variables[0]!.node);
  });

  it('a structured matrix multiplies like the square matrix it is', () => {
    expect(error('S : spd(n)\nx : vector(m)\ny = S x')).toBe('3:5: cannot multiply matrix(n, n) by vector(m): n != m');
  });
});

describe('malformed structured types', () => {
  it('symmetric(n, m) says a symmetric matrix is square and what to write for a rectangular one', () => {
    expect(error('S : symmetric(n, m)')).toBe(
      '1:16: symmetric(n) takes one dimension: a symmetric matrix is square, n x n; for a rectangular matrix write matrix(n, m)',
    );
  });

  it('spd with three dimensions points at the extra ones', () => {
    expect(error('P : spd(n, m, k)')).toBe(
      '1:10: spd(n) takes one dimension: a symmetric positive definite matrix is square, n x n',
    );
  });

  it('a dimension of a structured type is checked like any other', () => {
    expect(error('P : spd(0)')).toBe('1:9: a dimension must be a positive integer, not 0');
  });

  it('a missing dimension is a syntax error at the end of the statement', () => {
    expect(error('S : symmetric')).toBe("1:14: expected '(', but found the end of the statement");
  });

  it.each([
    ['sym', 'S : sym(n)'],
    ['SPD', 'S : SPD(n)'],
    ['posdef', 'S : posdef(n)'],
    ['Symmetric', 'S : Symmetric(n)'],
  ])('%s(n) suggests symmetric(n) and spd(n)', (word, text) => {
    expect(error(text)).toBe(
      `1:5: expected a type (scalar, vector(n), matrix(m, n), symmetric(n), spd(n) or index(K)), but found '${word}'; ` +
        'declare a symmetric matrix as symmetric(n), a symmetric positive definite one (a covariance, a kernel matrix) as spd(n)',
    );
  });

  it.each(['symmetric', 'spd'])('%s is a reserved word, not a variable', (word) => {
    expect(error(`${word} : matrix(n, n)`)).toBe(`1:1: '${word}' is a reserved word and cannot name a variable`);
  });

  it('spd cannot name a dimension', () => {
    expect(error('S : symmetric(spd)')).toBe("1:15: 'spd' is a reserved word and cannot name a dimension");
  });
});
