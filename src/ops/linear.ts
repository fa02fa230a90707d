/** Matrix product, transpose, trace, diagonals and entries. */
import type { Node, OpName } from '../ir/node.js';
import {
  describeShape,
  isColumn,
  isRow,
  isScalar,
  sameShape,
  SCALAR,
  shape,
  transposeShape,
  type Dim,
  type Shape,
} from '../ir/shape.js';
import { ShapeError } from '../diagnostics/errors.js';
import { atom, delimit, diagonalScalingColumn, entry, factor, fcall, lcall, supBase } from './print-helpers.js';
import { num, type Index } from './lowering.js';
import { structuredFactor, structuredProduct } from './structured-products.js';
import { column, entries, total, weighted } from './jvp.js';
import { anywhere, type OpDef, symmetricArguments, neverSymmetric, alwaysSymmetric } from './types.js';
import { scalarReference, scalarValue, tabulate } from './reference-types.js';
import { Prec, type PrintContext, type Printed } from './print-types.js';
import {
  diagpartIdentities,
  matmulIdentities,
  matmulShape,
  ofScalarItself,
  transposeIdentities,
} from './linear-identities.js';

/** The names of this file's primitives (see `OpNames`). */
declare module '../ir/node.js' {
  interface OpNames {
    matmul: true;
    transpose: true;
    tr: true;
    diag: true;
    diagpart: true;
    index: true;
  }
}

/**
 * An elementwise product or quotient of matrices, or a scalar over a matrix (`s ./ v`):
 * parenthesised as a factor of a matrix product.
 */
function isElementwiseProduct(n: Node): boolean {
  if (n.op === 'div') return !isScalar(n.args[1]!.shape);
  return n.op === 'mul' && !isScalar(n.args[0]!.shape) && !isScalar(n.args[1]!.shape);
}

function printMatmul(n: Node, a: readonly Printed[], ctx: PrintContext): Printed {
  const [x, y] = n.args as [Node, Node];
  const leftMin = isElementwiseProduct(x) ? Prec.Unary : Prec.Product;
  // Matrix products associate, so a product on the right needs no parentheses.
  const rightMin =
    y.op === 'matmul' || y.op === 'solve' || (ctx.diagonalScaling && diagonalScalingColumn(y) !== undefined)
      ? Prec.Product
      : Prec.Unary;
  const plain: Printed = { text: `${ctx.wrap(a[0]!, leftMin)} ${factor(a[1]!, ctx, rightMin)}`, prec: Prec.Product };
  const compact = transposedProduct(n, ctx);
  // Compared as formula syntax would write them, so LaTeX and derive agree.
  const size = (p: Printed) =>
    p.text.replaceAll('^\\top', '^T').replaceAll('\\left', '').replaceAll('\\right', '').length;
  return compact !== undefined && size(compact) < size(plain) ? compact : plain;
}

/**
 * A product of transposes as the transpose of the product, when that is shorter:
 * `inv(X)^T A^T (inv(X) B)^T` → `(inv(X) B A inv(X))^T` (the Matrix Cookbook's form). Only
 * unnamed products are looked into, and only factors that print as a transpose.
 */
function transposedProduct(n: Node, ctx: PrintContext): Printed | undefined {
  const factors: Node[] = [];
  const collect = (m: Node) => {
    if (m.op === 'matmul' && (m === n || ctx.node(m).prec === Prec.Product)) m.args.forEach(collect);
    else factors.push(m);
  };
  collect(n);
  let suffix: string | undefined;
  // Each factor, and how tightly it must bind (products associate; elementwise ones do not).
  const inner: { p: Printed; min: Prec }[] = [];
  for (const f of factors.reverse()) {
    const printed = ctx.node(f);
    // inv(X)^T P^T, a solve with Xᵀ, is (P inv(X))^T.
    if (
      f.op === 'solve' &&
      printed.prec === Prec.Product &&
      f.args[0]!.op === 'transpose' &&
      f.args[1]!.op === 'transpose'
    ) {
      const own = printed.text.startsWith('inv(') ? '^T' : '^\\top';
      if (suffix !== undefined && own !== suffix) return undefined;
      suffix = own;
      const x = ctx.node(f.args[0]!.args[0]!);
      const inverse = own === '^T' ? `inv(${ctx.wrap(x, Prec.Sum)})` : `${supBase(x)}^{-1}`;
      inner.push({
        p: { text: `${ctx.wrap(ctx.node(f.args[1]!.args[0]!), Prec.Product)} ${inverse}`, prec: Prec.Product },
        min: Prec.Product,
      });
      continue;
    }
    if (f.op !== 'transpose') return undefined;
    const whole = printed.text;
    const arg = ctx.node(f.args[0]!);
    // Printed as the transpose of its argument: not a name of its own, nor X^{-\\top}.
    const own =
      whole === `${ctx.wrap(arg, Prec.Postfix)}^T` ? '^T' : whole === `${supBase(arg)}^\\top` ? '^\\top' : undefined;
    if (own === undefined || (suffix !== undefined && own !== suffix)) return undefined;
    suffix = own;
    inner.push({ p: arg, min: isElementwiseProduct(f.args[0]!) ? Prec.Unary : Prec.Product });
  }
  if (suffix === undefined || inner.length < 2) return undefined;
  const body = inner.map(({ p, min }, i) => (i === 0 ? ctx.wrap(p, min) : factor(p, ctx, min))).join(' ');
  return { text: `${suffix === '^T' ? `(${body})` : delimit('(', ')', body)}${suffix}`, prec: Prec.Postfix };
}

