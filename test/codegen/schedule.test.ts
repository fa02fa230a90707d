/**
 * The order a function's nodes are emitted in (src/codegen/schedule.ts): ids' order, except that
 * two products of one matrix are placed side by side where neither needs the other, so one
 * kernel call computes both. Graphs here are real models' (checkFormula); the sibling key is the
 * matrix a product's left argument is.
 */
import { describe, expect, it } from 'vitest';
import { schedule } from '../../src/codegen/schedule.js';
import { checkFormula } from '../../src/front.js';
import type { Node } from '../../src/ir/node.js';
import { reachable } from '../../src/ir/walk.js';

function graph(text: string): { nodes: Node[]; def: (name: string) => Node } {
  const model = checkFormula(text);
  const nodes = reachable(model.definitions.map((d) => d.node));
  return { nodes, def: (name) => model.definitions.find((d) => d.name === name)!.node };
}

/** Products by the matrix on their left: `A x` and `A y` are siblings. */
const byLeftMatrix = (n: Node) =>
  n.op === 'matmul' && n.args[0]!.op === 'var' && n.args[0]!.shape.cols !== 1 ? `A ${n.args[0]!.id}` : undefined;

/** Whether every node comes after its arguments. */
function topological(order: readonly Node[]): boolean {
  const at = new Map(order.map((n, i) => [n.id, i]));
  return order.every((n, i) => n.args.every((a) => !at.has(a.id) || at.get(a.id)! < i));
}

const HEADER = 'A : matrix(n, n)\nB : matrix(n, n)\nx : vector(n)\ny : vector(n)\n';

describe('the schedule of a function', () => {
  it('is the nodes as given when no two share a key', () => {
    const { nodes } = graph(`${HEADER}h = tanh(A x)\nL = sum(B h)\n`);
    const s = schedule(nodes, byLeftMatrix);
    expect(s.order).toEqual(nodes);
    expect(s.partners.size).toBe(0);
  });

  it('puts two products of one matrix side by side, the earlier first, and keeps every node after its arguments', () => {
    // A y needs tanh(A ... ) of nothing A x gives: after A x come tanh(A x) and B x, then A y.
    const { nodes, def } = graph(`${HEADER}u = A x\nv = tanh(B x)\nw = A (v .* y)\nL = sum(tanh(u)) + sum(w)\n`);
    const [u, w] = [def('u'), def('w')];
    expect(nodes.indexOf(w) - nodes.indexOf(u)).toBeGreaterThan(1);
    const s = schedule(nodes, byLeftMatrix);
    expect(s.order.indexOf(w)).toBe(s.order.indexOf(u) + 1);
    expect(s.partners.get(u.id)).toBe(w);
    expect(s.partners.get(w.id)).toBe(u);
    expect(topological(s.order)).toBe(true);
    expect(new Set(s.order)).toEqual(new Set(nodes));
  });

  it('does not pair a product with one that reads it', () => {
    const { nodes } = graph(`${HEADER}h = tanh(A x)\nL = sum(A h)\n`);
    const s = schedule(nodes, byLeftMatrix);
    expect(s.partners.size).toBe(0);
    expect(s.order).toEqual(nodes);
  });

  it('gives up one of two pairs that each need a member of the other, and emits the rest', () => {
    // A x's sibling needs B y, and B y's sibling needs A x: one pair must go.
    const { nodes, def } = graph(`${HEADER}a = A x\nb = B y\nc = A tanh(b)\nd = B tanh(a)\nL = sum(c) + sum(d)\n`);
    const s = schedule(nodes, byLeftMatrix);
    expect(topological(s.order)).toBe(true);
    expect(new Set(s.order)).toEqual(new Set(nodes));
    // A x goes alone (the least id waiting), so B y and B tanh(A x) are the pair.
    expect([...s.partners.keys()].sort((p, q) => p - q)).toEqual([def('b').id, def('d').id]);
    expect(s.order.indexOf(def('d'))).toBe(s.order.indexOf(def('b')) + 1);
  });

  it('pairs the members of a key two by two, in id order', () => {
    const { nodes, def } = graph(
      `${HEADER}a = A x\nb = A y\nc = A (x .* y)\nd = A (x - y)\nL = sum(a) + sum(b) + sum(c) + sum(d)\n`,
    );
    const s = schedule(nodes, byLeftMatrix);
    expect(s.partners.get(def('a').id)).toBe(def('b'));
    expect(s.partners.get(def('c').id)).toBe(def('d'));
    expect(s.partners.size).toBe(4);
  });
});
