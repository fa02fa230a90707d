/**
 * Parts of a matrix (README, "The formula language"): its lower and upper triangles, `tril(M)`
 * and `triu(M)`, and its rows and columns: `M[i, :]` is row i of a matrix, 1 x n, and `M[:, j]`
 * column j, m x 1. The index is an integer literal or an index variable, as for an entry; it is
 * not differentiated. The adjoint scatters into a zero matrix: onehot(i, m) g for a row,
 * g onehot(j, n)ᵀ for a column, which are ops of their own (`rowscatter`, `colscatter`) printed
 * as those products: generated code reads the adjoint's entries where the gradient's loop is at
 * the sliced row or column, with no matrix of its own and no product.
 */
import type { Node, OpName } from '../ir/node.js';
import { describeShape, isColumn, isRow, isScalar, sameShape, shape, type Dim, type Shape } from '../ir/shape.js';
import { ShapeError } from '../diagnostics/errors.js';
import { num, type LowerContext } from './lowering.js';
import { atom, entry, factor, fcall, sub, supBase } from './print-helpers.js';
import { Prec, type PrintContext, type Printed } from './print-types.js';
import { anywhere, type OpDef, neverSymmetric } from './types.js';
import { tabulate } from './reference-types.js';
import { column } from './jvp.js';
import { scaling } from './identities.js';
import { lcall } from './print-helpers.js';

/** The names of this file's primitives (see `OpNames`). */
declare module '../ir/node.js' {
  interface OpNames {
    rowslice: true;
    colslice: true;
    rowscatter: true;
    colscatter: true;
    tril: true;
    triu: true;
  }
}

type Axis = 'row' | 'column';

function sliceShape(axis: Axis) {
  return (args: readonly Shape[]): Shape => {
    const m = args[0]!;
    if (isColumn(m) || isRow(m))
      throw new ShapeError(`${describeShape(m)} has no ${axis}s to slice; index a vector with one index, like v[i]`);
    return axis === 'row' ? shape(1, m.cols) : shape(m.rows, 1);
  };
}

/** A literal index checked against a symbolic extent where the function runs (the front end checks literal extents). */
function rangeCheck(index: Node, extent: Dim, axis: Axis, ctx: LowerContext): string[] {
  if (index.op !== 'const' || typeof extent !== 'string') return [];
  const message = ctx.quote(`: index ${index.attrs.value} is out of range for the ${axis}s, which have ${extent} = `);
  return [
    `if (${num(index.attrs.value!)} >= ${ctx.dim(extent)}) ${ctx.fail('RangeError', [ctx.nameExpr, message, ctx.dim(extent)])}`,
  ];
}

function slice(axis: Axis): OpDef {
  const isRowSlice = axis === 'row';
  return {
    name: isRowSlice ? 'rowslice' : 'colslice',
    functions: [], // written M[i, :] and M[:, j]
    build: (g, args) => (isRowSlice ? g.rowslice(args[0]!, args[1]!) : g.colslice(args[0]!, args[1]!)),
    shape: sliceShape(axis),
    // A row of a transpose is a column of its argument, transposed; and a column a row.
    identities: ([m, k], g) => {
      if (g.opOf(m!) !== 'transpose') return undefined;
      const inner = m!.args[0]!;
      return g.transpose(isRowSlice ? g.colslice(inner, k!) : g.rowslice(inner, k!));
    },
    vjp: (n, adj, g, needed) => {
      if (!needed[0]) return [];
      const [m, k] = n.args as [Node, Node];
      // A scalar factor of the adjoint stays outside: s onehot(i, m) g, as a textbook writes it.
      const scaled = adj.op === 'mul' && isScalar(adj.args[0]!.shape) && !isScalar(adj.args[1]!.shape);
      const [s, rest] = scaled ? [adj.args[0]!, adj.args[1]!] : [undefined, adj];
      const scattered = isRowSlice ? g.rowscatter(rest, k, m.shape.rows) : g.colscatter(rest, k, m.shape.cols);
      return [s === undefined ? scattered : g.mul(s, scattered)];
    },
    // In the vec convention: row k of M (m x n) is entries k + j m, (I_n ⊗ e_kᵀ) J; column k is (e_kᵀ ⊗ I_m) J.
    jvp: (n, [j], g) => {
      if (j === undefined) return undefined;
      const [m, k] = n.args as [Node, Node];
      const [rows, cols] = [m.shape.rows, m.shape.cols];
      const select = isRowSlice
        ? g.kron(g.eye(cols), g.transpose(g.onehot(k, rows)))
        : g.kron(g.transpose(g.onehot(k, cols)), g.eye(rows));
      return g.matmul(select, j);
    },
    formula: (_n, [m, k], ctx) =>
      atom(`${ctx.wrap(m!, Prec.Postfix)}[${isRowSlice ? `${k!.text}, :` : `:, ${k!.text}`}]`),
    latex: (_n, [m, k], ctx) =>
      atom(entry(m!, isRowSlice ? `${ctx.wrap(k!, Prec.Sum)},:` : `:,${ctx.wrap(k!, Prec.Sum)}`)),
    reference: ([m, k], { index }) => {
      const [rows, cols] = [m!.length, m![0]!.length];
      if (isRowSlice) return [[...m![index(k!, rows, 'row index')]!]];
      const j = index(k!, cols, 'column index');
      return m!.map((row) => [row[j]!]);
    },
    symmetric: neverSymmetric,
    argumentDomains: anywhere,
    lower: {
      kind: 'buffer',
      // Only the sliced row or column of the argument is read: an elementwise argument is computed there alone.
      readsOnce: () => true,
      assignsAll: true,
      product: false,
      buffer: (n, t, ctx) => {
        const [m, k] = n.args as [Node, Node];
        const at = ctx.scalar(k);
        const extent = isRowSlice ? ctx.cols(n) : ctx.rows(n);
        const read = ctx.elem(m, isRowSlice ? { row: at, col: 'c' } : { row: 'c', col: at });
        return [
          ...rangeCheck(k, isRowSlice ? m.shape.rows : m.shape.cols, axis, ctx),
          t.allocation,
          `for (let c = 0; c < ${extent}; c++) ${t.name}[c] = ${read};`,
        ];
      },
    },
  };
}

