/** What every primitive defines, in one place: shape rule, derivative rule, printed forms. */
import type { Graph } from '../ir/graph.js';
import type { Attrs, Node, OpName } from '../ir/node.js';
import type { Shape } from '../ir/shape.js';
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

export interface OpDef {
  readonly name: OpName;
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
