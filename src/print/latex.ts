/**
 * `gradc latex`: every definition and requested gradient as display math, one `\[ ... \]`
 * per line so tools can split the output; with `steps`, the backward pass the way the
 * handouts teach backprop, one adjoint at a time from the loss down.
 */
import { forwardNodes, type DerivedGradient } from '../diff/differentiate.js';
import { vjp } from '../diff/reverse.js';
import type { Definition, Model } from '../ir/model.js';
import type { Node, VarKind } from '../ir/node.js';
import { reachable } from '../ir/walk.js';
import { isScalar, type Shape } from '../ir/shape.js';
import { Prec, type Printed } from '../ops/printed.js';
import { simplify } from '../simplify/simplify.js';
import { definitionNames, derivativeName } from './formula.js';
import { differentiateHigherRequests } from '../diff/higher.js';
import { shapeSuffix, toLatexHigher } from './higher.js';
import { shareSubexpressions, type SharedNames } from './shared.js';
import { latexName, spaceWords } from './names.js';
import { Printer } from './printer.js';

/** Options of `toLatex` (and of `latex`). */
export interface LatexOptions {
  /** Print the derivation: the forward quantities, then each adjoint down to the requested gradients. */
  readonly steps?: boolean;
  /** Append `\in \mathbb{R}^{m \times n}` to every derivative. */
  readonly shapes?: boolean;
  /** `denominator`: Jacobians transposed (n x m), as the CS 316 notes write them; default numerator. */
  readonly layout?: 'numerator' | 'denominator';
}

/** `\frac{\partial L}{\partial A}` */
export function partial(of: string, wrt: string): string {
  return `\\frac{\\partial ${latexName(of)}}{\\partial ${latexName(wrt)}}`;
}

/** One display: `\[ lhs = rhs = ... \]`. */
const display = (...sides: readonly string[]): string => `\\[ ${spaceWords(sides.join(' = '))} \\]`;

/**
 * Prints the model as LaTeX display math, one `\[ ... \]` per line, as `gradc latex` does: the
 * definitions in file order, then each requested gradient (`\frac{\partial L}{\partial A} = ...`).
 * With `{ steps: true }`, the backprop derivation instead (`gradc latex --steps`, see latexSteps):
 * each adjoint from the loss down, in terms of the one before.
 *
 * @param model - The checked model.
 * @param derived - Its gradients, from `differentiate(model)`.
 * @param options - `steps: true` for the derivation.
 * @returns The display lines, without line breaks.
 * @example
 * ```ts
 * const model = checkFormula('x : vector(n)\nL = x^T x\ngrad L wrt x\n');
 * toLatex(model, differentiate(model));
 * // ['\\[ L = x^\\top x \\]', '\\[ \\frac{\\partial L}{\\partial x} = 2 x \\]']
 * ```
 */
export function toLatex(model: Model, derived: readonly DerivedGradient[], options: LatexOptions = {}): string[] {
  const higher = toLatexHigher(model, differentiateHigherRequests(model), options);
  if (options.steps === true) return [...latexSteps(model, derived, options), ...higher];
  // Subexpressions a gradient repeats get a local name, defined on a "where" line after the
  // gradients (the names `gradc derive` gives them).
  const shared = sharedNames(model, derived);
  const printer = new Printer('latex', shared.names);
  const lines = forwardLines(model);
  for (const g of derived) {
    for (const r of g.results) lines.push(display(partial(g.request.target.name, r.name), `${printer.text(r.node)}${options.shapes === true ? shapeSuffix(r.node.shape) : ''}`));
  }
  lines.push(...whereLine(shared, printer));
  lines.push(...higher);
  return lines;
}

/** The local names of the gradients' shared subexpressions, as `gradc derive` gives them. */
function sharedNames(model: Model, derived: readonly DerivedGradient[]): SharedNames {
  const taken = new Set<string>([...model.variables.map((v) => v.name), ...model.definitions.map((d) => d.name), ...model.dims]);
  for (const g of derived) for (const r of g.results) derivativeName(g.request.target.name, r.name, taken);
  return shareSubexpressions(
    derived.flatMap((g) => g.results.map((r) => r.node)),
    definitionNames(model),
    taken,
  );
}

/** `\[ \text{where } t = ..., \quad u = ... \]`, or nothing when there are no local names. */
function whereLine(shared: SharedNames, printer: Printer): string[] {
  if (shared.locals.length === 0) return [];
  return [display(`\\text{where } ${shared.locals.map((l) => `${latexName(l.name)} = ${printer.expand(l.node).text}`).join(', \\quad ')}`)];
}

function forwardLines(model: Model): string[] {
  const printer = new Printer('latex', definitionNames(model));
  return model.definitions.map((d) => display(latexName(d.name), printer.expand(d.node).text));
}

/** A Printer that also shows some nodes as given LaTeX symbols (the adjoints already derived). */
class SymbolPrinter extends Printer {
  constructor(
    names: ReadonlyMap<number, string>,
    private readonly symbols: ReadonlyMap<number, string>,
  ) {
    super('latex', names);
  }

  override print(n: Node): Printed {
    const symbol = this.symbols.get(n.id);
    return symbol !== undefined ? { text: symbol, prec: Prec.Atom } : super.print(n);
  }
}

