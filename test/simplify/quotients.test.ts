/**
 * The rules of src/simplify/quotients.ts on expressions built directly: a quotient read through
 * the user's definition, scalar factors out of a sum, centred terms out of a mean, and what
 * each leaves alone.
 */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import type { Node } from '../../src/ir/node.js';
import { SCALAR } from '../../src/ir/shape.js';
import { Printer } from '../../src/print/printer.js';
import { centred, centredMean, commonScalar, definitionQuotient } from '../../src/simplify/quotients.js';

function setup() {
  const g = new Graph();
  const v = (name: string) => g.variable(name, 'scalar', SCALAR);
  const vec = (name: string) => g.variable(name, 'vector', { rows: 'n', cols: 1 });
  return { g, v, vec };
}

/** xhat = (x - mu) / s with mu = mean(x), as the front end builds it: definitions sealed. */
function normalised(g: Graph, x: Node, s: Node) {
  const mu = g.mean(x);
  g.seal(mu);
  const centredX = g.sub(x, mu);
  const xhat = g.div(centredX, s);
  g.seal(xhat);
  return { mu, centredX, xhat };
}

const names = (...pairs: [Node, string][]) => new Map(pairs.map(([n, s]) => [n.id, s]));
const print = (n: Node | undefined, named = new Map<number, string>()) =>
  n === undefined ? 'unchanged' : new Printer('formula', named).print(n).text;

describe('definitionQuotient', () => {
  it('reads c / s^2 (x - mu) as c / s xhat when xhat = (x - mu) / s', () => {
    const { g, v, vec } = setup();
    const [x, s, c] = [vec('x'), v('s'), v('c')];
    const { mu, centredX, xhat } = normalised(g, x, s);
    const e = g.mul(g.div(c, g.pow(s, g.constant(2))), centredX);
    expect(print(definitionQuotient(e, g), names([mu, 'mu'], [xhat, 'xhat']))).toBe('c / s xhat');
  });

  it('reads (x - mu) / s^3 as xhat / s^2', () => {
    const { g, v, vec } = setup();
    const [x, s] = [vec('x'), v('s')];
    const { mu, centredX, xhat } = normalised(g, x, s);
    expect(
      print(definitionQuotient(g.div(centredX, g.pow(s, g.constant(3))), g), names([mu, 'mu'], [xhat, 'xhat'])),
    ).toBe('xhat / s^2');
  });

  it('leaves a quotient no definition names: c / s^2 (x - mu) without xhat', () => {
    const { g, v, vec } = setup();
    const [x, s, c] = [vec('x'), v('s'), v('c')];
    const mu = g.mean(x);
    const e = g.mul(g.div(c, g.pow(s, g.constant(2))), g.sub(x, mu));
    expect(print(definitionQuotient(e, g))).toBe('unchanged');
  });

  it('does not use an unsealed node that happens to exist: (x - mu) / s built by a derivative', () => {
    const { g, v, vec } = setup();
    const [x, s, c] = [vec('x'), v('s'), v('c')];
    const centredX = g.sub(x, g.mean(x));
    g.div(centredX, s);
    expect(print(definitionQuotient(g.mul(g.div(c, g.pow(s, g.constant(2))), centredX), g))).toBe('unchanged');
  });
});

describe('commonScalar', () => {
  it('takes a common divisor out of a sum: d / s - c / s y is (d - c y) / s', () => {
    const { g, v, vec } = setup();
    const [d, y, s, c] = [vec('d'), vec('y'), v('s'), v('c')];
    expect(print(commonScalar(g.sub(g.div(d, s), g.mul(g.div(c, s), y)), g))).toBe('(d - c y) / s');
  });

  it('takes a common factor and divisor out, scalar terms included: g d / s - g m / s is g (d - m) / s', () => {
    const { g, v, vec } = setup();
    const [d, s, m, k] = [vec('d'), v('s'), v('m'), v('g')];
    expect(print(commonScalar(g.sub(g.mul(k, g.div(d, s)), g.div(g.mul(k, m), s)), g))).toBe('g (d - m) / s');
  });

  it('leaves a sum whose terms share no scalar: d / s - c y', () => {
    const { g, v, vec } = setup();
    const [d, y, s, c] = [vec('d'), vec('y'), v('s'), v('c')];
    expect(print(commonScalar(g.sub(g.div(d, s), g.mul(c, y)), g))).toBe('unchanged');
  });
});

describe('centredMean', () => {
  it('knows u - mean(u), scaled or divided by scalars, and a user definition of it, as centred', () => {
    const { g, v, vec } = setup();
    const [x, u, s] = [vec('x'), vec('u'), v('s')];
    const { xhat } = normalised(g, x, s);
    expect(centred(xhat)).toBe(true);
    expect(centred(g.mul(v('c'), g.sub(u, g.mean(u))))).toBe(true);
    expect(centred(g.sub(u, g.mean(x)))).toBe(false);
    expect(centred(u)).toBe(false);
  });

  it('drops centred terms from a mean: mean(d - c xhat) is mean(d), mean(xhat) is 0', () => {
    const { g, v, vec } = setup();
    const [x, d, s, c] = [vec('x'), vec('d'), v('s'), v('c')];
    const { xhat } = normalised(g, x, s);
    expect(print(centredMean(g.mean(g.sub(d, g.mul(c, xhat))), g))).toBe('mean(d)');
    expect(print(centredMean(g.mean(xhat), g))).toBe('0');
    expect(print(centredMean(g.mean(g.sub(d, g.mul(c, x))), g))).toBe('unchanged');
  });
});
