/**
 * The shape rules and cheap local identities of elementwise arithmetic (src/ops/arithmetic.ts):
 * constant folding, 0 and 1 eliminated, scalar factors pulled to the front, the stable forms of
 * log of a sum or product of exponentials.
 */
import {
  constValue,
  exactPower,
  exactProduct,
  exactQuotient,
  exactSum,
  exactValue,
  isNumber,
  isOne,
} from '../ir/constants.js';
import type { Attrs, Node } from '../ir/node.js';
import { broadcastShapes, describeShape, isColumn, isScalar, sameShape, type Shape } from '../ir/shape.js';
import { ShapeError } from '../diagnostics/errors.js';
import { UNARY, unaryFn, type UnaryFn } from './elementwise.js';
import { nonnegative, scaling } from './identities.js';
import { kroneckerScaledRows, kroneckerSum } from './kronecker.js';
import type { Builder } from './types.js';

export function elementwiseShape(verb: string) {
  return (args: readonly Shape[]): Shape => {
    const [a, b] = args as [Shape, Shape];
    const s = broadcastShapes(a, b);
    if (s === undefined) {
      throw new ShapeError(
        `cannot ${verb} ${describeShape(a)} and ${describeShape(b)}: the shapes differ and do not broadcast`,
      );
    }
    return s;
  };
}

export const addShape = elementwiseShape('add');
export const mulShape = elementwiseShape('multiply elementwise');
export const divShape = elementwiseShape('divide');
export const powShape = elementwiseShape('raise');

/** x + 0 is x; constants fold. */
export function addIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const [a, b] = args as [Node, Node];
  const s = addShape([a.shape, b.shape]);
  const ca = constValue(a);
  const cb = constValue(b);
  if (ca !== undefined && cb !== undefined) {
    const v = exactSum(ca, cb);
    if (v !== undefined) return g.fill(v, s);
  }
  if (ca === 0 && sameShape(b.shape, s)) return b;
  if (cb === 0 && sameShape(a.shape, s)) return a;
  // A + Aᵀ, in the order textbooks write it (a Hessian's A^T + A reads as A + A^T).
  if (g.opOf(a) === 'transpose' && a.args[0] === b) return g.add(b, a);
  return kroneckerSum(a, b, g);
}

/** Elementwise product with broadcasting; a scalar times anything scales it, and scalar factors go to the front. */
export function mulIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const [a, b] = args as [Node, Node];
  const s = mulShape([a.shape, b.shape]);
  const ca = constValue(a);
  const cb = constValue(b);
  if (ca !== undefined && cb !== undefined) {
    const v = exactProduct(ca, cb);
    if (v !== undefined) return g.fill(v, s);
  }
  if (ca === 0 || cb === 0) return g.zeros(s);
  if (ca === 1 && sameShape(b.shape, s)) return b;
  if (cb === 1 && sameShape(a.shape, s)) return a;
  // A uniform matrix times a same-shaped value is a scaling.
  if (ca !== undefined && !isScalar(a.shape) && sameShape(b.shape, s)) return g.mul(g.constant(ca), b);
  if (cb !== undefined && !isScalar(b.shape) && sameShape(a.shape, s)) return g.mul(g.constant(cb), a);
  const aScalar = isScalar(a.shape);
  const bScalar = isScalar(b.shape);
  // A column times the identity, broadcast across it, is the diagonal matrix of the column.
  if (a.op === 'eye' && isColumn(b.shape)) return g.diag(b);
  if (b.op === 'eye' && isColumn(a.shape)) return g.diag(a);
  const kronecker = kroneckerScaledRows(a, b, g);
  if (kronecker !== undefined) return kronecker;
  // Scalars to the front; among scalars, constants to the front.
  if ((bScalar && !aScalar) || (aScalar && bScalar && cb !== undefined && ca === undefined)) return g.mul(b, a);
  // x ⊙ (1 / y) is x / y, unless it is a scaling (1 / y) X, which keeps its factor in front,
  // or y is a number: 1/3 s stays a coefficient, as written.
  if (
    ca === undefined &&
    g.opOf(b) === 'div' &&
    isOne(b.args[0]!) &&
    !isNumber(b.args[1]!) &&
    isScalar(b.args[0]!.shape) &&
    (aScalar || !bScalar)
  )
    return g.div(a, b.args[1]!);
  if (
    cb === undefined &&
    g.opOf(a) === 'div' &&
    isOne(a.args[0]!) &&
    !isNumber(a.args[1]!) &&
    isScalar(a.args[0]!.shape) &&
    (bScalar || !aScalar)
  )
    return g.div(b, a.args[1]!);
  if (aScalar && !bScalar) {
    const inner = scaling(g, b);
    if (inner !== undefined) return g.mul(g.mul(a, inner.factor), inner.rest);
  } else if (!aScalar && !bScalar) {
    const left = scaling(g, a);
    if (left !== undefined) return g.mul(left.factor, g.mul(left.rest, b));
    const right = scaling(g, b);
    if (right !== undefined) return g.mul(right.factor, g.mul(a, right.rest));
  } else {
    return scalarProduct(a, b, ca, g);
  }
  return undefined;
}

