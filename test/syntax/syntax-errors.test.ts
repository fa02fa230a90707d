/**
 * Syntax errors say in words what was expected and what was found, at the exact place
 * (`line:col`, 1-based, columns in characters), and never show grammar internals.
 */
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, MAX_NESTING, MAX_NORM_BARS } from '../../src/syntax/parse.js';
import { error, errors } from './helpers.js';

const X = 'x : scalar\n';

describe('what was expected, in words', () => {
  it('an operand missing at the end of a line', () => {
    expect(error(`${X}y = x +`)).toBe('2:8: expected an expression, but found the end of the statement');
  });

  it('an empty definition', () => {
    expect(error(`${X}y = `)).toBe('2:5: expected an expression, but found the end of the statement');
  });

  it('a character that is no operator, after an operand', () => {
    expect(error(`${X}y = x $ 2`)).toBe("2:7: expected an operator, but found '$'");
  });

  it('a closing parenthesis where an operand should be', () => {
    expect(error(`${X}y = exp(x,)`)).toBe("2:11: expected an expression, but found ')'");
  });

  it('an empty index', () => {
    expect(error(`${X}y = x[]`)).toBe("2:7: expected an expression or ':', but found ']'");
  });

  it('== is not an operator', () => {
    expect(error(`${X}y == x`)).toBe("2:4: expected an expression, but found '='");
  });

  it('a line with a name and no : or =', () => {
    expect(error('x vector(n)')).toBe("1:3: expected ',', ':' or '=', but found 'v'");
  });

  it('a line that starts with neither a name nor a request word', () => {
    expect(error(`${X}0 = 1`)).toBe(
      "2:1: expected a declaration (x : vector(n)), a definition (y = ...) or a request (grad y wrt x), but found '0'",
    );
  });

  it('a quote after a space is no transpose', () => {
    expect(error(`${X}y = x '`)).toBe(`2:7: expected an operator, but found "'"`);
  });
});

describe('declarations', () => {
  it('an unknown type', () => {
    expect(error('x : vec(n)')).toBe(
      "1:5: expected a type (scalar, vector(n), matrix(m, n), symmetric(n), spd(n) or index(K)), but found 'v'",
    );
  });

  it('a type word without its dimensions', () => {
    expect(error('x : matrix')).toBe("1:11: expected '(', but found the end of the statement");
  });

  it('matrix with one dimension says the second is missing', () => {
    expect(error('x : matrix(n)')).toBe("1:13: expected ',', but found ')'");
  });

  it('matrix with dimensions not separated by a comma', () => {
    expect(error('x : matrix(n m)')).toBe("1:14: expected ',', but found 'm'");
  });

  it('vector without a dimension', () => {
    expect(error('x : vector()')).toBe("1:12: expected a dimension (a name or a positive integer), but found ')'");
  });

  it('vector with two dimensions', () => {
    expect(error('x : vector(n, m)')).toBe("1:13: expected ')', but found ','");
  });

  it('text after the type', () => {
    expect(error('x : vector(n) extra')).toBe("1:15: expected the end of the statement, but found 'e'");
  });

  it('a missing name in a list', () => {
    expect(error('x, : scalar')).toBe("1:4: expected a name, but found ':'");
  });

  it(':= is not a definition', () => {
    expect(error('y := 2')).toBe(
      "1:4: expected a type after ':', but found '='; a definition is written with '=' alone, like y = ...",
    );
  });
});

describe('requests', () => {
  it('grad alone', () => {
    expect(error('grad')).toBe('1:5: expected a name, but found the end of the statement');
  });

  it('grad without wrt', () => {
    expect(error(`${X}y = x\ngrad y`)).toBe("3:7: expected 'wrt', but found the end of the statement");
  });

  it('grad with nothing after wrt', () => {
    expect(error(`${X}y = x\ngrad y wrt`)).toBe('3:11: expected a name, but found the end of the statement');
  });

  it('grad with a trailing comma', () => {
    expect(error(`${X}y = x\ngrad y wrt x,`)).toBe('3:14: expected a name, but found the end of the statement');
  });

  it('grad with names not separated by commas', () => {
    expect(error(`${X}z = x\ngrad z wrt x z`)).toBe("3:14: expected ',', but found 'z'");
  });

  it('grad wrt an expression', () => {
    expect(error(`${X}y = x\ngrad y wrt 2 x`)).toBe("3:12: expected a name, but found '2'");
  });
});

