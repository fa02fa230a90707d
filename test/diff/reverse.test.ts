import { describe, expect, it } from 'vitest';
import { differentiate } from '../../src/diff/differentiate.js';
import { gradients, vjp } from '../../src/diff/reverse.js';
import { backprops } from '../../src/diff/steps.js';
import { checkFormula } from '../../src/front.js';
import { toFormula } from '../../src/print/formula.js';
import { toLatex } from '../../src/print/latex.js';
import { reachable } from '../../src/ir/walk.js';

const model = (text: string) => checkFormula(text, 'model.formula');

describe('reverse mode with an explicit seed', () => {
  it('refuses a gradient of a vector output instead of returning wrong-shaped results', () => {
    const m = model('A : matrix(m, n)\nx : vector(n)\nf = A x\n');
    const f = m.definitions[0]!.node;
    expect(() => gradients(m.graph, f, [m.variables[1]!.node])).toThrow(
      'a gradient needs a scalar output, not vector(m)',
    );
  });

  it('refuses a seed whose shape is not the output shape', () => {
    const m = model('A : matrix(m, n)\nx : vector(n)\nf = A x\n');
    const f = m.definitions[0]!.node;
    expect(() => vjp(m.graph, f, m.graph.constant(1), [m.variables[1]!.node])).toThrow(
      'the seed of a vector-Jacobian product is scalar but the output is vector(m)',
    );
  });

  it('pulls a vector seed back through a matrix product: the adjoint of x in A x is A^T u', () => {
    const m = model('A : matrix(m, n)\nx : vector(n)\nu : vector(m)\nf = A x\n');
    const [A, x, u] = m.variables.map((v) => v.node) as [
      (typeof m.variables)[0]['node'],
      (typeof m.variables)[0]['node'],
      (typeof m.variables)[0]['node'],
    ];
    const [dx, dA] = vjp(m.graph, m.definitions[0]!.node, u, [x, A]);
    expect(dx).toBe(m.graph.matmul(m.graph.transpose(A), u));
    expect(dA).toBe(m.graph.matmul(u, m.graph.transpose(x)));
  });

  it('leaves undefined where no path leads from the output', () => {
    const m = model('x : vector(n)\ny : vector(n)\nf = sum(x)\n');
    const [, dy] = vjp(m.graph, m.definitions[0]!.node, m.graph.constant(1), [
      m.variables[0]!.node,
      m.variables[1]!.node,
    ]);
    expect(dy).toBeUndefined();
  });

  it('stops at the nodes it is told to, collecting their adjoint only', () => {
    const m = model('x : vector(n)\nh = exp(x)\nL = sum(h .* h)\n');
    const [h, L] = m.definitions.map((d) => d.node) as [
      (typeof m.definitions)[0]['node'],
      (typeof m.definitions)[0]['node'],
    ];
    const x = m.variables[0]!.node;
    const [dh, dx] = vjp(m.graph, L, m.graph.constant(1), [h, x], { stopAt: (n) => n === h });
    expect(dh).toBeDefined();
    expect(dx).toBeUndefined();
  });
});

describe('derivative nodes and printing', () => {
  const text = 'x : vector(n)\ny : scalar\nh = tanh(x)\nL = (y - sum(h))^2\ngrad L wrt x\n';

  it('derivative nodes carry the span of their request line, not of the last line checked', () => {
    const m = model(text);
    const [g] = differentiate(m).gradients;
    const forward = new Set(reachable(m.definitions.map((d) => d.node)).map((n) => n.id));
    const derived = reachable([g!.results[0]!.node]).filter((n) => !forward.has(n.id));
    expect(derived.length).toBeGreaterThan(0);
    for (const n of derived) expect(n.span).toEqual(g!.request.span);
  });

  it('the steps of latex --steps leave the model graph as it was', () => {
    const m = model(text);
    const derived = differentiate(m);
    const before = m.graph.size;
    const steps = backprops(m, derived.gradients);
    expect(m.graph.size).toBe(before);
    expect(toLatex(m, { ...derived, steps }).length).toBeGreaterThan(m.definitions.length);
    expect(toFormula(m, derived).map((l) => `${l.name} = ${l.expression}`)).toEqual([
      'dL_dx = -2 (y - sum(h)) (1 - h .^ 2)',
    ]);
  });
});
