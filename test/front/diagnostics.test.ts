/**
 * How errors are reported: `file:line:col: message`, the source line and a caret under the
 * span; every independent error of a file, sorted by position, without cascades.
 */
import { describe, expect, it } from 'vitest';
import { checkFormula } from '../../src/front.js';
import { Diagnostics, GradcError } from '../../src/diagnostics/errors.js';
import { errors } from '../syntax/helpers.js';

/** The rendered message of a formula that must be refused. */
function rendered(text: string, path = 'model.formula'): string {
  try {
    checkFormula(text, path);
  } catch (e) {
    if (e instanceof GradcError) return e.message;
    throw e;
  }
  throw new Error('expected the formula to be refused');
}

describe('rendering', () => {
  it('path:line:col: message, the source line, and a caret under the span', () => {
    expect(rendered('A : matrix(h, m)\nk2 : vector(k)\nz = A k2')).toBe(
      ['model.formula:3:5: cannot multiply matrix(h, m) by vector(k): m != k', '  z = A k2', '      ^~~~'].join('\n'),
    );
  });

  it('a one-character span is a lone caret', () => {
    expect(rendered('x : scalar\ny = 2 q')).toBe(
      [
        "model.formula:2:7: unknown name 'q'; declare it first, for example 'q : scalar'",
        '  y = 2 q',
        '        ^',
      ].join('\n'),
    );
  });

  it('tabs before the caret are kept, so the caret lines up in a terminal', () => {
    expect(rendered('x : scalar\n\ty =\tx $ 1')).toBe(
      ["model.formula:2:8: expected an operator, but found '$'", '  \ty =\tx $ 1', '  \t   \t  ^'].join('\n'),
    );
  });

  it('control characters in the shown line are replaced', () => {
    expect(rendered('x : scalar\ny = x\0 + 1').split('\n')[1]).toBe('  y = x\uFFFD + 1');
  });

  it('a line longer than 160 characters is cut around the caret', () => {
    const message = rendered(`x : scalar\ny = ${'x + '.repeat(60)}x $ 1`);
    const [head, line, caret] = message.split('\n') as [string, string, string];
    expect(head).toBe("model.formula:2:247: expected an operator, but found '$'");
    expect(line.startsWith('  … + x')).toBe(true);
    expect([...line].length).toBe(2 + 1 + 160);
    expect(line[caret.indexOf('^')]).toBe('$');
  });

  it('the caret of a span running past its line stops at the line end', () => {
    const message = rendered('x : scalar\ny = (x +\n  1');
    expect(message).toBe(["model.formula:2:5: this '(' is never closed", '  y = (x +', '      ^'].join('\n'));
  });

  it('the error carries its source and located diagnostics', () => {
    try {
      checkFormula('x : scalar\ny = 2 q', 'a.formula');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GradcError);
      const g = e as GradcError;
      expect(g.source.path).toBe('a.formula');
      expect(g.diagnostics).toEqual([
        { message: "unknown name 'q'; declare it first, for example 'q : scalar'", span: { start: 17, end: 18 } },
      ]);
    }
  });
});

describe('several errors in one file', () => {
  it('independent errors are all reported, in file order', () => {
    expect(
      errors(`A : matrix(h, m)
x : vector(k)
z = A x
w = sigmoidd(x)
y = x +
grad z wrt x
`),
    ).toEqual([
      '3:5: cannot multiply matrix(h, m) by vector(k): m != k',
      "4:5: unknown function 'sigmoidd'; did you mean 'sigmoid'?",
      '5:8: expected an expression, but found the end of the statement',
    ]);
  });

  it('syntax errors and shape errors are sorted together by position', () => {
    expect(errors('x : vector(n)\ny = x^2\nz = (\nw = 2 q')).toEqual([
      "2:5: '^' is the power of a scalar, but x is vector(n); for an elementwise power use x .^ 2",
      "3:5: this '(' is never closed",
      "4:7: unknown name 'q'; declare it first, for example 'q : scalar'",
    ]);
  });

  it('errors on both sides of an operator are each reported', () => {
    expect(errors('x : scalar\ny = qq1 + 2 qq2')).toEqual([
      "2:5: unknown name 'qq1'; declare it first, for example 'qq1 : scalar'",
      "2:13: unknown name 'qq2'; declare it first, for example 'qq2 : scalar'",
    ]);
  });

  it('errors in one declaration list are each reported', () => {
    expect(errors('x : scalar\nx, pi : scalar')).toEqual([
      "2:1: 'x' is already a variable; choose another name",
      "2:4: 'pi' is a reserved word and cannot name a variable",
    ]);
  });

  it('errors in one grad line are each reported', () => {
    expect(errors('x : scalar\nL = x\ngrad L wrt q, n2, x, x')).toEqual([
      "3:12: unknown name 'q'; declare it first, for example 'q : scalar'",
      "3:15: unknown name 'n2'; declare it first, for example 'n2 : scalar'",
      "3:22: 'x' is listed twice",
    ]);
  });

  it(`at most ${Diagnostics.LIMIT} errors are reported, and the message says it stopped`, () => {
    const text = Array.from({ length: 30 }, (_, i) => `y${i} = q${i}`).join('\n');
    expect(errors(text)).toHaveLength(Diagnostics.LIMIT);
    expect(rendered(text).split('\n').at(-1)).toBe(`model.formula: stopped after ${Diagnostics.LIMIT} errors`);
  });

  it(`exactly ${Diagnostics.LIMIT} errors are not called truncated`, () => {
    const text = Array.from({ length: Diagnostics.LIMIT - 1 }, (_, i) => `y${i} = q${i}`).join('\n');
    expect(rendered(text)).not.toContain('stopped after');
  });
});

describe('no cascading errors', () => {
  it('a line with a syntax error does not make its name unknown later', () => {
    expect(errors('x : scalar\ny = (x +\nz = y + 1\ngrad z wrt y')).toEqual(["2:5: this '(' is never closed"]);
  });

  it('a definition with a shape error does not make its name unknown later', () => {
    expect(errors('u : vector(n)\nw : vector(m)\ny = u + w\nz = 2 y\ngrad z wrt u')).toEqual([
      '3:5: cannot add vector(n) and vector(m): the shapes differ and do not broadcast',
    ]);
  });

  it('a declaration with a bad type does not make its names unknown later', () => {
    expect(errors('x, v : vector(0)\ny = x + v')).toEqual(['1:15: a dimension must be a positive integer, not 0']);
  });

  it('a declaration with a syntax error does not make its names unknown later', () => {
    expect(errors('x, v : vector(n))\ny = x + v')).toEqual(["1:17: this ')' has no matching '('"]);
  });

  it('a definition that refers to a broken one is not reported', () => {
    expect(errors('x : scalar\na = x +\nb = 2 a\nc = b + a\nd = c + q')).toEqual([
      '2:8: expected an expression, but found the end of the statement',
      "5:9: unknown name 'q'; declare it first, for example 'q : scalar'",
    ]);
  });

  it('a grad of a broken definition is not reported', () => {
    expect(errors('x : scalar\nL = x $\ngrad L wrt x')).toEqual(["2:7: expected an operator, but found '$'"]);
  });

  it('a redefinition is reported once, and the first definition stays usable', () => {
    expect(errors('x : scalar\ny = x\ny = 2 x\nz = y\ngrad z wrt y')).toEqual([
      "3:1: 'y' is already defined; each name is defined once",
    ]);
  });
});
