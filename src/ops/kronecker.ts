/**
 * Vectorisation and Kronecker products (README, "The formula language"): `vec(M)` stacks the columns of M,
 * `kron(A, B)` (also `A ⊗ B`) is the Kronecker product, `commutation(m, n)` the (m n) x (m n)
 * matrix K with K vec(A) = vec(Aᵀ) for A m x n. Jacobian and Hessian blocks in the vec
 * convention are written with them (Magnus & Neudecker, "Matrix Differential Calculus").
 */
import type { Node, OpName } from '../ir/node.js';
import { dimProduct, entryCount, isScalar, shape, type Shape } from '../ir/shape.js';
import { column } from './jvp.js';
import { atom, factor, fcall, lcall, sub } from './print-helpers.js';
import { Prec } from './print-types.js';
import { indicator } from './lowering.js';
import { anywhere, type Builder, type OpDef, neverSymmetric } from './types.js';
import { tabulate } from './reference-types.js';
import { scaling } from './identities.js';
import { isZero } from '../ir/constants.js';
import type { Dim } from '../ir/shape.js';
import { isColumn, isRow, sameShape } from '../ir/shape.js';

/** The names of this file's primitives (see `OpNames`). */
declare module '../ir/node.js' {
  interface OpNames {
    vec: true;
    kron: true;
    commutation: true;
  }
}

/** vec(a): a column is itself, a row its transpose; constants and scalings come out. */
function vecIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const a = args[0]!;
  if (isScalar(a.shape) || isColumn(a.shape)) return a;
  if (isRow(a.shape)) return g.transpose(a);
  if (a.op === 'fill') return g.fill(a.attrs.value!, shape(entryCount(a.shape), 1));
  const scaled = scaling(g, a);
  if (scaled !== undefined) return g.mul(scaled.factor, g.vec(scaled.rest));
  return undefined;
}

/** a ⊗ b: a scalar factor scales; identities and constants stay leaves; scalings come out. */
function kronIdentities(args: readonly Node[], g: Builder): Node | undefined {
  const [a, b] = args as [Node, Node];
  if (isScalar(a.shape) || isScalar(b.shape)) return g.mul(a, b);
  const s = shape(dimProduct(a.shape.rows, b.shape.rows), dimProduct(a.shape.cols, b.shape.cols));
  if (isZero(a) || isZero(b)) return g.zeros(s);
  if (a.op === 'eye' && b.op === 'eye') return g.eye(s.rows);
  if (a.op === 'fill' && b.op === 'fill') return g.fill(a.attrs.value! * b.attrs.value!, s);
  // a ⊗ (c ⊗ D) = (a c) ⊗ D for a column a and a row c: a ⊗ c is the outer product a c.
  if (isColumn(a.shape) && g.opOf(b) === 'kron' && isRow(b.args[0]!.shape))
    return g.kron(g.matmul(a, b.args[0]!), b.args[1]!);
  const left = scaling(g, a);
  if (left !== undefined) return g.mul(left.factor, g.kron(left.rest, b));
  const right = scaling(g, b);
  if (right !== undefined) return g.mul(right.factor, g.kron(a, right.rest));
  return undefined;
}

/**
 * Products with a Kronecker factor read back as plain ones where the shapes allow (the matmul
 * entry's identities call it): (A ⊗ B)(C ⊗ D) = (A C) ⊗ (B D); (A ⊗ B) vec(X) = vec(B X Aᵀ)
 * (a column x counts as vec(x)); K_{m,n} vec(X) = vec(Xᵀ); K_{n,m} K_{m,n} = I.
 */
