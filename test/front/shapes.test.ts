/**
 * LANGUAGE.md 1.4-1.6: the shape of every operator and function. Shapes print as
 * `rows x cols`; a scalar is 1 x 1, vector(n) is n x 1.
 */
import { describe, expect, it } from 'vitest';
import { check, definition, error, shapeOf } from '../syntax/helpers.js';

const DECLS = `s, t : scalar
u, v : vector(n)
w : vector(m)
A : matrix(n, m)
B : matrix(m, n)
S : matrix(n, n)
k : index(n)
`;

/** The shape of `expression` checked after DECLS. */
function shapeOfExpr(expression: string): string {
  return shapeOf(definition(check(`${DECLS}y = ${expression}`), 'y'));
}

/** The IR op at the root of `expression`. */
function opOf(expression: string): string {
  return definition(check(`${DECLS}y = ${expression}`), 'y').op;
}

/** The only error of `expression` checked after DECLS (line 8 is the definition). */
function refused(expression: string): string {
  return error(`${DECLS}y = ${expression}`);
}

describe('declared shapes (LANGUAGE.md 1.1)', () => {
  it.each([
    ['s', '1 x 1'],
    ['u', 'n x 1'],
    ['A', 'n x m'],
  ])('%s is %s', (name, expected) => {
    expect(shapeOfExpr(name)).toBe(expected);
  });

  it('several names share one type', () => {
    const model = check('W, V : matrix(n, n)');
    expect(model.variables.map((x) => `${x.name}: ${x.shape.rows} x ${x.shape.cols}`)).toEqual([
      'W: n x n',
      'V: n x n',
    ]);
  });

  it('an index variable is an integer label with its bound', () => {
    const k = check('k : index(K)').variables[0]!;
    expect([k.kind, k.bound]).toEqual(['index', 'K']);
  });
});

describe('elementwise functions keep the shape (LANGUAGE.md 1.6)', () => {
  const names = [
    'exp',
    'log',
    'sqrt',
    'sin',
    'cos',
    'tan',
    'asin',
    'acos',
    'atan',
    'tanh',
    'sigmoid',
    'sigma',
    'σ',
    'relu',
    'ReLU',
    'softplus',
    'abs',
    'sign',
    'arcsin',
    'arccos',
    'arctan',
  ];
  it.each(names)('%s of a matrix is a matrix of the same shape', (fn) => {
    expect(shapeOfExpr(`${fn}(A)`)).toBe('n x m');
  });

  it.each(names)('%s of a vector is a vector', (fn) => {
    expect(shapeOfExpr(`${fn}(u)`)).toBe('n x 1');
  });

  it.each([
    ['sigma', 'sigmoid'],
    ['σ', 'sigmoid'],
    ['ReLU', 'relu'],
    ['arcsin', 'asin'],
    ['arccos', 'acos'],
    ['arctan', 'atan'],
  ])('%s means %s', (alias, fn) => {
    expect(definition(check(`u : vector(n)\ny = ${alias}(u)`), 'y').attrs.fn).toBe(fn);
  });

  it('an elementwise function takes one argument', () => {
    expect(refused('exp(u, v)')).toBe('8:5: exp takes 1 argument, not 2');
  });

  it('an elementwise function needs an argument', () => {
    expect(refused('tanh()')).toBe('8:5: tanh takes 1 argument, not 0');
  });
});

