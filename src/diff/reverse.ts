/**
 * Reverse-mode differentiation over the IR, at the level of whole matrices: adjoints flow
 * from an output to every requested node through each primitive's vector-Jacobian rule.
 * Only nodes on a path to a requested node are visited, so unused inputs cost nothing, and
 * adjoints are IR nodes in the same graph, so they share every forward value. Every VJP rule
 * builds its result from ops that have VJP rules themselves, so a derivative graph can be
 * differentiated again (Hessian-vector products are the gradient of ⟨∇f, v⟩).
 */
import type { Graph } from '../ir/graph.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { describeShape, sameShape } from '../ir/shape.js';
import { OPS } from '../ops/index.js';
import { reachable } from '../ir/walk.js';
import { isSymmetric } from '../simplify/matrix.js';

export { reachable };

/** Ids of every forward value of the model: never rewritten by the simplifier. */
export function forwardNodes(model: Model): Set<number> {
  const roots = [...model.definitions.map((d) => d.node), ...model.variables.map((v) => v.node)];
  return new Set(reachable(roots).map((n) => n.id));
}

export interface BackwardOptions {
  /**
   * Nodes the walk does not enter (other than `output` itself): their adjoint is collected,
   * but nothing flows on to their arguments. `latex --steps` stops at the user's definitions,
   * so that each line shows the adjoint one definition passes to the next.
   */
  readonly stopAt?: (n: Node) => boolean;
}

/**
 * The vector-Jacobian product: given `seed`, the adjoint of `output` (a node of output's
 * shape), the adjoint of each node of `wrt`, or undefined where no path leads from `output`
 * to it. One walk serves every caller: gradients (a scalar output, seed 1), the steps of
 * `latex --steps` (seeded with the adjoint symbol of a definition), and higher orders.
 */
export function vjp(
  graph: Graph,
  output: Node,
  seed: Node,
  wrt: readonly Node[],
  options: BackwardOptions = {},
): (Node | undefined)[] {
  if (!sameShape(seed.shape, output.shape)) {
    throw new Error(
      `internal: the seed of a vector-Jacobian product is ${describeShape(seed.shape)} but the output is ${describeShape(output.shape)}`,
    );
  }
  const stopAt = options.stopAt ?? (() => false);
  const enters = (n: Node): boolean => n === output || !stopAt(n);
  const order = reachable([output], enters);
  const targets = new Set(wrt.map((w) => w.id));
  // Which nodes lie on a path to a requested node: only their adjoints are needed.
  const relevant = new Set<number>();
  for (const n of order) {
    if (targets.has(n.id) || (enters(n) && n.args.some((a) => relevant.has(a.id)))) relevant.add(n.id);
  }
  const adjoints = new Map<number, Node>();
  if (relevant.has(output.id)) adjoints.set(output.id, seed);
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    const adjoint = adjoints.get(n.id);
    if (adjoint === undefined || !enters(n) || n.args.length === 0) continue;
    const needed = n.args.map((a) => relevant.has(a.id));
    if (!needed.some(Boolean)) continue;
    const contributions = OPS[n.op].vjp(n, adjoint, graph, needed);
    n.args.forEach((arg, i) => {
      const c = contributions[i];
      if (c === undefined || !needed[i]) return;
      const previous = adjoints.get(arg.id);
      adjoints.set(arg.id, previous === undefined ? c : graph.add(previous, c));
    });
  }
  return wrt.map((w) => adjoints.get(w.id));
}

/**
 * The gradient of the scalar `output` with respect to each node of `wrt` (variables or
 * intermediate values): a node of the same shape, or zeros where `output` does not depend on it.
 * A non-scalar output has no gradient: its derivatives are vector-Jacobian products (`vjp`).
 */
export function gradients(graph: Graph, output: Node, wrt: readonly Node[]): Node[] {
  if (output.shape.rows !== 1 || output.shape.cols !== 1) {
    throw new Error(
      `internal: a gradient needs a scalar output, not ${describeShape(output.shape)}; use vjp with a seed of that shape`,
    );
  }
  return vjp(graph, output, graph.constant(1), wrt).map((a, i) => {
    const w = wrt[i]!;
    if (a === undefined) return graph.zeros(w.shape);
    return w.op === 'var' && w.attrs.structure !== undefined ? symmetrised(graph, a) : a;
  });
}

/**
 * The gradient with respect to a symmetric matrix S, from the unconstrained gradient G: in the
 * space of symmetric matrices with the Frobenius inner product ⟨A, B⟩ = tr(Aᵀ B) it is
 * sym(G) = (G + Gᵀ) / 2, the matrix of that space whose inner product with every symmetric
 * direction E is the directional derivative ⟨G, E⟩ (Srinivasan & Panda, 2023). G itself when it
 * is symmetric by construction (x xᵀ, S⁻¹), so printed results read as a textbook writes them.
 * The common G + Gᵀ - G ⊙ I counts each off-diagonal entry twice: it is the derivative with
 * respect to the n (n + 1) / 2 free entries, not a gradient in the matrix space.
 */
function symmetrised(graph: Graph, g: Node): Node {
  if (isSymmetric(g, graph)) return g;
  // sym(P + Q) = sym(P) + Q for Q symmetric, and sym(c P) = c sym(P): only the part that needs it.
  if (g.op === 'add' && !graph.isSealed(g)) {
    const [p, q] = g.args as [Node, Node];
    if (isSymmetric(q, graph) && sameShape(p.shape, g.shape)) return graph.add(symmetrised(graph, p), q);
    if (isSymmetric(p, graph) && sameShape(q.shape, g.shape)) return graph.add(p, symmetrised(graph, q));
  }
  if (g.op === 'mul' && !graph.isSealed(g) && g.args[0]!.op === 'const')
    return graph.mul(g.args[0]!, symmetrised(graph, g.args[1]!));
  return graph.mul(graph.constant(0.5), graph.add(g, graph.transpose(g)));
}
