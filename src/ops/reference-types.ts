/**
 * What an op's `reference` rule computes with: the reference evaluator (src/check/reference.ts)
 * gives each rule its arguments' values as plain rows of numbers, and through `ReferenceContext`
 * the numeric operations it may use, which it implements with mathjs. So an op says what it
 * means in one place, the op table never imports mathjs or src/check, and the meaning stays
 * independent of the code generator (never the entry's `lower`, an elementwise function's
 * `eval` or `ts`).
 */
import type { Node } from '../ir/node.js';
import type { Dim } from '../ir/shape.js';
import type { MathjsFunction } from './elementwise.js';

/** A value: rows of numbers; a scalar is 1 x 1, a vector(n) is n x 1. */
export type Value = number[][];

/** The arithmetic a rule leaves to mathjs (src/check/reference.ts implements it). */
export interface ReferenceMath {
  /** Entry by entry, of two values of one shape. */
  add(a: Value, b: Value): Value;
  dotMultiply(a: Value, b: Value): Value;
  dotDivide(a: Value, b: Value): Value;
  dotPow(a: Value, b: Value): Value;
  /** The matrix product. */
  multiply(a: Value, b: Value): Value;
  /** Every entry times `s`. */
  scale(a: Value, s: number): Value;
  map(a: Value, f: (x: number) => number): Value;
  /** Of all entries: their sum, mean, Frobenius norm, largest and smallest. */
  sum(a: Value): number;
  mean(a: Value): number;
  norm(a: Value): number;
  max(a: Value): number;
  min(a: Value): number;
  trace(a: Value): number;
  inv(a: Value): Value;
  /** sign(det a) and log |det a|, from an LU decomposition with partial pivoting. */
  determinant(a: Value): { readonly sign: number; readonly logAbs: number };
  /** mathjs's scalar function of that name (NaN outside its real domain). */
  scalarFunction(name: MathjsFunction): (x: number) => number;
}

/** What a rule knows besides its arguments' values (functions as fields, so a rule may destructure them). */
export interface ReferenceContext {
  readonly node: Node;
  /** The node's own shape, concrete. */
  readonly rows: number;
  readonly cols: number;
  readonly math: ReferenceMath;
  /** The value given for a variable (a number for a scalar or an index, as 1 x 1). */
  readonly input: (name: string) => Value;
  /** The concrete size of a dimension. */
  readonly size: (d: Dim) => number;
  /** An integer index from a 1 x 1 value, checked to lie in [0, extent); `what` names it in the error. */
  readonly index: (v: Value, extent: number, what: string) => number;
  /** `v` repeated to the node's shape by broadcasting (a scalar, a column or a row). */
  readonly broadcast: (v: Value) => Value;
}

/** What the node means: its value from its arguments' values. */
export type ReferenceRule = (args: readonly Value[], cx: ReferenceContext) => Value;

export function scalarValue(v: number): Value {
  return [[v]];
}

/** The matrix of `rows` x `cols` entries f(i, j). */
export function tabulate(rows: number, cols: number, f: (i: number, j: number) => number): Value {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => f(i, j)));
}

/** The reference of a binary elementwise op: `f` of its arguments broadcast to the node's shape. */
export const broadcastReference =
  (f: (math: ReferenceMath, a: Value, b: Value) => Value): ReferenceRule =>
  ([a, b], cx) =>
    f(cx.math, cx.broadcast(a!), cx.broadcast(b!));

/** The reference of a reduction to a scalar. */
export const scalarReference =
  (f: (math: ReferenceMath, a: Value) => number): ReferenceRule =>
  ([a], cx) =>
    scalarValue(f(cx.math, a!));