/** Both scalars: constant factors gather at the front, then quotients of constants (like 2 / N), so they read as coefficients. */
function scalarProduct(a: Node, b: Node, ca: number | undefined, g: Builder): Node | undefined {
  if (ca !== undefined && g.opOf(b) === 'mul') {
    const cb0 = constValue(b.args[0]!);
    const v = cb0 === undefined ? undefined : exactProduct(ca, cb0);
    if (v !== undefined) return g.mul(g.constant(v), b.args[1]!);
  }
  if (ca === undefined && g.opOf(b) === 'mul' && constValue(b.args[0]!) !== undefined) {
    return g.mul(b.args[0]!, g.mul(a, b.args[1]!));
  }
  if (ca === undefined && g.opOf(a) === 'mul' && constValue(a.args[0]!) !== undefined) {
    return g.mul(a.args[0]!, g.mul(a.args[1]!, b));
  }
  const coefficientLike = (n: Node) => g.opOf(n) === 'div' && isNumber(n.args[0]!);
  if (ca === undefined && !coefficientLike(a)) {
    if (coefficientLike(b)) return g.mul(b, a);
    if (g.opOf(b) === 'mul' && coefficientLike(b.args[0]!)) return g.mul(b.args[0]!, g.mul(a, b.args[1]!));
  }
  return undefined;
}

/** Constants fold; 0 / y is 0 and x / 1 is x; scalar factors and signs stay in front where they can merge. */
export function divIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const [a, b] = args as [Node, Node];
  const s = divShape([a.shape, b.shape]);
  const ca = constValue(a);
  const cb = constValue(b);
  if (ca !== undefined && cb !== undefined && cb !== 0) {
    const v = exactQuotient(ca, cb);
    if (v !== undefined) return g.fill(v, s);
  }
  if (ca === 0 && cb !== 0) return g.zeros(s);
  if (cb === 1 && sameShape(a.shape, s)) return a;
  // c ./ Y (a number over a matrix) is c (1 ./ Y): the number joins the other scalar factors,
  // so 2 (0.5 ./ y) .* x reads x ./ y.
  if (ca !== undefined && ca !== 1 && isNumber(a) && !isScalar(s) && cb === undefined)
    return g.mul(a, g.div(g.constant(1), b));
  // (s X) / y is s (X / y): keep scalar factors in front.
  const left = scaling(g, a);
  if (left !== undefined) return g.mul(left.factor, g.div(left.rest, b));
  // -c / y is -(c / y): the sign becomes a constant factor that can merge with others.
  if (ca !== undefined && ca < 0 && isNumber(a)) return g.neg(g.div(g.constant(-ca), b));
  // (c x) / y is c (x / y): constants, signs above all, stay in front where they can merge.
  if (g.opOf(a) === 'mul' && isNumber(a.args[0]!) && isScalar(a.args[0]!.shape)) {
    return g.mul(a.args[0]!, g.div(a.args[1]!, b));
  }
  return undefined;
}

