/**
 * The derivatives of `jacobian`, `hessian` and `hvp` lines. Hessian blocks are Jacobians of the
 * simplified gradient, so they share its forward and backward values; an HVP is the tangent of
 * the gradient along v (forward over reverse, src/diff/tangent.ts) and never builds a Hessian.
 */
import type { HigherRequest, Model } from '../ir/model.js';
import type { Node, Structure, VarKind } from '../ir/node.js';
import { simplify } from '../simplify/simplify.js';
import { jacobian } from './jacobian.js';
import { forwardNodes, gradients, reachable } from './reverse.js';
import { tangents } from './tangent.js';

/** A derivative with respect to one or two wrt names, in the order written. */
export interface DerivedBlock {
  /** jacobian: [x]; hessian: [a, b] (row, column); hvp: [a]. */
  readonly wrt: readonly string[];
  readonly node: Node;
}

/** The direction an HVP multiplies, for one wrt variable: a fresh variable shaped like it. */
export interface Direction {
  /** The wrt variable's name. */
  readonly of: string;
  /** The direction's name in printed formulas: `v_W` (with a suffix if that name is taken). */
  readonly name: string;
  readonly kind: VarKind;
  /** `symmetric` for the direction of a symmetric or spd matrix: HVPs act on symmetric directions. */
  readonly structure?: Structure;
  readonly node: Node;
}

export interface DerivedHigher {
  readonly request: HigherRequest;
  /** hessian, hvp: the gradient with respect to each wrt name; jacobian: none. */
  readonly gradient: readonly { readonly name: string; readonly node: Node }[];
  /** hvp: the direction of each wrt variable; otherwise none. */
  readonly directions: readonly Direction[];
  /** jacobian: one block per wrt; hessian: every ordered pair (row-major); hvp: (H v) per wrt. */
  readonly blocks: readonly DerivedBlock[];
}

/**
 * A block with respect to a symmetric (or spd) matrix S, composed with the symmetriser
 * N = (I + K) / 2 on vec(S): the derivative along symmetric directions, the same convention as the
 * gradient's sym(G) (a block with respect to anything else is returned as it is).
 */
function alongSymmetric(graph: Model['graph'], block: Node, wrt: Node): Node {
  if (wrt.op !== 'var' || wrt.attrs.structure === undefined) return block;
  const n = wrt.shape.rows;
  return graph.mul(graph.constant(0.5), graph.add(block, graph.matmul(block, graph.commutation(n, n))));
}

/** Every name the model's text uses, so a direction takes a fresh one. */
function takenNames(model: Model): Set<string> {
  return new Set([...model.variables.map((v) => v.name), ...model.definitions.map((d) => d.name), ...model.dims]);
}

export function differentiateHigher(model: Model, request: HigherRequest, frozen = forwardNodes(model)): DerivedHigher {
  const graph = model.graph;
  const previous = graph.span;
  graph.span = request.span;
  try {
    const target = request.target.node;
    const wrtNodes = request.wrt.map((w) => w.node);
    if (request.kind === 'jacobian') {
      const raw = wrtNodes.map((x) => alongSymmetric(graph, jacobian(graph, target, x), x));
      const blocks = simplify(graph, raw, { frozen });
      return {
        request,
        gradient: [],
        directions: [],
        blocks: request.wrt.map((w, i) => ({ wrt: [w.name], node: blocks[i]! })),
      };
    }
    const gradient = simplify(graph, gradients(graph, target, wrtNodes), { frozen });
    // The backward values are shared too: the second derivatives read them, never rewrite them.
    const shared = new Set([...frozen, ...reachable(gradient).map((n) => n.id)]);
    const named = request.wrt.map((w, i) => ({ name: w.name, node: gradient[i]! }));
    if (request.kind === 'hessian') {
      // Block (a, b) is the Jacobian of ∇_a L with respect to b; block (b, a) is its transpose.
      const k = wrtNodes.length;
      const upper = new Map<string, Node>();
      for (let a = 0; a < k; a++) {
        for (let b = a; b < k; b++) {
          upper.set(`${a},${b}`, alongSymmetric(graph, jacobian(graph, gradient[a]!, wrtNodes[b]!), wrtNodes[b]!));
        }
      }
      const keys = [...upper.keys()];
      const simplified = simplify(graph, [...upper.values()], { frozen: shared });
      const block = new Map(keys.map((key, i) => [key, simplified[i]!]));
      const blocks: DerivedBlock[] = [];
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const node = a <= b ? block.get(`${a},${b}`)! : graph.transpose(block.get(`${b},${a}`)!);
          blocks.push({ wrt: [request.wrt[a]!.name, request.wrt[b]!.name], node });
        }
      }
      return { request, gradient: named, directions: [], blocks };
    }
    // hvp: a direction variable v_a shaped like each wrt variable a.
    const taken = takenNames(model);
    const directions: Direction[] = request.wrt.map((w, i) => {
      let name = `v_${w.name}`;
      for (let s = 2; taken.has(name); s++) name = `v_${w.name}_${s}`;
      taken.add(name);
      const variable = model.variables.find((v) => v.name === w.name)!;
      const kind: VarKind = variable.kind;
      const structure: Structure | undefined = variable.structure !== undefined ? 'symmetric' : undefined;
      return {
        of: w.name,
        name,
        kind,
        ...(structure !== undefined ? { structure } : {}),
        node: graph.variable(name, kind, wrtNodes[i]!.shape, structure),
      };
    });
    // Forward over reverse: the tangent of the gradient's graph along v, on top of its forward and backward values.
    const seeds = new Map(wrtNodes.map((w, i) => [w.id, directions[i]!.node]));
    const raw = tangents(graph, gradient, seeds).map((t, i) => t ?? graph.zeros(wrtNodes[i]!.shape));
    const hv = simplify(graph, raw, { frozen: shared });
    return {
      request,
      gradient: named,
      directions,
      blocks: request.wrt.map((w, i) => ({ wrt: [w.name], node: hv[i]! })),
    };
  } finally {
    graph.span = previous;
  }
}
