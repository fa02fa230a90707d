/** Reductions to a scalar, and softmax. */
import type { Node, OpName } from '../ir/node.js';
import { describeShape, isColumn, isScalar, SCALAR, shape, type Shape } from '../ir/shape.js';
import { ShapeError } from '../diagnostics/errors.js';
import { UNARY } from './elementwise.js';
import { atom, delimit, fcall, lcall } from './print-helpers.js';
import { fold } from './lowering.js';
import { anywhere, type Builder, type OpDef, neverSymmetric } from './types.js';
import { scalarReference, tabulate } from './reference-types.js';
import { nonnegative, scaling } from './identities.js';
import { Prec } from './print-types.js';
import { column, entries, weighted } from './jvp.js';

/** The names of this file's primitives (see `OpNames`). */
declare module '../ir/node.js' {
  interface OpNames {
    sum: true;
    mean: true;
    norm2: true;
    logsumexp: true;
    softmax: true;
  }
}

const toScalar = (): Shape => shape(1, 1);

export const sum: OpDef = {
  name: 'sum',
  functions: [
    { names: ['sum'], arity: 1, build: (a, g) => g.sum(a.value(0)), estimate: () => SCALAR },
    { names: ['norm1'], arity: 1, build: (a, g) => g.sum(g.unary('abs', a.value(0))), estimate: () => SCALAR },
  ],
  build: (g, args) => g.sum(args[0]!),
  identities: sumIdentities,
  shape: toScalar,
  vjp: (n, adj, g, needed) => [needed[0] ? g.mul(adj, g.ones(n.args[0]!.shape)) : undefined],
  jvp: (n, [j], g) => (j === undefined ? undefined : weighted(g, g.ones(shape(entries(n.args[0]!.shape), 1)), j)),
  formula: (_n, a, ctx) => fcall('sum', a, ctx),
  latex: (n, a, ctx) => {
    // norm1(v) is sum(abs(v)): print it as the norm it was written as, unless abs(v) has a name.
    const inner = n.args[0]!;
    if (inner.op === 'unary' && inner.attrs.fn === 'abs') {
      const v = ctx.node(inner.args[0]!);
      if (a[0]!.text === UNARY.abs.latex(v, ctx, inner).text) {
        return { text: `${delimit('\\lVert ', '\\rVert', ctx.wrap(v, Prec.Sum))}_1`, prec: Prec.Atom };
      }
    }
    return lcall('\\operatorname{sum}', a, ctx);
  },
  reference: scalarReference((m, a) => m.sum(a)),
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: fold((acc, e) => `${acc} += ${e};`),
};

export const mean: OpDef = {
  name: 'mean',
  functions: [{ names: ['mean'], arity: 1, build: (a, g) => g.mean(a.value(0)), estimate: () => SCALAR }],
  build: (g, args) => g.mean(args[0]!),
  identities: (args) => (isScalar(args[0]!.shape) ? args[0]! : undefined),
  shape: toScalar,
  vjp: (n, adj, g, needed) => {
    if (!needed[0]) return [undefined];
    const s = n.args[0]!.shape;
    const count = g.mul(g.dimValue(s.rows), g.dimValue(s.cols));
    return [g.mul(g.div(adj, count), g.ones(s))];
  },
  jvp: (n, [j], g) =>
    j === undefined
      ? undefined
      : g.div(weighted(g, g.ones(shape(entries(n.args[0]!.shape), 1)), j), g.dimValue(entries(n.args[0]!.shape))),
  formula: (_n, a, ctx) => fcall('mean', a, ctx),
  latex: (_n, a, ctx) => lcall('\\operatorname{mean}', a, ctx),
  reference: scalarReference((m, a) => m.mean(a)),
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: fold(
    (acc, e) => `${acc} += ${e};`,
    (acc, n, ctx) => [`${acc} /= ${ctx.size(n.args[0]!)};`],
  ),
};