describe('reductions to a scalar (LANGUAGE.md 1.6)', () => {
  it.each([
    ['sum(A)', 'sum'],
    ['mean(A)', 'mean'],
    ['norm2(A)', 'norm2'],
    ['||A||', 'norm2'],
    ['||A||_2', 'norm2'],
    ['logsumexp(u)', 'logsumexp'],
    ['max(A)', 'max'],
    ['min(u)', 'min'],
    ['tr(S)', 'tr'],
    ['trace(S)', 'tr'],
  ])('%s is a scalar (%s)', (expression, op) => {
    expect(shapeOfExpr(expression)).toBe('1 x 1');
    expect(opOf(expression)).toBe(op);
  });

  it('norm1(u) is the sum of magnitudes', () => {
    const y = definition(check(`${DECLS}y = norm1(u)`), 'y');
    expect([y.op, y.args[0]!.op, y.args[0]!.attrs.fn]).toEqual(['sum', 'unary', 'abs']);
  });

  it('||u||_1 is norm1(u)', () => {
    const model = check(`${DECLS}y = ||u||_1\nz = norm1(u)`);
    expect(definition(model, 'y')).toBe(definition(model, 'z'));
  });

  it('||A|| is norm2(A)', () => {
    const model = check(`${DECLS}y = ||A||\nz = norm2(A)`);
    expect(definition(model, 'y')).toBe(definition(model, 'z'));
  });

  it('dot(u, v) of two vectors is u^T v', () => {
    const model = check(`${DECLS}y = dot(u, v)\nz = u^T v`);
    expect(shapeOf(definition(model, 'y'))).toBe('1 x 1');
    expect(definition(model, 'y')).toBe(definition(model, 'z'));
  });

  it('dot of two matrices of one shape is a scalar', () => {
    expect(shapeOfExpr('dot(A, A)')).toBe('1 x 1');
  });

  it('dot of two shapes refuses', () => {
    expect(refused('dot(u, w)')).toBe('8:5: dot needs two values of the same shape, not vector(n) and vector(m)');
  });

  it('dot takes two arguments', () => {
    expect(refused('dot(u)')).toBe('8:5: dot takes 2 arguments, not 1');
  });

  it('tr of a non-square matrix refuses', () => {
    expect(refused('tr(A)')).toBe('8:5: tr needs a square matrix, not matrix(n, m)');
  });

  it('max(s) of a scalar is s', () => {
    expect(opOf('max(s)')).toBe('var');
  });

  it.each([
    ['max(u, v)', 'n x 1', 'maximum'],
    ['min(A, w^T)', 'n x m', 'minimum'],
    ['max(u, 0)', 'n x 1', 'maximum'],
    ['max(s, A)', 'n x m', 'maximum'],
  ])('%s is elementwise, with broadcasting: %s', (expression, shape, op) => {
    expect(shapeOfExpr(expression)).toBe(shape);
    expect(opOf(expression)).toBe(op);
  });

  it('max of shapes that do not broadcast refuses', () => {
    expect(refused('max(u, w)')).toBe(
      '8:5: cannot take the elementwise max of vector(n) and vector(m): the shapes differ and do not broadcast',
    );
  });

  it('max takes one or two arguments', () => {
    expect(refused('max(u, v, u)')).toBe('8:5: max takes 1 or 2 arguments, not 3');
  });

  it('logsumexp of a scalar refuses', () => {
    expect(refused('logsumexp(s)')).toBe('8:5: logsumexp needs a vector or a matrix, not a scalar');
  });

  it('sum of a scalar is the scalar', () => {
    expect(shapeOfExpr('sum(s)')).toBe('1 x 1');
  });
});

describe('vector and matrix valued functions (LANGUAGE.md 1.6)', () => {
  it('softmax(v) is a vector of the same length', () => {
    expect(shapeOfExpr('softmax(u)')).toBe('n x 1');
  });

  it('softmax of a matrix works column by column: same shape', () => {
    expect(shapeOfExpr('softmax(A)')).toBe('n x m');
  });

  it('softmax of a scalar refuses', () => {
    expect(refused('softmax(s)')).toBe('8:5: softmax needs a vector or a matrix, not a scalar');
  });

  it('onehot(k, K) is vector(K)', () => {
    expect(shapeOfExpr('onehot(k, n)')).toBe('n x 1');
  });

  it('onehot takes a literal index', () => {
    expect(shapeOf(definition(check('y = onehot(1, 3)'), 'y'))).toBe('3 x 1');
  });

  it('ones(n) is vector(n)', () => {
    expect(shapeOfExpr('ones(n)')).toBe('n x 1');
  });

  it('ones(m, n) is matrix(m, n)', () => {
    expect(shapeOfExpr('ones(m, n)')).toBe('m x n');
  });

  it('ones(3) takes a literal dimension', () => {
    expect(shapeOfExpr('ones(3)')).toBe('3 x 1');
  });

  it('ones takes one or two dimensions', () => {
    expect(refused('ones(n, n, n)')).toBe('8:5: ones takes 1 or 2 arguments, not 3');
  });

  it('eye(n) is matrix(n, n)', () => {
    expect(shapeOfExpr('eye(n)')).toBe('n x n');
  });

  it('eye(n) u is u', () => {
    expect(definition(check(`${DECLS}y = eye(n) u`), 'y').attrs.name).toBe('u');
  });

  it('a dimension argument may be a new dimension name', () => {
    const model = check('y = ones(p)');
    expect([shapeOf(definition(model, 'y')), model.dims]).toEqual(['p x 1', ['p']]);
  });

  it('diag(v) is the diagonal matrix of a vector', () => {
    expect(shapeOfExpr('diag(u)')).toBe('n x n');
    expect(opOf('diag(u)')).toBe('diag');
  });

  it('diag(M) is the diagonal of a square matrix, as a vector', () => {
    expect(shapeOfExpr('diag(S)')).toBe('n x 1');
    expect(opOf('diag(S)')).toBe('diagpart');
  });

  it('tril(M) and triu(M) are the triangles of a square matrix, of its shape', () => {
    expect(shapeOfExpr('tril(S)')).toBe('n x n');
    expect(opOf('tril(S)')).toBe('tril');
    expect(shapeOfExpr('triu(A B)')).toBe('n x n');
    expect(opOf('triu(A B)')).toBe('triu');
  });

  it('tril of a non-square matrix refuses', () => {
    expect(refused('tril(A)')).toBe('8:5: tril needs a square matrix, not matrix(n, m)');
  });

  it('tril of a non-square matrix of zeros refuses', () => {
    expect(refused('tril(0 A)')).toBe('8:5: tril needs a square matrix, not matrix(n, m)');
  });

  it('triu of a vector refuses', () => {
    expect(refused('triu(u)')).toBe('8:5: triu needs a square matrix, not vector(n)');
  });

  it('tril takes one argument', () => {
    expect(refused('tril(S, 1)')).toBe('8:5: tril takes 1 argument, not 2');
  });

  it('diag of a non-square matrix refuses', () => {
    expect(refused('diag(A)')).toBe('8:5: diag needs a square matrix, not matrix(n, m)');
  });
});