export const matmul: OpDef = {
  name: 'matmul',
  functions: [
    {
      // dot(u, v) = uᵀv for columns, the sum of the elementwise product otherwise.
      names: ['dot'],
      arity: 2,
      build: (a, g) => {
        const [u, v] = a.values() as [Node, Node];
        if (!sameShape(u.shape, v.shape))
          a.fail(`dot needs two values of the same shape, not ${describeShape(u.shape)} and ${describeShape(v.shape)}`);
        return isColumn(u.shape) ? g.matmul(g.transpose(u), v) : g.sum(g.mul(u, v));
      },
      estimate: () => SCALAR,
    },
  ],
  build: (g, args) => g.matmul(args[0]!, args[1]!),
  identities: matmulIdentities,
  shape: (args) => matmulShape(args[0]!, args[1]!),
  // C = A B: dA = dC Bᵀ, dB = Aᵀ dC.
  vjp: (n, adj, g, needed) => {
    const [a, b] = n.args as [Node, Node];
    return [
      needed[0] ? g.matmul(adj, g.transpose(b)) : undefined,
      needed[1] ? g.matmul(g.transpose(a), adj) : undefined,
    ];
  },
  // d vec(A B) = (Bᵀ ⊗ I) d vec(A) + (I ⊗ A) d vec(B); of a row a, Bᵀ J; of a column b, A J.
  jvp: (n, [ja, jb], g) => {
    const [a, b] = n.args as [Node, Node];
    const fromA =
      ja === undefined
        ? undefined
        : isScalar(a.shape)
          ? g.matmul(column(g, b), ja)
          : isScalar(b.shape)
            ? g.mul(b, ja)
            : g.matmul(g.kron(g.transpose(b), g.eye(a.shape.rows)), ja);
    const fromB =
      jb === undefined
        ? undefined
        : isScalar(b.shape)
          ? g.matmul(column(g, a), jb)
          : isScalar(a.shape)
            ? g.mul(a, jb)
            : g.matmul(g.kron(g.eye(b.shape.cols), a), jb);
    return total(g, [fromA, fromB]);
  },
  formula: (n, a, ctx) => printMatmul(n, a, ctx),
  latex: (n, a, ctx) => printMatmul(n, a, ctx),
  // A 1 x 1 factor scales (the shape rule allows it).
  reference: ([a, b], { math }) => {
    if (a!.length === 1 && a![0]!.length === 1) return math.scale(b!, a![0]![0]!);
    if (b!.length === 1 && b![0]!.length === 1) return math.scale(a!, b![0]![0]!);
    return math.multiply(a!, b!);
  },
  symmetric: (n, q) => q.palindrome(n),
  argumentDomains: anywhere,
  lower: {
    kind: 'buffer',
    readsOnce: (n, position) => {
      const [a, b] = n.args as [Node, Node];
      const s = n.shape;
      if (structuredFactor(n) !== undefined) return false;
      if (isScalar(s)) return true; // a dot product
      if (a.shape.cols === 1) return position === 0; // an outer product: the left entry once per row
      if (s.cols === 1) return position === 1 && a.op === 'transpose'; // k-outer loop over a transposed matrix
      if (s.rows === 1) return position === 0 && b.op !== 'transpose';
      return false;
    },
    assignsAll: true,
    product: true,
    ownLoops: (n) => structuredFactor(n) !== undefined,
    // An outer product u vᵀ, entry by entry: u[i] v[j].
    element: {
      applies: (n) => n.args[0]!.shape.cols === 1 && !isScalar(n.args[0]!.shape) && !isScalar(n.args[1]!.shape),
      read: (n, at, ctx) =>
        `${ctx.elem(n.args[0]!, { row: at.row, col: '0', flat: at.row })} * ${ctx.elem(n.args[1]!, { row: '0', col: at.col, flat: at.col })}`,
    },
    buffer: (n, t, ctx) => [
      t.allocation,
      ...(structuredFactor(n) !== undefined ? structuredProduct(n, t.name, ctx) : ctx.product(n, t.name)),
    ],
    // A dot product: a row times a column.
    scalar: (n, acc, ctx) => {
      const [a, b] = n.args as [Node, Node];
      return [
        `let ${acc} = 0;`,
        '{',
        ...ctx.dotLoop(
          'acc',
          ctx.dim(a.shape.cols),
          (k) => `${ctx.elem(a, { row: '0', col: k, flat: k })} * ${ctx.elem(b, { row: k, col: '0', flat: k })}`,
        ),
        `${acc} = acc;`,
        '}',
      ];
    },
  },
};

