/**
 * The language around the ops (each op and elementwise function itself has its cases in
 * test/ops/cases.ts): other spellings, broadcasting variants, compositions, printer and
 * simplifier regressions, gradients with respect to definitions. JAX grad_test_spec style:
 * one line per case (declarations and definitions separated by `;`, a domain for the inputs),
 * a scalar loss with random weights so the adjoint is not all ones, the derived gradient
 * evaluated by the mathjs reference and compared with central differences of the forward.
 * Every case also goes through the derive round trip (issue 3 item 4).
 */
import { describe, expect, it } from 'vitest';
import type { Domain } from '../../src/check/random.js';
import { ReferenceEvaluator } from '../../src/check/reference.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { UNARY } from '../../src/ops/elementwise.js';
import { checkFormula } from '../../src/front.js';
import { expectGradientsMatch, expectRoundTripMatches } from './harness.js';

interface Case {
  readonly name: string;
  /** Statements separated by `;`. Without a grad line, `grad L wrt` every non-index variable. */
  readonly text: string;
  readonly domain?: Domain;
  /** Domains of single variables (the others use `domain`). */
  readonly domains?: Readonly<Record<string, Domain>>;
}

const c = (name: string, text: string, domain?: Domain, domains?: Record<string, Domain>): Case => ({
  name,
  text,
  ...(domain !== undefined ? { domain } : {}),
  ...(domains !== undefined ? { domains } : {}),
});

/** `L = sum(f(X) .* W)` on a vector and on a matrix. */
function elementwiseCases(fn: string, domain: Domain): Case[] {
  return [
    c(`${fn} (vector)`, `x : vector(n); w : vector(n); L = sum(${fn}(x) .* w)`, domain, { w: 'real' }),
    c(`${fn} (matrix)`, `X : matrix(m, n); W : matrix(m, n); L = sum(${fn}(X) .* W)`, domain, { W: 'real' }),
    c(`${fn} (scalar)`, `a : scalar; b : scalar; L = b ${fn}(a)`, domain, { b: 'real' }),
  ];
}

/** The other spellings of elementwise functions (each function itself: test/ops/cases.ts). */
const ELEMENTWISE: readonly [string, Domain][] = [
  ['arcsin', 'open-unit'],
  ['arccos', 'open-unit'],
  ['arctan', 'real'],
  ['sigma', 'real'],
  ['σ', 'real'],
  ['ReLU', 'nonzero'],
];

