/**
 * The IR graph: hash-consing (structurally equal expressions are one node) and the smart
 * constructors every stage builds with. A constructor applies only the cheap local identities
 * of its op's entry (`identities` in src/ops: constant folding, 0 and 1 and eye eliminated,
 * double transpose, scalar factors pulled to the front) so that derived graphs never carry
 * `0 · X` trees; canonicalisation proper is src/simplify's job. The graph names no op's algebra.
 */
import { OPS } from '../ops/index.js';
import type { Builder } from '../ops/types.js';
import type { UnaryFn } from '../ops/elementwise.js';
import type { Span } from '../diagnostics/source.js';
import type { Attrs, Node, OpName, Structure, VarKind } from './node.js';
import { SCALAR, dimFactors, isScalar, sameShape, shape, shapeKey, type Dim, type Shape } from './shape.js';

function attrsKey(a: Attrs): string {
  let k = '';
  if (a.name !== undefined) k += `n=${a.name};`;
  if (a.varKind !== undefined) k += `k=${a.varKind};`;
  if (a.structure !== undefined) k += `st=${a.structure};`;
  if (a.value !== undefined) k += `v=${Object.is(a.value, -0) ? '-0' : String(a.value)};`;
  if (a.fn !== undefined) k += `f=${a.fn};`;
  if (a.shape !== undefined) k += `s=${shapeKey(a.shape)};`;
  return k;
}

export class Graph implements Builder {
  private readonly table = new Map<string, Node>();
  private nodeCount = 0;
  /** Span recorded on nodes created from now on (the front end sets it to the text being checked). */
  span: Span | undefined;
  /**
   * Nodes whose structure constructors must not look into: the user's definitions. A rewrite
   * through a definition (`3 h` → `6 x` when h = 2 x) would leave an expression that no longer
   * passes through h, and the derivative with respect to h would be lost.
   */
  private readonly sealed = new Set<number>();

  /**
   * A graph holding every node of this one, to which new nodes are added without touching
   * this one: what a printer builds only in order to show it (the adjoint symbols of
   * `latex --steps`) goes into a fork, so printing never changes a model.
   */
  fork(): Graph {
    const g = new Graph();
    for (const [key, n] of this.table) g.table.set(key, n);
    for (const id of this.sealed) g.sealed.add(id);
    g.nodeCount = this.nodeCount;
    g.span = this.span;
    return g;
  }

  seal(n: Node): void {
    if (n.args.length > 0) this.sealed.add(n.id);
  }

  /** Whether `n` is a user's definition, which rewrites must treat as a whole. */
  isSealed(n: Node): boolean {
    return this.sealed.has(n.id);
  }

  /** The node's op if constructors may look into it, else 'sealed'. */
  opOf(n: Node): OpName | 'sealed' {
    return this.sealed.has(n.id) ? 'sealed' : n.op;
  }

  get size(): number {
    return this.nodeCount;
  }

  /** The node for `op(args)` if one has been built, without building it. */
  find(op: OpName, args: readonly Node[], attrs: Attrs = {}): Node | undefined {
    return this.table.get(`${op}(${args.map((a) => a.id).join(',')})${attrsKey(attrs)}`);
  }

  /** The node for `op(args)`, shared with any structurally equal node already built. */
  make(op: OpName, args: readonly Node[], attrs: Attrs = {}): Node {
    const key = `${op}(${args.map((a) => a.id).join(',')})${attrsKey(attrs)}`;
    const existing = this.table.get(key);
    if (existing !== undefined) return existing;
    const nodeShape = OPS[op].shape(
      args.map((a) => a.shape),
      attrs,
    );
    const node: Node = { id: this.nodeCount++, op, args, attrs, shape: nodeShape, key, span: this.span };
    this.table.set(key, node);
    return node;
  }

  /**
   * What every constructor builds with, and the constructor of an op that has no named one: the
   * op entry's identities (src/ops), else the node for `op(args)`.
   */
  apply(op: OpName, args: readonly Node[], attrs: Attrs = {}): Node {
    return OPS[op].identities?.(args, this, attrs) ?? this.make(op, args, attrs);
  }

  // ------------------------------------------------------------------ leaves

  /** A variable; `structure` for a `symmetric(n)` or `spd(n)` matrix. */
  variable(name: string, varKind: VarKind, s: Shape, structure?: Structure): Node {
    return this.apply('var', [], { name, varKind, shape: s, ...(structure !== undefined ? { structure } : {}) });
  }

  constant(value: number): Node {
    return this.apply('const', [], { value });
  }

  /** A named constant (`pi`): a scalar of known value that prints by its name and never folds. */
  namedConstant(name: string, value: number): Node {
    return this.apply('const', [], { name, value });
  }

  /** The run-time size of a dimension, as a scalar. */
  dimValue(d: Dim): Node {
    if (typeof d === 'number') return this.constant(d);
    const { coefficient, names } = dimFactors(d);
    // A product of dimensions (the entries of a matrix) is the product of their sizes.
    if (names.length > 1 || coefficient !== 1)
      return names.reduce((p, name) => this.mul(p, this.make('dim', [], { name })), this.constant(coefficient));
    return this.apply('dim', [], { name: d });
  }

  /** A matrix of one repeated value (`ones`, zeros); a scalar when the shape is 1 x 1. */
  fill(value: number, s: Shape): Node {
    return this.apply('fill', [], { value, shape: s });
  }

  zeros(s: Shape): Node {
    return this.fill(0, s);
  }

  ones(s: Shape): Node {
    return this.fill(1, s);
  }

