/** A checked formula file: its variables, definitions and requests over one IR graph. */
import type { Source, Span } from '../syntax/source.js';
import type { Graph } from './graph.js';
import type { Node, VarKind } from './node.js';
import type { Dim, Shape } from './shape.js';

export interface Variable {
  readonly name: string;
  readonly kind: VarKind;
  readonly shape: Shape;
  /** index(K): the bound K. */
  readonly bound?: Dim;
  readonly node: Node;
  readonly span: Span;
}

export interface Definition {
  readonly name: string;
  readonly node: Node;
  readonly span: Span;
}

export interface GradRequest {
  /** The exported function's name: `lossGrad`, then `lossGrad2`, ... */
  readonly functionName: string;
  readonly target: Definition;
  /** Variables and definitions, in the order written. */
  readonly wrt: readonly { readonly name: string; readonly node: Node; readonly isVariable: boolean }[];
  readonly span: Span;
}

export interface Model {
  readonly source: Source;
  readonly graph: Graph;
  /** Dimension names in order of first appearance. */
  readonly dims: readonly string[];
  readonly variables: readonly Variable[];
  readonly definitions: readonly Definition[];
  readonly requests: readonly GradRequest[];
}
