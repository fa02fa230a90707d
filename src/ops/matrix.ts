/**
 * Matrix functions of a square matrix (README, "The formula language"): inv, det, logdet = log |det|, and the
 * solve inv(A) B that products with an inverse become. Generated code factorises each matrix
 * once per call (LU with partial pivoting, `ctx.factor`) and reads every one of these from it.
 */
import { isZero } from '../ir/constants.js';
import type { Node, OpName } from '../ir/node.js';
import { isScalar, SCALAR, shape, type Shape } from '../ir/shape.js';
import { ShapeError } from '../diagnostics/errors.js';
import { squareShape } from './linear.js';
import type { LowerContext } from './lowering.js';
import { atom, delimit, factor, fcall, supBase } from './print-helpers.js';
import { Prec, type PrintContext, type Printed } from './print-types.js';
import { column, total, weighted } from './jvp.js';
import { neverSymmetric, symmetricArguments, type ArgumentDomain, type Builder, type OpDef } from './types.js';
import { scalarReference } from './reference-types.js';
import { scaling } from './identities.js';
import { kroneckerInverse } from './kronecker.js';

/** The names of this file's primitives (see `OpNames`). */
declare module '../ir/node.js' {
  interface OpNames {
    inv: true;
    det: true;
    logdet: true;
    solve: true;
  }
}

/** A matrix read directly by these functions is sampled invertible (src/check/random.ts). */
const invertible = (): readonly (ArgumentDomain | undefined)[] => ['invertible'];

/** `inv(X)` in formula syntax, `X^{-1}` in LaTeX; of a transpose, `inv(X)^T` and `X^{-\top}`. */
function inverseOf(m: Node, printed: Printed, ctx: PrintContext, latex: boolean): Printed {
  if (m.op === 'transpose') {
    const x = ctx.node(m.args[0]!);
    // Only when the transpose prints as one (not as a name of its own).
    const transposed = latex ? `${supBase(x)}^\\top` : `${ctx.wrap(x, Prec.Postfix)}^T`;
    if (printed.text === transposed)
      return latex
        ? { text: `${supBase(x)}^{-\\top}`, prec: Prec.Postfix }
        : { text: `inv(${ctx.wrap(x, Prec.Sum)})^T`, prec: Prec.Postfix };
  }
  return latex ? { text: `${supBase(printed)}^{-1}`, prec: Prec.Postfix } : fcall('inv', [printed], ctx);
}

/** `solve(A, B)` printed as `inv(A) B` (A⁻¹ B in LaTeX): the inverse, then B as a factor of the product. */
function solvePrinted(n: Node, a: readonly Printed[], ctx: PrintContext, latex: boolean): Printed {
  const rightPrec = n.args[1]!.op === 'matmul' || n.args[1]!.op === 'solve' ? Prec.Product : Prec.Unary;
  return {
    text: `${inverseOf(n.args[0]!, a[0]!, ctx, latex).text} ${factor(a[1]!, ctx, rightPrec)}`,
    prec: Prec.Product,
  };
}

/** The statements that leave the LU factorisation of `m` available, and its locals. */
function factorised(m: Node, ctx: LowerContext) {
  return ctx.factor(m);
}

export const inv: OpDef = {
  name: 'inv',
  functions: [{ names: ['inv'], arity: 1, build: (a, g) => g.inv(a.value(0)), estimate: (a) => a.shape(0) }],
  build: (g, args) => g.inv(args[0]!),
  identities: invIdentities,
  shape: (args) => {
    squareShape('inv', args[0]!);
    return args[0]!;
  },
  // Y = X⁻¹: dY = -Y dX Y, so the adjoint is -Yᵀ G Yᵀ.
  vjp: (n, adj, g, needed) => {
    if (!needed[0]) return [undefined];
    const t = g.transpose(n);
    return [g.neg(g.matmul(g.matmul(t, adj), t))];
  },
  // d vec(X⁻¹) = -(X⁻ᵀ ⊗ X⁻¹) d vec(X); of a 1 x 1 value, d(1/a) = -(1/a)² da.
  jvp: (n, [j], g) => {
    if (j === undefined) return undefined;
    if (isScalar(n.shape)) return g.neg(g.mul(g.mul(n, n), j));
    return g.neg(g.matmul(g.kron(g.transpose(n), n), j));
  },
  formula: (n, a, ctx) => inverseOf(n.args[0]!, a[0]!, ctx, false),
  latex: (n, a, ctx) => inverseOf(n.args[0]!, a[0]!, ctx, true),
  reference: ([m], { math }) => math.inv(m!),
  symmetric: symmetricArguments,
  argumentDomains: invertible,
  lower: {
    kind: 'buffer',
    readsOnce: () => true,
    assignsAll: true,
    product: false,
    // From the factors, as LAPACK's getri (src/codegen/lu.ts).
    buffer: (n, t, ctx) => {
      const f = factorised(n.args[0]!, ctx);
      return [...f.statements, t.allocation, ...f.inverse(t.name)];
    },
  },
};