const CASES: readonly Case[] = [
  ...ELEMENTWISE.flatMap(([fn, domain]) => elementwiseCases(fn, domain)),
  // Wide inputs: the stable forms of sigmoid, softplus and their derivatives.
  c('sigmoid, wide inputs', 'x : vector(n); w : vector(n); L = sum(sigmoid(x) .* w)', [-30, 30]),
  c('softplus, wide inputs', 'x : vector(n); w : vector(n); L = sum(softplus(x) .* w)', [-30, 30]),
  c(
    'log(sigmoid(x)) (rewritten to -softplus(-x))',
    'x : vector(n); w : vector(n); L = sum(log(sigmoid(x)) .* w)',
    [-5, 5],
  ),
  c('log(1 + exp(x)) (rewritten to softplus)', 'x : vector(n); w : vector(n); L = sum(log(1 + exp(x)) .* w)'),
  c('log1p down to -0.5', 'x : vector(n); w : vector(n); L = sum(log1p(x) .* w)', [-0.5, 2]),
  c(
    'log1p and expm1 near 0',
    'x : vector(n); w : vector(n); L = sum(log1p(x) .* w + expm1(x) .* w .* w)',
    [-1e-3, 1e-3],
  ),
  c('cosh^2 - sinh^2 = 1', 'x : vector(n); w : vector(n); L = sum((cosh(x) .^ 2 - sinh(x) .^ 2) .* w) + sum(sinh(x))'),
  c('log(exp(x))', 'x : vector(n); w : vector(n); L = sum(log(exp(x)) .* w)'),

  // + and -, with every kind of broadcasting.
  c('x + y', 'x : vector(n); y : vector(n); w : vector(n); L = sum((x + y) .* (x + y) .* w)'),
  c('x - y', 'x : vector(n); y : vector(n); w : vector(n); L = sum(tanh(x - y) .* w)'),
  c('vector - scalar', 'a : scalar; x : vector(n); w : vector(n); L = w^T tanh(x - a)'),
  c('column - matrix', 'X : matrix(m, n); b : vector(m); W : matrix(m, n); L = sum(tanh(b - X) .* W)'),
  c('matrix + row', 'X : matrix(m, n); r : vector(n); W : matrix(m, n); L = sum(tanh(X + r^T) .* W)'),
  c(
    'W X + b on a batch',
    'W : matrix(h, m); X : matrix(m, n); b : vector(h); V : matrix(h, n); L = sum(sigma(W X + b) .* V)',
  ),
  c('negation', 'x : vector(n); w : vector(n); L = w^T tanh(-x)'),
  c('unary plus', 'x : vector(n); w : vector(n); L = w^T tanh(+x)'),
  c('-x^2 is -(x^2)', 'a : scalar; L = -a^2 + 3 a'),

  // Scaling and products.
  c('vector times scalar (*)', 'a : scalar; x : vector(n); w : vector(n); L = w^T tanh(x * a)'),
  c('scalar times matrix', 'a : scalar; X : matrix(m, n); W : matrix(m, n); L = sum(tanh(a X) .* W)'),
  c('constant factors', 'x : vector(n); w : vector(n); L = 1/2 x^T x + 3 w^T x / 4'),
  c('matrix * matrix', 'A : matrix(m, k); B : matrix(k, n); W : matrix(m, n); L = sum(tanh(A * B) .* W)'),
  c('inner product x^T y', 'x : vector(n); y : vector(n); L = (x^T y)^2'),
  c('A^T B', 'A : matrix(k, m); B : matrix(k, n); W : matrix(m, n); L = sum(tanh(A^T B) .* W)'),
  c('A B^T', 'A : matrix(m, k); B : matrix(n, k); W : matrix(m, n); L = sum(tanh(A B^T) .* W)'),
  c(
    'A(x + y): a value before parentheses',
    'A : matrix(m, n); x : vector(n); y : vector(n); w : vector(m); L = w^T tanh(A(x + y))',
  ),
  c('chain of products', 'A : matrix(m, k); B : matrix(k, n); x : vector(n); w : vector(m); L = w^T A B x'),

  // Elementwise products and quotients.
  c('x ⊙ y', 'x : vector(n); y : vector(n); w : vector(n); L = w^T tanh(x ⊙ y)'),
  c('X .* Y', 'X : matrix(m, n); Y : matrix(m, n); W : matrix(m, n); L = sum(tanh(X .* Y) .* W)'),
  c('column .* matrix', 'X : matrix(m, n); b : vector(m); W : matrix(m, n); L = sum(tanh(b .* X) .* W)'),
  c('scalar .* vector', 'a : scalar; x : vector(n); w : vector(n); L = w^T tanh(a .* x)'),
  c('a / b of scalars', 'a : scalar; b : scalar; L = a / b', 'real', { b: 'positive' }),
  c('X / Y (equal shapes)', 'X : matrix(m, n); Y : matrix(m, n); W : matrix(m, n); L = sum(tanh(X / Y) .* W)', 'real', {
    Y: 'positive',
  }),
  c('1 ./ x', 'x : vector(n); w : vector(n); L = w^T (1 ./ x)', 'positive', { w: 'real' }),
  c('column ./ matrix', 'X : matrix(m, n); b : vector(m); W : matrix(m, n); L = sum(tanh(b ./ X) .* W)', 'real', {
    X: 'positive',
  }),
  c('matrix ./ row', 'X : matrix(m, n); r : vector(n); W : matrix(m, n); L = sum(tanh(X ./ r^T) .* W)', 'real', {
    r: 'positive',
  }),

  // Powers.
  c('a^2', 'a : scalar; L = a^2'),
  c('a^3 - a^-1', 'a : scalar; L = a^3 - a^-1', 'positive'),
  c('a^0.5', 'a : scalar; L = a^0.5', 'positive'),
  c('a^b, variable exponent', 'a : scalar; b : scalar; L = a^b', 'positive'),
  c('2^a', 'a : scalar; L = 2^a'),
  c('e^(a b) with a definition as exponent', 'a : scalar; b : scalar; p = a b; L = b^p', 'positive'),
  c('^ is right-associative', 'a : scalar; b : scalar; L = a^b^2', 'positive'),
  c('(x^T y)^2', 'x : vector(n); y : vector(n); L = (x^T y)^3'),
  c('X .^ 3', 'X : matrix(m, n); W : matrix(m, n); L = sum((X .^ 3) .* W)'),
  c('x .^ a, scalar variable exponent', 'x : vector(n); a : scalar; w : vector(n); L = w^T (x .^ a)', 'positive', {
    w: 'real',
  }),

  // Transposes.
  c("x'", "x : vector(n); w : vector(n); L = tanh(x') w"),
  c('xᵀ', 'x : vector(n); w : vector(n); L = tanh(xᵀ) w'),
  c('(A + B)^T', 'A : matrix(m, n); B : matrix(m, n); W : matrix(n, m); L = sum(tanh((A + B)^T) .* W)'),
  c('A^T^T', 'A : matrix(m, n); W : matrix(m, n); L = sum(tanh((A^T)^T) .* W)'),

  // Indexing.
  c('A[1, 2]', 'A : matrix(m, n); L = sin(A[1, 2]) A[0, 0]'),
  c('an entry of a row vector', 'x : vector(n); k : index(n); L = exp((x^T)[k])'),
  c('an entry of a definition', 'A : matrix(m, n); x : vector(n); z = A x; i : index(m); L = z[i]^2 + z[0]'),
  c('x[2] on a literal dimension', 'x : vector(4); y : vector(4); L = x[2] y[3] + x[3]'),

  // Reductions.
  c('sum squared', 'X : matrix(m, n); L = sum(X)^2'),
  c('dot of vectors', 'x : vector(n); y : vector(n); L = dot(tanh(x), y)'),
  c('dot of matrices', 'X : matrix(m, n); Y : matrix(m, n); L = dot(tanh(X), Y)'),
  c('dot of a vector with itself', 'x : vector(n); L = dot(x, x)'),
  c('||x||_2', 'x : vector(n); L = ||x||_2 + 0'),
  c('norm2(x)^2', 'x : vector(n); L = norm2(x)^2'),
  c('norm1 of a vector', 'x : vector(n); L = norm1(x)', 'nonzero'),
  c('norm1 of a matrix', 'X : matrix(m, n); L = norm1(X)', 'nonzero'),
  c('logsumexp, wide inputs', 'x : vector(n); L = logsumexp(x)', [-40, 40]),
  c('trace', 'A : matrix(n, n); B : matrix(n, n); L = trace(A B^T) + tr(A)'),
  c('tr(A^T B)', 'A : matrix(m, n); B : matrix(m, n); L = tr(A^T B)'),

  // Vector and matrix valued.
  c('softmax, wide inputs', 'x : vector(n); w : vector(n); L = w^T softmax(x)', [-30, 30], { w: 'real' }),
  c('log softmax', 'x : vector(n); k : index(n); L = -log(softmax(x))[k]'),
  c('dot with onehot', 'x : vector(n); k : index(n); L = dot(softmax(x), onehot(k, n))'),
  c('onehot with a literal', 'x : vector(n); L = onehot(1, n)^T tanh(x)'),
  c('onehot in a sum', 'x : vector(n); k : index(n); w : vector(n); L = w^T tanh(x + onehot(k, n))'),
  c('logsumexp(f) - f[y] (Domke)', 'V : matrix(K, m); h : vector(m); y : index(K); f = V h; L = logsumexp(f) - f[y]'),
  c('x .* ones(n)', 'x : vector(n); w : vector(n); L = w^T tanh(x .* ones(n) + ones(n))'),
  c('A ones(n): row sums', 'A : matrix(m, n); w : vector(m); L = w^T tanh(A ones(n))'),
  c('ones(m)^T A: column sums', 'A : matrix(m, n); w : vector(n); L = tanh(ones(m)^T A) w'),
  c('ones(3) with a literal', 'x : vector(3); L = ones(3)^T exp(x)'),
  c('eye(n) A', 'A : matrix(n, n); W : matrix(n, n); L = sum(tanh(eye(n) A) .* W)'),
  c('tr(eye(n) A)', 'A : matrix(n, n); L = tr(eye(n) A) + tr(eye(n))'),
  c('diag of a row', 'x : vector(n); W : matrix(n, n); L = sum(tanh(diag(x^T)) .* W)'),
  c('diag(diag(A))', 'A : matrix(n, n); W : matrix(n, n); L = sum(diag(diag(A)) .* W)'),
  c('diag(diag(x))', 'x : vector(n); w : vector(n); L = w^T tanh(diag(diag(x)))'),

  c('diag(diag(x^T)) is a column', 'x : vector(n); w : vector(n); L = w^T tanh(diag(diag(x^T)))'),
  c('tril(triu(A)) is the diagonal', 'A : matrix(n, n); W : matrix(n, n); L = sum(tanh(tril(triu(A))) .* W)'),
  c(
    'tril(tril(A)) and triu of a scaled matrix',
    'A : matrix(n, n); W : matrix(n, n); L = sum((tril(tril(A)) + triu(3 A)) .* W)',
  ),
  c(
    'tril of a scalar, of eye and of a diagonal matrix',
    's : scalar; x : vector(n); w : vector(n); L = tril(s) + w^T tanh(tril(eye(n)) x + triu(diag(x)) x)',
  ),
  c('triu(A) + triu(A)^T, a symmetric sum', 'A : matrix(n, n); x : vector(n); L = x^T (triu(A) + triu(A)^T) x'),
  c(
    'tril of a transpose and of a product',
    'A : matrix(n, m); B : matrix(n, n); W : matrix(n, n); L = sum(tril(B^T) .* tril(A A^T) .* W)',
  ),

  // Printer regressions: shapes of derivatives that once did not read back.
  c(
    'a Hadamard product with a matrix product inside, on the right of .*',
    'A : matrix(m, n); u : vector(m); y : vector(n); Q : matrix(n, n); t1 = Q .* eye(n); t2 = (ones(n) y^T .* t1) .* diag((A^T u)^T); L = tr(t2)',
  ),
  c(
    'a scalar base with a vector exponent',
    'x : vector(n); a : scalar; w : vector(n); L = sum(a .^ x .* w)',
    'positive',
    { w: 'real' },
  ),
  c('nested norms', 'x : vector(n); y : vector(n); L = ||x - (||y|| y)||^3 + ||x||^2'),
  c('a norm inside a norm inside a call', 'x : vector(n); y : vector(n); L = exp(||(||x|| + ||y||) y||)'),
  c(
    'a matrix of ones times a Hadamard column (simplifier regression)',
    'x : vector(n); u : vector(m); A : matrix(m, n); B : matrix(m, n); t3 = (A x)^T (A .* u); L = mean((A x .* atan(B x)) t3)',
  ),
  c(
    'a definition that is a constant, also used as an index',
    'x : vector(n); t = 0.5 + 0.5; L = exp(x[1]) + t sum(x .^ 2)',
  ),
  c('a norm of a vector scaled by a norm', 'x : vector(n); y : vector(n); L = exp(||(||y|| y)||) + ||x||'),
  c('negative constants and powers', 'a : scalar; b : scalar; L = (-a)^3 - a^-2 + 2^-b + (-2)^2 a - -a', 'positive'),
  c(
    'quotient chains',
    'a : scalar; b : scalar; c : scalar; L = a / (b / c) + (a / b) / c + a / (b c) - (a - (b - c))',
    'positive',
  ),

  // Dimensions and constants as values.
  c('1/N sum(x)', 'x : vector(N); L = 1/N sum(x .^ 2)'),
  c('K q / sqrt(d)', 'q : vector(d); K : matrix(n, d); w : vector(n); L = w^T tanh(K q / sqrt(d))'),
  c('pi', 'x : vector(n); w : vector(n); L = w^T sin(pi x)'),
  c('numbers', 'x : vector(n); L = 0.5 sum(x .^ 2) + 1e-3 sum(x) + 2'),

  // Gradients with respect to definitions (the handouts' deltas).
  c(
    'wrt an intermediate definition',
    'A : matrix(m, n); x : vector(n); w : vector(m); z = A x; h = tanh(z); L = w^T h; grad L wrt z, h, A, x',
  ),
  c('wrt a definition used twice', 'x : vector(n); z = tanh(x); L = z^T z + sum(z); grad L wrt z, x'),
  c('wrt a definition and through another path', 'x : vector(n); z = 2 x; L = sum(z .* x); grad L wrt z, x'),
  c('wrt a scalar definition', 'a : scalar; b : scalar; p = a b; q = sin(p); L = q^2 + p; grad L wrt p, q, a, b'),
  c(
    'DS 102',
    'A : matrix(h, m); b : vector(h); x : vector(m); y : scalar; z1 = A x; z2 = sigma(z1); z3 = b^T z2; z4 = y - z3; L = z4^2; grad L wrt A, b, x, y, z1, z2, z3, z4',
  ),
  c('two grad lines', 'x : vector(n); y : vector(n); L = sum(exp(x) .* y); grad L wrt x; grad L wrt y'),
  c('unused variable', 'x : vector(n); y : vector(n); L = sum(exp(x)); grad L wrt x, y'),
];

