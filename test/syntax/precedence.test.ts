/**
 * LANGUAGE.md 1.5: operators, loosest binding first: `+ -`; `* /`, juxtaposition, `.* ⊙ ./`
 * (one left-associative level); unary `- +`; `^ .^` (right-associative); postfix `' ᵀ ^T [ ]`.
 * Each tree is printed with every compound in parentheses; juxtaposition is `(a b)`.
 */
import { describe, expect, it } from 'vitest';
import { check, definition, shapeOf, tree } from './helpers.js';

describe('the product level: *, /, juxtaposition and the elementwise products', () => {
  it('1/2 x^T A x is ((1/2) x^T) A x', () => {
    expect(tree('1/2 x^T A x')).toBe('((((1 / 2) x^T) A) x)');
  });

  it('A B x associates to the left', () => {
    expect(tree('A B x')).toBe('((A B) x)');
  });

  it('a b c d associates to the left', () => {
    expect(tree('a b c d')).toBe('(((a b) c) d)');
  });

  it('a / b c is (a / b) c', () => {
    expect(tree('a / b c')).toBe('((a / b) c)');
  });

  it('* and juxtaposition share one level', () => {
    expect(tree('a * b c * d')).toBe('(((a * b) c) * d)');
  });

  it(".* binds like *, and the transpose binds tighter: a .* b' is a .* (b^T)", () => {
    expect(tree("a .* b'")).toBe('(a .* b^T)');
  });

  it('⊙ is .*', () => {
    expect(tree('a ⊙ b')).toBe('(a .* b)');
  });

  it('./ is the elementwise quotient, on the product level', () => {
    expect(tree('a ./ b c')).toBe('((a ./ b) c)');
  });

  it('a .* b ./ c * d associates to the left', () => {
    expect(tree('a .* b ./ c * d')).toBe('(((a .* b) ./ c) * d)');
  });

  it('a number next to a name multiplies it: 2x is 2 x', () => {
    expect(tree('2x')).toBe('(2 x)');
  });

  it('parentheses juxtapose: (a) (b) is a b', () => {
    expect(tree('(a) (b)')).toBe('(a b)');
  });

  it('A (x) with a space is a product', () => {
    expect(tree('A (x)')).toBe('(A x)');
  });
});

describe('sums and juxtaposition', () => {
  it('b^T sigma(A x): a transpose juxtaposed with a call', () => {
    expect(tree('b^T sigma(A x)')).toBe('(b^T sigma((A x)))');
  });

  it('a -b is a difference, not a juxtaposed negation', () => {
    expect(tree('a -b')).toBe('(a - b)');
  });

  it('a - b is a difference', () => {
    expect(tree('a - b')).toBe('(a - b)');
  });

  it('a (-b) juxtaposes a parenthesized negation', () => {
    expect(tree('a (-b)')).toBe('(a (-b))');
  });

  it('a b - c is (a b) - c', () => {
    expect(tree('a b - c')).toBe('((a b) - c)');
  });

  it('+ and - associate to the left', () => {
    expect(tree('a - b + c - d')).toBe('(((a - b) + c) - d)');
  });

  it('a + -b and a - -b take a sign on the right operand', () => {
    expect(tree('a+-b')).toBe('(a + (-b))');
    expect(tree('a--b')).toBe('(a - (-b))');
  });

  it('a * -b takes a sign after an explicit product operator', () => {
    expect(tree('a * -b')).toBe('(a * (-b))');
  });
});

describe('unary minus', () => {
  it('-x^2 is -(x^2)', () => {
    expect(tree('-x^2')).toBe('(-(x ^ 2))');
  });

  it('-a b is (-a) b', () => {
    expect(tree('-a b')).toBe('((-a) b)');
  });

  it('--a is -(-a)', () => {
    expect(tree('--a')).toBe('(-(-a))');
  });

  it('+a is kept as a sign', () => {
    expect(tree('+a')).toBe('(+a)');
  });

  it('-a^T is -(a^T)', () => {
    expect(tree('-a^T')).toBe('(-a^T)');
  });
});

