/** Leaves: variables, constants, dimension sizes, and constant matrices (ones, eye, onehot). */
import { dimFactors, isScalar, shape, type Dim, type Shape } from '../ir/shape.js';
import { ShapeError } from '../diagnostics/errors.js';
import { atom, fcall, fraction, sub } from './print-helpers.js';
import { indicator, num } from './lowering.js';
import { anywhere, type OpDef, neverSymmetric, alwaysSymmetric } from './types.js';
import { scalarValue, tabulate } from './reference-types.js';
import { Prec, type PrintContext } from './print-types.js';
import { leafJvp } from './jvp.js';
import type { OpName } from '../ir/node.js';

const noArgs = () => [];

/** A non-negative number in LaTeX: a simple proper fraction as one (0.5 → \\frac{1}{2}), else as printed. */
function latexNumber(v: number, ctx: PrintContext): string {
  const f = fraction(v);
  return f === undefined ? ctx.number(v) : `\\frac{${f[0]}}{${f[1]}}`;
}

/**
 * A shape with a product of dimensions (a Jacobian block's m n rows) as pairs of plain
 * dimensions whose Kronecker product has it: ones(m n, p) = kron(ones(m, p), ones(n)), eye(m n)
 * = kron(eye(m), eye(n)), as formula syntax writes them; undefined when no dimension is a product.
 */
function kronFactors(s: Shape): [Dim, Dim][] | undefined {
  const parts = (d: Dim): Dim[] => {
    const { coefficient, names } = dimFactors(d);
    return [...(coefficient === 1 ? [] : [coefficient]), ...names];
  };
  const [rows, cols] = [parts(s.rows), parts(s.cols)];
  if (rows.length <= 1 && cols.length <= 1) return undefined;
  const count = Math.max(rows.length, cols.length);
  return Array.from({ length: count }, (_, i) => [rows[i] ?? 1, cols[i] ?? 1]);
}

/** `kron(a, kron(b, c))` of formula texts. */
function kronText(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0]! : `kron(${parts[0]}, ${kronText(parts.slice(1))})`;
}

/** `ones(m, n)`, `ones(n)`, `ones(n)^T` in formula syntax, with plain dimensions. */
function onesText(rows: Dim, cols: Dim, ctx: PrintContext): string {
  if (cols === 1) return `ones(${ctx.dim(rows)})`;
  if (rows === 1) return `ones(${ctx.dim(cols)})^T`;
  return `ones(${ctx.dim(rows)}, ${ctx.dim(cols)})`;
}

function leafShape(s: Shape | undefined): Shape {
  if (s === undefined) throw new Error('internal: leaf without a shape');
  return s;
}

export const variable: OpDef = {
  name: 'var',
  functions: [],
  build: (g, _args, attrs) => g.variable(attrs.name!, attrs.varKind!, attrs.shape!),
  shape: (_args, attrs) => leafShape(attrs.shape),
  vjp: noArgs,
  jvp: leafJvp,
  formula: (n, _a, ctx) => atom(ctx.name(n.attrs.name!)),
  latex: (n, _a, ctx) => atom(ctx.name(n.attrs.name!)),
  reference: (_args, { node, input }) => input(node.attrs.name!),
  // Declared `symmetric(n)` or `spd(n)`.
  symmetric: (n) => n.attrs.structure !== undefined,
  argumentDomains: anywhere,
  lower: { kind: 'leaf', value: 'input', dimensions: () => [] },
};