export const transpose: OpDef = {
  name: 'transpose',
  functions: [],
  build: (g, args) => g.transpose(args[0]!),
  identities: transposeIdentities,
  shape: (args) => transposeShape(args[0]!),
  vjp: (_n, adj, g, needed) => [needed[0] ? g.transpose(adj) : undefined],
  // d vec(Xᵀ) = K d vec(X); K is the identity for a vector.
  jvp: (n, [j], g) =>
    j === undefined ? undefined : g.matmul(g.commutation(n.args[0]!.shape.rows, n.args[0]!.shape.cols), j),
  formula: (n, a, ctx) =>
    symmetricSolveTransposed(n, a[0]!, ctx, false) ?? {
      text: `${ctx.wrap(a[0]!, Prec.Postfix)}^T`,
      prec: Prec.Postfix,
    },
  latex: (n, a, ctx) => {
    const symmetric = symmetricSolveTransposed(n, a[0]!, ctx, true);
    if (symmetric !== undefined) return symmetric;
    // inv(X)ᵀ is X^{-\top}, unless the inverse prints as a name of its own.
    const x = n.args[0]!;
    if (x.op === 'inv') {
      const base = supBase(ctx.node(x.args[0]!));
      if (a[0]!.text === `${base}^{-1}`) return { text: `${base}^{-\\top}`, prec: Prec.Postfix };
    }
    return { text: `${supBase(a[0]!)}^\\top`, prec: Prec.Postfix };
  },
  reference: ([a], { rows, cols }) => tabulate(rows, cols, (i, j) => a![j]![i]!),
  symmetric: symmetricArguments,
  argumentDomains: anywhere,
  lower: {
    kind: 'structural',
    element: (n, at, ctx) => ctx.elem(n.args[0]!, { row: at.col, col: at.row }),
    transposes: true,
    readsOnce: true,
  },
};

/**
 * (inv(S) B)ᵀ = Bᵀ inv(S) for S declared symmetric or spd: the Matrix Cookbook's S⁻¹ r rᵀ S⁻¹
 * rather than S⁻¹ r (S⁻¹ r)ᵀ. Undefined unless the solve prints as a product (not a name).
 */
function symmetricSolveTransposed(n: Node, arg: Printed, ctx: PrintContext, latex: boolean): Printed | undefined {
  const x = n.args[0]!;
  if (x.op !== 'solve' || arg.prec !== Prec.Product) return undefined;
  const [a, b] = x.args as [Node, Node];
  if (a.op !== 'var' || a.attrs.structure === undefined) return undefined;
  const s = ctx.node(a);
  const bt = latex ? `${supBase(ctx.node(b))}^\\top` : `${ctx.wrap(ctx.node(b), Prec.Postfix)}^T`;
  return { text: `${bt} ${latex ? `${supBase(s)}^{-1}` : `inv(${s.text})`}`, prec: Prec.Product };
}

export function squareShape(what: string, s: Shape): void {
  if (s.rows !== s.cols) throw new ShapeError(`${what} needs a square matrix, not ${describeShape(s)}`);
}