export function kroneckerProduct(a: Node, b: Node, g: Builder): Node | undefined {
  const same = (x: Dim, y: Dim) => x === y;
  if (g.opOf(a) === 'kron' && g.opOf(b) === 'kron') {
    const [p, q] = a.args as [Node, Node];
    const [c, d] = b.args as [Node, Node];
    if (same(p.shape.cols, c.shape.rows) && same(q.shape.cols, d.shape.rows))
      return g.kron(g.matmul(p, c), g.matmul(q, d));
  }
  // vec(A)ᵀ vec(B) = sum(A ⊙ B), as a textbook writes the inner product of two matrices.
  if (
    g.opOf(a) === 'transpose' &&
    g.opOf(a.args[0]!) === 'vec' &&
    g.opOf(b) === 'vec' &&
    sameShape(a.args[0]!.args[0]!.shape, b.args[0]!.shape)
  )
    return g.sum(g.mul(a.args[0]!.args[0]!, b.args[0]!));
  // (a ⊗ B) M = a ⊗ (B M) for a column a, and M (c ⊗ D) = c ⊗ (M D) for a row c (M = 1 ⊗ M):
  // the mixed-product rule with a 1 x 1 factor, which brings a layer's Hessian to (x xᵀ) ⊗ H.
  if (g.opOf(a) === 'kron' && a.args[0]!.shape.cols === 1 && g.opOf(b) !== 'vec' && b.shape.cols !== 1)
    return g.kron(a.args[0]!, g.matmul(a.args[1]!, b));
  if (g.opOf(b) === 'kron' && b.args[0]!.shape.rows === 1) return g.kron(b.args[0]!, g.matmul(a, b.args[1]!));
  if (b.shape.cols === 1) {
    const x = g.opOf(b) === 'vec' ? b.args[0]! : b;
    if (g.opOf(a) === 'kron') {
      const [p, q] = a.args as [Node, Node];
      if (same(q.shape.cols, x.shape.rows) && same(p.shape.cols, x.shape.cols))
        return g.vec(g.matmul(g.matmul(q, x), g.transpose(p)));
    }
    if (a.op === 'commutation' && same(a.attrs.shape!.rows, x.shape.rows) && same(a.attrs.shape!.cols, x.shape.cols))
      return g.vec(g.transpose(x));
  }
  if (
    a.op === 'commutation' &&
    b.op === 'commutation' &&
    same(a.attrs.shape!.rows, b.attrs.shape!.cols) &&
    same(a.attrs.shape!.cols, b.attrs.shape!.rows)
  ) {
    return g.eye(a.shape.rows);
  }
  return undefined;
}

/** `s (A ⊗ B)` as its scale and Kronecker product (s = 1 for a plain one); undefined for anything else. */
function scaledKron(n: Node, g: Builder): { s: Node | undefined; k: Node } | undefined {
  const scaled = scaling(g, n);
  if (scaled !== undefined && g.opOf(scaled.rest) === 'kron') return { s: scaled.factor, k: scaled.rest };
  return g.opOf(n) === 'kron' ? { s: undefined, k: n } : undefined;
}

/**
 * Sums of Kronecker products with a common factor (the add entry's identities call it):
 * s (C ⊗ A) + t (C ⊗ B) = C ⊗ (s A + t B), and (A ⊗ C) + (B ⊗ C) = (A + B) ⊗ C, for factors of
 * equal shapes.
 */
export function kroneckerSum(a: Node, b: Node, g: Builder): Node | undefined {
  const [p, q] = [scaledKron(a, g), scaledKron(b, g)];
  if (p === undefined || q === undefined) return undefined;
  const scaled = (s: Node | undefined, m: Node) => (s === undefined ? m : g.mul(s, m));
  const [pa, pb] = p.k.args as [Node, Node];
  const [qa, qb] = q.k.args as [Node, Node];
  if (pa === qa && sameShape(pb.shape, qb.shape)) return g.kron(pa, g.add(scaled(p.s, pb), scaled(q.s, qb)));
  if (pb === qb && sameShape(pa.shape, qa.shape)) return g.kron(g.add(scaled(p.s, pa), scaled(q.s, qa)), pb);
  return undefined;
}

/**
 * u ⊙ (c ⊗ D) = c ⊗ (u ⊙ D) for a row c and a column u broadcast across the columns (diag(u) (c ⊗ D)
 * = c ⊗ diag(u) D); the mul entry's identities call it.
 */
