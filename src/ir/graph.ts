/**
 * The IR graph: hash-consing (structurally equal expressions are one node) and the smart
 * constructors every stage builds with. Constructors apply only cheap local identities
 * (constant folding, 0 and 1 and eye eliminated, double transpose, scalar factors pulled to
 * the front) so that derived graphs never carry `0 · X` trees; canonicalisation proper is
 * src/simplify's job.
 */
import { OPS } from '../ops/index.js';
import type { Builder } from '../ops/types.js';
import { UNARY, type UnaryFn } from '../ops/elementwise.js';
import type { Span } from '../diagnostics/source.js';
import { constValue, isNumber, isOne, isZero } from './constants.js';
import { exactPower, exactProduct, exactQuotient, exactSum, exactValue } from './exact.js';
import type { Attrs, Node, OpName, VarKind } from './node.js';
import {
  SCALAR,
  isColumn,
  isScalar,
  sameShape,
  shape,
  shapeKey,
  transposeShape,
  type Dim,
  type Shape,
} from './shape.js';

function attrsKey(a: Attrs): string {
  let k = '';
  if (a.name !== undefined) k += `n=${a.name};`;
  if (a.varKind !== undefined) k += `k=${a.varKind};`;
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
  private opOf(n: Node): OpName | 'sealed' {
    return this.sealed.has(n.id) ? 'sealed' : n.op;
  }

  /** `s X` with s a scalar and X not: the canonical form of scaling. */
  private scaling(n: Node): { factor: Node; rest: Node } | undefined {
    if (this.opOf(n) === 'mul' && isScalar(n.args[0]!.shape) && !isScalar(n.args[1]!.shape)) {
      return { factor: n.args[0]!, rest: n.args[1]! };
    }
    return undefined;
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

  // ------------------------------------------------------------------ leaves

  variable(name: string, varKind: VarKind, s: Shape): Node {
    return this.make('var', [], { name, varKind, shape: s });
  }

  constant(value: number): Node {
    return this.make('const', [], { value });
  }

  /** A named constant (`pi`): a scalar of known value that prints by its name and never folds. */
  namedConstant(name: string, value: number): Node {
    return this.make('const', [], { name, value });
  }

  /** The run-time size of a dimension, as a scalar. */
  dimValue(d: Dim): Node {
    return typeof d === 'number' ? this.constant(d) : this.make('dim', [], { name: d });
  }

  /** A matrix of one repeated value (`ones`, zeros); a scalar when the shape is 1 x 1. */
  fill(value: number, s: Shape): Node {
    return isScalar(s) ? this.constant(value) : this.make('fill', [], { value, shape: s });
  }

  zeros(s: Shape): Node {
    return this.fill(0, s);
  }

  ones(s: Shape): Node {
    return this.fill(1, s);
  }

  eye(n: Dim): Node {
    return n === 1 ? this.constant(1) : this.make('eye', [], { shape: shape(n, n) });
  }

  /** The K-vector with a 1 at `index` (a constant or an index variable). */
  onehot(index: Node, k: Dim): Node {
    return this.make('onehot', [index], { shape: shape(k, 1) });
  }

  // ------------------------------------------------------------- elementwise

  add(a: Node, b: Node): Node {
    const s = OPS.add.shape([a.shape, b.shape], {});
    const ca = constValue(a);
    const cb = constValue(b);
    if (ca !== undefined && cb !== undefined) {
      const v = exactSum(ca, cb);
      if (v !== undefined) return this.fill(v, s);
    }
    if (ca === 0 && sameShape(b.shape, s)) return b;
    if (cb === 0 && sameShape(a.shape, s)) return a;
    return this.make('add', [a, b]);
  }

  sub(a: Node, b: Node): Node {
    return this.add(a, this.neg(b));
  }

  neg(a: Node): Node {
    return this.mul(this.constant(-1), a);
  }

  /** Elementwise product with broadcasting; a scalar times anything scales it. */
  mul(a: Node, b: Node): Node {
    const s = OPS.mul.shape([a.shape, b.shape], {});
    const ca = constValue(a);
    const cb = constValue(b);
    if (ca !== undefined && cb !== undefined) {
      const v = exactProduct(ca, cb);
      if (v !== undefined) return this.fill(v, s);
    }
    if (ca === 0 || cb === 0) return this.zeros(s);
    if (ca === 1 && sameShape(b.shape, s)) return b;
    if (cb === 1 && sameShape(a.shape, s)) return a;
    // A uniform matrix times a same-shaped value is a scaling.
    if (ca !== undefined && !isScalar(a.shape) && sameShape(b.shape, s)) return this.mul(this.constant(ca), b);
    if (cb !== undefined && !isScalar(b.shape) && sameShape(a.shape, s)) return this.mul(this.constant(cb), a);
    const aScalar = isScalar(a.shape);
    const bScalar = isScalar(b.shape);
    // A column times the identity, broadcast across it, is the diagonal matrix of the column.
    if (a.op === 'eye' && isColumn(b.shape)) return this.diag(b);
    if (b.op === 'eye' && isColumn(a.shape)) return this.diag(a);
    // Scalars to the front; among scalars, constants to the front.
    if ((bScalar && !aScalar) || (aScalar && bScalar && cb !== undefined && ca === undefined)) return this.mul(b, a);
    // x ⊙ (1 / y) is x / y, unless it is a scaling (1 / y) X, which keeps its factor in front,
    // or y is a number: 1/3 s stays a coefficient, as written.
    if (ca === undefined && this.opOf(b) === 'div' && isOne(b.args[0]!) && !isNumber(b.args[1]!) && isScalar(b.args[0]!.shape) && (aScalar || !bScalar)) return this.div(a, b.args[1]!);
    if (cb === undefined && this.opOf(a) === 'div' && isOne(a.args[0]!) && !isNumber(a.args[1]!) && isScalar(a.args[0]!.shape) && (bScalar || !aScalar)) return this.div(b, a.args[1]!);
    if (aScalar && !bScalar) {
      const inner = this.scaling(b);
      if (inner !== undefined) return this.mul(this.mul(a, inner.factor), inner.rest);
    } else if (!aScalar && !bScalar) {
      const left = this.scaling(a);
      if (left !== undefined) return this.mul(left.factor, this.mul(left.rest, b));
      const right = this.scaling(b);
      if (right !== undefined) return this.mul(right.factor, this.mul(a, right.rest));
    } else {
      // Both scalars: gather constant factors at the front.
      if (ca !== undefined && this.opOf(b) === 'mul') {
        const cb0 = constValue(b.args[0]!);
        const v = cb0 === undefined ? undefined : exactProduct(ca, cb0);
        if (v !== undefined) return this.mul(this.constant(v), b.args[1]!);
      }
      if (ca === undefined && this.opOf(b) === 'mul' && constValue(b.args[0]!) !== undefined) {
        return this.mul(b.args[0]!, this.mul(a, b.args[1]!));
      }
      if (ca === undefined && this.opOf(a) === 'mul' && constValue(a.args[0]!) !== undefined) {
        return this.mul(a.args[0]!, this.mul(a.args[1]!, b));
      }
      // Then quotients of constants, like 2 / N, so they read as coefficients.
      const coefficientLike = (n: Node) => this.opOf(n) === 'div' && isNumber(n.args[0]!);
      if (ca === undefined && !coefficientLike(a)) {
        if (coefficientLike(b)) return this.mul(b, a);
        if (this.opOf(b) === 'mul' && coefficientLike(b.args[0]!)) return this.mul(b.args[0]!, this.mul(a, b.args[1]!));
      }
    }
    return this.make('mul', [a, b]);
  }

  div(a: Node, b: Node): Node {
    const s = OPS.div.shape([a.shape, b.shape], {});
    const ca = constValue(a);
    const cb = constValue(b);
    if (ca !== undefined && cb !== undefined && cb !== 0) {
      const v = exactQuotient(ca, cb);
      if (v !== undefined) return this.fill(v, s);
    }
    if (ca === 0 && cb !== 0) return this.zeros(s);
    if (cb === 1 && sameShape(a.shape, s)) return a;
    // c ./ Y (a number over a matrix) is c (1 ./ Y): the number joins the other scalar factors,
    // so 2 (0.5 ./ y) .* x reads x ./ y.
    if (ca !== undefined && ca !== 1 && isNumber(a) && !isScalar(s) && cb === undefined) return this.mul(a, this.div(this.constant(1), b));
    // (s X) / y is s (X / y): keep scalar factors in front.
    const left = this.scaling(a);
    if (left !== undefined) return this.mul(left.factor, this.div(left.rest, b));
    // -c / y is -(c / y): the sign becomes a constant factor that can merge with others.
    if (ca !== undefined && ca < 0 && isNumber(a)) return this.neg(this.div(this.constant(-ca), b));
    // (c x) / y is c (x / y): constants, signs above all, stay in front where they can merge.
    if (this.opOf(a) === 'mul' && isNumber(a.args[0]!) && isScalar(a.args[0]!.shape)) {
      return this.mul(a.args[0]!, this.div(a.args[1]!, b));
    }
    return this.make('div', [a, b]);
  }

  pow(a: Node, b: Node): Node {
    const s = OPS.pow.shape([a.shape, b.shape], {});
    const ca = constValue(a);
    const cb = constValue(b);
    if (ca !== undefined && cb !== undefined) {
      const v = exactPower(ca, cb);
      if (v !== undefined) return this.fill(v, s);
    }
    if (cb === 1 && sameShape(a.shape, s)) return a;
    if (cb === 0) return this.ones(s);
    return this.make('pow', [a, b]);
  }

  unary(fn: UnaryFn, a: Node): Node {
    const ca = constValue(a);
    if (ca !== undefined) {
      // Only a short value: exp(0) is 1, but log(2) stays log(2) rather than 16 digits.
      const v = UNARY[fn].eval(ca);
      if (exactValue(v)) return this.fill(v, a.shape);
    }
    // |a| of a nonnegative a is a: |exp(x)|, |x^T x|.
    if (fn === 'abs' && isScalar(a.shape) && this.nonnegative(a)) return a;
    if (fn === 'log') {
      const stable = this.stableLog(a);
      if (stable !== undefined) return stable;
    }
    return this.make('unary', [a], { fn });
  }

  /**
   * log(a) in a form that stays finite where computing `a` first would overflow or round to
   * 0, or undefined when `a` has none: log(exp(x)) = x; log(1 + exp(x)) = softplus(x);
   * log(σ(x)) = -softplus(-x); log(1 - σ(x)) = -softplus(x); for a vector z,
   * log(softmax(z)) = z - logsumexp(z) and log(softmax(z)[k]) = z[k] - logsumexp(z). (A
   * matrix's softmax is column-wise, and the IR has no column-wise logsumexp: not rewritten.)
   */
  private stableLog(a: Node): Node | undefined {
    const op = this.opOf(a);
    const isUnary = (n: Node, fn: UnaryFn) => this.opOf(n) === 'unary' && n.attrs.fn === fn;
    const isColumnSoftmax = (n: Node) => this.opOf(n) === 'softmax' && n.shape.cols === 1;
    if (isUnary(a, 'exp')) return a.args[0]!;
    if (isUnary(a, 'sigmoid')) return this.neg(this.unary('softplus', this.neg(a.args[0]!)));
    if (op === 'add') {
      const [p, q] = a.args as [Node, Node];
      for (const [one, other] of [
        [p, q],
        [q, p],
      ] as const) {
        // A 1 that does not change the shape of the sum: a scalar, or ones of the same shape.
        if (!isOne(one) || !(isScalar(one.shape) || sameShape(one.shape, a.shape)) || !sameShape(other.shape, a.shape)) continue;
        if (isUnary(other, 'exp')) return this.unary('softplus', other.args[0]!);
        const negated = this.opOf(other) === 'mul' && constValue(other.args[0]!) === -1 && isScalar(other.args[0]!.shape) ? other.args[1]! : undefined;
        if (negated !== undefined && isUnary(negated, 'sigmoid')) return this.neg(this.unary('softplus', negated.args[0]!));
      }
    }
    if (isColumnSoftmax(a)) {
      const z = a.args[0]!;
      return this.sub(z, this.logsumexp(z));
    }
    if (op === 'index' && isColumnSoftmax(a.args[0]!)) {
      const z = a.args[0]!.args[0]!;
      return this.sub(this.index(z, a.args.slice(1)), this.logsumexp(z));
    }
    return undefined;
  }

  // ------------------------------------------------------------------ linear

  /** Matrix product; a 1 x 1 factor scales the other. */
  matmul(a: Node, b: Node): Node {
    const s = OPS.matmul.shape([a.shape, b.shape], {});
    if (isScalar(a.shape) || isScalar(b.shape)) return this.mul(a, b);
    if (isZero(a) || isZero(b)) return this.zeros(s);
    if (a.op === 'eye') return b;
    if (b.op === 'eye') return a;
    // Summing the rows or columns of diag(v) gives v back: 1ᵀ diag(v) = vᵀ, diag(v) 1 = v.
    if (isOne(a) && a.shape.rows === 1 && this.opOf(b) === 'diag' && isColumn(b.args[0]!.shape)) return this.transpose(b.args[0]!);
    if (isOne(b) && b.shape.cols === 1 && this.opOf(a) === 'diag' && isColumn(a.args[0]!.shape)) return a.args[0]!;
    const left = this.scaling(a);
    if (left !== undefined) return this.mul(left.factor, this.matmul(left.rest, b));
    const right = this.scaling(b);
    if (right !== undefined) return this.mul(right.factor, this.matmul(a, right.rest));
    // inv(X) B and inv(X)ᵀ B are solves; (P inv(X)) B is P (inv(X) B), so x^T inv(S) x solves once.
    const inverse = this.inverseOf(a);
    if (inverse !== undefined) return this.solve(inverse, b);
    if (this.opOf(a) === 'matmul' && this.inverseOf(a.args[1]!) !== undefined) return this.matmul(a.args[0]!, this.matmul(a.args[1]!, b));
    return this.make('matmul', [a, b]);
  }

  /** X for inv(X), Xᵀ for inv(X)ᵀ, when constructors may look into them; else undefined. */
  private inverseOf(n: Node): Node | undefined {
    if (this.opOf(n) === 'inv') return n.args[0]!;
    if (this.opOf(n) === 'transpose' && this.opOf(n.args[0]!) === 'inv') return this.transpose(n.args[0]!.args[0]!);
    return undefined;
  }

  transpose(a: Node): Node {
    if (isScalar(a.shape)) return a;
    if (this.opOf(a) === 'transpose') return a.args[0]!;
    if (a.op === 'fill') return this.fill(a.attrs.value!, transposeShape(a.shape));
    if (a.op === 'eye') return a;
    if (this.opOf(a) === 'diag') return a;
    const scaled = this.scaling(a);
    if (scaled !== undefined) return this.mul(scaled.factor, this.transpose(scaled.rest));
    if (this.opOf(a) === 'matmul') return this.matmul(this.transpose(a.args[1]!), this.transpose(a.args[0]!));
    return this.make('transpose', [a]);
  }

  // -------------------------------------------------------------- reductions

  sum(a: Node): Node {
    if (isScalar(a.shape)) return a;
    // A one-hot vector's index is checked in range at run time.
    if (this.opOf(a) === 'onehot') return this.constant(1);
    const scaled = this.scaling(a);
    if (scaled !== undefined) return this.mul(scaled.factor, this.sum(scaled.rest));
    return this.make('sum', [a]);
  }

  mean(a: Node): Node {
    if (isScalar(a.shape)) return a;
    return this.make('mean', [a]);
  }

  norm2(a: Node): Node {
    // The norm of a nonnegative scalar is itself: ||x^T x|| is x^T x.
    if (isScalar(a.shape) && this.nonnegative(a)) return a;
    return this.make('norm2', [a]);
  }

  /**
   * Whether a scalar is nonnegative by construction: a nonnegative number, xᵀ x, a norm, a
   * square, exp, softplus, sqrt, abs, sigmoid, and sums, products and quotients of such.
   */
  nonnegative(n: Node, depth = 0): boolean {
    if (depth > 16) return false;
    const c = constValue(n);
    if (c !== undefined) return c >= 0;
    const nn = (m: Node) => this.nonnegative(m, depth + 1);
    const op = this.opOf(n);
    if (op === 'norm2' || op === 'dim') return true;
    if (op === 'matmul') return this.opOf(n.args[0]!) === 'transpose' && n.args[0]!.args[0] === n.args[1] && isColumn(n.args[1]!.shape);
    if (op === 'unary') return ['exp', 'softplus', 'sqrt', 'abs', 'sigmoid', 'relu'].includes(n.attrs.fn!);
    if (op === 'pow') {
      const e = constValue(n.args[1]!);
      return (e !== undefined && Number.isInteger(e) && e % 2 === 0) || nn(n.args[0]!);
    }
    if (op === 'add' || op === 'mul' || op === 'div') return isScalar(n.shape) && nn(n.args[0]!) && nn(n.args[1]!);
    return false;
  }

  logsumexp(a: Node): Node {
    return this.make('logsumexp', [a]);
  }

  softmax(a: Node): Node {
    return this.make('softmax', [a]);
  }

  tr(a: Node): Node {
    if (isScalar(a.shape)) return a;
    return this.make('tr', [a]);
  }

  /** The diagonal matrix with `v` on its diagonal. */
  diag(v: Node): Node {
    if (isScalar(v.shape)) return v;
    return this.make('diag', [v]);
  }

  /** The diagonal of a square matrix, as a vector. */
  diagpart(m: Node): Node {
    if (isScalar(m.shape)) return m;
    // diag(diag(v)) is v as a column, also when v is a row.
    if (this.opOf(m) === 'diag') return m.args[0]!.shape.cols === 1 ? m.args[0]! : this.transpose(m.args[0]!);
    return this.make('diagpart', [m]);
  }

  /** An entry: `v[i]` or `M[i, j]`; indices are constants or index variables. */
  index(target: Node, indices: readonly Node[]): Node {
    return this.make('index', [target, ...indices]);
  }

  // ----------------------------------------------------------- matrix functions

  /** The inverse; inv(Xᵀ) = inv(X)ᵀ and inv(inv(X)) = X; of a scalar, 1 / s. */
  inv(m: Node): Node {
    if (isScalar(m.shape)) return this.div(this.constant(1), m);
    if (m.op === 'eye') return m;
    if (this.opOf(m) === 'transpose') return this.transpose(this.inv(m.args[0]!));
    if (this.opOf(m) === 'inv') return m.args[0]!;
    return this.make('inv', [m]);
  }

  /** The determinant; det(Xᵀ) = det(X); of a scalar, itself. */
  det(m: Node): Node {
    if (isScalar(m.shape)) return m;
    if (this.opOf(m) === 'transpose') return this.det(m.args[0]!);
    return this.make('det', [m]);
  }

  /** log |det X|; of Xᵀ, of X; of a scalar, log |s|. */
  logdet(m: Node): Node {
    if (isScalar(m.shape)) return this.unary('log', this.unary('abs', m));
    if (this.opOf(m) === 'transpose') return this.logdet(m.args[0]!);
    return this.make('logdet', [m]);
  }

  /** inv(a) b, solved; b scalar scales the inverse. */
  solve(a: Node, b: Node): Node {
    if (isScalar(a.shape) || isScalar(b.shape)) return this.matmul(this.inv(a), b);
    if (isZero(b)) return this.zeros(OPS.solve.shape([a.shape, b.shape], {}));
    if (a.op === 'eye') return b;
    const scaled = this.scaling(b);
    if (scaled !== undefined) return this.mul(scaled.factor, this.solve(a, scaled.rest));
    return this.make('solve', [a, b]);
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
