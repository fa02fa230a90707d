/**
 * Source text → AST. The file is split into statements (a line, continued while a bracket
 * is open) and each is parsed on its own, so every syntactically bad line is reported.
 */
import { indexExprs, type Expr, type Program, type Statement } from './ast.js';
import { Diagnostics } from '../diagnostics/errors.js';
import { foreignSyntax, type LibraryCall } from './hints.js';
import { Source, type Span } from '../diagnostics/source.js';
import { statementParser } from './statement-parser.js';

/** Deeper bracket nesting than this is refused before parsing (it would only exhaust the stack). */
export const MAX_NESTING = 200;

/** More `||` than this in one statement is refused before parsing (norms nest like brackets). */
export const MAX_NORM_BARS = 2 * MAX_NESTING;

/**
 * Deeper expressions than this (counted in operations, so a sum of 600 terms is 600 deep)
 * are refused after parsing: every later stage walks expressions recursively.
 */
export const MAX_DEPTH = 500;

interface Chunk {
  readonly start: number;
  readonly end: number;
  /** Offset of the first bracket still open at the end of the chunk, if any. */
  readonly unclosed?: number;
  /** Offset of the first closing bracket that closes nothing, if any. */
  readonly unmatched?: number;
  /** Offset of the bracket that went past MAX_NESTING, or of the `||` past MAX_NORM_BARS, if any. */
  readonly tooDeep?: number;
}

const NAME = String.raw`[\p{L}_][\p{L}\p{M}\p{Nd}_]*`;

/** The start of a line that begins a declaration, a definition or a request. */
const STATEMENT_START = new RegExp(
  String.raw`^[ \t]*(?:${NAME}(?:[ \t]*,[ \t]*${NAME})*[ \t]*:|${NAME}[ \t]*=|(?:grad|jacobian|hessian|hvp)[ \t]+${NAME})`,
  'u',
);

/**
 * Splits a file into statement chunks: a newline ends a statement unless ( or [ is open,
 * and a line that starts like a statement (`x :`, `y =`, `grad y`) always starts one, so
 * a bracket that is never closed is reported once and the rest of the file is still checked.
 */
