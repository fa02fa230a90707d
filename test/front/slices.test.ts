/** LANGUAGE.md 1.5: row and column slices, M[i, :] (1 x n) and M[:, j] (m x 1); ranges are refused. */
import { describe, expect, it } from 'vitest';
import { derive, latex } from '../../src/index.js';
import { compileAndLoad } from '../codegen/helpers.js';
import { check, definition, error, shapeOf, tree } from '../syntax/helpers.js';

const DECLS = 'W : matrix(m, n)\nx : vector(n)\ni : index(m)\nj : index(n)\n';

describe('slices (LANGUAGE.md 1.5)', () => {
  it('parse: a colon stands for every row or column', () => {
    expect(tree('W[i, :]')).toBe('W[i, :]');
    expect(tree('W[:, 0]')).toBe('W[:, 0]');
    expect(tree('(A B)[ : , j ]')).toBe('(A B)[:, j]');
  });

  it('W[i, :] is row i, 1 x n', () => {
    const r = definition(check(`${DECLS}r = W[i, :]`), 'r');
    expect([r.op, shapeOf(r)]).toEqual(['rowslice', '1 x n']);
  });

  it('W[:, j] is column j, m x 1', () => {
    const c = definition(check(`${DECLS}c = W[:, j]`), 'c');
    expect([c.op, shapeOf(c)]).toEqual(['colslice', 'm x 1']);
  });

  it('W[0, :] x is a scalar: a row times a column', () => {
    expect(shapeOf(definition(check(`${DECLS}s = W[0, :] x`), 's'))).toBe('1 x 1');
  });

  it('a row of a transpose is a column of the matrix, transposed', () => {
    const r = definition(check(`${DECLS}r = W^T[j, :]`), 'r');
    expect([r.op, r.args[0]!.op, shapeOf(r)]).toEqual(['transpose', 'colslice', '1 x m']);
  });

  it('a literal index is checked against a literal extent', () => {
    expect(error('W : matrix(3, n)\nr = W[3, :]')).toBe('2:7: index 3 is out of range: W has 3 rows, numbered from 0');
  });

  it('an index variable must range over the sliced axis', () => {
    expect(error(`${DECLS}c = W[:, i]`)).toBe("5:10: 'i' ranges over m values, but W has n columns");
  });

  it('a vector takes one index, not a slice', () => {
    expect(error(`${DECLS}c = x[:, 0]`)).toBe('5:5: x is vector(n); index it with one index, like x[0]');
    expect(error(`${DECLS}c = x[:]`)).toBe('5:7: x is vector(n), not a matrix: x[:] is x itself');
  });

  it('W[:, :] is W itself', () => {
    expect(error(`${DECLS}c = W[:, :]`)).toBe('5:7: W[:, :] is W itself');
  });

  it.each([
    ['W[:, 0:3]', 10],
    ['W[0:2, :]', 7],
    ['W[:, :3]', 10],
    ['W[1:, j]', 7],
  ])('a range, %s, is a located error that says what to write', (slice, column) => {
    expect(error(`${DECLS}c = ${slice}`)).toBe(
      `5:${column}: a range of rows or columns is not supported; slice one row, M[i, :], or one column, M[:, j], ` +
        'at a time (i and j integer literals or index variables), or declare the block as a variable of its own',
    );
  });

  it('derive: the adjoint of a slice scatters into a zero matrix, onehot(i, m) g', () => {
    expect(derive(`${DECLS}L = tanh(W[i, :] x)\ngrad L wrt W, x`)).toEqual([
      'dL_dW = (1 - L^2) onehot(i, m) x^T',
      'dL_dx = (1 - L^2) W[i, :]^T',
    ]);
    expect(derive(`${DECLS}w : vector(m)\nL = w^T W[:, j]\ngrad L wrt W`)).toEqual(['dL_dW = w onehot(j, n)^T']);
  });

  it('derive output with slices reads back', () => {
    expect(shapeOf(definition(check(`${DECLS}L = W[i, :] x\ndL_dx = W[i, :]^T`), 'dL_dx'))).toBe('n x 1');
  });

  it('LaTeX writes slices as subscripts with a colon', () => {
    expect(latex(`${DECLS}r = W[i, :]\nc = W[:, 0]`)).toEqual(['\\[ r = W_{i,:} \\]', '\\[ c = W_{:,0} \\]']);
  });

  it('generated code: a row and a column, their gradient, and a literal index out of range at run time', async () => {
    const { exports } = await compileAndLoad(`${DECLS}L = W[1, :] x + 10 W[:, 2][0]\ngrad L wrt W`);
    const W = { rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6] };
    expect(exports.L!({ W, x: [1, 1, 1] })).toBe(4 + 5 + 6 + 10 * 3);
    const g = exports.LGrad!({ W, x: [1, -1, 2] }) as { W: { data: Float64Array } };
    expect([...g.W.data]).toEqual([0, 0, 10, 1, -1, 2]);
    expect(() => exports.L!({ W: { rows: 1, cols: 3, data: [1, 2, 3] }, x: [1, 1, 1] })).toThrow(
      new RangeError('L: index 1 is out of range for the rows, which have m = 1'),
    );
  });
});