/** ||a||: the Euclidean norm of a vector, the Frobenius norm of a matrix. */
export const norm2: OpDef = {
  name: 'norm2',
  functions: [{ names: ['norm2'], arity: 1, build: (a, g) => g.norm2(a.value(0)), estimate: () => SCALAR }],
  build: (g, args) => g.norm2(args[0]!),
  // The norm of a nonnegative scalar is itself: ||x^T x|| is x^T x.
  identities: (args, g) => (nonnegative(args[0]!, g) ? args[0]! : undefined),
  shape: toScalar,
  vjp: (n, adj, g, needed) => [needed[0] ? g.mul(g.div(adj, n), n.args[0]!) : undefined],
  // A norm inside a norm is written norm2(...): `||||y|| y||` would not read back.
  // (vec(x)ᵀ J) / ||x||, with the norm outside the product, so that a factor ||x|| from outside
  // cancels it (d ||x||² = 2 vec(x)ᵀ J, finite at x = 0) as it does in the vjp.
  jvp: (n, [j], g) => (j === undefined ? undefined : g.div(weighted(g, column(g, n.args[0]!), j), n)),
  formula: (_n, a, ctx) => {
    const inner = ctx.wrap(a[0]!, Prec.Sum);
    return inner.includes('||') ? fcall('norm2', a, ctx) : atom(`||${inner}||`);
  },
  latex: (_n, a, ctx) => atom(delimit('\\lVert ', '\\rVert', ctx.wrap(a[0]!, Prec.Sum))),
  reference: scalarReference((m, a) => m.norm(a)),
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: fold(
    (acc, e, ctx) => {
      ctx.useHelper('sq$');
      return `${acc} += sq$(${e});`;
    },
    (acc) => [`${acc} = Math.sqrt(${acc});`],
  ),
};

/** log(sum(exp(v))) over all entries; its gradient is softmax(v) for a column vector. */
export const logsumexp: OpDef = {
  name: 'logsumexp',
  functions: [{ names: ['logsumexp'], arity: 1, build: (a, g) => g.logsumexp(a.value(0)), estimate: () => SCALAR }],
  build: (g, args) => g.logsumexp(args[0]!),
  shape: (args) => {
    if (isScalar(args[0]!)) throw new ShapeError('logsumexp needs a vector or a matrix, not a scalar');
    return shape(1, 1);
  },
  vjp: (n, adj, g, needed) => {
    if (!needed[0]) return [undefined];
    const v = n.args[0]!;
    const p = isColumn(v.shape) ? g.softmax(v) : g.unary('exp', g.sub(v, n));
    return [g.mul(adj, p)];
  },
  jvp: (n, [j], g) => {
    if (j === undefined) return undefined;
    const v = n.args[0]!;
    // softmax is column by column: the weights of a row's or a matrix's entries are exp(v - logsumexp(v)).
    return weighted(g, isColumn(v.shape) ? g.softmax(v) : column(g, g.unary('exp', g.sub(v, n))), j);
  },
  formula: (_n, a, ctx) => fcall('logsumexp', a, ctx),
  latex: (_n, a, ctx) => lcall('\\operatorname{logsumexp}', a, ctx),
  // Shifted by the largest entry, so exp never overflows.
  reference: scalarReference((math, a) => {
    const m = math.max(a);
    if (!Number.isFinite(m)) return m;
    return m + Math.log(math.sum(math.map(a, (x) => Math.exp(x - m))));
  }),
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: {
    kind: 'reduction',
    // Two passes: the maximum, then the shifted sum.
    readsOnce: false,
    emit: (n, acc, ctx) => {
      const v = n.args[0]!;
      const max = `${acc}$max`;
      return [
        `let ${max} = -Infinity;`,
        ...ctx.loop(v, (at) => [`const x = ${ctx.elem(v, at)};`, `if (x > ${max} || Number.isNaN(x)) ${max} = x;`]),
        `let ${acc} = ${max};`,
        // Shifting by the maximum keeps exp finite; infinite or NaN maxima pass through as IEEE says.
        `if (Number.isFinite(${max})) {`,
        `let sum = 0;`,
        ...ctx.loop(v, (at) => [`sum += Math.exp(${ctx.elem(v, at)} - ${max});`]),
        `${acc} = ${max} + Math.log(sum);`,
        '}',
      ];
    },
  },
};