export function kroneckerScaledRows(a: Node, b: Node, g: Builder): Node | undefined {
  if (!isColumn(a.shape) || g.opOf(b) !== 'kron' || b.shape.cols === 1) return undefined;
  const [c, d] = b.args as [Node, Node];
  if (c.shape.rows !== 1 || d.shape.rows !== a.shape.rows) return undefined;
  return g.kron(c, g.mul(a, d));
}

/** (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ; K_{m,n}ᵀ = K_{n,m} (the transpose entry's identities call it). */
export function kroneckerTranspose(a: Node, g: Builder): Node | undefined {
  if (g.opOf(a) === 'kron') return g.kron(g.transpose(a.args[0]!), g.transpose(a.args[1]!));
  if (a.op === 'commutation') return g.commutation(a.attrs.shape!.cols, a.attrs.shape!.rows);
  return undefined;
}

/** inv(A ⊗ B) = inv(A) ⊗ inv(B) for square factors; inv(K_{m,n}) = K_{n,m} (the inv entry's identities call it). */
export function kroneckerInverse(m: Node, g: Builder): Node | undefined {
  if (g.opOf(m) === 'kron' && m.args.every((f) => f.shape.rows === f.shape.cols))
    return g.kron(g.inv(m.args[0]!), g.inv(m.args[1]!));
  if (m.op === 'commutation') return g.commutation(m.attrs.shape!.cols, m.attrs.shape!.rows);
  return undefined;
}

/** Element (row, col) of K_{m,n}: 1 where vec(A)'s entry col, A[i, j] with col = i + j m, lands in vec(Aᵀ) at row = j + i n. */
function commutationEntry(m: string, n: string, row: string, col: string): string {
  return indicator(row, `((${col}) % ${m}) * ${n} + Math.floor((${col}) / ${m})`);
}

export const vec: OpDef = {
  name: 'vec',
  functions: [
    {
      names: ['vec'],
      arity: 1,
      build: (a, g) => g.vec(a.value(0)),
      estimate: (a) => {
        const s = a.shape(0);
        return s === undefined ? undefined : shape(entryCount(s), 1);
      },
    },
  ],
  build: (g, args) => g.vec(args[0]!),
  identities: vecIdentities,
  shape: (args) => shape(entryCount(args[0]!), 1),
  // vec is a reordering: the adjoint is the column read back column by column (unvec).
  vjp: (n, adj, g, needed) => {
    if (!needed[0]) return [undefined];
    const x = n.args[0]!;
    const s = x.shape;
    // unvec(a)[i, j] = a[i + j m] = ((1_nᵀ ⊗ I_m) diag(a) (I_n ⊗ 1_m))[i, j].
    const spread = g.mul(adj, g.kron(g.eye(s.cols), g.ones(shape(s.rows, 1))));
    return [g.matmul(g.kron(g.ones(shape(1, s.cols)), g.eye(s.rows)), spread)];
  },
  jvp: (_n, [j]) => j,
  formula: (_n, a, ctx) => fcall('vec', a, ctx),
  latex: (_n, a, ctx) => lcall('\\operatorname{vec}', a, ctx),
  // Columns stacked: entry i + j m is a[i][j].
  reference: ([a], { rows }) => {
    const m = a!.length;
    return tabulate(rows, 1, (k) => a![k % m]![Math.floor(k / m)]!);
  },
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  // Entry r of vec(M) (M m x n) is M[r mod m, floor(r / m)]: read where it is needed, never copied.
  lower: {
    kind: 'structural',
    element: (n, at, ctx) => {
      const x = n.args[0]!;
      const m = ctx.rows(x);
      return ctx.elem(x, { row: `(${at.row}) % ${m}`, col: `Math.floor((${at.row}) / ${m})` });
    },
    transposes: false,
    readsOnce: true,
  },
};

