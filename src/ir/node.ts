/** The typed IR: an immutable, hash-consed DAG of primitive applications with symbolic shapes. */
import type { Span } from '../diagnostics/source.js';
import type { Shape } from './shape.js';
import type { Structure } from '../syntax/ast.js';

export type { Structure };

/**
 * The primitives of the IR, by name: the keys of `OpNames`. Here, the leaves (src/ops/leaves.ts),
 * which the IR's vocabulary itself reads (src/ir/constants.ts); every other family file of
 * src/ops declares the names of its entries by augmenting this interface (`declare module
 * '../ir/node.js' { interface OpNames { inv: true } }`), and src/ops/index.ts gathers the
 * families' tables into `OPS`, typed `Record<OpName, OpDef>`: a name declared and left out of
 * every table, or an entry whose name is not declared, does not compile. So a new op is declared
 * in its own file, and the IR's vocabulary names no op built over it.
 */
export interface OpNames {
  var: true;
  const: true;
  dim: true;
  fill: true;
  eye: true;
  onehot: true;
}

/** Every primitive of the IR. Each has exactly one entry in the table of src/ops/. */
export type OpName = keyof OpNames;

/** How a variable was declared: `scalar`, `vector(n)`, `matrix(m, n)` or `index(K)`. */
export type VarKind = 'scalar' | 'vector' | 'matrix' | 'index';

/** Static data of a node, beside its arguments. Which fields are set depends on the op. */
export interface Attrs {
  /** var: the variable's name; dim: the dimension's name. */
  readonly name?: string;
  /** var: how it was declared. */
  readonly varKind?: VarKind;
  /** var: `symmetric(n)` or `spd(n)` (a matrix; its value is promised symmetric, or positive definite). */
  readonly structure?: Structure;
  /** const and fill: the value. */
  readonly value?: number;
  /**
   * unary: the function, a key of UNARY (src/ops/elementwise.ts; `unaryFn` reads it back typed).
   * A string here, so that the IR's vocabulary does not depend on the table built over it.
   */
  readonly fn?: string;
  /**
   * var, fill, eye, onehot: the shape (leaves carry their shape); commutation(m, n): m x n, the
   * shape of the matrix it transposes; rowscatter, colscatter: the shape of the matrix sliced.
   */
  readonly shape?: Shape;
}

/**
 * A node of the IR: a primitive (`op`) applied to argument nodes, with static attributes and a
 * symbolic shape. Nodes are immutable and hash-consed: in one graph, structurally equal
 * expressions are one node.
 */
export interface Node {
  /** Creation order in its graph: deterministic, and a topological order. */
  readonly id: number;
  readonly op: OpName;
  readonly args: readonly Node[];
  readonly attrs: Attrs;
  readonly shape: Shape;
  /** The hash-consing key: op, attributes and argument ids. */
  readonly key: string;
  /** The user's text this node was first built from, if any. */
  readonly span: Span | undefined;
}