/** inv(A) B, computed by solving with A's LU factorisation: what `inv(A) B` and `x^T inv(S) x` build. */
export const solve: OpDef = {
  name: 'solve',
  functions: [], // written inv(A) B
  build: (g, args) => g.solve(args[0]!, args[1]!),
  identities: solveIdentities,
  shape: (args): Shape => {
    const [a, b] = args as [Shape, Shape];
    squareShape('inv', a);
    if (a.cols !== b.rows)
      throw new ShapeError(
        `cannot multiply matrix(${a.rows}, ${a.cols}) by ${b.cols === 1 ? `vector(${b.rows})` : `matrix(${b.rows}, ${b.cols})`}: ${a.cols} != ${b.rows}`,
      );
    return shape(a.rows, b.cols);
  },
  // C = A⁻¹ B: dB = A⁻ᵀ G, dA = -A⁻ᵀ G Cᵀ.
  vjp: (n, adj, g, needed) => {
    const [a] = n.args as [Node, Node];
    const back = g.solve(g.transpose(a), adj);
    return [needed[0] ? g.neg(g.matmul(back, g.transpose(n))) : undefined, needed[1] ? back : undefined];
  },
  // C = A⁻¹ B: d vec(C) = -(Cᵀ ⊗ A⁻¹) d vec(A) + (I ⊗ A⁻¹) d vec(B); of a column b, A⁻¹ J_b;
  // of a 1 x 1 A, -(C / a) J_a.
  jvp: (n, [ja, jb], g) => {
    const [a, b] = n.args as [Node, Node];
    const fromB =
      jb === undefined
        ? undefined
        : b.shape.cols === 1
          ? g.solve(a, jb)
          : g.matmul(g.kron(g.eye(b.shape.cols), g.inv(a)), jb);
    const fromA =
      ja === undefined
        ? undefined
        : isScalar(a.shape)
          ? g.matmul(column(g, g.neg(g.div(n, a))), ja)
          : g.neg(g.matmul(g.kron(g.transpose(n), g.inv(a)), ja));
    return total(g, [fromA, fromB]);
  },
  formula: (n, a, ctx) => solvePrinted(n, a, ctx, false),
  latex: (n, a, ctx) => solvePrinted(n, a, ctx, true),
  // The reference may form the inverse: it is slow and simple on purpose.
  reference: ([a, b], { math }) => math.multiply(math.inv(a!), b!),
  symmetric: (n, q) => q.palindrome(n),
  argumentDomains: invertible,
  lower: {
    kind: 'buffer',
    readsOnce: () => true,
    assignsAll: true,
    product: false,
    // B copied into the result, then solved in place.
    buffer: (n, t, ctx) => {
      const b = n.args[1]!;
      const f = factorised(n.args[0]!, ctx);
      return [
        ...f.statements,
        t.allocation,
        ...ctx.loop(b, (at) => [
          `${t.name}[${at.flat ?? `${at.row} * ${ctx.cols(b)} + ${at.col}`}] = ${ctx.elem(b, at)};`,
        ]),
        ...f.solve(t.name, ctx.cols(b)),
      ];
    },
  },
};