/** softmax of a vector, or of each column of a matrix. */
export const softmax: OpDef = {
  name: 'softmax',
  functions: [
    {
      names: ['softmax'],
      arity: 1,
      build: (a, g) => {
        const x = a.value(0);
        if (isScalar(x.shape)) a.fail(`${a.name} needs a vector or a matrix, not a scalar`);
        return g.softmax(x);
      },
      estimate: (a) => a.shape(0),
    },
  ],
  build: (g, args) => g.softmax(args[0]!),
  shape: (args) => {
    const s = args[0]!;
    if (isScalar(s) || s.rows === 1)
      throw new ShapeError(`softmax needs a vector or a matrix, not ${describeShape(s)}`);
    return s;
  },
  // y = softmax(v) per column: dv = y ⊙ (dy - 1ᵀ(dy ⊙ y)), the row of column sums repeated down.
  vjp: (n, adj, g, needed) => {
    if (!needed[0]) return [undefined];
    const y: Node = n;
    const s = y.shape;
    const columnSums = g.matmul(g.ones(shape(1, s.rows)), g.mul(adj, y));
    return [g.mul(y, g.sub(adj, columnSums))];
  },
  jvp: (n, [j], g) => {
    // A column p: (diag(p) - p pᵀ) J. Softmax of a row normalises each 1-entry column: constant.
    if (j === undefined || n.shape.rows === 1) return undefined;
    if (isColumn(n.shape)) return g.sub(g.mul(n, j), g.matmul(n, weighted(g, n, j)));
    // Column by column, P r x c: diag(vec P) J - diag(vec P) (I_c ⊗ 1 1ᵀ) diag(vec P) J.
    const p = column(g, n);
    const pj = g.mul(p, j);
    return g.sub(pj, g.mul(p, g.matmul(g.kron(g.eye(n.shape.cols), g.ones(shape(n.shape.rows, n.shape.rows))), pj)));
  },
  formula: (_n, a, ctx) => fcall('softmax', a, ctx),
  latex: (_n, a, ctx) => lcall('\\operatorname{softmax}', a, ctx),
  // Column by column, each shifted by its largest entry.
  reference: ([a], { math, rows, cols }) => {
    const columns = Array.from({ length: cols }, (_, j) => {
      const column = [a!.map((row) => row[j]!)];
      const m = math.max(column);
      const e = math.map(column, (x) => Math.exp(x - m));
      return math.scale(e, 1 / math.sum(e))[0]!;
    });
    return tabulate(rows, cols, (i, j) => columns[j]![i]!);
  },
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: {
    kind: 'buffer',
    readsOnce: () => false,
    assignsAll: true,
    product: false,
    // Each column, shifted by the column's maximum so exp stays finite.
    buffer: (n, t, ctx) => {
      const x = n.args[0]!;
      const r = ctx.rows(n);
      const c = n.shape.cols === 1 ? '1' : ctx.cols(n);
      const X = (row: string, col: string) =>
        ctx.elem(x, n.shape.cols === 1 ? { row, col: '0', flat: row } : { row, col });
      return [
        t.allocation,
        `for (let j = 0; j < ${c}; j++) {`,
        'let max = -Infinity;',
        `for (let i = 0; i < ${r}; i++) {`,
        `const v = ${X('i', 'j')};`,
        'if (v > max || Number.isNaN(v)) max = v;',
        '}',
        'let sum = 0;',
        `for (let i = 0; i < ${r}; i++) {`,
        `const e = Math.exp(${X('i', 'j')} - max);`,
        `${t.name}[i * ${c} + j] = e;`,
        'sum += e;',
        '}',
        `for (let i = 0; i < ${r}; i++) ${t.name}[i * ${c} + j] /= sum;`,
        '}',
      ];
    },
  },
};

/** The sum of a scalar is itself; of a one-hot vector, 1 (its index is checked in range at run time); of a scaling, scaled. */
function sumIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const a = args[0]!;
  if (isScalar(a.shape)) return a;
  if (g.opOf(a) === 'onehot') return g.constant(1);
  const scaled = scaling(g, a);
  if (scaled !== undefined) return g.mul(scaled.factor, g.sum(scaled.rest));
  return undefined;
}

/** This file's primitives, gathered into `OPS` by src/ops/index.ts. */
export const REDUCTION_OPS = { sum, mean, norm2, logsumexp, softmax } satisfies Partial<Record<OpName, OpDef>>;