describe('matrix functions of a square matrix (LANGUAGE.md 1.6)', () => {
  it('inv(S) is a square matrix of the same size; det(S) and logdet(S) are scalars', () => {
    expect([shapeOfExpr('inv(S)'), shapeOfExpr('det(S)'), shapeOfExpr('logdet(S)')]).toEqual([
      'n x n',
      '1 x 1',
      '1 x 1',
    ]);
  });

  it.each(['inv', 'det', 'logdet'])('%s of a matrix that is not square refuses, giving the sizes', (fn) => {
    expect(refused(`${fn}(A)`)).toBe(`8:5: ${fn} needs a square matrix, not matrix(n, m)`);
  });

  it('inv of a vector refuses', () => {
    expect(refused('inv(u)')).toBe('8:5: inv needs a square matrix, not vector(n)');
  });

  it('inv(S) u is a solve, a vector; inv(S) A has the shape of A', () => {
    expect([opOf('inv(S) u'), shapeOfExpr('inv(S) u'), shapeOfExpr('inv(S) A')]).toEqual(['solve', 'n x 1', 'n x m']);
  });

  it('inv(S) times a vector of the wrong length refuses with both sizes', () => {
    expect(refused('inv(S) w')).toBe('8:5: cannot multiply matrix(n, n) by vector(m): n != m');
  });

  it('of a scalar: inv(s) is 1 / s, det(s) is s', () => {
    expect([opOf('inv(s)'), opOf('det(s)')]).toEqual(['div', 'var']);
  });

  it('inv(S^T) is inv(S)^T and inv(inv(S)) is S', () => {
    expect(opOf('inv(S^T)')).toBe('transpose');
    expect(definition(check(`${DECLS}y = inv(inv(S))`), 'y').attrs.name).toBe('S');
  });
});

describe('dimension names as scalars (LANGUAGE.md 1.6)', () => {
  it('1/N sum(x) is a scalar', () => {
    const y = definition(check('x : vector(N)\ny = 1/N sum(x)'), 'y');
    expect(shapeOf(y)).toBe('1 x 1');
  });

  it('a dimension name in an expression is its size at run time', () => {
    const y = definition(check('x : vector(N)\ny = N'), 'y');
    expect([y.op, y.attrs.name]).toEqual(['dim', 'N']);
  });

  it('K q / sqrt(d) scales a vector', () => {
    const y = definition(check('q : vector(d)\nk : index(K)\ny = K q / sqrt(d)'), 'y');
    expect(shapeOf(y)).toBe('d x 1');
  });
});