export const tr: OpDef = {
  name: 'tr',
  functions: [{ names: ['tr', 'trace'], arity: 1, build: (a, g) => g.tr(a.value(0)), estimate: () => SCALAR }],
  build: (g, args) => g.tr(args[0]!),
  identities: ofScalarItself,
  shape: (args) => {
    squareShape('tr', args[0]!);
    return shape(1, 1);
  },
  vjp: (n, adj, g, needed) => [needed[0] ? g.mul(adj, g.eye(n.args[0]!.shape.rows)) : undefined],
  // d tr(X) = vec(I)ᵀ d vec(X).
  jvp: (n, [j], g) => (j === undefined ? undefined : weighted(g, column(g, g.eye(n.args[0]!.shape.rows)), j)),
  formula: (_n, a, ctx) => fcall('tr', a, ctx),
  latex: (_n, a, ctx) => lcall('\\operatorname{tr}', a, ctx),
  reference: scalarReference((m, a) => m.trace(a)),
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: {
    kind: 'reduction',
    readsOnce: true,
    // A walk down the diagonal.
    emit: (n, acc, ctx) => {
      const m = n.args[0]!;
      return [
        `let ${acc} = 0;`,
        `for (let i = 0; i < ${ctx.rows(m)}; i++) {`,
        `${acc} += ${ctx.elem(m, { row: 'i', col: 'i' })};`,
        '}',
      ];
    },
  },
};

/** diag(v): the square matrix with v on its diagonal. */
export const diag: OpDef = {
  name: 'diag',
  functions: [
    {
      // diag(v) of a vector is this op; diag(M) of a matrix is its diagonal (diagpart).
      names: ['diag'],
      arity: 1,
      build: (a, g) => {
        const x = a.value(0);
        return isColumn(x.shape) || isRow(x.shape) ? g.diag(x) : g.diagpart(x);
      },
      estimate: (a) => {
        const x = a.shape(0);
        return x === undefined ? undefined : isColumn(x) ? shape(x.rows, x.rows) : shape(x.rows, 1);
      },
    },
  ],
  build: (g, args) => g.diag(args[0]!),
  identities: ofScalarItself,
  shape: (args) => {
    const v = args[0]!;
    if (!isColumn(v) && !isRow(v))
      throw new ShapeError(`diag needs a vector or a square matrix, not ${describeShape(v)}`);
    const n = isColumn(v) ? v.rows : v.cols;
    return shape(n, n);
  },
  vjp: (n, adj, g, needed) => {
    if (!needed[0]) return [undefined];
    const d = g.diagpart(adj);
    return [isRow(n.args[0]!.shape) ? g.transpose(d) : d];
  },
  // vec(diag(v)) = S v with S = diag(vec I) (1_n ⊗ I_n), which picks entry i of v into (i, i).
  jvp: (n, [j], g) => {
    if (j === undefined) return undefined;
    const size = n.shape.rows;
    return g.mul(column(g, g.eye(size)), g.matmul(g.kron(g.ones(shape(size, 1)), g.eye(size)), j));
  },
  formula: (_n, a, ctx) => fcall('diag', a, ctx),
  latex: (_n, a, ctx) => lcall('\\operatorname{diag}', a, ctx),
  reference: ([v], { rows }) => tabulate(rows, rows, (i, j) => (i === j ? v!.flat()[i]! : 0)),
  symmetric: alwaysSymmetric,
  argumentDomains: anywhere,
  lower: {
    kind: 'buffer',
    readsOnce: () => true,
    assignsAll: false,
    product: false,
    buffer: (n, t, ctx) => {
      const v = n.args[0]!;
      const size = ctx.rows(n);
      const at = isColumn(v.shape) ? { row: 'i', col: '0', flat: 'i' } : { row: '0', col: 'i', flat: 'i' };
      return [t.allocation, `for (let i = 0; i < ${size}; i++) ${t.name}[i * ${size} + i] = ${ctx.elem(v, at)};`];
    },
  },
};

/** diag(M): the diagonal of a square matrix, as a column vector. */
export const diagpart: OpDef = {
  name: 'diagpart',
  functions: [], // written diag(M): see diag
  build: (g, args) => g.diagpart(args[0]!),
  identities: diagpartIdentities,
  shape: (args) => {
    squareShape('diag', args[0]!);
    return shape(args[0]!.rows, 1);
  },
  vjp: (_n, adj, g, needed) => [needed[0] ? g.diag(adj) : undefined],
  // diag(M) = Sᵀ vec(M), S as for diag(v).
  jvp: (n, [j], g) => {
    if (j === undefined) return undefined;
    const size = n.shape.rows;
    return g.matmul(g.kron(g.ones(shape(1, size)), g.eye(size)), g.mul(column(g, g.eye(size)), j));
  },
  formula: (_n, a, ctx) => fcall('diag', a, ctx),
  latex: (_n, a, ctx) => lcall('\\operatorname{diag}', a, ctx),
  reference: ([m], { rows }) => tabulate(rows, 1, (i) => m![i]![i]!),
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: {
    kind: 'buffer',
    readsOnce: () => true,
    assignsAll: true,
    product: false,
    buffer: (n, t, ctx) => [
      t.allocation,
      `for (let i = 0; i < ${ctx.rows(n)}; i++) ${t.name}[i] = ${ctx.elem(n.args[0]!, { row: 'i', col: 'i' })};`,
    ],
  },
};

