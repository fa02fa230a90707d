/**
 * The per-op test table: every primitive of the op table (src/ops/index.ts `OPS`) and every
 * elementwise function (src/ops/elementwise.ts `UNARY`) has test cases here, and the compiler
 * requires them: a new op or function without a case does not type-check (`satisfies
 * Record<OpName, ...>`), and test/ops/ops.test.ts fails if a key of `OPS` or `UNARY` has none.
 *
 * A case is a small formula whose scalar loss `L` is built around the op, in the shapes that
 * matter (vector, matrix, broadcasting), with random weights (`w`, `W`) so the adjoint reaching
 * the op is not all ones. Without a `grad` line, `grad L wrt` every non-index variable is
 * added. Inputs are sampled as `gradc check` samples them (src/check/check-module.ts
 * `inferDomains`): a variable read directly by log, sqrt or a non-integer power is positive,
 * by asin, acos or tan inside (-1, 1), by relu, abs, sign or as a divisor away from 0; so the
 * formulas read the op's argument directly from a variable where its domain matters.
 *
 * Adding an op: add its case here.
 */
import type { OpName } from '../../src/ir/node.js';
import type { UnaryFn } from '../../src/ops/elementwise.js';

export interface OpCase {
  /** What the case exercises, e.g. `matrix + column (broadcast)`. */
  readonly name: string;
  /** A formula file: declarations, definitions, the loss `L`, and optionally its grad lines. */
  readonly formula: string;
  /** The sizes of its dimensions: distinct, so that a transposed shape cannot pass by accident. */
  readonly dims: Readonly<Record<string, number>>;
}

/** At least one case per op. */
export type OpCases = readonly [OpCase, ...OpCase[]];

/** A case: `lines` are the formula's statements, one per line. */
function op(
  name: string,
  lines: readonly string[],
  dims: Readonly<Record<string, number>> = { n: 3, m: 4, k: 2 },
): OpCase {
  return { name, formula: `${lines.join('\n')}\n`, dims };
}