function splitStatements(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  while (start <= text.length) {
    const open: number[] = [];
    let tooDeep: number | undefined;
    let unmatched: number | undefined;
    let bars = 0;
    let end = text.length;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '#' || (c === '/' && text[i + 1] === '/')) {
        // A `//` comment is an error (hints.ts: foreignSyntax), but brackets in it must not join lines.
        while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      } else if (c === '(' || c === '[') {
        open.push(i);
        if (open.length > MAX_NESTING && tooDeep === undefined) tooDeep = i;
      } else if (c === ')' || c === ']') {
        if (open.length === 0 && unmatched === undefined) unmatched = i;
        open.pop();
      } else if (c === '|' && text[i + 1] === '|') {
        bars++;
        if (bars > MAX_NORM_BARS && tooDeep === undefined) tooDeep = i;
        i++;
      } else if (c === '\n' && (open.length === 0 || STATEMENT_START.test(text.slice(i + 1, i + 201)))) {
        // A line that starts like a statement is one, even with a bracket open above it (it
        // could not continue an expression), so an unclosed bracket does not swallow it.
        end = i;
        break;
      }
    }
    const next = end + 1;
    const unclosed = open[0];
    const body = text.slice(start, end);
    if (/[^\s]/.test(body.replace(/#[^\n]*/g, ''))) {
      chunks.push({
        start,
        end,
        ...(unclosed !== undefined ? { unclosed } : {}),
        ...(unmatched !== undefined && unmatched < end ? { unmatched } : {}),
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
  message: string;
  expected: PeggyExpectation[] | null;
  found: string | null;
  location: { start: { offset: number }; end: { offset: number } };
}

function isPeggySyntaxError(e: unknown): e is PeggySyntaxError {
  return typeof e === 'object' && e !== null && 'location' in e && 'expected' in e;
}

const OPERATORS = new Set(['+', '-', '*', '/', '.*', './', '.^', '^', '⊙', '⊗', "'", 'ᵀ', '[']);
/** What may start an expression besides a number; listed as such only where a number may be too. */
const EXPRESSION_STARTS = new Set(["'('", "'||'"]);

/**
 * Words for what the parser expected, instead of grammar internals. After a complete
 * operand anything may follow (juxtaposition multiplies), but "an operator" is what a
 * user would add there, so it is named instead of "an expression".
 */
function describeExpected(expected: readonly PeggyExpectation[]): string {
  const words = new Set<string>();
  let expression = false;
  let name = false;
  let operator = false;
  let statement = false;
  for (const e of expected) {
    if (
      e.type === 'literal' &&
      (e.text === 'grad' || e.text === 'jacobian' || e.text === 'hessian' || e.text === 'hvp')
    ) {
      statement = true;
      continue;
    }
    // [+-]: a sign (an expression may follow) or a sum (then other operators are listed too).
    if (e.type === 'class') continue;
    if (e.type === 'literal' && OPERATORS.has(e.text ?? '')) {
      operator = true;
      continue;
    }
    const d = e.type === 'literal' ? `'${e.text}'` : (e.description ?? '');
    if (d === 'whitespace' || d === '' || d === 'end of input') continue;
    if (d === 'a name') {
      name = true;
      continue;
    }
    if (d === 'a number') {
      expression = true;
      continue;
    }
    words.add(d);
  }
  if (expression) for (const d of EXPRESSION_STARTS) words.delete(d);
  if (statement) return 'a declaration (x : vector(n)), a definition (y = ...) or a request (grad y wrt x)';
  const head = operator ? ['an operator'] : expression ? ['an expression'] : name ? ['a name'] : [];
  const list = [...head, ...[...words].sort()];
  if (list.length === 0) return 'the end of the statement';
  if (list.length === 1) return list[0]!;
  return `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

/** Characters that look like an operator of the language but are not, with what was meant. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  '\u2212': '-', // minus sign
  '\u2013': '-', // en dash
  '\u2014': '-', // em dash
  '\u2010': '-', // hyphen
  '\u2011': '-', // non-breaking hyphen
  '\u00d7': '*', // multiplication sign
  '\u00b7': '*', // middle dot
  '\u22c5': '*', // dot operator
  '\u2217': '*', // asterisk operator
  '\u2215': '/', // division slash
  '\u00f7': '/', // division sign
  '\u2019': "'", // right single quotation mark
  '\u2018': "'", // left single quotation mark
  '\u2032': "'", // prime
  '\u00b4': "'", // acute accent
  '\u2016': '||', // double vertical line
  '\u2225': '||', // parallel to
  '\uff08': '(', // fullwidth
  '\uff09': ')',
  '\uff3b': '[',
  '\uff3d': ']',
  '\uff0c': ',',
  '\uff1a': ':',
  '\uff1d': '=',
  '\uff0b': '+',
  '\uff0d': '-',
};

/** `'x'`, or `"'"` for the quote itself. */
function quote(s: string): string {
  return s.includes("'") ? `"${s}"` : `'${s}'`;
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What the parser found at `at`, in words; control and invisible characters by code point. */
function describeFound(text: string, at: number, end: number): string {
  if (at >= end) return 'the end of the statement';
  const c = String.fromCodePoint(text.codePointAt(at)!);
  if (c === '\n' || c === '\r') return 'the end of the line';
  const meant = CONFUSABLES[c];
  if (meant !== undefined) return `'${c}' (${codePoint(c)}); did you mean ${quote(meant)}?`;
  if (/[\p{Cc}\p{Cf}\p{Cs}\p{Z}]/u.test(c) && c !== ' ') return `the invisible character ${codePoint(c)}`;
  return quote(c);
}

/** Words other notations use for a symmetric or positive definite matrix, where a type is expected. */
const STRUCTURE_WORD =
  /^((?:sym|symm|symmetrical|symmetric|spd|pd|psd|posdef|positive_definite|cov|covariance)(?=[^\p{L}\p{M}\p{Nd}_]|$))/iu;

/** The message for a syntax error at `at` in the statement chunk. */
function syntaxMessage(text: string, chunk: Chunk, at: number, expected: readonly PeggyExpectation[]): string {
  const found = describeFound(text, at, chunk.end);
  const c = text[at];
  const before = text.slice(chunk.start, at).trimEnd();
  if (c === '*' && before.endsWith('*')) {
    return `'**' is not an operator; write ^ for the power of a scalar, or .^ for an elementwise power`;
  }
  if (c === '=' && before.endsWith(':') && /^\s*[\p{L}_][\p{L}\p{M}\p{Nd}_]*\s*:$/u.test(before)) {
    return `expected a type after ':', but found '='; a definition is written with '=' alone, like y = ...`;
  }
  const structured = STRUCTURE_WORD.exec(text.slice(at, chunk.end));
  if (structured !== null && /:$/.test(before)) {
    return (
      `expected ${describeExpected(expected)}, but found '${structured[1]}'; declare a symmetric matrix as symmetric(n), ` +
      'a symmetric positive definite one (a covariance, a kernel matrix) as spd(n)'
    );
  }
  if (c === '.' && (/[0-9]$/.test(before) || /[0-9]/.test(text[at + 1] ?? ''))) {
    return `expected ${describeExpected(expected)}, but found '.'; a decimal number has digits on both sides of the point, like 0.5`;
  }
  if (c === ';') {
    return `expected ${describeExpected(expected)}, but found ';'; a statement ends at the end of its line, without ';'`;
  }
  if (c === '|' && text[at + 1] !== '|') {
    return `expected ${describeExpected(expected)}, but found '|'; write abs(x) for an absolute value, ||x|| for a norm`;
  }
  if (before === '' && c !== undefined && /[-+*/.⊙^']/.test(c)) {
    return `expected a declaration, a definition or a request, but found ${found}; a statement continues on the next line only while a '(' or '[' is open`;
  }
  return `expected ${describeExpected(expected)}, but found ${found}`;
}

/** The span of a definition's expression if it nests more than MAX_DEPTH operations deep (found without recursion). */
function tooDeep(statement: Statement): Span | undefined {
  if (statement.kind !== 'def') return undefined;
  const stack: [Expr, number][] = [[statement.expr, 1]];
  while (stack.length > 0) {
    const [e, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) return statement.expr.span;
    switch (e.kind) {
      case 'num':
      case 'name':
        break;
      case 'binary':
        stack.push([e.left, depth + 1], [e.right, depth + 1]);
        break;
      case 'unary':
      case 'transpose':
      case 'norm':
        stack.push([e.arg, depth + 1]);
        break;
      case 'index':
        stack.push([e.target, depth + 1], ...indexExprs(e.indices).map((i): [Expr, number] => [i, depth + 1]));
        break;
      case 'call':
        stack.push(...e.args.map((a): [Expr, number] => [a, depth + 1]));
        break;
    }
  }
  return undefined;
}

/** A line that starts with a request word and does not declare or define that word. */
const REQUEST_LINE = /^[ \t\u00a0]*(?:grad|jacobian|hessian|hvp)(?![\p{L}\p{M}\p{Nd}_])(?![ \t\u00a0]*[:,=])/u;
const DEFINES = new RegExp(String.raw`^\s*(${NAME})\s*=`, 'u');
const DECLARES = new RegExp(String.raw`^\s*(${NAME}(?:\s*,\s*${NAME})*)\s*:`, 'u');

/**
 * Which `||` in a statement close a norm (offsets in `body`), and the first that opens a
 * norm never closed, if any. A `||` closes the innermost
 * open norm when it follows a complete operand (a name, number, `)`, `]`, `'`, `ᵀ` or a
 * closing `||`); otherwise it opens one. So `||a|| ||b||` is two norms, and `||a ||b||||`
 * (a norm right after an operand, inside a norm) must be written `||a (||b||)||`.
 */
function classifyBars(body: string): { closing: Set<number>; unclosed?: number } {
  const closing = new Set<number>();
  const open: number[] = [];
  let afterOperand = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '#') {
      while (i + 1 < body.length && body[i + 1] !== '\n') i++;
    } else if (c === '|' && body[i + 1] === '|') {
      if (open.length > 0 && afterOperand) {
        closing.add(i);
        open.pop();
      } else {
        open.push(i);
        afterOperand = false;
      }
      i++;
    } else if (/\s/.test(c)) {
      continue;
    } else {
      afterOperand = /[\p{L}\p{M}\p{N}_)\]'ᵀ]/u.test(c) || (c >= '\ud800' && c <= '\udfff');
    }
  }
  return open.length > 0 ? { closing, unclosed: open[0]! } : { closing };
}

