/**
 * Source text → AST. The file is split into statements (a line, continued while a bracket
 * is open) and each is parsed on its own, so every syntactically bad line is reported.
 */
import { readFileSync } from 'node:fs';
import peggy from 'peggy';
import type { Program, Statement } from './ast.js';
import { Diagnostics } from './errors.js';
import { Source, type Span } from './source.js';

/** Deeper bracket nesting than this is refused before parsing (it would only exhaust the stack). */
export const MAX_NESTING = 200;

interface StatementParser {
  parse(text: string, options: { startRule: string; base: number }): Statement;
}

let parser: StatementParser | undefined;

/** The parser is generated from grammar/formula.peggy when first needed; it is never edited by hand. */
function statementParser(): StatementParser {
  if (parser === undefined) {
    const grammarUrl = new URL('../../grammar/formula.peggy', import.meta.url);
    const grammar = readFileSync(grammarUrl, 'utf8');
    parser = peggy.generate(grammar, {
      allowedStartRules: ['Statement'],
      cache: true,
      output: 'parser',
    }) as unknown as StatementParser;
  }
  return parser;
}

interface Chunk {
  readonly start: number;
  readonly end: number;
  /** Offset of the first bracket still open at the end of the chunk, if any. */
  readonly unclosed?: number;
  /** Offset of the bracket that went past MAX_NESTING, if any. */
  readonly tooDeep?: number;
}

/**
 * Splits a file into statement chunks: a newline ends a statement unless ( or [ is open.
 * A bracket still open at the end of the file ends its statement at the end of its first
 * line instead, and splitting goes on from the next line, so the rest is still checked.
 */
export function splitStatements(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  while (start <= text.length) {
    const open: number[] = [];
    let tooDeep: number | undefined;
    let end = text.length;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '#') {
        while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      } else if (c === '(' || c === '[') {
        open.push(i);
        if (open.length > MAX_NESTING && tooDeep === undefined) tooDeep = i;
      } else if (c === ')' || c === ']') {
        open.pop();
      } else if (c === '\n' && open.length === 0) {
        end = i;
        break;
      }
    }
    let next = end + 1;
    let unclosed: number | undefined;
    if (open.length > 0) {
      const lineEnd = text.indexOf('\n', start);
      unclosed = open[0]!;
      if (lineEnd >= 0) {
        end = lineEnd;
        next = lineEnd + 1;
        if (unclosed >= lineEnd) unclosed = lineEnd;
      }
    }
    const body = text.slice(start, end);
    if (/[^\s]/.test(body.replace(/#[^\n]*/g, ''))) {
      chunks.push({
        start,
        end,
        ...(unclosed !== undefined ? { unclosed } : {}),
        ...(tooDeep !== undefined && tooDeep < end ? { tooDeep } : {}),
      });
    }
    start = next;
  }
  return chunks;
}

interface PeggyExpectation {
  type: string;
  description?: string;
  text?: string;
}

interface PeggySyntaxError {
  expected: PeggyExpectation[] | null;
  found: string | null;
  location: { start: { offset: number }; end: { offset: number } };
}

function isPeggySyntaxError(e: unknown): e is PeggySyntaxError {
  return typeof e === 'object' && e !== null && 'location' in e && 'expected' in e;
}

const OPERATORS = new Set(['+', '-', '*', '/', '.*', './', '.^', '^', '⊙', "'", 'ᵀ', '[']);
const EXPRESSION_STARTS = new Set(['a number', 'a name', "'('", "'||'"]);

/** Words for what the parser expected, instead of grammar internals. */
export function describeExpected(expected: readonly PeggyExpectation[]): string {
  const words = new Set<string>();
  let expression = false;
  let operator = false;
  let statement = false;
  for (const e of expected) {
    if (e.type === 'literal' && (e.text === 'grad' || e.text === 'jacobian' || e.text === 'hessian')) {
      statement = true;
      continue;
    }
    if (e.type === 'class') {
      operator = true;
      continue;
    }
    if (e.type === 'literal' && OPERATORS.has(e.text ?? '')) {
      operator = true;
      continue;
    }
    const d = e.type === 'literal' ? `'${e.text}'` : (e.description ?? '');
    if (d === 'whitespace' || d === '') continue;
    if (EXPRESSION_STARTS.has(d)) {
      expression = true;
      continue;
    }
    if (d === 'end of input') continue;
    words.add(d);
  }
  if (statement) return 'a declaration (x : vector(n)), a definition (y = ...) or a request (grad y wrt x)';
  const list = [...(expression ? ['an expression'] : []), ...(operator && !expression ? ['an operator'] : []), ...[...words].sort()];
  if (list.length === 0) return 'the end of the statement';
  if (list.length === 1) return list[0]!;
  return `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

function describeFound(found: string | null): string {
  if (found === null) return 'the end of the statement';
  if (found === '\n') return 'the end of the line';
  return `'${found}'`;
}

/** Parses a whole file. Syntax errors are reported to `diagnostics`; bad statements are left out. */
export function parseProgram(source: Source, diagnostics: Diagnostics): Program {
  const statements: Statement[] = [];
  const brokenNames: string[] = [];
  const text = source.text;
  for (const chunk of splitStatements(text)) {
    if (diagnostics.full) break;
    if (chunk.tooDeep !== undefined) {
      const defined = /^\s*([\p{L}_][\p{L}\p{M}\p{Nd}_]*)\s*=/u.exec(text.slice(chunk.start, chunk.end));
      if (defined !== null) brokenNames.push(defined[1]!.normalize('NFC'));
      diagnostics.report(`brackets nested more than ${MAX_NESTING} deep`, { start: chunk.tooDeep, end: chunk.tooDeep + 1 });
      continue;
    }
    const body = text.slice(chunk.start, chunk.end);
    const defined = /^\s*([\p{L}_][\p{L}\p{M}\p{Nd}_]*)\s*=/u.exec(body);
    const declared = /^\s*([\p{L}_][\p{L}\p{M}\p{Nd}_,\s]*):/u.exec(body);
    try {
      statements.push(statementParser().parse(body, { startRule: 'Statement', base: chunk.start }));
    } catch (e) {
      if (!isPeggySyntaxError(e)) throw e;
      if (defined !== null) brokenNames.push(defined[1]!.normalize('NFC'));
      if (declared !== null) brokenNames.push(...declared[1]!.split(',').map((n) => n.trim().normalize('NFC')).filter((n) => n !== ''));
      const at = chunk.start + e.location.start.offset;
      if (chunk.unclosed !== undefined) {
        const bracket = text[chunk.unclosed];
        diagnostics.report(`this '${bracket}' is never closed`, { start: chunk.unclosed, end: chunk.unclosed + 1 });
        continue;
      }
      const span: Span = { start: at, end: at + Math.max(1, e.found === null ? 1 : e.found.length) };
      diagnostics.report(`expected ${describeExpected(e.expected ?? [])}, but found ${describeFound(e.found)}`, span);
    }
  }
  return { statements, brokenNames };
}