/**
 * The derivation as the handouts write it: the forward quantities in order, then, for each
 * differentiated target L, the adjoint of every definition on a path from L to a requested
 * node, from L down, each written with the adjoints before it:
 *
 *   \frac{\partial L}{\partial z_4} = 2 z_4
 *   \frac{\partial L}{\partial z_3} = -\frac{\partial L}{\partial z_4}
 *   \frac{\partial L}{\partial b} = \frac{\partial L}{\partial z_3} z_2 = -2 z_4 z_2
 *
 * A requested gradient comes right after the last adjoint it needs, and also in closed form
 * (in forward quantities only) when that reads differently. Requests of the same target
 * share one backward pass.
 */
export function latexSteps(model: Model, derived: readonly DerivedGradient[], options: LatexOptions = {}): string[] {
  const lines = forwardLines(model);
  const frozen = forwardNodes(model);
  const targets = new Map<number, { target: Definition; requested: Map<number, { name: string; closed: Node }> }>();
  for (const g of derived) {
    const t = g.request.target;
    let entry = targets.get(t.node.id);
    if (entry === undefined) targets.set(t.node.id, (entry = { target: t, requested: new Map() }));
    g.request.wrt.forEach((w, i) => {
      if (!entry.requested.has(w.node.id)) entry.requested.set(w.node.id, { name: w.name, closed: g.results[i]!.node });
    });
  }
  // Closed forms as the plain output prints them, with its local names.
  const shared = sharedNames(model, derived);
  const closedPrinter = new Printer('latex', shared.names);
  for (const { target, requested } of targets.values()) {
    lines.push(...backwardLines(model, frozen, target, requested, closedPrinter, options.shapes === true));
  }
  lines.push(...whereLine(shared, closedPrinter));
  return lines;
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

function backwardLines(
  model: Model,
  frozen: ReadonlySet<number>,
  target: Definition,
  requested: ReadonlyMap<number, { readonly name: string; readonly closed: Node }>,
  closedPrinter: Printer,
  shapes: boolean,
): string[] {
  const size = (n: Node) => (shapes ? shapeSuffix(n.shape) : '');
  // The adjoint symbols below are nodes only this derivation needs: they go into a fork, so
  // printing leaves the model's graph as it was.
  const g = model.graph.fork();
  const names = definitionNames(model);
  const defs = definitionsByNode(model);
  const root = target.node;
  const isBoundary = (n: Node): boolean => n.op === 'var' || defs.has(n.id);
  const lines: string[] = [];
  const printed = new Set<number>();

  // Nodes below the target that lead to a requested node.
  const below = reachable([root], () => true);
  const leads = new Set<number>();
  for (const n of below) if (requested.has(n.id) || n.args.some((a) => leads.has(a.id))) leads.add(n.id);

  // The consumers: the target and each definition between it and a requested node; the
  // leaves (definitions and variables) each one uses directly.
  const consumers = below.filter((n) => leads.has(n.id) && (n === root || defs.has(n.id)));
  const leaves = new Map<number, Set<number>>();
  for (const c of consumers) {
    leaves.set(c.id, new Set(reachable([c], (n) => n === c || !isBoundary(n)).filter((n) => n !== c && isBoundary(n)).map((n) => n.id)));
  }
  const consumersOf = (n: Node): Node[] => consumers.filter((c) => leaves.get(c.id)!.has(n.id));

  // What gets a line: each definition on the way down, and each requested variable right
  // after the last of its consumers (the one lowest in the file).
  interface Item {
    readonly node: Node;
    readonly name: string;
    readonly key: number;
    readonly order: number;
  }
  const items: Item[] = [];
  for (const c of consumers) if (c !== root) items.push({ node: c, name: defs.get(c.id)!.name, key: c.id, order: -1 });
  [...requested.entries()].forEach(([id, r], order) => {
    const n = below.find((m) => m.id === id);
    if (n === undefined || n === root || defs.has(id)) return;
    const by = consumersOf(n);
    if (by.length > 0) items.push({ node: n, name: r.name, key: Math.min(...by.map((c) => c.id)), order });
  });
  items.sort((a, b) => b.key - a.key || a.order - b.order);

  const symbols = new Map<number, string>();
  const seeds = new Map<number, Node>([[root.id, g.constant(1)]]);
  for (const item of items) {
    let sum: Node | undefined;
    for (const c of consumersOf(item.node)) {
      // The adjoint that c's own expression passes to the item: the walk stops at other
      // definitions and variables, whose paths are left to their own adjoints.
      const [v] = vjp(g, c, seeds.get(c.id)!, [item.node], { stopAt: isBoundary });
      if (v !== undefined) sum = sum === undefined ? v : g.add(sum, v);
    }
    const adjoint = simplify(g, [sum ?? g.zeros(item.node.shape)], { frozen })[0]!;
    const lhs = partial(target.name, item.name);
    const sides = [lhs, new SymbolPrinter(names, symbols).text(adjoint)];
    const r = requested.get(item.node.id);
    if (r !== undefined) {
      const closed = closedPrinter.text(r.closed);
      if (closed !== sides[1]) sides.push(closed);
      printed.add(item.node.id);
    }
    sides[sides.length - 1] += size(item.node);
    lines.push(display(...sides));
    if (defs.has(item.node.id)) {
      const symbol = g.variable(`∂${target.name}/∂${item.name}`, varKind(item.node.shape), item.node.shape);
      seeds.set(item.node.id, symbol);
      symbols.set(symbol.id, lhs);
    }
  }
  // Requested nodes the target does not pass through (zero), or the target itself (one).
  for (const [id, r] of requested) {
    if (!printed.has(id)) lines.push(display(partial(target.name, r.name), `${closedPrinter.text(r.closed)}${size(r.closed)}`));
  }
  return lines;
}