/** What the parser knows of the functions; the op table's, which this layer does not import (src/front.ts passes them). */
export interface ParseOptions {
  /** The names that a `(` makes a call of, `exp (x)` as `exp(x)`. */
  readonly functionNames: ReadonlySet<string>;
  /** gradc's way to write another library's call (`np.exp(x)`), for the hint under a syntax error; none when omitted. */
  readonly libraryCall?: LibraryCall;
}

/** Parses a whole file. Syntax errors are reported to `diagnostics`; bad statements are left out. */
export function parseProgram(source: Source, diagnostics: Diagnostics, options: ParseOptions): Program {
  const { functionNames, libraryCall = () => undefined } = options;
  const statements: Statement[] = [];
  const brokenNames: string[] = [];
  const text = source.text;
  for (const chunk of splitStatements(text)) {
    if (diagnostics.full) break;
    const body = text.slice(chunk.start, chunk.end);
    // Names a broken statement seemed to introduce: later uses of them are not reported again.
    const broken = () => {
      const defined = DEFINES.exec(body);
      if (defined !== null) brokenNames.push(defined[1]!.normalize('NFC'));
      const declared = DECLARES.exec(body);
      if (declared !== null) brokenNames.push(...declared[1]!.split(',').map((n) => n.trim().normalize('NFC')));
    };
    if (chunk.tooDeep !== undefined) {
      broken();
      const bars = text.startsWith('||', chunk.tooDeep);
      diagnostics.report(
        bars
          ? `more than ${MAX_NORM_BARS} '||' in one statement; split it into several definitions`
          : `brackets nested more than ${MAX_NESTING} deep`,
        { start: chunk.tooDeep, end: chunk.tooDeep + (bars ? 2 : 1) },
      );
      continue;
    }
    const startRule = REQUEST_LINE.test(body) ? 'RequestStatement' : 'Statement';
    let statement: Statement;
    const bars = classifyBars(body);
    try {
      statement = statementParser().parse(body, {
        startRule,
        base: chunk.start,
        closingBars: bars.closing,
        functionNames,
      });
    } catch (e) {
      if (!isPeggySyntaxError(e)) throw e;
      broken();
      const at = chunk.start + e.location.start.offset;
      if (chunk.unclosed !== undefined) {
        const bracket = text[chunk.unclosed];
        diagnostics.report(`this '${bracket}' is never closed`, { start: chunk.unclosed, end: chunk.unclosed + 1 });
        continue;
      }
      if (bars.unclosed !== undefined && at >= chunk.start + bars.unclosed) {
        const bar = chunk.start + bars.unclosed;
        // With a closing bar before it, the user may have meant a norm inside a norm.
        const hint =
          bars.closing.size > 0
            ? ` (inside a norm, a '||' after an operand closes it: write a norm inside a norm in parentheses, like ||a (||b||)||)`
            : '';
        diagnostics.report(`this '||' is never closed${hint}`, { start: bar, end: bar + 2 });
        continue;
      }
      if (chunk.unmatched !== undefined && at >= chunk.unmatched) {
        const bracket = text[chunk.unmatched]!;
        diagnostics.report(`this '${bracket}' has no matching '${bracket === ')' ? '(' : '['}'`, {
          start: chunk.unmatched,
          end: chunk.unmatched + 1,
        });
        continue;
      }
      const hint = e.expected === null ? undefined : foreignSyntax(text, at, chunk.start, chunk.end, libraryCall);
      if (hint !== undefined) {
        diagnostics.report(hint.message, hint.span, hint.fix);
        continue;
      }
      const length = at < chunk.end ? String.fromCodePoint(text.codePointAt(at)!).length : 1;
      const span: Span = { start: at, end: at + length };
      // A message of the grammar's own (error() in an action) is already in words.
      const message = e.expected === null ? e.message : syntaxMessage(text, chunk, at, e.expected);
      diagnostics.report(
        message,
        e.expected === null
          ? { start: chunk.start + e.location.start.offset, end: chunk.start + e.location.end.offset }
          : span,
      );
      continue;
    }
    const deep = tooDeep(statement);
    if (deep !== undefined) {
      broken();
      diagnostics.report(
        `this expression has more than ${MAX_DEPTH} nested operations; split it into several definitions`,
        deep,
      );
      continue;
    }
    statements.push(statement);
  }
  return { statements, brokenNames };
}