describe('brackets', () => {
  it('an unclosed ( is reported at the bracket', () => {
    expect(error(`${X}y = (x + 1`)).toBe("2:5: this '(' is never closed");
  });

  it('an unclosed ( in a type', () => {
    expect(error('x : vector(n')).toBe("1:11: this '(' is never closed");
  });

  it('an unclosed [ is reported at the bracket', () => {
    expect(error('x : vector(n)\ny = x[0')).toBe("2:6: this '[' is never closed");
  });

  it('an unclosed ( does not swallow the statements after it', () => {
    expect(errors(`${X}y = (x +\nz = x +\nw = 2 q`)).toEqual([
      "2:5: this '(' is never closed",
      '3:8: expected an expression, but found the end of the statement',
      "4:7: unknown name 'q'; declare it first, for example 'q : scalar'",
    ]);
  });

  it('the continuation lines of an unclosed ( are part of its statement', () => {
    expect(errors(`${X}y = exp(\n  x\n  + 1\nz = x`)).toEqual(["2:8: this '(' is never closed"]);
  });

  it('a ) that closes nothing', () => {
    expect(error(`${X}y = x + 1)`)).toBe("2:10: this ')' has no matching '('");
  });

  it('a ] that closes nothing', () => {
    expect(error(`${X}y = x]`)).toBe("2:6: this ']' has no matching '['");
  });

  it('a ) before its operand', () => {
    expect(error(`${X}y = )x`)).toBe("2:5: this ')' has no matching '('");
  });

  it('a bracket closed by the wrong kind', () => {
    expect(error('x : vector(n)\ny = (x]')).toBe("2:7: expected an operator or ')', but found ']'");
  });

  it(`brackets nested more than ${MAX_NESTING} deep are refused before parsing`, () => {
    const deep = '('.repeat(10_000) + 'x' + ')'.repeat(10_000);
    expect(error(`${X}y = ${deep}`)).toBe(`2:${5 + MAX_NESTING}: brackets nested more than ${MAX_NESTING} deep`);
  });

  it(`${MAX_NESTING} nested brackets are fine`, () => {
    const deep = '('.repeat(MAX_NESTING) + 'x' + ')'.repeat(MAX_NESTING);
    expect(errors(`${X}y = ${deep}\nz = q`)).toEqual([
      "3:5: unknown name 'q'; declare it first, for example 'q : scalar'",
    ]);
  });
});

describe('norms', () => {
  it('an unclosed norm', () => {
    expect(error('a : scalar\ny = ||a')).toBe("2:5: this '||' is never closed");
  });

  it('a norm juxtaposed inside a norm needs parentheses', () => {
    expect(error('a : scalar\ny = ||a ||a||||')).toBe(
      "2:12: this '||' is never closed (inside a norm, a '||' after an operand closes it: write a norm inside a norm in parentheses, like ||a (||b||)||)",
    );
  });

  it('only the 1- and 2-norm have subscripts', () => {
    expect(error('a : scalar\ny = ||a||_3')).toBe(
      "2:5: unknown norm '||…||_3'; write ||a|| or ||a||_2 for the Euclidean norm, ||a||_1 for the 1-norm",
    );
  });

  it('|x| suggests abs(x)', () => {
    expect(error(`${X}y = |x|`)).toBe(
      "2:5: expected an expression, but found '|'; write abs(x) for an absolute value, ||x|| for a norm",
    );
  });

  it(`more than ${MAX_NORM_BARS} '||' in one statement are refused before parsing`, () => {
    const bars = '||'.repeat(300);
    // The 401st '||' is the 101st after the x.
    expect(error(`${X}y = ${bars}x${bars}`)).toBe(
      `2:806: more than ${MAX_NORM_BARS} '||' in one statement; split it into several definitions`,
    );
  });
});