/**
 * An entry: `v[i]` of a vector (column or row) or `M[i, j]`. Index arguments are constants
 * or index variables (the front end checks their bounds); they are not differentiated.
 */
export const index: OpDef = {
  name: 'index',
  functions: [],
  build: (g, args) => g.index(args[0]!, args.slice(1)),
  shape: (args) => {
    const [target, ...indices] = args as [Shape, ...Shape[]];
    if (indices.length === 1 && (isScalar(target) || target.cols === 1 || target.rows === 1)) return shape(1, 1);
    if (indices.length === 2) return shape(1, 1);
    throw new ShapeError(`${describeShape(target)} takes two indices, like M[i, j]`);
  },
  vjp: (n, adj, g, needed) => {
    const [target, i, j] = n.args as [Node, Node, Node | undefined];
    if (!needed[0]) return [];
    const s = target.shape;
    if (isScalar(s)) return [adj];
    if (j !== undefined) return [g.mul(adj, g.matmul(g.onehot(i, s.rows), g.transpose(g.onehot(j, s.cols))))];
    if (s.cols === 1) return [g.mul(adj, g.onehot(i, s.rows))];
    return [g.mul(adj, g.transpose(g.onehot(i, s.cols)))];
  },
  jvp: (n, [j], g) => {
    const [target, i, k] = n.args as [Node, Node, Node | undefined];
    if (j === undefined || isScalar(target.shape)) return j;
    const s = target.shape;
    if (k !== undefined && s.rows !== 1 && s.cols !== 1) {
      // M[i, k] is entry i + k m of vec(M): the row e_kᵀ ⊗ e_iᵀ of its Jacobian.
      return g.matmul(g.transpose(g.kron(g.onehot(k, s.cols), g.onehot(i, s.rows))), j);
    }
    // A vector's entry: the row of its Jacobian (M[i, j] of a row is entry j).
    const at = k !== undefined && isRow(s) ? k : i;
    return g.matmul(g.transpose(g.onehot(at, entries(s))), j);
  },
  formula: (_n, a, ctx) =>
    atom(
      `${ctx.wrap(a[0]!, Prec.Postfix)}[${a
        .slice(1)
        .map((x) => ctx.wrap(x, Prec.Sum))
        .join(', ')}]`,
    ),
  latex: (_n, a, ctx) =>
    atom(
      entry(
        a[0]!,
        a
          .slice(1)
          .map((x) => ctx.wrap(x, Prec.Sum))
          .join(','),
      ),
    ),
  reference: ([target, i, j], { index }) => {
    const [r, c] = [target!.length, target![0]!.length];
    if (j !== undefined) return scalarValue(target![index(i!, r, 'row index')]![index(j, c, 'column index')]!);
    if (c === 1) return scalarValue(target![index(i!, r, 'index')]![0]!);
    return scalarValue(target![0]![index(i!, c, 'index')]!);
  },
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: {
    kind: 'index',
    emit: (n, local, ctx) => {
      const [target, i, j] = n.args as [Node, Node, Node | undefined];
      const s = target.shape;
      const checks: string[] = [];
      // Constant indices are checked against symbolic extents here; index variables where they are read.
      const checkIndex = (index: Node, extent: Dim, what: string) => {
        if (index.op === 'const' && typeof extent === 'string') {
          checks.push(
            `if (${num(index.attrs.value!)} >= ${ctx.dim(extent)}) ${ctx.fail('RangeError', [
              ctx.nameExpr,
              ctx.quote(`: index ${index.attrs.value} is out of range for ${what}, which has ${extent} = `),
              ctx.dim(extent),
            ])}`,
          );
        }
      };
      let at: Index;
      if (j !== undefined) {
        checkIndex(i, s.rows, 'the rows');
        checkIndex(j, s.cols, 'the columns');
        at = { row: ctx.scalar(i), col: ctx.scalar(j) };
      } else if (s.cols === 1) {
        checkIndex(i, s.rows, 'a vector');
        at = { row: ctx.scalar(i), col: '0' };
      } else {
        checkIndex(i, s.cols, 'a vector');
        at = { row: '0', col: ctx.scalar(i) };
      }
      return [...checks, `const ${local} = ${ctx.elem(target, at)};`];
    },
  },
};

/** This file's primitives, gathered into `OPS` by src/ops/index.ts. */
export const LINEAR_OPS = { matmul, transpose, tr, diag, diagpart, index } satisfies Partial<Record<OpName, OpDef>>;