export const rowslice = slice('row');
export const colslice = slice('column');

/** `onehot(k, extent)` as formula syntax, `\hat{e}_k` as LaTeX (as the onehot entry prints it). */
function basisVector(k: Printed, extent: Dim, ctx: PrintContext, latex: boolean): Printed {
  return latex ? atom(`\\hat{e}${sub(ctx.wrap(k, Prec.Sum))}`) : fcall('onehot', [k, atom(ctx.dim(extent))], ctx);
}

/** onehot(i, m) g, or g onehot(j, n)ᵀ: the scatter printed as the product it is. */
function printScatter(axis: Axis, n: Node, [g, k]: readonly Printed[], ctx: PrintContext, latex: boolean): Printed {
  if (axis === 'row') {
    const e = basisVector(k!, n.shape.rows, ctx, latex);
    return { text: `${e.text} ${factor(g!, ctx, Prec.Unary)}`, prec: Prec.Product };
  }
  const e = basisVector(k!, n.shape.cols, ctx, latex);
  const eT = latex ? `${supBase(e)}^\\top` : `${e.text}^T`;
  return { text: `${ctx.wrap(g!, Prec.Product)} ${eT}`, prec: Prec.Product };
}

/**
 * The adjoint of a slice: row g (1 x n) as row k of an m x n zero matrix, or column g (m x 1) as
 * column k of one. Generated code computes it where it is read: entry (r, c) is g's entry when r
 * (or c) is k, else 0, so a gradient's loop adds the adjoint into the sliced row or column itself.
 */
function scatter(axis: Axis): OpDef {
  const isRowScatter = axis === 'row';
  return {
    name: isRowScatter ? 'rowscatter' : 'colscatter',
    functions: [], // built by the slices' vjp only
    build: (g, args, attrs) =>
      isRowScatter
        ? g.rowscatter(args[0]!, args[1]!, attrs.shape!.rows)
        : g.colscatter(args[0]!, args[1]!, attrs.shape!.cols),
    shape: (args, attrs) => {
      const [v, k] = args as [Shape, Shape];
      const s = attrs.shape!;
      const fits = isRowScatter ? sameShape(v, shape(1, s.cols)) : sameShape(v, shape(s.rows, 1));
      if (!fits || !isScalar(k))
        throw new ShapeError(`internal: ${axis} scatter of ${describeShape(v)} into ${describeShape(s)}`);
      return s;
    },
    vjp: (n, adj, g, needed) => {
      if (!needed[0]) return [];
      const k = n.args[1]!;
      return [isRowScatter ? g.rowslice(adj, k) : g.colslice(adj, k)];
    },
    // Row k of an m x n matrix holds entries k + c m of its vec: (I_n ⊗ e_k) J; column k, (e_k ⊗ I_m) J.
    jvp: (n, [j], g) => {
      if (j === undefined) return undefined;
      const k = n.args[1]!;
      const [rows, cols] = [n.shape.rows, n.shape.cols];
      const place = isRowScatter ? g.kron(g.eye(cols), g.onehot(k, rows)) : g.kron(g.onehot(k, cols), g.eye(rows));
      return g.matmul(place, j);
    },
    formula: (n, a, ctx) => printScatter(axis, n, a, ctx, false),
    latex: (n, a, ctx) => printScatter(axis, n, a, ctx, true),
    reference: ([v, k], { rows, cols, index }) => {
      const at = index(k!, isRowScatter ? rows : cols, isRowScatter ? 'row index' : 'column index');
      return tabulate(rows, cols, (r, c) => {
        if (isRowScatter) return r === at ? v![0]![c]! : 0;
        return c === at ? v![r]![0]! : 0;
      });
    },
    symmetric: neverSymmetric,
    argumentDomains: anywhere,
    lower: {
      kind: 'structural',
      element: (n, at, ctx) => {
        const [v, k] = n.args as [Node, Node];
        const [where, along] = isRowScatter ? [at.row, at.col] : [at.col, at.row];
        const entry = ctx.elem(v, isRowScatter ? { row: '0', col: along } : { row: along, col: '0' });
        const index = ctx.scalar(k);
        // Two literals are folded (TypeScript rejects comparing them).
        if (/^\d+$/.test(where) && /^\d+$/.test(index)) return where === index ? entry : '0';
        return `(${where} === ${index} ? ${entry} : 0)`;
      },
      transposes: false,
      // Only the sliced row or column reads the argument, each entry once.
      readsOnce: true,
    },
  };
}