export const constant: OpDef = {
  name: 'const',
  functions: [],
  build: (g, _args, attrs) => g.constant(attrs.value!),
  shape: () => ({ rows: 1, cols: 1 }),
  vjp: noArgs,
  jvp: leafJvp,
  formula: (n, _a, ctx) => {
    if (n.attrs.name !== undefined) return atom(n.attrs.name);
    const v = n.attrs.value!;
    return v < 0 || Object.is(v, -0) ? { text: `-${ctx.number(-v)}`, prec: Prec.Unary } : atom(ctx.number(v));
  },
  latex: (n, _a, ctx) => {
    if (n.attrs.name !== undefined) return atom(ctx.name(n.attrs.name));
    const v = n.attrs.value!;
    return v < 0 ? { text: `-${latexNumber(-v, ctx)}`, prec: Prec.Unary } : atom(latexNumber(v, ctx));
  },
  reference: (_args, { node }) => scalarValue(node.attrs.value!),
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: { kind: 'leaf', value: (n) => num(n.attrs.value!), dimensions: () => [] },
};

export const dim: OpDef = {
  name: 'dim',
  functions: [],
  build: (g, _args, attrs) => g.dimValue(attrs.name!),
  shape: () => ({ rows: 1, cols: 1 }),
  vjp: noArgs,
  jvp: leafJvp,
  formula: (n, _a, ctx) => atom(ctx.name(n.attrs.name!)),
  latex: (n, _a, ctx) => atom(ctx.name(n.attrs.name!)),
  reference: (_args, { node, size }) => scalarValue(size(node.attrs.name!)),
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: { kind: 'leaf', value: (n, ctx) => ctx.dim(n.attrs.name!), dimensions: (n) => [n.attrs.name!] },
};

/** `ones(n)`, `ones(m, n)`, `ones(n)^T`, scaled when the value is not 1. */
export const fill: OpDef = {
  name: 'fill',
  functions: [
    {
      names: ['ones'],
      arity: [1, 2],
      build: (a, g) => g.ones(shape(a.dim(0), a.count === 2 ? a.dim(1) : 1)),
      estimate: (a) => {
        const [rows, cols] = [a.dim(0), a.count === 1 ? 1 : a.dim(1)];
        return rows === undefined || cols === undefined ? undefined : shape(rows, cols);
      },
    },
  ],
  build: (g, _args, attrs) => g.fill(attrs.value!, attrs.shape!),
  // A 1 x 1 fill is a constant.
  identities: (_args, g, attrs) => (isScalar(attrs.shape!) ? g.constant(attrs.value!) : undefined),
  shape: (_args, attrs) => leafShape(attrs.shape),
  vjp: noArgs,
  jvp: leafJvp,
  formula: (n, _a, ctx) => {
    const s = n.shape;
    const factors = kronFactors(s);
    const ones =
      factors === undefined ? onesText(s.rows, s.cols, ctx) : kronText(factors.map(([r, c]) => onesText(r, c, ctx)));
    const v = n.attrs.value!;
    if (v === 1) return { text: ones, prec: s.rows === 1 && factors === undefined ? Prec.Postfix : Prec.Atom };
    const c = v < 0 ? `(-${ctx.number(-v)})` : ctx.number(v);
    return { text: `${c} ${ones}`, prec: Prec.Product };
  },
  latex: (n, _a, ctx) => {
    const s = n.shape;
    const v = n.attrs.value!;
    if (v === 0) return atom('\\mathbf{0}');
    const ones =
      s.cols === 1
        ? `\\mathbf{1}${sub(ctx.dim(s.rows))}`
        : s.rows === 1
          ? `\\mathbf{1}${sub(ctx.dim(s.cols))}^\\top`
          : `\\mathbf{1}${sub(`${ctx.dim(s.rows)} \\times ${ctx.dim(s.cols)}`)}`;
    if (v === 1) return atom(ones);
    return {
      text: `${v < 0 ? '-' : ''}${latexNumber(Math.abs(v), ctx)} ${ones}`,
      prec: v < 0 ? Prec.Unary : Prec.Product,
    };
  },
  reference: (_args, { node, rows, cols }) => tabulate(rows, cols, () => node.attrs.value!),
  symmetric: alwaysSymmetric,
  argumentDomains: anywhere,
  lower: {
    kind: 'constant',
    element: (n) => num(n.attrs.value!),
    scalar: (n) => num(n.attrs.value!),
    rowCol: false,
    assignsAll: true,
    buffer: (n, t, ctx) => {
      const v = n.attrs.value!;
      if (t.reused) return [t.allocation, `${t.name}.fill(${num(v)});`];
      return [v === 0 ? t.allocation : `const ${t.name} = new Float64Array(${ctx.size(n)}).fill(${num(v)});`];
    },
  },
};