/** Constants fold (when finite); x^1 is x and x^0 is 1. */
export function powIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const [a, b] = args as [Node, Node];
  const s = powShape([a.shape, b.shape]);
  const ca = constValue(a);
  const cb = constValue(b);
  if (ca !== undefined && cb !== undefined) {
    const v = exactPower(ca, cb);
    if (v !== undefined) return g.fill(v, s);
  }
  if (cb === 1 && sameShape(a.shape, s)) return a;
  if (cb === 0) return g.ones(s);
  return undefined;
}

/** A function of a constant folds (when finite); a log takes its stable form. */
export function unaryIdentities(args: readonly Node[], g: Builder, attrs: Attrs): Node | undefined {
  const fn = unaryFn(attrs.fn);
  const a = args[0]!;
  const ca = constValue(a);
  if (ca !== undefined) {
    // Only a short value: exp(0) is 1, but log(2) stays log(2) rather than 16 digits.
    const v = UNARY[fn].eval(ca);
    if (exactValue(v)) return g.fill(v, a.shape);
  }
  // |a| of a nonnegative a is a: |exp(x)|, |x^T x|.
  if (fn === 'abs' && isScalar(a.shape) && nonnegative(a, g)) return a;
  return fn === 'log' ? stableLog(a, g) : undefined;
}

/**
 * log(a) in a form that stays finite where computing `a` first would overflow or round to
 * 0, or undefined when `a` has none: log(exp(x)) = x; log(1 + exp(x)) = softplus(x);
 * log(σ(x)) = -softplus(-x); log(1 - σ(x)) = -softplus(x); for a vector z,
 * log(softmax(z)) = z - logsumexp(z) and log(softmax(z)[k]) = z[k] - logsumexp(z). (A
 * matrix's softmax is column-wise, and the IR has no column-wise logsumexp: not rewritten.)
 */
function stableLog(a: Node, g: Builder): Node | undefined {
  const op = g.opOf(a);
  const isUnary = (n: Node, fn: UnaryFn) => g.opOf(n) === 'unary' && n.attrs.fn === fn;
  const isColumnSoftmax = (n: Node) => g.opOf(n) === 'softmax' && n.shape.cols === 1;
  if (isUnary(a, 'exp')) return a.args[0]!;
  if (isUnary(a, 'sigmoid')) return g.neg(g.unary('softplus', g.neg(a.args[0]!)));
  if (op === 'add') {
    const [p, q] = a.args as [Node, Node];
    for (const [one, other] of [
      [p, q],
      [q, p],
    ] as const) {
      // A 1 that does not change the shape of the sum: a scalar, or ones of the same shape.
      if (!isOne(one) || !(isScalar(one.shape) || sameShape(one.shape, a.shape)) || !sameShape(other.shape, a.shape))
        continue;
      if (isUnary(other, 'exp')) return g.unary('softplus', other.args[0]!);
      const negated =
        g.opOf(other) === 'mul' && constValue(other.args[0]!) === -1 && isScalar(other.args[0]!.shape)
          ? other.args[1]!
          : undefined;
      if (negated !== undefined && isUnary(negated, 'sigmoid')) return g.neg(g.unary('softplus', negated.args[0]!));
    }
  }
  if (isColumnSoftmax(a)) {
    const z = a.args[0]!;
    return g.sub(z, g.logsumexp(z));
  }
  if (op === 'index' && isColumnSoftmax(a.args[0]!)) {
    const z = a.args[0]!.args[0]!;
    return g.sub(g.index(z, a.args.slice(1)), g.logsumexp(z));
  }
  return undefined;
}