export const rowscatter = scatter('row');
export const colscatter = scatter('column');

type Triangle = 'lower' | 'upper';

/**
 * tril(M), triu(M): the lower (upper) triangle of a square matrix, the diagonal included, with
 * zeros above (below) it. It masks its argument, so its adjoint is the same mask of the adjoint
 * and its Jacobian is the mask's vec on the diagonal. Generated code computes it where it is read.
 */
function triangle(part: Triangle): OpDef {
  const name = part === 'lower' ? 'tril' : 'triu';
  const other = part === 'lower' ? 'triu' : 'tril';
  const kept = (row: number, col: number) => (part === 'lower' ? row >= col : row <= col);
  return {
    name,
    functions: [{ names: [name], arity: 1, build: (a, g) => g.apply(name, [a.value(0)]), estimate: (a) => a.shape(0) }],
    build: (g, args) => g.apply(name, [args[0]!]),
    shape: ([m]) => {
      if (m!.rows !== m!.cols) throw new ShapeError(`${name} needs a square matrix, not ${describeShape(m!)}`);
      return m!;
    },
    // Of a scalar, zeros, eye, a diagonal matrix or its own triangle: the argument; of the other
    // triangle, the diagonal; a scalar factor stays outside.
    identities: ([m], g) => {
      // A matrix that is not square is left to the shape rule, which refuses it.
      if (m!.shape.rows !== m!.shape.cols) return undefined;
      const op = g.opOf(m!);
      if (isScalar(m!.shape) || op === 'eye' || op === 'diag' || op === name) return m;
      if (op === 'fill' && m!.attrs.value === 0) return m;
      if (op === other) return g.diag(g.diagpart(m!.args[0]!));
      const scaled = scaling(g, m!);
      return scaled === undefined ? undefined : g.mul(scaled.factor, g.apply(name, [scaled.rest]));
    },
    vjp: (_n, adj, g, needed) => [needed[0] ? g.apply(name, [adj]) : undefined],
    // d vec(tril(M)) = diag(vec(tril(ones))) d vec(M): the mask scales the rows of the Jacobian.
    jvp: (n, [j], g) => (j === undefined ? undefined : g.mul(column(g, g.apply(name, [g.ones(n.shape)])), j)),
    formula: (_n, a, ctx) => fcall(name, a, ctx),
    latex: (_n, a, ctx) => lcall(`\\operatorname{${name}}`, a, ctx),
    reference: ([m], { rows }) => tabulate(rows, rows, (i, j) => (kept(i, j) ? m![i]![j]! : 0)),
    symmetric: neverSymmetric,
    argumentDomains: anywhere,
    lower: {
      kind: 'structural',
      element: (n, at, ctx) => {
        const read = ctx.elem(n.args[0]!, at);
        // Two literals are folded.
        if (/^\d+$/.test(at.row) && /^\d+$/.test(at.col)) return kept(Number(at.row), Number(at.col)) ? read : '0';
        return `(${at.row} ${part === 'lower' ? '>=' : '<='} ${at.col} ? ${read} : 0)`;
      },
      transposes: false,
      readsOnce: true,
    },
  };
}

export const tril = triangle('lower');
export const triu = triangle('upper');

/** This file's primitives, gathered into `OPS` by src/ops/index.ts. */
export const SLICE_OPS = { rowslice, colslice, rowscatter, colscatter, tril, triu } satisfies Partial<
  Record<OpName, OpDef>
>;
