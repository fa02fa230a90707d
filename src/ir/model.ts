/** A checked formula file: its variables, definitions and requests over one IR graph. */
import type { Source, Span } from '../syntax/source.js';
import type { Graph } from './graph.js';
import type { Node, VarKind } from './node.js';
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
}