export const kron: OpDef = {
  name: 'kron',
  functions: [
    {
      names: ['kron'],
      arity: 2,
      build: (a, g) => {
        const [x, y] = a.values() as [Node, Node];
        return g.kron(x, y);
      },
      estimate: (a) => {
        const [x, y] = [a.shape(0), a.shape(1)];
        return x === undefined || y === undefined
          ? undefined
          : shape(dimProduct(x.rows, y.rows), dimProduct(x.cols, y.cols));
      },
    },
  ],
  build: (g, args) => g.kron(args[0]!, args[1]!),
  identities: kronIdentities,
  shape: (args) => {
    const [a, b] = args as [Shape, Shape];
    return shape(dimProduct(a.rows, b.rows), dimProduct(a.cols, b.cols));
  },
  // C = A ⊗ B: C[i p + k, j q + l] = A[i, j] B[k, l] (see kronAdjoint).
  vjp: (n, adj, g, needed) => {
    const [a, b] = n.args as [Node, Node];
    return [
      needed[0] ? kronAdjoint(g, adj, a, b, 'left') : undefined,
      needed[1] ? kronAdjoint(g, adj, a, b, 'right') : undefined,
    ];
  },
  // vec(A ⊗ B) = (I_n ⊗ K_{q,m} ⊗ I_p)(vec A ⊗ vec B) (Magnus & Neudecker, Theorem 3.10), so
  // d vec(A ⊗ B) = P (J_A ⊗ vec B + vec A ⊗ J_B).
  jvp: (n, [ja, jb], g) => {
    const [a, b] = n.args as [Node, Node];
    const [m, nn, p, q] = [a.shape.rows, a.shape.cols, b.shape.rows, b.shape.cols];
    const P = g.kron(g.eye(nn), g.kron(g.commutation(q, m), g.eye(p)));
    const fromA = ja === undefined ? undefined : g.kron(ja, column(g, b));
    const fromB = jb === undefined ? undefined : g.kron(column(g, a), jb);
    const sum = fromA === undefined ? fromB : fromB === undefined ? fromA : g.add(fromA, fromB);
    return sum === undefined ? undefined : g.matmul(P, sum);
  },
  formula: (_n, a, ctx) => fcall('kron', a, ctx),
  latex: (n, a, ctx) => {
    const [x, y] = n.args as [Node, Node];
    const left = ctx.wrap(a[0]!, x.op === 'kron' ? Prec.Product : Prec.Unary);
    return {
      text: `${left} \\otimes ${factor(a[1]!, ctx, y.op === 'kron' ? Prec.Product : Prec.Unary)}`,
      prec: Prec.Product,
    };
  },
  reference: ([a, b]) => {
    const [m, n, p, q] = [a!.length, a![0]!.length, b!.length, b![0]!.length];
    return tabulate(m * p, n * q, (r, c) => a![Math.floor(r / p)]![Math.floor(c / q)]! * b![r % p]![c % q]!);
  },
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  // Entry (r, c) of A ⊗ B (B p x q) is A[floor(r / p), floor(c / q)] B[r mod p, c mod q], read from
  // the factors where it is needed: products with an I ⊗ B or A ⊗ I factor read the factors
  // themselves (see kroneckerProduct in linear.ts), so such a matrix is never formed.
  lower: {
    kind: 'structural',
    element: (n, at, ctx) => {
      const [a, b] = n.args as [Node, Node];
      const [p, q] = [ctx.rows(b), ctx.cols(b)];
      const A = ctx.elem(a, { row: `Math.floor((${at.row}) / ${p})`, col: `Math.floor((${at.col}) / ${q})` });
      const B = ctx.elem(b, { row: `(${at.row}) % ${p}`, col: `(${at.col}) % ${q}` });
      return `${A} * ${B}`;
    },
    transposes: false,
    readsOnce: false,
  },
};

/**
 * The adjoint of one factor of C = A ⊗ B (A m x n, B p x q) from C's adjoint G: dA[i, j] =
 * Σ_kl G[i p + k, j q + l] B[k, l], and dB[k, l] = Σ_ij G[i p + k, j q + l] A[i, j]. With
 * R_A = (I_m ⊗ 1_pᵀ) and S_A = (I_n ⊗ 1_q) that sum their blocks: dA = R_A (G ⊙ (1 1ᵀ ⊗ B)) S_A;
 * dB = (1_mᵀ ⊗ I_p)(G ⊙ (A ⊗ 1 1ᵀ))(1_n ⊗ I_q).
 */
