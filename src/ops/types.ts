/** What every primitive defines, in one place: shape rule, derivative rule, printed forms. */
import type { Attrs, Node, OpName, Structure, VarKind } from '../ir/node.js';
import type { Dim, Shape } from '../ir/shape.js';
import type { UnaryBuilder, UnaryDomain } from './elementwise.js';
import type { Lowering } from './lowering.js';
import type { PrintRule } from './print-types.js';
import type { ReferenceRule } from './reference-types.js';

/**
 * The smart constructors that derivative rules and builds are written with: src/ir/graph.ts's
 * Graph implements it. Declared here, so the op table never imports the graph that reads it.
 */
export interface Builder extends UnaryBuilder {
  /**
   * `op(args)` with `attrs`, through the op entry's identities: the constructor of any op, for the
   * rules of an op that has no named constructor (the named ones below are for the ops many rules build).
   */
  apply(op: OpName, args: readonly Node[], attrs?: Attrs): Node;
  variable(name: string, varKind: VarKind, s: Shape, structure?: Structure): Node;
  dimValue(d: Dim): Node;
  fill(value: number, s: Shape): Node;
  zeros(s: Shape): Node;
  ones(s: Shape): Node;
  eye(n: Dim): Node;
  onehot(index: Node, k: Dim): Node;
  matmul(a: Node, b: Node): Node;
  transpose(a: Node): Node;
  sum(a: Node): Node;
  mean(a: Node): Node;
  norm2(a: Node): Node;
  logsumexp(a: Node): Node;
  /** The largest (smallest) entry. */
  max(a: Node): Node;
  min(a: Node): Node;
  /** Elementwise max(a, b), min(a, b), with broadcasting. */
  maximum(a: Node, b: Node): Node;
  minimum(a: Node, b: Node): Node;
  softmax(a: Node): Node;
  tr(a: Node): Node;
  diag(v: Node): Node;
  diagpart(m: Node): Node;
  index(target: Node, indices: readonly Node[]): Node;
  /** Row i of a matrix, M[i, :] (1 x n), and column j, M[:, j] (m x 1). */
  rowslice(m: Node, i: Node): Node;
  colslice(m: Node, j: Node): Node;
  /** The adjoints of slices: a row g (1 x n) as row i of an m x n zero matrix, and a column g (m x 1) as column j of one. */
  rowscatter(g: Node, i: Node, rows: Dim): Node;
  colscatter(g: Node, j: Node, cols: Dim): Node;
  inv(m: Node): Node;
  det(m: Node): Node;
  logdet(m: Node): Node;
  /** inv(a) b, solved with a's LU factorisation. */
  solve(a: Node, b: Node): Node;
  /** vec(a): the columns of a stacked (a column or a scalar is itself, a row its transpose). */
  vec(a: Node): Node;
  /** The Kronecker product a ⊗ b (a scalar factor scales). */
  kron(a: Node, b: Node): Node;
  /** K_{m,n}: K vec(A) = vec(Aᵀ) for A m x n; the identity when m or n is 1. */
  commutation(m: Dim, n: Dim): Node;
  /** Sums `adjoint` over the axes along which a value of shape `target` was broadcast. */
  unbroadcast(adjoint: Node, target: Shape): Node;
  /** The node's op if rewrites may look into it, or 'sealed' for a user's definition (a rewrite through it would lose its derivative). */
  opOf(n: Node): OpName | 'sealed';
}

/**
 * The cheap local identities of an op's smart constructor (constant folding, 0, 1 and eye
 * eliminated, double transpose, scalar factors pulled to the front, `inv(X) B` as a solve):
 * the node that `op(args)` with `attrs` equals, built through `g`, or undefined to build the op
 * as it is. Read an argument's op with `g.opOf`, which does not look into a user's definition.
 * Canonicalisation proper is src/simplify's job.
 */
export type Identities = (args: readonly Node[], g: Builder, attrs: Attrs) => Node | undefined;

/**
 * The vector-Jacobian product: given the node and the adjoint of its value, the adjoint
 * contribution to each argument, or undefined where `needed[i]` is false or there is none.
 */
export type VjpRule = (
  node: Node,
  adjoint: Node,
  g: Builder,
  needed: readonly boolean[],
) => readonly (Node | undefined)[];

/**
 * The forward-mode Jacobian of a node in the vec convention (jacobian and hessian requests,
 * src/ops/jvp.ts): given the Jacobian of each argument with respect to one wrt value, d vec(arg) /
 * d vec(wrt)ᵀ (entries x wrt entries, columns stacked; undefined where the argument does not
 * depend on it), the node's, d vec(node) / d vec(wrt)ᵀ.
 */
export type JvpRule = (node: Node, jacobians: readonly (Node | undefined)[], g: Builder) => Node | undefined;

/** The arguments of a call, checked on demand by the elaborator (src/ir/elaborate.ts). */
export interface CallArguments {
  /** The function's name as the user wrote it (`trace`, `σ`), for messages. */
  readonly name: string;
  readonly count: number;
  /** Argument i, checked as a value. */
  value(i: number): Node;
  /** Every argument, checked as values: all are checked even when one fails, so each error is reported. */
  values(): Node[];
  /** Argument i as a dimension: a name like n or a positive integer literal. */
  dim(i: number): Dim;
  /** Argument i as an index in [0, extent): an integer literal or an index variable; `axis` says what it indexes. */
  index(i: number, extent: Dim, axis: (extent: Dim) => string): Node;
  /** Reports `message` at the call and abandons it. */
  fail(message: string): never;
}

