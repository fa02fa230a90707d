/**
 * The functions of the language come from the op table (src/ops/functions.ts): the parser, the
 * elaborator and the messages know a function by its entry alone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UNARY } from '../../src/ops/elementwise.js';
import { FUNCTION_NAMES, FUNCTIONS } from '../../src/ops/functions.js';
import { check, definition, error, tree } from '../syntax/helpers.js';

const DECLS = 'x : vector(n)\nS : matrix(n, n)\n';

describe('function names from the op table', () => {
  it('the grammar names no function: a name followed by ( is a call when the table has it', () => {
    const grammar = readFileSync(new URL('../../grammar/formula.peggy', import.meta.url), 'utf8');
    for (const name of ['sigmoid', 'logsumexp', 'onehot', 'inv']) expect(grammar).not.toContain(`'${name}'`);
    expect(tree('cosh (x)')).toBe('cosh(x)');
    expect(tree('log1p (x + 1)')).toBe('log1p((x + 1))');
  });

  it('every elementwise function and alias of the elementwise table is a function', () => {
    for (const [fn, f] of Object.entries(UNARY))
      for (const name of [fn, ...f.aliases]) expect(FUNCTIONS.has(name), name).toBe(true);
  });

  it('an alias builds the same node as the name it stands for', () => {
    const model = check(`${DECLS}a = sigma(x)\nb = sigmoid(x)\nc = trace(S)\nd = tr(S)\ne = arcsin(x)\nf = asin(x)\n`);
    expect(definition(model, 'a')).toBe(definition(model, 'b'));
    expect(definition(model, 'c')).toBe(definition(model, 'd'));
    expect(definition(model, 'e')).toBe(definition(model, 'f'));
  });

  it.each(FUNCTION_NAMES)('%s is reserved: it cannot name a variable', (name) => {
    expect(error(`${name} : scalar\n`)).toBe(`1:1: '${name}' is a reserved word and cannot name a variable`);
  });

  it.each([
    ['cosh(x, x)', '3:5: cosh takes 1 argument, not 2'],
    ['ones(n, n, n)', '3:5: ones takes 1 or 2 arguments, not 3'],
    ['dot(x)', '3:5: dot takes 2 arguments, not 1'],
    ['inv(S, S)', '3:5: inv takes 1 argument, not 2'],
    ['logdet()', '3:5: logdet takes 1 argument, not 0'],
  ])('%s: %s', (expression, message) => {
    expect(error(`${DECLS}y = ${expression}\n`)).toBe(message);
  });
});
