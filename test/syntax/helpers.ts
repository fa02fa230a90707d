/** Small helpers shared by the front-end tests: parse trees as text, diagnostics as `line:col: message`. */
import { expect } from 'vitest';
import { checkFormula, PARSE_OPTIONS } from '../../src/front.js';
import type { Model } from '../../src/ir/model.js';
import type { Node } from '../../src/ir/node.js';
import type { Expr, Program } from '../../src/syntax/ast.js';
import { Diagnostics, GradcError } from '../../src/diagnostics/errors.js';
import { parseProgram } from '../../src/syntax/parse.js';
import { Source } from '../../src/diagnostics/source.js';

/**
 * An expression tree with every compound in parentheses: `(a + b)`, `(a * b)`, juxtaposition
 * as `(a b)`, `(-a)`, `a^T`, `a[i, j]`, `f(a, b)`, `||a||`, `||a||_1`.
 */
export function showTree(e: Expr): string {
  switch (e.kind) {
    case 'num':
      return e.text;
    case 'name':
      return e.name;
    case 'binary':
      return e.op === 'juxt'
        ? `(${showTree(e.left)} ${showTree(e.right)})`
        : `(${showTree(e.left)} ${e.op} ${showTree(e.right)})`;
    case 'unary':
      return `(${e.op}${showTree(e.arg)})`;
    case 'transpose':
      return `${showTree(e.arg)}^T`;
    case 'index':
      return `${showTree(e.target)}[${e.indices.map((i) => (i.kind === 'colon' ? ':' : showTree(i))).join(', ')}]`;
    case 'call':
      return `${e.callee}(${e.args.map(showTree).join(', ')})`;
    case 'norm':
      return e.p === 1 ? `||${showTree(e.arg)}||_1` : `||${showTree(e.arg)}||`;
  }
}

/** Parses a whole file and expects no syntax error. */
export function parseOk(text: string): Program {
  const diagnostics = new Diagnostics();
  const program = parseProgram(new Source('test.formula', text), diagnostics, PARSE_OPTIONS);
  expect(diagnostics.list.map((d) => d.message)).toEqual([]);
  return program;
}

/** The parse tree of `expression`, read as the right-hand side of a definition. */
export function tree(expression: string): string {
  const program = parseOk(`y = ${expression}`);
  const statement = program.statements[0]!;
  if (statement.kind !== 'def') throw new Error(`not a definition: ${expression}`);
  return showTree(statement.expr);
}

/** Every diagnostic of a file that must fail to check, as `line:col: message`, in order. */
export function errors(text: string): string[] {
  try {
    checkFormula(text, 'test.formula');
  } catch (e) {
    if (!(e instanceof GradcError)) throw e;
    return e.diagnostics.map((d) => {
      const at = e.source.position(d.span.start);
      return `${at.line}:${at.column}: ${d.message}`;
    });
  }
  throw new Error('expected the formula to be refused, but it checked');
}

/** The one diagnostic of a file with exactly one error. */
export function error(text: string): string {
  const list = errors(text);
  expect(list).toHaveLength(1);
  return list[0]!;
}

/** The checked model of a file that must check. */
export function check(text: string): Model {
  return checkFormula(text, 'test.formula');
}

/** The definition `name` of a checked model. */
export function definition(model: Model, name: string): Node {
  const d = model.definitions.find((x) => x.name === name);
  if (d === undefined) throw new Error(`no definition ${name}`);
  return d.node;
}

/** A shape as `rows x cols`. */
export function shapeOf(n: Node): string {
  return `${n.shape.rows} x ${n.shape.cols}`;
}