export const eye: OpDef = {
  name: 'eye',
  functions: [
    {
      names: ['eye'],
      arity: 1,
      build: (a, g) => g.eye(a.dim(0)),
      estimate: (a) => {
        const n = a.dim(0);
        return n === undefined ? undefined : shape(n, n);
      },
    },
  ],
  build: (g, _args, attrs) => g.eye(attrs.shape!.rows),
  // The 1 x 1 identity is 1.
  identities: (_args, g, attrs) => (attrs.shape!.rows === 1 ? g.constant(1) : undefined),
  shape: (_args, attrs) => leafShape(attrs.shape),
  vjp: noArgs,
  jvp: leafJvp,
  formula: (n, _a, ctx) => {
    const factors = kronFactors(n.shape);
    return atom(
      factors === undefined ? `eye(${ctx.dim(n.shape.rows)})` : kronText(factors.map(([d]) => `eye(${ctx.dim(d)})`)),
    );
  },
  latex: (n, _a, ctx) => atom(`I${sub(ctx.dim(n.shape.rows))}`),
  reference: (_args, { rows }) => tabulate(rows, rows, (i, j) => (i === j ? 1 : 0)),
  symmetric: alwaysSymmetric,
  argumentDomains: anywhere,
  lower: {
    kind: 'constant',
    element: (_n, at) => indicator(at.row, at.col),
    scalar: () => '1',
    rowCol: true,
    assignsAll: false,
    buffer: (n, t, ctx) => [
      t.allocation,
      `for (let i = 0; i < ${ctx.rows(n)}; i++) ${t.name}[i * ${ctx.cols(n)} + i] = 1;`,
    ],
  },
};

/** onehot(k, K): the index argument is a constant or an index variable; not differentiable. */
export const onehot: OpDef = {
  name: 'onehot',
  functions: [
    {
      names: ['onehot'],
      arity: 2,
      build: (a, g) => {
        const k = a.dim(1);
        return g.onehot(
          a.index(0, k, (n) => `onehot(…, ${n}) has ${n} entries`),
          k,
        );
      },
      estimate: (a) => {
        const k = a.dim(1);
        return k === undefined ? undefined : shape(k, 1);
      },
    },
  ],
  build: (g, args, attrs) => g.onehot(args[0]!, attrs.shape!.rows),
  shape: (args, attrs) => {
    if (!isScalar(args[0]!)) throw new ShapeError('onehot takes an index');
    return leafShape(attrs.shape);
  },
  vjp: noArgs,
  jvp: leafJvp,
  formula: (n, a, ctx) => fcall('onehot', [a[0]!, atom(ctx.dim(n.shape.rows))], ctx),
  latex: (_n, a, ctx) => atom(`\\hat{e}${sub(ctx.wrap(a[0]!, Prec.Sum))}`),
  reference: ([k], { rows, index }) => {
    const i = index(k!, rows, 'onehot');
    return tabulate(rows, 1, (r) => (r === i ? 1 : 0));
  },
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: {
    kind: 'constant',
    element: (n, at, ctx) => indicator(at.row, ctx.scalar(n.args[0]!)),
    scalar: () => '1',
    rowCol: true,
    assignsAll: false,
    buffer: (n, t, ctx) => [t.allocation, `${t.name}[${ctx.scalar(n.args[0]!)}] = 1;`],
  },
};

/** The leaves (their names are the IR's own: `OpNames`), gathered into `OPS` by src/ops/index.ts. */
export const LEAF_OPS = { var: variable, const: constant, dim, fill, eye, onehot } satisfies Partial<
  Record<OpName, OpDef>
>;
