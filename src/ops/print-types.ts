/** What print rules produce and what printers offer them: shared by the op table and src/print. */
import type { Node } from '../ir/node.js';

/** Binding strength of printed expressions, loosest first (README, "The formula language"). */
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
  /**
   * Write a column broadcast across a matrix by .* as diag(c) M: on for Jacobians and Hessians,
   * whose textbook form it is; off for gradients, where c .* M reads shorter.
   */
  readonly diagonalScaling: boolean;
}

export type PrintRule = (node: Node, args: readonly Printed[], ctx: PrintContext) => Printed;