export const OP_CASES = {
  // Leaves, each in a differentiable context.
  var: [
    op('a scalar, a vector and a matrix variable', [
      'a : scalar',
      'x : vector(n)',
      'A : matrix(m, n)',
      'w : vector(m)',
      'L = a w^T tanh(A x)',
    ]),
    op('a variable used twice', ['x : vector(n)', 'L = x^T x + sum(x)']),
  ],
  const: [op('constants scaling and shifting', ['x : vector(n)', 'L = 0.5 x^T x + 3 sum(x) - 2'])],
  dim: [
    op('1/n scaling a sum', ['x : vector(n)', 'L = 1/n sum(x .^ 2)']),
    op('a size inside an elementwise function', ['x : vector(n)', 'w : vector(n)', 'L = w^T tanh(n x)']),
  ],
  fill: [
    op('ones(n)^T x', ['x : vector(n)', 'L = ones(n)^T tanh(x)']),
    op('ones(m, n) added to a matrix', [
      'X : matrix(m, n)',
      'W : matrix(m, n)',
      'L = sum(tanh(X + 2 ones(m, n)) .* W)',
    ]),
  ],
  eye: [
    op('eye(n) + A in a quadratic form', ['A : matrix(n, n)', 'x : vector(n)', 'L = x^T (eye(n) + A) x']),
    op('A .* eye(n)', ['A : matrix(n, n)', 'W : matrix(n, n)', 'L = sum(tanh(A .* eye(n)) .* W)']),
  ],
  onehot: [
    op('cross-entropy with onehot(k, n)', ['x : vector(n)', 'k : index(n)', 'L = -onehot(k, n)^T log(softmax(x))']),
    op('onehot with a literal, added to a vector', [
      'x : vector(n)',
      'w : vector(n)',
      'L = w^T tanh(x + onehot(1, n))',
    ]),
  ],

  add: [
    op('vector + vector', ['x : vector(n)', 'y : vector(n)', 'w : vector(n)', 'L = w^T tanh(x + y)']),
    op('scalar + vector (broadcast)', ['a : scalar', 'x : vector(n)', 'w : vector(n)', 'L = w^T tanh(a + x)']),
    op('matrix + column (broadcast)', [
      'X : matrix(m, n)',
      'b : vector(m)',
      'W : matrix(m, n)',
      'L = sum(tanh(X + b) .* W)',
    ]),
    op('row - matrix (broadcast)', [
      'X : matrix(m, n)',
      'r : vector(n)',
      'W : matrix(m, n)',
      'L = sum(tanh(r^T - X) .* W)',
    ]),
    op('scalar - matrix (broadcast)', [
      'a : scalar',
      'X : matrix(m, n)',
      'W : matrix(m, n)',
      'L = sum(tanh(a - X) .* W)',
    ]),
  ],
  mul: [
    op('scalar times vector', ['a : scalar', 'x : vector(n)', 'w : vector(n)', 'L = w^T tanh(a x)']),
    op('vector .* vector', ['x : vector(n)', 'y : vector(n)', 'w : vector(n)', 'L = w^T tanh(x .* y)']),
    op('matrix .* column (broadcast)', [
      'X : matrix(m, n)',
      'b : vector(m)',
      'W : matrix(m, n)',
      'L = sum(tanh(X .* b) .* W)',
    ]),
    op('matrix .* row (broadcast)', [
      'X : matrix(m, n)',
      'r : vector(n)',
      'W : matrix(m, n)',
      'L = sum(tanh(X .* r^T) .* W)',
    ]),
    op('scalar times scalar', ['a : scalar', 'b : scalar', 'L = sin(a b) + a * b * b']),
  ],
  div: [
    op('vector ./ vector', ['x : vector(n)', 'y : vector(n)', 'w : vector(n)', 'L = w^T tanh(x ./ y)']),
    op('vector / scalar', ['a : scalar', 'x : vector(n)', 'w : vector(n)', 'L = w^T tanh(x / a)']),
    op('scalar ./ vector (broadcast)', ['a : scalar', 'x : vector(n)', 'w : vector(n)', 'L = w^T tanh(a ./ x)']),
    op('matrix ./ column (broadcast)', [
      'X : matrix(m, n)',
      'b : vector(m)',
      'W : matrix(m, n)',
      'L = sum(tanh(X ./ b) .* W)',
    ]),
    op('row ./ matrix (broadcast)', [
      'X : matrix(m, n)',
      'r : vector(n)',
      'W : matrix(m, n)',
      'L = sum(tanh(r^T ./ X) .* W)',
    ]),
  ],
  pow: [
    op('integer powers of a scalar', ['a : scalar', 'L = a^3 - 2 a^2']),
    op('x .^ 2 of a vector', ['x : vector(n)', 'w : vector(n)', 'L = w^T (x .^ 2)']),
    op('x .^ 0.5 (positive base)', ['x : vector(n)', 'w : vector(n)', 'L = w^T (x .^ 0.5)']),
    op('x .^ y, variable exponents', ['x : vector(n)', 'y : vector(n)', 'w : vector(n)', 'L = w^T (x .^ y)']),
    op('a .^ x, scalar base (broadcast)', ['x : vector(n)', 'a : scalar', 'w : vector(n)', 'L = w^T (a .^ x)']),
    op('X .^ b, column exponents (broadcast)', [
      'X : matrix(m, n)',
      'b : vector(m)',
      'W : matrix(m, n)',
      'L = sum((X .^ b) .* W)',
    ]),
  ],
  unary: [
    op('an elementwise function of a product', [
      'A : matrix(m, n)',
      'x : vector(n)',
      'w : vector(m)',
      'L = w^T exp(A x)',
    ]),
    op('elementwise functions composed', ['x : vector(n)', 'w : vector(n)', 'L = w^T sin(tanh(x))']),
  ],

  matmul: [
    op('matrix times vector', ['A : matrix(m, n)', 'x : vector(n)', 'w : vector(m)', 'L = w^T tanh(A x)']),
    op('matrix times matrix', ['A : matrix(m, k)', 'B : matrix(k, n)', 'W : matrix(m, n)', 'L = sum(tanh(A B) .* W)']),
    op('row times matrix', ['x : vector(m)', 'A : matrix(m, n)', 'w : vector(n)', 'L = tanh(x^T A) w']),
    op('outer product x y^T', ['x : vector(m)', 'y : vector(n)', 'W : matrix(m, n)', 'L = sum(tanh(x y^T) .* W)']),
    op('quadratic form x^T A x', ['x : vector(n)', 'A : matrix(n, n)', 'L = x^T A x']),
  ],
  transpose: [
    op('a vector to a row', ['x : vector(n)', 'w : vector(n)', 'L = tanh(x^T) w']),
    op('a matrix', ['A : matrix(m, n)', 'W : matrix(n, m)', 'L = sum(tanh(A^T) .* W)']),
    op('a product', ['A : matrix(m, k)', 'B : matrix(k, n)', 'W : matrix(n, m)', 'L = sum(tanh((A B)^T) .* W)']),
  ],
  sum: [
    op('of a vector', ['x : vector(n)', 'L = sum(tanh(x))']),
    op('of a matrix', ['X : matrix(m, n)', 'L = sum(tanh(X))']),
    op('of a row, squared', ['x : vector(n)', 'L = sum(x^T)^2']),
  ],
  mean: [
    op('of a vector', ['x : vector(n)', 'L = mean(tanh(x)) + mean(x)^2']),
    op('of a matrix', ['X : matrix(m, n)', 'L = mean(sin(X)) + mean(X)^2']),
  ],
  norm2: [
    op('||x||', ['x : vector(n)', 'L = ||x||']),
    op('||A||, Frobenius', ['A : matrix(m, n)', 'L = ||A||']),
    op('||A x - y||^2', ['A : matrix(m, n)', 'x : vector(n)', 'y : vector(m)', 'L = ||A x - y||^2']),
  ],
  logsumexp: [
    op('of a vector', ['x : vector(n)', 'L = logsumexp(x)']),
    op('of a matrix', ['X : matrix(m, n)', 'L = logsumexp(X)']),
    op('of a row', ['x : vector(n)', 'L = logsumexp(x^T)']),
    op('of a product', ['A : matrix(m, n)', 'x : vector(n)', 'L = logsumexp(A x) * 2']),
  ],
  max: [
    op('max of a vector', ['x : vector(n)', 'L = max(x) + 2 max(tanh(x))']),
    op('max of a matrix', ['X : matrix(m, n)', 'W : matrix(m, n)', 'L = max(X .* W)^2']),
    op('max of a row', ['x : vector(n)', 'L = sin(max(x^T))']),
  ],
  min: [
    op('min of a vector', ['x : vector(n)', 'L = min(x) + 2 min(tanh(x))']),
    op('min of a matrix', ['X : matrix(m, n)', 'W : matrix(m, n)', 'L = min(X .* W)^2']),
  ],
  maximum: [
    op('max(x, y) of vectors', ['x : vector(n)', 'y : vector(n)', 'w : vector(n)', 'L = w^T tanh(max(x, y))']),
    op('max(x, 0) of a vector (a relu)', ['x : vector(n)', 'w : vector(n)', 'L = w^T max(x, 0)']),
    op('max(X, b), a column broadcast', [
      'X : matrix(m, n)',
      'b : vector(m)',
      'W : matrix(m, n)',
      'L = sum(max(X, b) .* W)',
    ]),
    op('max(a, x), a scalar broadcast', ['a : scalar', 'x : vector(n)', 'w : vector(n)', 'L = w^T max(a, x)']),
  ],
  minimum: [
    op('min(x, y) of vectors', ['x : vector(n)', 'y : vector(n)', 'w : vector(n)', 'L = w^T tanh(min(x, y))']),
    op('min(X, r^T), a row broadcast', [
      'X : matrix(m, n)',
      'r : vector(n)',
      'W : matrix(m, n)',
      'L = sum(min(X, r^T) .* W)',
    ]),
    op('min of scalars', ['a : scalar', 'b : scalar', 'L = min(a, b)^2 + a']),
  ],
  softmax: [
    op('of a vector', ['x : vector(n)', 'w : vector(n)', 'L = w^T softmax(x)']),
    op('of a matrix, column by column', ['X : matrix(m, n)', 'W : matrix(m, n)', 'L = sum(softmax(X) .* W)']),
  ],
  tr: [
    op('of a square product', ['A : matrix(n, n)', 'L = tr(A A)']),
    op('of a product of rectangles', ['A : matrix(m, n)', 'B : matrix(n, m)', 'L = tr(tanh(A B))']),
  ],
  diag: [
    op('diag(v) of a vector', ['x : vector(n)', 'W : matrix(n, n)', 'L = sum(diag(tanh(x)) .* W)']),
    op('diag(x) A', ['x : vector(n)', 'A : matrix(n, m)', 'W : matrix(n, m)', 'L = sum(tanh(diag(x) A) .* W)']),
  ],
  diagpart: [
    op('diag(A) of a square matrix', ['A : matrix(n, n)', 'w : vector(n)', 'L = w^T tanh(diag(A))']),
    op('diag(A B)', ['A : matrix(n, m)', 'B : matrix(m, n)', 'w : vector(n)', 'L = w^T diag(A B)']),
  ],
  index: [
    op('x[1], a literal index', ['x : vector(n)', 'L = tanh(x[1]) + x[0] x[2]']),
    op('x[k], an index variable', ['x : vector(n)', 'k : index(n)', 'L = tanh(x[k])']),
    op('A[i, j], index variables', ['A : matrix(m, n)', 'i : index(m)', 'j : index(n)', 'L = sin(A[i, j])']),
    op('an entry of a product', ['A : matrix(m, n)', 'x : vector(n)', 'k : index(m)', 'L = tanh((A x)[k])']),
  ],
  rowslice: [
    op('W[i, :] x, a row of a matrix', ['W : matrix(m, n)', 'x : vector(n)', 'i : index(m)', 'L = tanh(W[i, :] x)']),
    op('W[0, :]^T, a literal row, as a column', ['W : matrix(m, n)', 'w : vector(n)', 'L = w^T sin(W[0, :]^T)']),
    op('a row of a product', ['A : matrix(m, k)', 'B : matrix(k, n)', 'w : vector(n)', 'L = (A B)[1, :] w']),
    op('a row of an elementwise sum', [
      'A : matrix(m, n)',
      'B : matrix(m, n)',
      'w : vector(n)',
      'L = tanh((A + 2 B)[2, :]) w',
    ]),
  ],
  colslice: [
    op('a column of a product, an index variable', [
      'A : matrix(m, k)',
      'B : matrix(k, n)',
      'j : index(n)',
      'w : vector(m)',
      'L = w^T tanh((A B)[:, j])',
    ]),
    op('W[:, j], a column of a matrix', ['W : matrix(m, n)', 'j : index(n)', 'w : vector(m)', 'L = w^T tanh(W[:, j])']),
    op('X[:, 1] in a squared norm', ['X : matrix(m, n)', 'y : vector(m)', 'L = ||X[:, 1] - y||^2']),
    op('a column of an elementwise matrix', ['X : matrix(m, n)', 'w : vector(m)', 'L = w^T exp(X .* X)[:, 0]']),
  ],
  // The adjoints of slices: built by differentiation only (generated code adds them into the gradient's loop).
  rowscatter: [
    op('the adjoint of W[i, :] x, beside the rest of the gradient', [
      'W : matrix(m, n)',
      'x : vector(n)',
      'i : index(m)',
      'L = tanh(W[i, :] x) + sum(W .* W)',
    ]),
    op('two literal rows of one matrix', ['W : matrix(m, n)', 'w : vector(n)', 'L = sin(W[0, :]) w + W[2, :] w']),
  ],
  colscatter: [
    op('the adjoint of W[:, j], beside the rest of the gradient', [
      'W : matrix(m, n)',
      'j : index(n)',
      'w : vector(m)',
      'L = w^T tanh(W[:, j]) + sum(exp(W))',
    ]),
    op('a column scaled by a scalar', ['X : matrix(m, n)', 'a : scalar', 'y : vector(m)', 'L = a ||X[:, 1] - y||^2']),
  ],
  tril: [
    op('tril(A), weighted', ['A : matrix(n, n)', 'W : matrix(n, n)', 'L = sum(tanh(tril(A)) .* W)']),
    op('a Cholesky-style factor: logdet(tril(A) tril(A)^T + eye(n))', [
      'A : matrix(n, n)',
      'L = logdet(tril(A) tril(A)^T + eye(n))',
    ]),
  ],
  triu: [
    op('triu of a product, weighted', [
      'A : matrix(n, m)',
      'B : matrix(m, n)',
      'W : matrix(n, n)',
      'L = sum(triu(A B) .* W)',
    ]),
    op('a quadratic form x^T triu(A) x, scaled', ['A : matrix(n, n)', 'x : vector(n)', 'L = 2 x^T triu(A) x']),
  ],
  // Matrix functions: a square variable read directly is sampled diagonally dominant; one under
  // log(det(.)) symmetric positive definite.
  inv: [
    op('inv(X), weighted', ['X : matrix(n, n)', 'W : matrix(n, n)', 'L = sum(inv(X) .* W)']),
    op('inv of a composite matrix, A A^T + I', [
      'A : matrix(n, m)',
      'W : matrix(n, n)',
      'L = sum(tanh(inv(A A^T + eye(n))) .* W)',
    ]),
    op('inv(X^T) and inv(inv(X))', [
      'X : matrix(n, n)',
      'W : matrix(n, n)',
      'L = sum(inv(X^T) .* W) + sum(inv(inv(X)) .* W)',
    ]),
  ],
  det: [
    op('det(X) times a scalar', ['X : matrix(n, n)', 'a : scalar', 'L = a det(X)']),
    op('log(det(S)), S positive definite', ['S : matrix(n, n)', 'L = log(det(S))']),
    op('det of a 4 x 4 product', ['A : matrix(m, m)', 'B : matrix(m, m)', 'L = det(A B)'], { m: 4 }),
  ],
  logdet: [
    op('logdet(X)', ['X : matrix(n, n)', 'a : scalar', 'L = a logdet(X)']),
    op('logdet(A A^T + I)', ['A : matrix(n, m)', 'L = logdet(A A^T + eye(n))']),
  ],
  solve: [
    op('inv(A) b', ['A : matrix(n, n)', 'b : vector(n)', 'w : vector(n)', 'L = w^T tanh(inv(A) b)']),
    op('x^T inv(S) x, with logdet(S)', ['S : matrix(n, n)', 'x : vector(n)', 'L = 1/2 x^T inv(S) x + 1/2 logdet(S)']),
    op('inv(A) B, a matrix right-hand side', [
      'A : matrix(n, n)',
      'B : matrix(n, m)',
      'W : matrix(n, m)',
      'L = sum(inv(A) B .* W)',
    ]),
  ],
  vec: [
    op('vec of a matrix, weighted', ['X : matrix(m, n)', 'W : matrix(m, n)', 'L = sum(tanh(vec(X)) .* vec(W))']),
    op('vec of a product', ['A : matrix(m, n)', 'B : matrix(n, m)', 'L = sum(vec(A B) .^ 2)']),
  ],
  kron: [
    op('kron(A, B), weighted', [
      'A : matrix(m, n)',
      'B : matrix(n, k)',
      'W : matrix(m, n)',
      'V : matrix(n, k)',
      'L = sum(tanh(kron(A, B)) .* kron(W, V))',
    ]),
    op('A ⊗ x of a matrix and a vector', [
      'A : matrix(m, n)',
      'x : vector(k)',
      'W : matrix(m, n)',
      'y : vector(k)',
      'L = sum(tanh(A ⊗ x) .* kron(W, y))',
    ]),
  ],
  commutation: [
    op('K (u ⊗ v), weighted', [
      'u : vector(m)',
      'v : vector(n)',
      'a : vector(m)',
      'b : vector(n)',
      'L = sum(tanh(commutation(m, n) kron(u, v)) .* kron(a, b))',
    ]),
    op('K times a matrix', [
      'X : matrix(n, m)',
      'A : matrix(m, n)',
      'L = sum(tanh(commutation(n, m) kron(X, A)) .^ 2)',
    ]),
  ],
} as const satisfies Record<OpName, OpCases>;