/** `\det X` of a plain symbol, `\det(A + B)` of anything else. */
function latexDet(a: Printed): string {
  return a.prec >= Prec.Atom && /^[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?$|^\\[A-Za-z]+$/.test(a.text)
    ? `\\det ${a.text}`
    : `\\det${delimit('(', ')', a.text)}`;
}

export const det: OpDef = {
  name: 'det',
  functions: [{ names: ['det'], arity: 1, build: (a, g) => g.det(a.value(0)), estimate: () => SCALAR }],
  build: (g, args) => g.det(args[0]!),
  identities: detIdentities,
  shape: (args) => {
    squareShape('det', args[0]!);
    return SCALAR;
  },
  // ∂ det X / ∂X = det(X) X⁻ᵀ.
  vjp: (n, adj, g, needed) => [needed[0] ? g.mul(g.mul(adj, n), g.transpose(g.inv(n.args[0]!))) : undefined],
  // d det(X) = det(X) vec(X⁻ᵀ)ᵀ d vec(X); det of a 1 x 1 value is the value.
  jvp: (n, [j], g) =>
    j === undefined ? undefined : g.mul(n, weighted(g, column(g, g.transpose(g.inv(n.args[0]!))), j)),
  formula: (_n, a, ctx) => fcall('det', a, ctx),
  // `\det X` binds like a sum: in a product it is parenthesised, `(\det X) X^{-\top}`, which
  // cannot be read as the determinant of the product.
  latex: (_n, a, ctx) => {
    const text = latexDet({ text: ctx.wrap(a[0]!, Prec.Sum), prec: a[0]!.prec });
    return { text, prec: text.startsWith('\\det(') || text.startsWith('\\det\\left(') ? Prec.Atom : Prec.Sum };
  },
  // From the pivots of an LU factorisation: mathjs's own det loses everything below about ε (the
  // determinant of a 64 x 64 kernel matrix, 5e-34, came out 8e-16).
  reference: scalarReference((math, m) => {
    const { sign, logAbs } = math.determinant(m);
    return sign * Math.exp(logAbs);
  }),
  symmetric: neverSymmetric,
  argumentDomains: invertible,
  positiveWhen: () => ['positive-definite'],
  lower: {
    kind: 'reduction',
    readsOnce: true,
    // From the factors' diagonal (src/codegen/lu.ts, cholesky.ts).
    emit: (n, acc, ctx) => {
      const f = factorised(n.args[0]!, ctx);
      return [...f.statements, ...f.det(acc)];
    },
  },
};

export const logdet: OpDef = {
  name: 'logdet',
  functions: [{ names: ['logdet'], arity: 1, build: (a, g) => g.logdet(a.value(0)), estimate: () => SCALAR }],
  build: (g, args) => g.logdet(args[0]!),
  identities: logdetIdentities,
  shape: (args) => {
    squareShape('logdet', args[0]!);
    return SCALAR;
  },
  // ∂ log|det X| / ∂X = X⁻ᵀ.
  vjp: (n, adj, g, needed) => [needed[0] ? g.mul(adj, g.transpose(g.inv(n.args[0]!))) : undefined],
  // d log|det X| = vec(X⁻ᵀ)ᵀ d vec(X); of a 1 x 1 value a, log |a|: da / a.
  jvp: (n, [j], g) =>
    j === undefined
      ? undefined
      : isScalar(n.args[0]!.shape)
        ? g.div(j, n.args[0]!)
        : weighted(g, column(g, g.transpose(g.inv(n.args[0]!))), j),
  formula: (_n, a, ctx) => fcall('logdet', a, ctx),
  latex: (_n, a, ctx) => atom(`\\log\\lvert ${latexDet({ text: ctx.wrap(a[0]!, Prec.Sum), prec: a[0]!.prec })}\\rvert`),
  reference: scalarReference((math, m) => math.determinant(m).logAbs),
  symmetric: neverSymmetric,
  argumentDomains: invertible,
  lower: {
    kind: 'reduction',
    readsOnce: true,
    // A sum of logarithms of the factors' diagonal, which does not overflow where the determinant would.
    emit: (n, acc, ctx) => {
      const f = factorised(n.args[0]!, ctx);
      return [...f.statements, ...f.logAbsDet(acc)];
    },
  },
};

/** Of a scalar, 1 / s; inv(I) = I, inv(Xᵀ) = inv(X)ᵀ and inv(inv(X)) = X. */
function invIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const m = args[0]!;
  if (isScalar(m.shape)) return g.div(g.constant(1), m);
  if (m.op === 'eye') return m;
  if (g.opOf(m) === 'transpose') return g.transpose(g.inv(m.args[0]!));
  if (g.opOf(m) === 'inv') return m.args[0]!;
  return kroneckerInverse(m, g);
}

/** inv(a) b with a or b scalar is a product; of zeros, zeros; inv(I) b = b; a scaling of b scales the solve. */
function solveIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const [a, b] = args as [Node, Node];
  if (isScalar(a.shape) || isScalar(b.shape)) return g.matmul(g.inv(a), b);
  if (isZero(b)) return g.zeros(solve.shape([a.shape, b.shape], {}));
  if (a.op === 'eye') return b;
  // inv(A) I = inv(A): a Hessian's inv(S) eye(n) reads inv(S).
  if (b.op === 'eye') return g.inv(a);
  const scaled = scaling(g, b);
  if (scaled !== undefined) return g.mul(scaled.factor, g.solve(a, scaled.rest));
  return undefined;
}

/** Of a scalar, itself; det(Xᵀ) = det(X). */
function detIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const m = args[0]!;
  if (isScalar(m.shape)) return m;
  if (g.opOf(m) === 'transpose') return g.det(m.args[0]!);
  return undefined;
}

/** Of a scalar, log |s|; of Xᵀ, of X. */
function logdetIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const m = args[0]!;
  if (isScalar(m.shape)) return g.unary('log', g.unary('abs', m));
  if (g.opOf(m) === 'transpose') return g.logdet(m.args[0]!);
  return undefined;
}

/** This file's primitives, gathered into `OPS` by src/ops/index.ts. */
export const MATRIX_OPS = { inv, det, logdet, solve } satisfies Partial<Record<OpName, OpDef>>;