describe('products (LANGUAGE.md 1.5)', () => {
  it.each([
    ['A B', 'n x n'],
    ['B A', 'm x m'],
    ['A w', 'n x 1'],
    ['A * w', 'n x 1'],
    ['u^T A', '1 x m'],
    ['u^T v', '1 x 1'],
    ['u v^T', 'n x n'],
    ['s u', 'n x 1'],
    ['u s', 'n x 1'],
    ['2 A', 'n x m'],
    ['A B u', 'n x 1'],
  ])('%s is %s', (expression, expected) => {
    expect(shapeOfExpr(expression)).toBe(expected);
  });

  it('a 1 x 1 product is a scalar wherever a scalar is needed: (u^T v) A scales A', () => {
    expect(shapeOfExpr('(u^T v) A')).toBe('n x m');
  });

  it('a scalar times a matrix is a scaling, not a matrix product', () => {
    expect(opOf('s A')).toBe('mul');
  });
});

describe('quotients (LANGUAGE.md 1.5)', () => {
  it.each([
    ['A / s', 'n x m'],
    ['A / 2', 'n x m'],
    ['A / A', 'n x m'],
    ['u ./ v', 'n x 1'],
    ['s ./ u', 'n x 1'],
  ])('%s is %s', (expression, expected) => {
    expect(shapeOfExpr(expression)).toBe(expected);
  });

  it('/ of a scalar by a vector refuses: it divides by a scalar or between equal shapes', () => {
    expect(refused('s / u')).toBe(
      "8:5: cannot divide scalar by vector(n): '/' divides by a scalar or between equal shapes; for a broadcast quotient use './'",
    );
  });

  it('/ between different shapes suggests ./', () => {
    expect(refused('u / w')).toBe(
      "8:5: cannot divide vector(n) by vector(m): '/' divides by a scalar or between equal shapes; for a broadcast quotient use './'",
    );
  });
});

describe('elementwise products and powers (LANGUAGE.md 1.5)', () => {
  it.each([
    ['u .* v', 'n x 1'],
    ['u ⊙ v', 'n x 1'],
    ['A .* A', 'n x m'],
    ['u .^ 2', 'n x 1'],
    ['u .^ v', 'n x 1'],
    ['A .^ s', 'n x m'],
    ['s .^ 2', '1 x 1'],
  ])('%s is %s', (expression, expected) => {
    expect(shapeOfExpr(expression)).toBe(expected);
  });

  it('^ of scalars may have a variable exponent', () => {
    expect(shapeOfExpr('s^t')).toBe('1 x 1');
    expect(opOf('s^t')).toBe('pow');
  });

  it('^ of a 1 x 1 product is fine', () => {
    expect(shapeOfExpr('(u^T v)^2')).toBe('1 x 1');
  });
});

describe('sums, negation and transposes (LANGUAGE.md 1.5)', () => {
  it.each([
    ['u + v', 'n x 1'],
    ['A - A', 'n x m'],
    ['-A', 'n x m'],
    ['+u', 'n x 1'],
    ['A^T', 'm x n'],
    ["A'", 'm x n'],
    ['Aᵀ', 'm x n'],
    ['u^T', '1 x n'],
    ['u^T^T', 'n x 1'],
    ['s^T', '1 x 1'],
  ])('%s is %s', (expression, expected) => {
    expect(shapeOfExpr(expression)).toBe(expected);
  });
});

describe('entries (LANGUAGE.md 1.5)', () => {
  it.each([
    ['u[0]', '1 x 1'],
    ['u[k]', '1 x 1'],
    ['S[k, 0]', '1 x 1'],
    ['S[k, k]', '1 x 1'],
    ['u^T[k]', '1 x 1'],
    ['(A w)[k]', '1 x 1'],
  ])('%s is %s', (expression, expected) => {
    expect(shapeOfExpr(expression)).toBe(expected);
  });

  it('a literal index within a literal dimension', () => {
    expect(shapeOf(definition(check('x : vector(3)\ny = x[2]'), 'y'))).toBe('1 x 1');
  });
});

describe('the IR is hash-consed', () => {
  it('structurally equal expressions are one node', () => {
    const model = check(`${DECLS}y = sigma(A w) + 1\nz = 2 sigma(A w)`);
    const y = definition(model, 'y');
    const z = definition(model, 'z');
    const sy = y.args.find((a) => a.op === 'unary');
    const sz = z.args.find((a) => a.op === 'unary');
    expect(sy).toBeDefined();
    expect(sy).toBe(sz);
  });

  it('a definition used later is the same node', () => {
    const model = check(`${DECLS}h = tanh(A w)\ny = u^T h`);
    expect(definition(model, 'y').args).toContain(definition(model, 'h'));
  });
});