function kronAdjoint(g: Parameters<OpDef['vjp']>[2], adj: Node, a: Node, b: Node, which: 'left' | 'right'): Node {
  const [m, n, p, q] = [a.shape.rows, a.shape.cols, b.shape.rows, b.shape.cols];
  if (which === 'left') {
    const weighted = g.mul(adj, g.kron(g.ones(shape(m, n)), b));
    return g.matmul(g.matmul(g.kron(g.eye(m), g.ones(shape(1, p))), weighted), g.kron(g.eye(n), g.ones(shape(q, 1))));
  }
  const weighted = g.mul(adj, g.kron(a, g.ones(shape(p, q))));
  return g.matmul(g.matmul(g.kron(g.ones(shape(1, m)), g.eye(p)), weighted), g.kron(g.ones(shape(n, 1)), g.eye(q)));
}

export const commutation: OpDef = {
  name: 'commutation',
  functions: [
    {
      names: ['commutation'],
      arity: 2,
      build: (a, g) => g.commutation(a.dim(0), a.dim(1)),
      estimate: (a) => {
        const [m, n] = [a.dim(0), a.dim(1)];
        return m === undefined || n === undefined ? undefined : shape(dimProduct(m, n), dimProduct(m, n));
      },
    },
  ],
  build: (g, _args, attrs) => g.commutation(attrs.shape!.rows, attrs.shape!.cols),
  // K_{m,1} and K_{1,n} are identities.
  identities: (_args, g, attrs) =>
    attrs.shape!.rows === 1 || attrs.shape!.cols === 1
      ? g.eye(dimProduct(attrs.shape!.rows, attrs.shape!.cols))
      : undefined,
  shape: (_args, attrs) => {
    const s = attrs.shape;
    if (s === undefined) throw new Error('internal: commutation without its shape');
    const size = dimProduct(s.rows, s.cols);
    return shape(size, size);
  },
  vjp: () => [],
  jvp: () => {
    throw new Error('internal: commutation has no arguments to differentiate');
  },
  formula: (n, _a, ctx) => atom(`commutation(${ctx.dim(n.attrs.shape!.rows)}, ${ctx.dim(n.attrs.shape!.cols)})`),
  latex: (n, _a, ctx) => atom(`K${sub(`${ctx.dim(n.attrs.shape!.rows)},${ctx.dim(n.attrs.shape!.cols)}`)}`),
  // K vec(A) = vec(Aᵀ) for A m x n: row j + i n has its 1 in column i + j m.
  reference: (_args, { node, size }) => {
    const [m, n] = [size(node.attrs.shape!.rows), size(node.attrs.shape!.cols)];
    return tabulate(m * n, m * n, (r, c) => (r === (c % m) * n + Math.floor(c / m) ? 1 : 0));
  },
  symmetric: neverSymmetric,
  argumentDomains: anywhere,
  lower: {
    kind: 'constant',
    element: (n, at, ctx) =>
      commutationEntry(ctx.dim(n.attrs.shape!.rows), ctx.dim(n.attrs.shape!.cols), at.row, at.col),
    scalar: () => '1',
    rowCol: true,
    assignsAll: false,
    buffer: (n, t, ctx) => {
      const [m, c] = [ctx.dim(n.attrs.shape!.rows), ctx.dim(n.attrs.shape!.cols)];
      const size = ctx.rows(n);
      return [
        t.allocation,
        `for (let i = 0; i < ${m}; i++) for (let j = 0; j < ${c}; j++) ${t.name}[(j + i * ${c}) * ${size} + i + j * ${m}] = 1;`,
      ];
    },
  },
};

/** This file's primitives, gathered into `OPS` by src/ops/index.ts. */
export const KRONECKER_OPS = { vec, kron, commutation } satisfies Partial<Record<OpName, OpDef>>;
