/**
 * The front end run for an editor: parse and check a formula's text without throwing, keeping
 * what a language service asks about — every diagnostic (with its fix), the syntax tree, the
 * checked model, and the shape of every expression that checked. Never code generation.
 */
import { elaborate } from '../ir/elaborate.js';
import type { Model } from '../ir/model.js';
import type { Shape } from '../ir/shape.js';
import { indexExprs, type Expr, type Program, type Statement } from '../syntax/ast.js';
import { Diagnostics, type Diagnostic } from '../diagnostics/errors.js';
import { PARSE_OPTIONS } from '../front.js';
import { parseProgram } from '../syntax/parse.js';
import { Source, type Span } from '../diagnostics/source.js';
import { collectNames, type NameTable } from './names.js';

/** One formula text, checked as far as it goes. */
export interface Analysis {
  readonly source: Source;
  readonly program: Program;
  /** The model of what checked; undefined only if the checker itself failed. */
  readonly model: Model | undefined;
  /** Every located problem, in text order (at most Diagnostics.LIMIT; `truncated` says there were more). */
  readonly diagnostics: readonly Diagnostic[];
  readonly truncated: boolean;
  /** The shape of each expression that checked. */
  readonly shapes: ReadonlyMap<Expr, Shape>;
  readonly names: NameTable;
}

/** Parses and checks `text`; never throws on any input. */
export function analyze(text: string, path = '<input>'): Analysis {
  const source = new Source(path, text);
  const diagnostics = new Diagnostics();
  const shapes = new Map<Expr, Shape>();
  let program: Program = { statements: [], brokenNames: [] };
  let model: Model | undefined;
  try {
    program = parseProgram(source, diagnostics, PARSE_OPTIONS);
    model = elaborate(source, program, diagnostics, (e, node) => shapes.set(e, node.shape));
  } catch (e) {
    // A bug in the checker must not take the editor down: say so where the user looks.
    diagnostics.report(`internal error in gradc: ${e instanceof Error ? e.message : String(e)}`, { start: 0, end: 0 });
  }
  const sorted = [...diagnostics.list].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return {
    source,
    program,
    model,
    diagnostics: sorted,
    truncated: diagnostics.full,
    shapes,
    names: collectNames(program),
  };
}

/** Whether `offset` is inside `span`; the end counts too, so a cursor right after a word is on it. */
export function within(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/** The statement whose text holds `offset`, if any. */
export function statementAt(program: Program, offset: number): Statement | undefined {
  return program.statements.find((s) => within(s.span, offset));
}

/** The operands of an expression, in order. */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'num':
    case 'name':
      return [];
    case 'unary':
    case 'transpose':
    case 'norm':
      return [e.arg];
    case 'binary':
      return [e.left, e.right];
    case 'index':
      return [e.target, ...indexExprs(e.indices)];
    case 'call':
      return e.args;
  }
}

/**
 * The innermost expression whose text holds `offset` (its start up to, not including, its end),
 * so the space of a juxtaposition and an operator belong to the expression they make.
 */
export function expressionAt(root: Expr, offset: number): Expr | undefined {
  if (offset < root.span.start || offset >= root.span.end) return undefined;
  let e = root;
  for (;;) {
    const inner = children(e).find((c) => offset >= c.span.start && offset < c.span.end);
    if (inner === undefined) return e;
    e = inner;
  }
}