/** `L = w^T f(x)` on a vector and `L = sum(f(X) .* W)` on a matrix: x and X read directly, so they are sampled in f's domain. */
function elementwise(fn: string): OpCases {
  return [
    op(`${fn} of a vector`, ['x : vector(n)', 'w : vector(n)', `L = w^T ${fn}(x)`]),
    op(`${fn} of a matrix`, ['X : matrix(m, n)', 'W : matrix(m, n)', `L = sum(${fn}(X) .* W)`]),
    op(`${fn} of a scalar`, ['a : scalar', 'b : scalar', `L = b ${fn}(a)`]),
  ];
}

export const UNARY_CASES = {
  exp: elementwise('exp'),
  log: elementwise('log'),
  sqrt: elementwise('sqrt'),
  sin: elementwise('sin'),
  cos: elementwise('cos'),
  tan: elementwise('tan'),
  asin: elementwise('asin'),
  acos: elementwise('acos'),
  atan: elementwise('atan'),
  tanh: elementwise('tanh'),
  sigmoid: elementwise('sigmoid'),
  relu: elementwise('relu'),
  softplus: elementwise('softplus'),
  abs: elementwise('abs'),
  sign: [op('sign(x) .* x', ['x : vector(n)', 'w : vector(n)', 'L = w^T (sign(x) .* x)']), ...elementwise('sign')],
  log1p: elementwise('log1p'),
  expm1: elementwise('expm1'),
  cosh: elementwise('cosh'),
  sinh: elementwise('sinh'),
} as const satisfies Record<UnaryFn, OpCases>;

/** Every case of the table, named `op: case` (`unary tanh: tanh of a vector` for a function). */
export function allCases(): {
  readonly key: string;
  readonly op: OpName;
  readonly fn?: UnaryFn;
  readonly case: OpCase;
}[] {
  return [
    ...Object.entries(OP_CASES).flatMap(([name, cases]) =>
      cases.map((c) => ({ key: `${name}: ${c.name}`, op: name as OpName, case: c })),
    ),
    ...Object.entries(UNARY_CASES).flatMap(([fn, cases]) =>
      cases.map((c) => ({ key: `unary ${fn}: ${c.name}`, op: 'unary' as const, fn: fn as UnaryFn, case: c })),
    ),
  ];
}