/** The statement text: `;` separated, with `grad L wrt` every non-index variable unless given. */
function formula(k: Case): string {
  const lines = k.text.split(';').map((s) => s.trim());
  if (!lines.some((l) => l.startsWith('grad '))) {
    const model = checkFormula(lines.join('\n'));
    const wrt = model.variables.filter((v) => v.kind !== 'index').map((v) => v.name);
    lines.push(`grad L wrt ${wrt.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

const options = (k: Case) => ({
  defaultDomain: k.domain ?? 'real',
  ...(k.domains !== undefined ? { domains: k.domains } : {}),
});

describe('each operation in isolation: derived gradient = central differences (mathjs reference)', () => {
  it('covers every other spelling of an elementwise function in the table', () => {
    const names = Object.values(UNARY).flatMap((f) => f.aliases);
    expect(names.filter((n) => !ELEMENTWISE.some(([fn]) => fn === n))).toEqual([]);
  });

  it('every case requests a gradient', () => {
    for (const k of CASES) expect(checkFormula(formula(k)).requests.length, k.name).toBeGreaterThan(0);
  });

  it.each(CASES.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    expectGradientsMatch(formula(k), options(k));
  });
});

describe('each operation in isolation: the derive output reads back to the same gradient', () => {
  it.each(CASES.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    expectRoundTripMatches(formula(k), options(k));
  });
});

describe('derivative conventions at the kinks (LANGUAGE.md 1.6)', () => {
  const at = (text: string, x: number[]) => {
    const model = checkFormula(text);
    const [d] = differentiate(model).gradients;
    const values = new Map([['x', x.map((v) => [v])]]);
    return new ReferenceEvaluator({ values, dims: new Map([['n', x.length]]) }).value(d!.results[0]!.node).flat();
  };
  it("relu'(0) = 0", () => {
    expect(at('x : vector(n)\nL = sum(relu(x))\ngrad L wrt x\n', [-1, 0, 2])).toEqual([0, 0, 1]);
  });
  it("abs'(0) = 0", () => {
    expect(at('x : vector(n)\nL = sum(abs(x))\ngrad L wrt x\n', [-1, 0, 2])).toEqual([-1, 0, 1]);
  });
  it("sign' = 0", () => {
    expect(at('x : vector(n)\nL = sum(sign(x) .* x)\ngrad L wrt x\n', [-1, 0, 2])).toEqual([-1, 0, 1]);
  });
});
