/** LANGUAGE.md 1, 1.6, 1.7: names, numbers, comments, blank lines, continuation lines, spans. */
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/index.js';
import { check, definition, error, parseOk, shapeOf, tree } from './helpers.js';

describe('names (LANGUAGE.md 1.7)', () => {
  it('θ_01 is a name: Greek letter, underscore, digits', () => {
    const model = check('θ_01 : scalar\ny = 2 θ_01');
    expect(model.variables.map((v) => v.name)).toEqual(['θ_01']);
  });

  it('φ is a name', () => {
    expect(definition(check('x : scalar\nφ = x'), 'φ').attrs.name).toBe('x');
  });

  it('ŷ is a name, precomposed (U+0177)', () => {
    expect(check('\u0177 : scalar').variables[0]!.name).toBe('ŷ');
  });

  it('ŷ is a name, decomposed (y + U+0302)', () => {
    expect(check('y\u0302 : scalar').variables[0]!.name).toBe('ŷ');
  });

  it('ŷ declared precomposed and used decomposed is the same name', () => {
    const model = check('\u0177 : vector(n)\nz = 2 y\u0302');
    expect(shapeOf(definition(model, 'z'))).toBe('n x 1');
  });

  it('ŷ declared decomposed and used precomposed is the same name', () => {
    const model = check('y\u0302 : scalar\nz = \u0177 + 1');
    expect(definition(model, 'z').op).toBe('add');
  });

  it('a name may start with _', () => {
    expect(check('_x : scalar').variables[0]!.name).toBe('_x');
  });

  it('a name may use letters outside the basic plane: 𝑥', () => {
    expect(check('𝑥 : scalar\ny = 𝑥 + 1').variables[0]!.name).toBe('𝑥');
  });

  it('x2 is one name, 2x is 2 times x', () => {
    expect(tree('x2')).toBe('x2');
    expect(tree('2x')).toBe('(2 x)');
  });

  it('ᵀ is never part of a name: xᵀ is x transposed', () => {
    expect(tree('xᵀ')).toBe('x^T');
  });

  it('a name that is a TypeScript reserved word is accepted', () => {
    expect(check('new, function : scalar\ndelete = new function').definitions[0]!.name).toBe('delete');
  });

  it('the dimension names of a file are listed in order of first appearance', () => {
    expect(check('A : matrix(h, m)\nx : vector(m)\nk : index(K)').dims).toEqual(['h', 'm', 'K']);
  });
});

describe('T is a name, except after ^ (LANGUAGE.md 1.7)', () => {
  it('T names a dimension: a sequence length', () => {
    const model = check('X : matrix(d, T)\nm = 1/T X ones(T)');
    expect(model.dims).toEqual(['d', 'T']);
    expect(shapeOf(definition(model, 'm'))).toBe('d x 1');
  });

  it('T names a variable', () => {
    expect(shapeOf(definition(check('T : matrix(n, n)\nS = T + T^T'), 'S'))).toBe('n x n');
  });

  it('T names a definition', () => {
    expect(check('x : vector(n)\nT = x x^T').definitions[0]!.name).toBe('T');
  });

  it('x^T is the transpose even when T is declared', () => {
    expect(tree('x^T')).toBe('x^T');
    expect(shapeOf(definition(check('T : scalar\nx : vector(n)\ny = x^T'), 'y'))).toBe('1 x n');
  });

  it('x^ T with spaces is the transpose too', () => {
    expect(tree('x ^ T')).toBe('x^T');
  });

  it('s^(T) is a power of a scalar T', () => {
    expect(tree('s^(T)')).toBe('(s ^ T)');
  });

  it('T_1 after ^ is an exponent, not a transpose', () => {
    expect(tree('s^T_1')).toBe('(s ^ T_1)');
  });

  it('a derivative with a power by T prints it parenthesised, so it reads back as a power', () => {
    expect(derive('s : scalar\nT : scalar\nL = s^(T)\ngrad L wrt s')).toEqual(['dL_ds = T s^(T - 1)']);
    expect(definition(check('s : scalar\nT : scalar\ndL_ds = T s^(T - 1)'), 'dL_ds').op).toBe('mul');
  });
});