  eye(n: Dim): Node {
    return this.apply('eye', [], { shape: shape(n, n) });
  }

  /** The K-vector with a 1 at `index` (a constant or an index variable). */
  onehot(index: Node, k: Dim): Node {
    return this.apply('onehot', [index], { shape: shape(k, 1) });
  }

  // ------------------------------------------------------------- elementwise

  add(a: Node, b: Node): Node {
    return this.apply('add', [a, b]);
  }

  sub(a: Node, b: Node): Node {
    return this.add(a, this.neg(b));
  }

  neg(a: Node): Node {
    return this.mul(this.constant(-1), a);
  }

  /** Elementwise product with broadcasting; a scalar times anything scales it. */
  mul(a: Node, b: Node): Node {
    return this.apply('mul', [a, b]);
  }

  div(a: Node, b: Node): Node {
    return this.apply('div', [a, b]);
  }

  pow(a: Node, b: Node): Node {
    return this.apply('pow', [a, b]);
  }

  unary(fn: UnaryFn, a: Node): Node {
    return this.apply('unary', [a], { fn });
  }

  // ------------------------------------------------------------------ linear

  /** Matrix product; a 1 x 1 factor scales the other. */
  matmul(a: Node, b: Node): Node {
    return this.apply('matmul', [a, b]);
  }

  transpose(a: Node): Node {
    return this.apply('transpose', [a]);
  }

  // -------------------------------------------------------------- reductions

  sum(a: Node): Node {
    return this.apply('sum', [a]);
  }

  mean(a: Node): Node {
    return this.apply('mean', [a]);
  }

  norm2(a: Node): Node {
    return this.apply('norm2', [a]);
  }

  logsumexp(a: Node): Node {
    return this.apply('logsumexp', [a]);
  }

  max(a: Node): Node {
    return this.apply('max', [a]);
  }

  min(a: Node): Node {
    return this.apply('min', [a]);
  }

  maximum(a: Node, b: Node): Node {
    return this.apply('maximum', [a, b]);
  }

  minimum(a: Node, b: Node): Node {
    return this.apply('minimum', [a, b]);
  }

  softmax(a: Node): Node {
    return this.apply('softmax', [a]);
  }

  tr(a: Node): Node {
    return this.apply('tr', [a]);
  }

  /** The diagonal matrix with `v` on its diagonal. */
  diag(v: Node): Node {
    return this.apply('diag', [v]);
  }

  /** The diagonal of a square matrix, as a vector. */
  diagpart(m: Node): Node {
    return this.apply('diagpart', [m]);
  }

  /** An entry: `v[i]` or `M[i, j]`; indices are constants or index variables. */
  index(target: Node, indices: readonly Node[]): Node {
    return this.apply('index', [target, ...indices]);
  }

  /** Row i of a matrix, M[i, :]. */
  rowslice(m: Node, i: Node): Node {
    return this.apply('rowslice', [m, i]);
  }

  /** Column j of a matrix, M[:, j]. */
  colslice(m: Node, j: Node): Node {
    return this.apply('colslice', [m, j]);
  }

  /** A row g as row i of a zero matrix with `rows` rows: the adjoint of a row slice. */
  rowscatter(g: Node, i: Node, rows: Dim): Node {
    return this.apply('rowscatter', [g, i], { shape: shape(rows, g.shape.cols) });
  }

  /** A column g as column j of a zero matrix with `cols` columns: the adjoint of a column slice. */
  colscatter(g: Node, j: Node, cols: Dim): Node {
    return this.apply('colscatter', [g, j], { shape: shape(g.shape.rows, cols) });
  }

  // ----------------------------------------------------------- matrix functions

  /** The inverse; of a scalar, 1 / s. */
  inv(m: Node): Node {
    return this.apply('inv', [m]);
  }

  /** The determinant; of a scalar, itself. */
  det(m: Node): Node {
    return this.apply('det', [m]);
  }

  /** log |det X|; of a scalar, log |s|. */
  logdet(m: Node): Node {
    return this.apply('logdet', [m]);
  }

  /** inv(a) b, solved; b scalar scales the inverse. */
  solve(a: Node, b: Node): Node {
    return this.apply('solve', [a, b]);
  }

  // --------------------------------------------------------------- Kronecker

  /** vec(a): the columns stacked (identities in src/ops/kronecker.ts). */
  vec(a: Node): Node {
    return this.apply('vec', [a]);
  }

  /** a ⊗ b (identities in src/ops/kronecker.ts). */
  kron(a: Node, b: Node): Node {
    return this.apply('kron', [a, b]);
  }

  /** K_{m,n}: K vec(A) = vec(Aᵀ) for A m x n; the identity when m or n is 1. */
  commutation(m: Dim, n: Dim): Node {
    return this.apply('commutation', [], { shape: shape(m, n) });
  }

  /** Sums `adjoint` over the axes along which a value of shape `target` was broadcast. */
  unbroadcast(adjoint: Node, target: Shape): Node {
    const s = adjoint.shape;
    if (sameShape(s, target)) return adjoint;
    if (isScalar(target)) return this.sum(adjoint);
    if (target.cols === 1 && s.cols !== 1) return this.matmul(adjoint, this.ones(shape(s.cols, 1)));
    if (target.rows === 1 && s.rows !== 1) return this.matmul(this.ones(shape(1, s.rows)), adjoint);
    throw new Error(`internal: cannot unbroadcast ${shapeKey(s)} to ${shapeKey(target)}`);
  }
}

export { SCALAR };