/**
 * What suggestions in error messages know of a call's arguments before they are checked
 * (src/ir/hints.ts): shapes estimated from the names in scope, dimension arguments as written.
 */
export interface EstimatedArguments {
  readonly count: number;
  shape(i: number): Shape | undefined;
  dim(i: number): Dim | undefined;
}

/** A function of the formula language (README, "The formula language"), declared with the primitive it builds. */
export interface SurfaceFunction {
  /** The names users write for it: its own name first, then aliases. */
  readonly names: readonly string[];
  /** How many arguments it takes: a count, or every count it accepts. */
  readonly arity: number | readonly number[];
  /** Builds the node from the call's arguments through the graph's smart constructors (sugar like dot(u, v) included). */
  readonly build: (args: CallArguments, g: Builder) => Node;
  /** The shape of a call's value, or undefined when the arguments do not say; for suggestions in error messages. */
  readonly estimate: (args: EstimatedArguments) => Shape | undefined;
}

export interface OpDef {
  readonly name: OpName;
  /** The functions users call to build this primitive; none for operators and leaves written otherwise. */
  readonly functions: readonly SurfaceFunction[];
  /** The result shape; throws ShapeError with a message in the user's terms when the arguments do not fit. */
  readonly shape: (args: readonly Shape[], attrs: Attrs) => Shape;
  readonly vjp: VjpRule;
  readonly jvp: JvpRule;
  /** Rebuilds the node from (possibly rewritten) arguments through the graph's smart constructor. */
  readonly build: (g: Builder, args: readonly Node[], attrs: Attrs) => Node;
  /** The identities the graph applies when it builds the op (see `Identities`); absent when there are none. */
  readonly identities?: Identities;
  /** Formula syntax: what `gradc derive` prints, and what the parser reads back. */
  readonly formula: PrintRule;
  /** Textbook LaTeX. */
  readonly latex: PrintRule;
  /**
   * Where a variable read directly as each argument must be sampled by `gradc check` and the
   * tests (src/check: `inferDomains`), so that inputs stay where the op is finite and smooth:
   * positive under log or a fractional power, away from 0 as a divisor; undefined for anywhere.
   */
  readonly argumentDomains: (n: Node) => readonly (ArgumentDomain | undefined)[];
  /**
   * Where a variable read directly as each argument must be sampled for the value to be
   * positive (det: a positive definite matrix), when the value is read where it must be (under
   * log or sqrt); absent when the op says nothing about its sign.
   */
  readonly positiveWhen?: (n: Node) => readonly (ArgumentDomain | undefined)[];
  /**
   * What the node means, computed from its arguments' values by the reference evaluator
   * (src/check/reference.ts), with the numeric operations it passes in: the independent account
   * of every node that gradients and generated modules are checked against.
   */
  readonly reference: ReferenceRule;
  /**
   * Whether the node, a square matrix, is symmetric by construction, given what `q` knows of
   * other nodes (src/simplify/matrix.ts's `isSymmetric` asks it, for the simplifier's Sᵀ → S and
   * for sym(G)): false unless symmetric arguments make it symmetric.
   */
  readonly symmetric: (n: Node, q: SymmetryQuery) => boolean;
  /** How the code generator emits it (src/ops/lowering.ts). */
  readonly lower: Lowering;
}

/** What an op's `symmetric` rule may ask of other nodes (src/simplify/matrix.ts answers). */
export interface SymmetryQuery {
  /** Whether an argument is a scalar, or a matrix of the node's shape that is symmetric by construction. */
  argument(m: Node): boolean;
  /**
   * Whether a product (through products, solves, scalings and transposes) equals its own
   * transpose factor by factor: Xᵀ X, X S Xᵀ, S⁻¹ r rᵀ S⁻¹ with S symmetric.
   */
  palindrome(n: Node): boolean;
  /** Whether `b` is `a`ᵀ as the graph builds it. */
  transposeOf(b: Node, a: Node): boolean;
}

/** `symmetric` of an op that keeps symmetry: elementwise functions and products, inverses, transposes. */
export const symmetricArguments = (n: Node, q: SymmetryQuery): boolean => n.args.every((a) => q.argument(a));

/** `symmetric` of an op whose value is symmetric whenever it is square: eye, ones, diag(v). */
export const alwaysSymmetric = (): boolean => true;

/** `symmetric` of an op not known to make symmetric matrices (reductions, slices, Kronecker products). */
export const neverSymmetric = (): boolean => false;

/**
 * Where a test input is sampled (src/check/random.ts): an elementwise function's domain, away
 * from 0, or for a square matrix: well-conditioned (`invertible`: diagonally dominant) or
 * symmetric positive definite.
 */
export type ArgumentDomain = UnaryDomain | 'nonzero' | 'invertible' | 'positive-definite';

/** `argumentDomains` of an op that is finite and smooth everywhere. */
export const anywhere = (): readonly (ArgumentDomain | undefined)[] => [];
