/**
 * The derivation `gradc latex --steps` prints: for each differentiated target, the adjoint of
 * every definition on a path to a requested node, from the target down, each in terms of the
 * adjoints before it. Derived on a fork of the model's graph, so the model stays as it was.
 */
import type { Definition, GradRequest, Model } from '../ir/model.js';
import type { Node, VarKind } from '../ir/node.js';
import { isScalar, type Shape } from '../ir/shape.js';
import { reachable } from '../ir/walk.js';
import { simplify } from '../simplify/simplify.js';
import { forwardNodes, vjp } from './reverse.js';

/** One line of the derivation: the adjoint of a definition or of a requested variable. */
export interface AdjointStep {
  /** The definition's or the variable's name. */
  readonly name: string;
  /** Its value: the definition's node, or the variable. */
  readonly node: Node;
  /** The adjoint, in terms of forward values and of the `symbol`s of earlier steps. */
  readonly adjoint: Node;
  /** The requested gradient in closed form (in forward values only), when this step is of a requested node. */
  readonly closed?: Node;
  /** A definition's adjoint as a variable, standing for it in later steps. */
  readonly symbol?: Node;
}

/** The backward pass of one differentiated target, shared by every request of it. */
export interface Backprop {
  readonly target: Definition;
  /** From the target down; a requested variable right after the last adjoint it needs. */
  readonly steps: readonly AdjointStep[];
  /** Requested gradients without a step (the target does not pass through them, or they are the target), in closed form. */
  readonly rest: readonly { readonly name: string; readonly closed: Node }[];
}

/** A derived gradient (DerivedGradient, differentiate.ts), as far as the derivation reads it. */
interface Gradient {
  readonly request: GradRequest;
  readonly results: readonly { readonly node: Node }[];
}

type Requested = ReadonlyMap<number, { readonly name: string; readonly closed: Node }>;

/** The backward pass of each differentiated target, in the order of the first `grad` line of each. */
export function backprops(model: Model, gradients: readonly Gradient[]): Backprop[] {
  const frozen = forwardNodes(model);
  const targets = new Map<number, { target: Definition; requested: Map<number, { name: string; closed: Node }> }>();
  for (const g of gradients) {
    const t = g.request.target;
    let entry = targets.get(t.node.id);
    if (entry === undefined) targets.set(t.node.id, (entry = { target: t, requested: new Map() }));
    g.request.wrt.forEach((w, i) => {
      if (!entry.requested.has(w.node.id)) entry.requested.set(w.node.id, { name: w.name, closed: g.results[i]!.node });
    });
  }
  return [...targets.values()].map(({ target, requested }) => backprop(model, frozen, target, requested));
}

/** The user's definitions by node (the first name of a value wins), leaving out aliases of variables. */
function definitionsByNode(model: Model): Map<number, Definition> {
  const defs = new Map<number, Definition>();
  for (const d of model.definitions) if (d.node.op !== 'var' && !defs.has(d.node.id)) defs.set(d.node.id, d);
  return defs;
}

function varKind(s: Shape): VarKind {
  return isScalar(s) ? 'scalar' : s.cols === 1 ? 'vector' : 'matrix';
}

/** What gets a line, in the order of the lines. */
interface Item {
  readonly node: Node;
  readonly name: string;
  readonly key: number;
  readonly order: number;
}

/** The consumers of the derivation (the target and each definition between it and a requested node) and the items, in line order. */
function plan(model: Model, target: Definition, requested: Requested) {
  const defs = definitionsByNode(model);
  const root = target.node;
  const isBoundary = (n: Node): boolean => n.op === 'var' || defs.has(n.id);

  // Nodes below the target that lead to a requested node.
  const below = reachable([root], () => true);
  const leads = new Set<number>();
  for (const n of below) if (requested.has(n.id) || n.args.some((a) => leads.has(a.id))) leads.add(n.id);

  // The consumers, and the leaves (definitions and variables) each one uses directly.
  const consumers = below.filter((n) => leads.has(n.id) && (n === root || defs.has(n.id)));
  const leaves = new Map<number, Set<number>>();
  for (const c of consumers) {
    leaves.set(
      c.id,
      new Set(
        reachable([c], (n) => n === c || !isBoundary(n))
          .filter((n) => n !== c && isBoundary(n))
          .map((n) => n.id),
      ),
    );
  }
  const consumersOf = (n: Node): Node[] => consumers.filter((c) => leaves.get(c.id)!.has(n.id));

  // Each definition on the way down, and each requested variable right after the last of its
  // consumers (the one lowest in the file).
  const items: Item[] = [];
  for (const c of consumers) if (c !== root) items.push({ node: c, name: defs.get(c.id)!.name, key: c.id, order: -1 });
  [...requested.entries()].forEach(([id, r], order) => {
    const n = below.find((m) => m.id === id);
    if (n === undefined || n === root || defs.has(id)) return;
    const by = consumersOf(n);
    if (by.length > 0) items.push({ node: n, name: r.name, key: Math.min(...by.map((c) => c.id)), order });
  });
  items.sort((a, b) => b.key - a.key || a.order - b.order);
  return { items, consumersOf, isBoundary, isDefinition: (n: Node) => defs.has(n.id) };
}

function backprop(model: Model, frozen: ReadonlySet<number>, target: Definition, requested: Requested): Backprop {
  // The adjoint symbols are nodes only this derivation needs: they go into a fork, so the
  // model's graph stays as it was.
  const g = model.graph.fork();
  const { items, consumersOf, isBoundary, isDefinition } = plan(model, target, requested);
  const seeds = new Map<number, Node>([[target.node.id, g.constant(1)]]);
  const steps: AdjointStep[] = [];
  const stepped = new Set<number>();
  for (const item of items) {
    let sum: Node | undefined;
    for (const c of consumersOf(item.node)) {
      // The adjoint that c's own expression passes to the item: the walk stops at other
      // definitions and variables, whose paths are left to their own adjoints.
      const [v] = vjp(g, c, seeds.get(c.id)!, [item.node], { stopAt: isBoundary });
      if (v !== undefined) sum = sum === undefined ? v : g.add(sum, v);
    }
    const adjoint = simplify(g, [sum ?? g.zeros(item.node.shape)], { frozen })[0]!;
    const closed = requested.get(item.node.id)?.closed;
    if (closed !== undefined) stepped.add(item.node.id);
    let symbol: Node | undefined;
    if (isDefinition(item.node)) {
      symbol = g.variable(`∂${target.name}/∂${item.name}`, varKind(item.node.shape), item.node.shape);
      seeds.set(item.node.id, symbol);
    }
    steps.push({
      name: item.name,
      node: item.node,
      adjoint,
      ...(closed !== undefined ? { closed } : {}),
      ...(symbol !== undefined ? { symbol } : {}),
    });
  }
  const rest = [...requested].filter(([id]) => !stepped.has(id)).map(([, r]) => r);
  return { target, steps, rest };
}
