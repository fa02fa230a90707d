/**
 * What the cursor is on, in formula syntax: the shape of the expression (`A x : vector(h)`), a
 * name's declaration or definition with its shape, a dimension's uses, a request's derivative.
 */
import { describeShape } from '../ir/shape.js';
import type { Expr, Statement } from '../syntax/ast.js';
import type { Span } from '../diagnostics/source.js';
import { expressionAt, statementAt, within, type Analysis } from './analysis.js';
import { occurrenceAt, occurrencesOf } from './names.js';

/** A hover: formula-syntax lines to show as code, notes in words, and the text it is about. */
export interface Hover {
  readonly span: Span;
  readonly code: readonly string[];
  readonly notes: readonly string[];
}

/** Longest expression text quoted in a hover; longer ones are cut in the middle. */
const MAX_QUOTED = 60;

/** The user's text of a span on one line, whitespace collapsed, cut if long. */
export function quoted(text: string, span: Span): string {
  const t = text
    .slice(span.start, span.end)
    .replace(/#[^\n]*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > MAX_QUOTED ? `${t.slice(0, MAX_QUOTED / 2 - 2)} … ${t.slice(t.length - MAX_QUOTED / 2 + 2)}` : t;
}

/** One printed derivative of a request (`dL_dA = ...`), and the names it is taken with respect to. */
export interface DerivativeLine {
  readonly text: string;
  readonly wrt: readonly string[];
}

type Request = Extract<Statement, { kind: 'request' }>;

/** The derivative lines of a request, or why there are none; computed on demand (the caller caches them per text). */
export type DerivativeLines = (statement: Request) => readonly DerivativeLine[] | string;

/** A request line's derivatives: all of them, or (`wrt`) those with respect to one name. */
function requestHover(statement: Request, derivatives: DerivativeLines, span: Span, wrt?: string): Hover {
  const lines = derivatives(statement);
  const title = `${statement.request} ${statement.target.name} wrt ${statement.wrt.map((w) => w.name).join(', ')}`;
  if (typeof lines === 'string') return { span, code: [], notes: [`${title}: ${lines}`] };
  return { span, code: lines.filter((l) => wrt === undefined || l.wrt.includes(wrt)).map((l) => l.text), notes: [] };
}

function lineOf(a: Analysis, span: Span): number {
  return a.source.position(span.start).line;
}

function nameHover(a: Analysis, offset: number): Hover | undefined {
  const at = occurrenceAt(a.names, offset);
  if (at === undefined) return undefined;
  const kind = a.names.kinds.get(at.name);
  const intro = occurrencesOf(a.names, at.name).find((o) => o.introduces);
  if (kind === undefined || intro === undefined) return undefined;
  const text = a.source.text;
  switch (kind) {
    case 'variable': {
      const decl = a.program.statements.find(
        (s) => s.kind === 'decl' && s.names.some((n) => n.span.start === intro.span.start),
      );
      const type = decl?.kind === 'decl' ? quoted(text, decl.type.span) : '?';
      return {
        span: at.span,
        code: [`${at.name} : ${type}`],
        notes: [`variable, declared on line ${lineOf(a, intro.span)}`],
      };
    }
    case 'definition': {
      const def = a.program.statements.find((s) => s.kind === 'def' && s.name.span.start === intro.span.start);
      const node = a.model?.definitions.find((d) => d.name === at.name)?.node;
      const code = [
        `${at.name} : ${node === undefined ? 'unknown (its definition has an error)' : describeShape(node.shape)}`,
      ];
      if (def?.kind === 'def') code.push(`${at.name} = ${quoted(text, def.expr.span)}`);
      return { span: at.span, code, notes: [`definition on line ${lineOf(a, intro.span)}`] };
    }
    case 'dimension': {
      const uses = occurrencesOf(a.names, at.name);
      const lines = [...new Set(uses.map((u) => lineOf(a, u.span)))];
      const withoutComment = (l: number) => a.source.lineText(l - 1).replace(/#.*$/, '');
      const shown = lines.slice(0, 12).map((l) => withoutComment(l).trim());
      const more = lines.length > 12 ? [`… and ${lines.length - 12} more lines`] : [];
      return {
        span: at.span,
        code: [`${at.name} : dimension`],
        notes: [
          `dimension used on ${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')}:`,
          ...shown.map((l) => `    ${l}`),
          ...more,
        ],
      };
    }
  }
}

function expressionHover(a: Analysis, root: Expr, offset: number): Hover | undefined {
  const e = expressionAt(root, offset);
  if (e === undefined) return undefined;
  const s = a.shapes.get(e);
  if (s === undefined) return undefined;
  return { span: e.span, code: [`${quoted(a.source.text, e.span)} : ${describeShape(s)}`], notes: [] };
}

/** The hover at `offset`, or undefined when there is nothing to say. */
export function hoverAt(a: Analysis, offset: number, derivatives: DerivativeLines): Hover | undefined {
  const statement = statementAt(a.program, offset);
  const named = nameHover(a, offset);
  // A request's wrt name: the name, then the derivatives with respect to it.
  const wrt = statement?.kind === 'request' ? statement.wrt.find((w) => w.span.start === named?.span.start) : undefined;
  if (named !== undefined && statement?.kind === 'request' && wrt !== undefined) {
    const d = requestHover(statement, derivatives, named.span, wrt.name);
    return { span: named.span, code: [...named.code, ...d.code], notes: [...named.notes, ...d.notes] };
  }
  if (named !== undefined) return named;
  if (statement === undefined) return undefined;
  switch (statement.kind) {
    case 'def':
      return within(statement.expr.span, offset) ? expressionHover(a, statement.expr, offset) : undefined;
    case 'request':
      return requestHover(statement, derivatives, statement.span);
    case 'decl':
      return undefined;
  }
}
