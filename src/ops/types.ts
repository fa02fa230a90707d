/** What every primitive defines, in one place: shape rule, derivative rule, printed forms. */
import type { Graph } from '../ir/graph.js';
import type { Attrs, Node, OpName } from '../ir/node.js';
import type { Dim, Shape } from '../ir/shape.js';
import type { Lowering } from './lowering.js';

/** Binding strength of printed expressions, loosest first (LANGUAGE.md 1.5). */
export const enum Prec {
  Sum = 1,
  Product = 2,
  Unary = 3,
  Power = 4,
  Postfix = 5,
  Atom = 6,
}

export interface Printed {
  readonly text: string;
  readonly prec: Prec;
}

/** What a printer offers an op's print rule. */
export interface PrintContext {
  /** `p` as is if it binds at least as tightly as `min`, else in parentheses. */
  wrap(p: Printed, min: Prec): string;
  /** A dimension as text (a name or a literal). */
  dim(d: string | number): string;
  /** A variable or dimension name as text. */
  name(name: string): string;
  /** A number as text. */
  number(value: number): string;
  /** Any node, printed by the same printer (for rules that look past their arguments). */
  node(n: Node): Printed;
}

export type PrintRule = (node: Node, args: readonly Printed[], ctx: PrintContext) => Printed;

/**
 * The vector-Jacobian product: given the node and the adjoint of its value, the adjoint
 * contribution to each argument, or undefined where `needed[i]` is false or there is none.
 */
export type VjpRule = (node: Node, adjoint: Node, g: Graph, needed: readonly boolean[]) => readonly (Node | undefined)[];

/** The arguments of a call, checked on demand by the elaborator (src/ir/elaborate.ts). */
export interface CallArguments {
  /** The function's name as the user wrote it (`trace`, `σ`), for messages. */
  readonly name: string;
  readonly count: number;
  /** Argument i, checked as a value. */
  value(i: number): Node;
  /** Every argument, checked as values: all are checked even when one fails, so each error is reported. */
  values(): Node[];
  /** Argument i as a dimension: a name like n or a positive integer literal. */
  dim(i: number): Dim;
  /** Argument i as an index in [0, extent): an integer literal or an index variable; `axis` says what it indexes. */
  index(i: number, extent: Dim, axis: (extent: Dim) => string): Node;
  /** Reports `message` at the call and abandons it. */
  fail(message: string): never;
}

/**
 * What suggestions in error messages know of a call's arguments before they are checked
 * (src/ir/hints.ts): shapes estimated from the names in scope, dimension arguments as written.
 */
export interface EstimatedArguments {
  readonly count: number;
  shape(i: number): Shape | undefined;
  dim(i: number): Dim | undefined;
}

/** A function of the formula language (LANGUAGE.md 1.6), declared with the primitive it builds. */
export interface SurfaceFunction {
  /** The names users write for it: its own name first, then aliases. */
  readonly names: readonly string[];
  /** How many arguments it takes: a count, or every count it accepts. */
  readonly arity: number | readonly number[];
  /** Builds the node from the call's arguments through the graph's smart constructors (sugar like dot(u, v) included). */
  readonly build: (args: CallArguments, g: Graph) => Node;
  /** The shape of a call's value, or undefined when the arguments do not say; for suggestions in error messages. */
  readonly estimate: (args: EstimatedArguments) => Shape | undefined;
}

export interface OpDef {
  readonly name: OpName;
  /** The functions users call to build this primitive; none for operators and leaves written otherwise. */
  readonly functions: readonly SurfaceFunction[];
  /** The result shape; throws ShapeError with a message in the user's terms when the arguments do not fit. */
  readonly shape: (args: readonly Shape[], attrs: Attrs) => Shape;
  readonly vjp: VjpRule;
  /** Rebuilds the node from (possibly rewritten) arguments through the graph's smart constructor. */
  readonly build: (g: Graph, args: readonly Node[], attrs: Attrs) => Node;
  /** Formula syntax: what `gradc derive` prints, and what the parser reads back. */
  readonly formula: PrintRule;
  /** Textbook LaTeX. */
  readonly latex: PrintRule;
  /** How the code generator emits it (src/ops/lowering.ts). */
  readonly lower: Lowering;
}