describe('powers', () => {
  it('a^b^c is right-associative', () => {
    expect(tree('a^b^c')).toBe('(a ^ (b ^ c))');
  });

  it('2^-1 takes a signed exponent', () => {
    expect(tree('2^-1')).toBe('(2 ^ (-1))');
  });

  it('a^-b^c is a^(-(b^c))', () => {
    expect(tree('a^-b^c')).toBe('(a ^ (-(b ^ c)))');
  });

  it('.^ is an elementwise power, also right-associative', () => {
    expect(tree('a .^ b .^ c')).toBe('(a .^ (b .^ c))');
  });

  it('a .^ -1 takes a signed exponent', () => {
    expect(tree('a .^ -1')).toBe('(a .^ (-1))');
  });

  it('a power binds tighter than a product: 2 x^2 is 2 (x^2)', () => {
    expect(tree('2 x^2')).toBe('(2 (x ^ 2))');
  });

  it("x'^2 squares the transpose", () => {
    expect(tree("x'^2")).toBe('(x^T ^ 2)');
  });
});

describe('postfix operators', () => {
  it("x' is a transpose", () => {
    expect(tree("x'")).toBe('x^T');
  });

  it('xᵀ y is a transpose juxtaposed with y', () => {
    expect(tree('xᵀ y')).toBe('(x^T y)');
  });

  it('x^T, x ^T and x ^ T are all transposes', () => {
    expect(tree('x^T')).toBe('x^T');
    expect(tree('x ^T')).toBe('x^T');
    expect(tree('x ^ T')).toBe('x^T');
  });

  it('x^T b is a transpose juxtaposed with b', () => {
    expect(tree('x^T b')).toBe('(x^T b)');
  });

  it('x^Tb is a power of the name Tb (T is only a transpose on its own)', () => {
    expect(tree('x^Tb')).toBe('(x ^ Tb)');
  });

  it("x'' and x^T^T transpose twice", () => {
    expect(tree("x''")).toBe('x^T^T');
    expect(tree('x^T^T')).toBe('x^T^T');
  });

  it("indexing binds tightest: v[k]' is (v[k])^T", () => {
    expect(tree("v[k]'")).toBe('v[k]^T');
  });

  it('M[i, j] takes two indices', () => {
    expect(tree('M[0, 1]')).toBe('M[0, 1]');
  });

  it('v [0] with a space is still an index', () => {
    expect(tree('v [0]')).toBe('v[0]');
  });

  it('(A x)[0] indexes a parenthesized product', () => {
    expect(tree('(A x)[0]')).toBe('(A x)[0]');
  });
});

describe('norms and calls', () => {
  it('||x|| y is a norm juxtaposed with y', () => {
    expect(tree('||x|| y')).toBe('(||x|| y)');
  });

  it('||x||_2 is the same norm', () => {
    expect(tree('||x - y||_2')).toBe('||(x - y)||');
  });

  it('||x||_1 is the 1-norm', () => {
    expect(tree('||x||_1')).toBe('||x||_1');
  });

  it('||a|| ||b|| is two norms', () => {
    expect(tree('||a|| ||b||')).toBe('(||a|| ||b||)');
  });

  it('a norm inside a norm is written in parentheses: ||a (||b||)||', () => {
    expect(tree('||a (||b||)||')).toBe('||(a ||b||)||');
  });

  it('||x||^2 squares the norm', () => {
    expect(tree('||x||^2')).toBe('(||x|| ^ 2)');
  });

  it('a function call may have a space before its parenthesis', () => {
    expect(tree('sum (x)')).toBe('sum(x)');
  });

  it('a call takes several arguments', () => {
    expect(tree('dot(u, A v)')).toBe('dot(u, (A v))');
  });
});

describe('the precedence reaches the IR', () => {
  const decls = 'x : vector(m)\nA : matrix(m, m)\ns, a, b, c : scalar\n';

  it('1/2 x^T A x is a scalar', () => {
    expect(shapeOf(definition(check(`${decls}q = 1/2 x^T A x`), 'q'))).toBe('1 x 1');
  });

  it('-s^2 negates the square: (-1) * s^2', () => {
    const q = definition(check(`${decls}q = -s^2`), 'q');
    expect(q.op).toBe('mul');
    expect(q.args[0]!.attrs.value).toBe(-1);
    expect(q.args[1]!.op).toBe('pow');
  });

  it('a^b^c raises a to the power b^c', () => {
    const q = definition(check(`${decls}q = a^b^c`), 'q');
    expect(q.op).toBe('pow');
    expect(q.args[0]!.attrs.name).toBe('a');
    expect(q.args[1]!.op).toBe('pow');
  });

  it("x' A is a row: 1 x m", () => {
    expect(shapeOf(definition(check(`${decls}q = x' A`), 'q'))).toBe('1 x m');
  });
});
