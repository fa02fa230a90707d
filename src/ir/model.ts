/** A checked formula file: its variables, definitions and requests over one IR graph. */
import type { Source, Span } from '../diagnostics/source.js';
import type { Graph } from './graph.js';
import type { Node, Structure, VarKind } from './node.js';
import type { Dim, Shape } from './shape.js';

/**
 * A declared variable: `A : matrix(h, m)` is `{ name: 'A', kind: 'matrix', shape: { rows: 'h',
 * cols: 'm' } }`, with its IR node (a `var`) and the span of its declaration.
 */
export interface Variable {
  readonly name: string;
  readonly kind: VarKind;
  readonly shape: Shape;
  /** index(K): the bound K. */
  readonly bound?: Dim;
  /** symmetric(n), spd(n): a matrix (kind `matrix`, n x n) with that structure. */
  readonly structure?: Structure;
  readonly node: Node;
  readonly span: Span;
}

/**
 * A definition `name = expression`. Its `node` is the expression's value: a definition that is
 * just a variable, or repeats an earlier expression, is that same node.
 */
export interface Definition {
  readonly name: string;
  readonly node: Node;
  readonly span: Span;
}

/**
 * A `grad L wrt A, b` line: the definition differentiated (`target`), what it is differentiated
 * with respect to (variables or definitions, in the order written), and the name of the
 * function the generated module exports for it.
 */
export interface GradRequest {
  /** The exported function's name: `lossGrad`, then `lossGrad2`, ... */
  readonly functionName: string;
  readonly target: Definition;
  /** Variables and definitions, in the order written. */
  readonly wrt: readonly { readonly name: string; readonly node: Node; readonly isVariable: boolean }[];
  readonly span: Span;
}

/** The derivative lines beyond `grad` (README, "The formula language"). */
export type HigherKind = 'jacobian' | 'hessian' | 'hvp';

/**
 * A `jacobian f wrt x, h`, `hessian L wrt x, y` or `hvp L wrt W, b` line. Numerator layout:
 * the Jacobian block of f (m entries) with respect to x (n entries) is m x n; the Hessian block
 * (a, b) is the Jacobian of the gradient with respect to a, taken with respect to b.
 */
export interface HigherRequest {
  readonly kind: HigherKind;
  /** The exported function's name: `fJac`, `LHess`, `LHvp`, then `fJac2`, ... */
  readonly functionName: string;
  readonly target: Definition;
  /** Jacobian: scalars or vectors, variables or definitions; Hessian: scalar or vector variables; HVP: variables. */
  readonly wrt: GradRequest['wrt'];
  readonly span: Span;
}

/**
 * A checked formula file, as `checkFormula` returns it: its dimension names, variables,
 * definitions and `grad` lines, all over one IR graph, and the source they were checked from.
 */
export interface Model {
  readonly source: Source;
  readonly graph: Graph;
  /** Dimension names in order of first appearance. */
  readonly dims: readonly string[];
  readonly variables: readonly Variable[];
  readonly definitions: readonly Definition[];
  readonly requests: readonly GradRequest[];
  /** `jacobian`, `hessian` and `hvp` lines, in file order. */
  readonly higherRequests: readonly HigherRequest[];
}