describe('likely slips get a hint', () => {
  it('** suggests ^ and .^', () => {
    expect(error(`${X}y = x ** 2`)).toBe(
      "2:8: '**' is not an operator; write ^ for the power of a scalar, or .^ for an elementwise power",
    );
  });

  it('a number with a trailing point', () => {
    expect(error(`${X}y = 1.`)).toBe(
      "2:6: expected an operator, but found '.'; a decimal number has digits on both sides of the point, like 0.5",
    );
  });

  it('a number with a leading point', () => {
    expect(error(`${X}y = .5 x`)).toBe(
      "2:5: expected an expression, but found '.'; a decimal number has digits on both sides of the point, like 0.5",
    );
  });

  it('a semicolon at the end of a statement', () => {
    expect(error(`${X}y = x;`)).toBe(
      "2:6: expected an operator, but found ';'; a statement ends at the end of its line, without ';'",
    );
  });

  it('a line that starts with an operator says how statements continue', () => {
    expect(error(`${X}y = x\n  * 2`)).toBe(
      "3:3: expected a declaration, a definition or a request, but found '*'; a statement continues on the next line only while a '(' or '[' is open",
    );
  });
});

describe('unicode look-alikes and invisible characters', () => {
  it('the minus sign U+2212', () => {
    expect(error(`${X}y = x − 1`)).toBe("2:7: expected an operator, but found '−' (U+2212); did you mean '-'?");
  });

  it('the multiplication sign U+00D7', () => {
    expect(error(`${X}y = 2 × x`)).toBe("2:7: expected an operator, but found '×' (U+00D7); did you mean '*'?");
  });

  it('a typographic quote U+2019 for a transpose', () => {
    expect(error(`${X}y = x’`)).toBe(`2:6: expected an operator, but found '’' (U+2019); did you mean "'"?`);
  });

  it('the double vertical line U+2016 for a norm', () => {
    expect(error(`${X}y = ‖x‖`)).toBe("2:5: expected an expression, but found '‖' (U+2016); did you mean '||'?");
  });

  it('a NUL byte', () => {
    expect(error(`${X}y = x\0 + 1`)).toBe('2:6: expected an operator, but found the invisible character U+0000');
  });

  it('a zero-width space', () => {
    expect(error(`${X}y = x\u200b + 1`)).toBe('2:6: expected an operator, but found the invisible character U+200B');
  });

  it('a non-breaking space is a space', () => {
    expect(errors(`${X}y = x\u00a0+\u00a01\nz = q`)).toEqual([
      "3:5: unknown name 'q'; declare it first, for example 'q : scalar'",
    ]);
  });

  it('columns count characters, not UTF-16 units: 𝑥 is one column', () => {
    expect(error('𝑥 : scalar\ny = 𝑥 $')).toBe("2:7: expected an operator, but found '$'");
  });
});

describe('limits that keep every input fast', () => {
  it(`an expression more than ${MAX_DEPTH} operations deep is refused`, () => {
    expect(error(`${X}y = x${' + x'.repeat(MAX_DEPTH + 1)}`)).toBe(
      `2:5: this expression has more than ${MAX_DEPTH} nested operations; split it into several definitions`,
    );
  });

  it('10,000 signs in a row are refused, not a stack overflow', () => {
    expect(error(`${X}y = ${'-'.repeat(10_000)}x`)).toBe(
      `2:5: this expression has more than ${MAX_DEPTH} nested operations; split it into several definitions`,
    );
  });

  it('10,000 powers in a row are refused, not a stack overflow', () => {
    expect(error(`${X}y = x${'^x'.repeat(10_000)}`)).toBe(
      `2:5: this expression has more than ${MAX_DEPTH} nested operations; split it into several definitions`,
    );
  });

  it('10,000 transposes in a row are refused, not a stack overflow', () => {
    expect(error(`${X}y = x${"'".repeat(10_000)}`)).toBe(
      `2:5: this expression has more than ${MAX_DEPTH} nested operations; split it into several definitions`,
    );
  });

  it('a long but shallow expression is fine', () => {
    expect(errors(`${X}y = ${'(x + x) '.repeat(200)}\nz = q`)).toEqual([
      "3:5: unknown name 'q'; declare it first, for example 'q : scalar'",
    ]);
  });
});

describe('no grammar internals in any message', () => {
  const broken = [
    'y = x +',
    'y = (',
    'x : matrix(',
    'grad',
    'y = x^',
    'y = a[',
    '= 1',
    'x :',
    'y = ||',
    'y = x ]',
    ': scalar',
  ];
  it.each(broken)('%s', (line) => {
    for (const message of errors(`${X}${line}`)) {
      expect(message).not.toMatch(/Expected "|peg\$|\[object|undefined|\[\^|\\n/);
    }
  });
});
