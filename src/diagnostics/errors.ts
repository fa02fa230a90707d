/** Diagnostics: every error gradc reports about a formula carries the span of the user's text it is about. */
import type { Source, Span } from './source.js';

/** A suggested edit that fixes a problem: replace the text at `span` with `text` (`sigmod` → `sigmoid`, `.T` → `^T`). */
export interface Fix {
  readonly span: Span;
  readonly text: string;
}

/**
 * One problem with a formula: what is wrong (`message`) and where (`span`, into the source text);
 * `fix`, when the message suggests a replacement that is certain to be what it says (editors
 * offer it as a quick fix; the command line prints only the message).
 */
export interface Diagnostic {
  readonly message: string;
  readonly span: Span;
  readonly fix?: Fix;
}

/**
 * The one error type of the front end, thrown by every function that checks a formula: one or
 * more located diagnostics about one source, in text order. The message is all of them, each
 * formatted by `formatDiagnostic`, as the command line prints them; `truncated` is true when
 * checking stopped at the limit (20), so there may be more.
 *
 * @example
 * ```ts
 * try {
 *   checkFormula('A : matrix(m, k)\nx : vector(n)\nw = A x\n', 'bad.formula');
 * } catch (e) {
 *   if (!(e instanceof GradcError)) throw e;
 *   e.diagnostics[0].message; // 'cannot multiply matrix(m, k) by vector(n): k != n'
 *   e.message; // 'bad.formula:3:5: cannot multiply ...', the line, and a caret under A x
 * }
 * ```
 */
export class GradcError extends Error {
  constructor(
    readonly source: Source,
    readonly diagnostics: readonly Diagnostic[],
    /** True when checking stopped at the limit, so there may be more errors than these. */
    readonly truncated = false,
  ) {
    super(
      diagnostics.map((d) => formatDiagnostic(source, d)).join('\n') +
        (truncated ? `\n${source.path}: stopped after ${diagnostics.length} errors` : ''),
    );
    this.name = 'GradcError';
  }
}

/** Thrown by shape rules and builders; the caller attaches the span of the user's text. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** Longest source line shown under a message; longer lines are cut around the caret. */
const MAX_SHOWN_LINE = 160;
/** Longest stretch of the offending text the underline shows. */
const MAX_CARET = 80;

/**
 * A diagnostic as gradc prints it: `path:line:col: message`, the source line, and a caret under
 * the span (a line longer than 160 characters is cut around the caret):
 *
 *     model.formula:3:5: cannot multiply matrix(h, m) by vector(k): m != k
 *       z = A k
 *           ^~~
 *
 * @param source - The text the span points into, with the path to show.
 * @param d - The diagnostic.
 * @returns Three lines, separated by `\n`.
 * @example
 * ```ts
 * const source = new Source('model.formula', 'z = A x\n');
 * formatDiagnostic(source, { message: 'A is not declared', span: { start: 4, end: 5 } });
 * // 'model.formula:1:5: A is not declared\n  z = A x\n      ^'
 * ```
 */
export function formatDiagnostic(source: Source, d: Diagnostic): string {
  const at = source.position(d.span.start);
  const lineIndex = source.lineIndex(d.span.start);
  const lineText = source.lineText(lineIndex);
  const lineStart = source.lineStart(lineIndex);
  const chars = [...lineText];
  const caretCol = at.column - 1;
  const sameLineEnd = Math.min(d.span.end, lineStart + lineText.length);
  const spanChars = Math.max(1, [...source.text.slice(d.span.start, sameLineEnd)].length);
  let from = 0;
  if (chars.length > MAX_SHOWN_LINE) from = Math.max(0, Math.min(caretCol - 40, chars.length - MAX_SHOWN_LINE));
  const shown = chars.slice(from, from + MAX_SHOWN_LINE);
  const prefix = from > 0 ? '…' : '';
  // Keep tabs as tabs so the caret lines up in a terminal.
  const pad = shown
    .slice(0, caretCol - from)
    .map((c) => (c === '\t' ? '\t' : ' '))
    .join('');
  const underline = '^' + '~'.repeat(Math.min(spanChars, MAX_CARET) - 1);
  const printable = (s: string) =>
    s.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '\uFFFD');
  return (
    `${source.path}:${at.line}:${at.column}: ${d.message}\n` +
    `  ${prefix}${printable(shown.join(''))}\n` +
    `  ${' '.repeat(prefix.length)}${pad}${underline}`
  );
}

/** Collects diagnostics up to a limit, so one bad file yields a useful list, not a flood. */
export class Diagnostics {
  static readonly LIMIT = 20;
  readonly list: Diagnostic[] = [];

  report(message: string, span: Span, fix?: Fix): void {
    if (this.list.length < Diagnostics.LIMIT)
      this.list.push(fix === undefined ? { message, span } : { message, span, fix });
  }

  get count(): number {
    return this.list.length;
  }

  get full(): boolean {
    return this.list.length >= Diagnostics.LIMIT;
  }

  throwIfAny(source: Source): void {
    if (this.list.length > 0) {
      const sorted = [...this.list].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
      throw new GradcError(source, sorted, this.full);
    }
  }
}
