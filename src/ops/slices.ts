/**
 * Row and column slices (README, "The formula language"): `M[i, :]` is row i of a matrix, 1 x n, and `M[:, j]`
 * column j, m x 1. The index is an integer literal or an index variable, as for an entry; it is
 * not differentiated. The adjoint scatters into a zero matrix: onehot(i, m) g for a row,
 * g onehot(j, n)ᵀ for a column.
 */
import type { Node } from '../ir/node.js';
import { describeShape, isColumn, isRow, shape, type Dim, type Shape } from '../ir/shape.js';
import { ShapeError } from '../diagnostics/errors.js';
import { num, type LowerContext } from './lowering.js';
import { atom, entry } from './print-helpers.js';
import { Prec } from './print-types.js';
import { anywhere, type OpDef } from './types.js';

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
      return [
        isRowSlice ? g.matmul(g.onehot(k, m.shape.rows), adj) : g.matmul(adj, g.transpose(g.onehot(k, m.shape.cols))),
      ];
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
