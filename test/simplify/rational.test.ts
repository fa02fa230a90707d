/**
 * multiplyOut (src/simplify/rational.ts) on expressions built directly: what it cancels, and
 * what it leaves alone.
 */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import type { Node } from '../../src/ir/node.js';
import { SCALAR } from '../../src/ir/shape.js';
import { Printer } from '../../src/print/printer.js';
import { multiplyOut } from '../../src/simplify/rational.js';

function setup() {
  const g = new Graph();
  const v = (name: string) => g.variable(name, 'scalar', SCALAR);
  const vec = (name: string) => g.variable(name, 'vector', { rows: 'n', cols: 1 });
  return { g, v, vec, one: g.constant(1) };
}

const print = (n: Node | undefined) => (n === undefined ? 'unchanged' : new Printer('formula').print(n).text);

describe('multiplyOut', () => {
  it('cancels a quotient against a later factor and combines what is left: ((1 - y) / (1 - p) - y / p) p (1 - p) is p - y', () => {
    const { g, v, one } = setup();
    const [y, p] = [v('y'), v('p')];
    const q = g.sub(one, p);
    const e = g.mul(g.mul(g.sub(g.div(g.sub(one, y), q), g.div(y, p)), p), q);
    expect(print(multiplyOut(e, g))).toBe('p - y');
  });

  it('takes a scalar every term shares to the front: (u / m) .* v ./ u - w / m is 1 / m (v - w)', () => {
    const { g, v, vec } = setup();
    const [u, w, x, m] = [vec('u'), vec('w'), vec('v'), v('m')];
    const e = g.sub(g.div(g.mul(g.div(u, m), x), u), g.div(w, m));
    expect(print(multiplyOut(e, g))).toBe('1 / m (v - w)');
  });

  it('leaves an expression where nothing cancels: y / p / m', () => {
    const { g, v } = setup();
    expect(print(multiplyOut(g.div(g.div(v('y'), v('p')), v('m')), g))).toBe('unchanged');
  });

  it('leaves an expression whose multiplied-out form is no smaller: x / y (y + z)', () => {
    const { g, v } = setup();
    const [x, y, z] = [v('x'), v('y'), v('z')];
    expect(print(multiplyOut(g.mul(g.div(x, y), g.add(y, z)), g))).toBe('unchanged');
  });

  it('keeps a product of matrices whole, as one atom: (c r) / s s is c r', () => {
    const { g, v } = setup();
    const c = g.variable('c', 'vector', { rows: 'n', cols: 1 });
    const r = g.variable('r', 'matrix', { rows: 1, cols: 'k' });
    const s = v('s');
    expect(print(multiplyOut(g.mul(g.div(g.matmul(c, r), s), s), g))).toBe('c r');
  });

  it('reads a column broadcast against a matrix entrywise, the full-shaped factor first: (c .* M) / s s is M .* c', () => {
    const { g, v } = setup();
    const c = g.variable('c', 'vector', { rows: 'n', cols: 1 });
    const M = g.variable('M', 'matrix', { rows: 'n', cols: 'k' });
    const s = v('s');
    expect(print(multiplyOut(g.mul(g.div(g.mul(c, M), s), s), g))).toBe('M .* c');
  });

  it('cancels a matrix that cannot be zero by construction: P .* (-Y ./ P + 1ᵀ Y) is P .* (1ᵀ Y) - Y for P = softmax(Z)', () => {
    const { g } = setup();
    const shape = { rows: 'K', cols: 'N' };
    const [Y, Z] = [g.variable('Y', 'matrix', shape), g.variable('Z', 'matrix', shape)];
    const P = g.softmax(Z);
    const column = g.matmul(g.ones({ rows: 1, cols: 'K' }), Y);
    const e = g.mul(P, g.add(g.neg(g.div(Y, P)), column));
    expect(print(multiplyOut(e, g))).toBe('softmax(Z) .* (ones(K)^T Y) - Y');
  });

  it('leaves a matrix quotient by a matrix that may be zero: Q .* (Y ./ Q)', () => {
    const { g } = setup();
    const shape = { rows: 'K', cols: 'N' };
    const [Y, Q] = [g.variable('Y', 'matrix', shape), g.variable('Q', 'matrix', shape)];
    expect(print(multiplyOut(g.mul(Q, g.div(Y, Q)), g))).toBe('unchanged');
  });
});
