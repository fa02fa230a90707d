/** The shape rule of the matrix product and the cheap local identities of src/ops/linear.ts's ops. */
import { isOne, isZero } from '../ir/constants.js';
import type { Node } from '../ir/node.js';
import { describeShape, isColumn, isScalar, shape, transposeShape, type Shape } from '../ir/shape.js';
import { ShapeError } from '../diagnostics/errors.js';
import type { Builder } from './types.js';
import { scaling } from './identities.js';
import { kroneckerProduct as kroneckerProductIdentity, kroneckerTranspose } from './kronecker.js';

export function matmulShape(a: Shape, b: Shape): Shape {
  if (isScalar(a)) return b;
  if (isScalar(b)) return a;
  if (a.cols !== b.rows) {
    throw new ShapeError(`cannot multiply ${describeShape(a)} by ${describeShape(b)}: ${a.cols} != ${b.rows}`);
  }
  return shape(a.rows, b.cols);
}

/** Matrix product; a 1 x 1 factor scales the other; eye and zeros vanish; inv(X) B is a solve. */
export function matmulIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const [a, b] = args as [Node, Node];
  const s = matmulShape(a.shape, b.shape);
  if (isScalar(a.shape) || isScalar(b.shape)) return g.mul(a, b);
  if (isZero(a) || isZero(b)) return g.zeros(s);
  if (a.op === 'eye') return b;
  if (b.op === 'eye') return a;
  // Summing the rows or columns of diag(v) gives v back: 1ᵀ diag(v) = vᵀ, diag(v) 1 = v.
  if (isOne(a) && a.shape.rows === 1 && g.opOf(b) === 'diag' && isColumn(b.args[0]!.shape))
    return g.transpose(b.args[0]!);
  if (isOne(b) && b.shape.cols === 1 && g.opOf(a) === 'diag' && isColumn(a.args[0]!.shape)) return a.args[0]!;
  const left = scaling(g, a);
  if (left !== undefined) return g.mul(left.factor, g.matmul(left.rest, b));
  const right = scaling(g, b);
  if (right !== undefined) return g.mul(right.factor, g.matmul(a, right.rest));
  const kronecker = kroneckerProductIdentity(a, b, g);
  if (kronecker !== undefined) return kronecker;
  // inv(X) B and inv(X)ᵀ B are solves; (P inv(X)) B is P (inv(X) B), so x^T inv(S) x solves once.
  const inverse = inverseOf(a, g);
  if (inverse !== undefined) return g.solve(inverse, b);
  if (g.opOf(a) === 'matmul' && inverseOf(a.args[1]!, g) !== undefined)
    return g.matmul(a.args[0]!, g.matmul(a.args[1]!, b));
  return undefined;
}

/** X for inv(X), Xᵀ for inv(X)ᵀ, when rewrites may look into them; else undefined. */
function inverseOf(n: Node, g: Builder): Node | undefined {
  if (g.opOf(n) === 'inv') return n.args[0]!;
  if (g.opOf(n) === 'transpose' && g.opOf(n.args[0]!) === 'inv') return g.transpose(n.args[0]!.args[0]!);
  return undefined;
}

/** Double transpose, transposes of scalars, fills, eye and diagonal matrices, of scalings and of products. */
export function transposeIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const a = args[0]!;
  if (isScalar(a.shape)) return a;
  const kronecker = kroneckerTranspose(a, g);
  if (kronecker !== undefined) return kronecker;
  if (g.opOf(a) === 'transpose') return a.args[0]!;
  if (a.op === 'fill') return g.fill(a.attrs.value!, transposeShape(a.shape));
  if (a.op === 'eye') return a;
  if (g.opOf(a) === 'diag') return a;
  // Sᵀ = S of a variable declared symmetric(n) or spd(n).
  if (a.op === 'var' && a.attrs.structure !== undefined) return a;
  const scaled = scaling(g, a);
  if (scaled !== undefined) return g.mul(scaled.factor, g.transpose(scaled.rest));
  if (g.opOf(a) === 'matmul') return g.matmul(g.transpose(a.args[1]!), g.transpose(a.args[0]!));
  return undefined;
}

/** The scalar itself for anything 1 x 1. */
export function ofScalarItself(args: readonly Node[]): Node | undefined {
  return isScalar(args[0]!.shape) ? args[0]! : undefined;
}

/** diag(diag(v)) is v as a column, also when v is a row. */
export function diagpartIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const m = args[0]!;
  if (isScalar(m.shape)) return m;
  if (g.opOf(m) === 'diag') return m.args[0]!.shape.cols === 1 ? m.args[0]! : g.transpose(m.args[0]!);
  return undefined;
}
