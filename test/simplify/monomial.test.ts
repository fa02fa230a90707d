/** canonicalMonomial (src/simplify/monomial.ts): scalar products in one canonical form. */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import type { Node } from '../../src/ir/node.js';
import { SCALAR } from '../../src/ir/shape.js';
import { Printer } from '../../src/print/printer.js';
import { canonicalMonomial } from '../../src/simplify/monomial.js';

function setup() {
  const g = new Graph();
  const v = (name: string) => g.variable(name, 'scalar', SCALAR);
  return { g, v, c: (x: number) => g.constant(x) };
}

const print = (n: Node | undefined) => (n === undefined ? 'unchanged' : new Printer('formula').print(n).text);

describe('canonicalMonomial', () => {
  it('multiplies numeric factors wherever they stand: 2 (0.5 / f) is 1 / f', () => {
    const { g, v, c } = setup();
    expect(print(canonicalMonomial(g.mul(c(2), g.div(c(0.5), v('f'))), g))).toBe('1 / f');
  });

  it('2 (1 / N) is 2 / N', () => {
    const { g, v, c } = setup();
    expect(print(canonicalMonomial(g.mul(c(2), g.div(c(1), v('N'))), g))).toBe('2 / N');
  });

  it('combines powers of one base: a / b / b is a / b^2, s^2 s is s^3', () => {
    const { g, v, c } = setup();
    const [a, b, s] = [v('a'), v('b'), v('s')];
    expect(print(canonicalMonomial(g.div(g.div(a, b), b), g))).toBe('a / b^2');
    expect(print(canonicalMonomial(g.mul(g.pow(s, c(2)), s), g))).toBe('s^3');
  });

  it('cancels common factors across a quotient: -2 k / (2 s^2) is -k / s^2', () => {
    const { g, v, c } = setup();
    const [k, s] = [v('k'), v('s')];
    expect(print(canonicalMonomial(g.mul(c(-2), g.div(k, g.mul(c(2), g.pow(s, c(2))))), g))).toBe('-k / s^2');
  });

  it('4 k q / (2 s^2) / (2 s^2) s is k q / s^3', () => {
    const { g, v, c } = setup();
    const [k, q, s] = [v('k'), v('q'), v('s')];
    const d = g.mul(c(2), g.pow(s, c(2)));
    expect(print(canonicalMonomial(g.mul(g.mul(c(4), g.div(g.div(g.mul(k, q), d), d)), s), g))).toBe('k q / s^3');
  });

  it('leaves a canonical product alone', () => {
    const { g, v } = setup();
    expect(print(canonicalMonomial(g.div(v('k'), v('s')), g))).toBe('unchanged');
  });
});