describe('numbers (LANGUAGE.md 1.6)', () => {
  it('integers, decimals and exponents', () => {
    const model = check('a = 2\nb = 0.5\nc = 1e-3\nd = 2.5E+2');
    expect(model.definitions.map((d) => d.node.attrs.value)).toEqual([2, 0.5, 0.001, 250]);
  });

  it('pi is the constant π', () => {
    expect(definition(check('p = pi'), 'p').attrs.value).toBe(Math.PI);
  });

  it('a literal dimension: vector(2)', () => {
    expect(check('x2 : vector(2)').variables[0]!.shape).toEqual({ rows: 2, cols: 1 });
  });
});

describe('comments and blank lines (LANGUAGE.md 1)', () => {
  it('# starts a comment that runs to the end of the line', () => {
    const model = check('x : scalar   # the input\ny = 2 x # doubled');
    expect(model.definitions).toHaveLength(1);
  });

  it('a line that is only a comment is ignored', () => {
    expect(check('# a model\nx : scalar\n  # indented comment\ny = x').definitions).toHaveLength(1);
  });

  it('blank lines and lines of spaces and tabs are ignored', () => {
    expect(check('\n\nx : scalar\n   \n\t\ny = x\n\n').definitions).toHaveLength(1);
  });

  it('Windows line ends are accepted', () => {
    expect(check('x : scalar\r\ny = x\r\n').definitions).toHaveLength(1);
  });

  it('a # inside a comment does not start anything new', () => {
    expect(check('x : scalar # a # b ( [\ny = x').definitions).toHaveLength(1);
  });

  it('a bracket in a comment does not continue the line', () => {
    expect(check('x : scalar # (\ny = x').definitions).toHaveLength(1);
  });
});

describe('continuation lines (LANGUAGE.md 1)', () => {
  it('a statement continues on the next line while ( is open', () => {
    const model = check('x, a : scalar\ny = (x +\n     a)\nz = y');
    expect(model.definitions.map((d) => d.name)).toEqual(['y', 'z']);
  });

  it('a call continues over several lines', () => {
    const model = check('u, v : vector(n)\nd = dot(u,\n        v)');
    expect(shapeOf(definition(model, 'd'))).toBe('1 x 1');
  });

  it('a statement continues on the next line while [ is open', () => {
    expect(definition(check('M : matrix(3, 3)\ne = M[0,\n  2]'), 'e').op).toBe('index');
  });

  it('a comment may end a continued line', () => {
    expect(check('x : scalar\ny = (x + # first part\n  1)  # second part').definitions).toHaveLength(1);
  });

  it('without an open bracket, a new line ends the statement', () => {
    expect(error('x : scalar\ny = x\n  + 1')).toBe(
      "3:3: expected a declaration, a definition or a request, but found '+'; a statement continues on the next line only while a '(' or '[' is open",
    );
  });
});

describe('spans: every node records where it came from', () => {
  it('a declaration records its names and its type', () => {
    const s = parseOk('A, B : matrix(h, m)').statements[0]!;
    expect(s.kind).toBe('decl');
    if (s.kind !== 'decl') return;
    expect(s.names.map((n) => n.span)).toEqual([
      { start: 0, end: 1 },
      { start: 3, end: 4 },
    ]);
    expect(s.type.span).toEqual({ start: 7, end: 19 });
  });

  it('an expression records the spans of its operands and operator, as file offsets', () => {
    const text = 'x : scalar\ny = a + b c';
    const s = parseOk(text).statements[1]!;
    if (s.kind !== 'def') throw new Error('not a definition');
    const e = s.expr;
    if (e.kind !== 'binary') throw new Error('not binary');
    expect(text.slice(e.span.start, e.span.end)).toBe('a + b c');
    expect(text.slice(e.opSpan.start, e.opSpan.end)).toBe('+');
    expect(text.slice(e.right.span.start, e.right.span.end)).toBe('b c');
  });

  it('a parenthesized expression spans its parentheses', () => {
    const text = 'y = 2 (a + b)';
    const s = parseOk(text).statements[0]!;
    if (s.kind !== 'def' || s.expr.kind !== 'binary') throw new Error('not a product');
    expect(text.slice(s.expr.right.span.start, s.expr.right.span.end)).toBe('(a + b)');
  });

  it('the IR nodes keep the span of the text they were built from', () => {
    const model = check('A : matrix(h, m)\nx : vector(m)\nz = A x');
    const z = definition(model, 'z');
    expect(model.source.text.slice(z.span!.start, z.span!.end)).toBe('A x');
  });
});
