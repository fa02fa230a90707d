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

  it('leaves an expression with an operand broadcast from another shape: (c .* M) / s s', () => {
    const { g, v } = setup();
    const c = g.variable('c', 'vector', { rows: 'n', cols: 1 });
    const M = g.variable('M', 'matrix', { rows: 'n', cols: 'k' });
    const s = v('s');
    // Reordered, c .* (1 / s) .* M .* s could pair c with a row: the rule keeps out.
    expect(print(multiplyOut(g.mul(g.div(g.mul(c, M), s), s), g))).toBe('unchanged');
  });
});
