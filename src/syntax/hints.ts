/**
 * Syntax errors that come from the habits of other notations (NumPy, PyTorch, C), with what
 * gradc writes instead: `A @ x`, `A.T`, `np.exp(x)`, `// a comment`.
 */
import type { Span } from '../diagnostics/source.js';

/**
 * gradc's way to write a call of another library's function `fn` (`exp(x)` for `np.exp(x)`),
 * given the text of its positional arguments (undefined when no `(` follows the name), or
 * undefined when gradc has no equivalent.
 */
export type LibraryCall = (fn: string, args: readonly string[] | undefined) => string | undefined;

export interface Hint {
  readonly message: string;
  readonly span: Span;
}

/** Prefixes of library functions: `np.exp(x)` is `exp(x)` in gradc. */
const LIBRARIES = new Set(['np', 'numpy', 'jnp', 'torch', 'tf', 'math']);

const NAME = String.raw`[\p{L}_][\p{L}\p{M}\p{Nd}_]*`;
const IDENT_CHAR = /[\p{L}\p{M}\p{Nd}_]/u;
/** `linalg.norm` after `np.`: the members of a library, the last one a function. */
const MEMBERS = new RegExp(String.raw`^${NAME}(?:\.${NAME})*`, 'u');
/** `dim=0`: a keyword argument, which gradc's functions do not take. */
const KEYWORD_ARGUMENT = new RegExp(String.raw`^${NAME}\s*=`, 'u');
/** A name or a number at the start of a text. */
const LEADING_ATOM = new RegExp(String.raw`^(?:${NAME}|[0-9]+(?:\.[0-9]+)?)`, 'u');
/** Longest operand quoted from the user's text; a placeholder stands for a longer one. */
const MAX_QUOTED = 24;

/**
 * The hint for a syntax error at offset `at` of `text`, in the statement [start, end), when
 * the text there is another notation's: undefined otherwise.
 */
export function foreignSyntax(text: string, at: number, start: number, end: number, libraryCall: LibraryCall): Hint | undefined {
  const c = text[at];
  const before = text.slice(start, at);
  if (c === '/' && (text[at + 1] === '/' || (at > start && text[at - 1] === '/'))) {
    const from = text[at + 1] === '/' ? at : at - 1;
    return { message: `'//' does not start a comment; a comment starts with #`, span: { start: from, end: from + 2 } };
  }
  if (c === '@') {
    const a = trailingOperand(before) ?? 'A';
    const x = leadingOperand(text.slice(at + 1, end)) ?? 'x';
    return { message: `'@' is not an operator; write the matrix product as ${a} ${x} or ${a} * ${x}`, span: { start: at, end: at + 1 } };
  }
  if (c !== '.') return undefined;
  // `.T` first: `tf.T` is more likely the transpose of a matrix named tf than a TensorFlow function.
  if (text[at + 1] === 'T' && !IDENT_CHAR.test(text[at + 2] ?? '')) {
    const a = trailingOperand(before) ?? 'A';
    return { message: `'.T' is not a transpose; write ${a}^T`, span: { start: at, end: at + 2 } };
  }
  const libraryStart = runStart(before, before.length);
  if (LIBRARIES.has(before.slice(libraryStart)) && before[libraryStart - 1] !== '.') return libraryHint(text, start + libraryStart, at, end, libraryCall);
  return undefined;
}

/** `np.exp(x)`, `np.linalg.norm(x)`, `torch.sigmoid(x)`: the library's prefix goes, and the function is gradc's or has an equivalent. */
function libraryHint(text: string, from: number, dot: number, end: number, libraryCall: LibraryCall): Hint {
  const members = MEMBERS.exec(text.slice(dot + 1, end))?.[0] ?? '';
  const path = members.split('.');
  const fn = path.pop()!;
  const prefixEnd = dot + 1 + path.map((p) => `${p}.`).join('').length;
  const prefix = text.slice(from, prefixEnd);
  const span = { start: from, end: prefixEnd };
  if (fn === '') return { message: `functions take no '${prefix}' prefix`, span };
  const args = callArguments(text, prefixEnd + fn.length, end);
  const suggestion = libraryCall(fn, args);
  return {
    message: suggestion !== undefined ? `functions take no '${prefix}' prefix; write ${suggestion}` : `functions take no '${prefix}' prefix, and gradc has no function '${fn}'`,
    span,
  };
}

/** The positional arguments of a call whose name ends at `from` (keyword arguments such as `dim=0` left out), or undefined if no `(` follows. */
function callArguments(text: string, from: number, end: number): string[] | undefined {
  let i = from;
  while (i < end && /[ \t]/.test(text[i]!)) i++;
  if (text[i] !== '(') return undefined;
  const args: string[] = [];
  let depth = 0;
  let argStart = i + 1;
  for (let j = i; j < end; j++) {
    const ch = text[j]!;
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    if ((ch === ',' && depth === 1) || depth === 0) {
      args.push(text.slice(argStart, j));
      argStart = j + 1;
    }
    if (depth === 0) break;
  }
  return args.map((a) => a.trim()).filter((a) => a !== '' && !KEYWORD_ARGUMENT.test(a));
}

/** Where the run of identifier characters (letters, marks, digits, `_`) that ends at `end` of `s` starts; scanned backwards, in linear time. */
function runStart(s: string, end: number): number {
  let i = end;
  while (i > 0) {
    const unit = s.charCodeAt(i - 1);
    const width = unit >= 0xdc00 && unit <= 0xdfff && i >= 2 ? 2 : 1;
    if (!IDENT_CHAR.test(s.slice(i - width, i))) break;
    i -= width;
  }
  return i;
}

/** The operand that `before` ends with (a name, a number, a call or a bracketed group), if it is short. */
function trailingOperand(before: string): string | undefined {
  const t = before.trimEnd();
  let i = t.length;
  const last = t[i - 1];
  if (last === ')' || last === ']') {
    let depth = 0;
    for (i = t.length - 1; i >= 0; i--) {
      if (t[i] === ')' || t[i] === ']') depth++;
      else if (t[i] === '(' || t[i] === '[') depth--;
      if (depth === 0) break;
    }
    if (i < 0) return undefined;
  }
  let from = runStart(t, i);
  if (/^[0-9]+$/.test(t.slice(from, i))) {
    // `0.5`: the digits before the point belong to the number.
    const whole = from > 0 && t[from - 1] === '.' ? runStart(t, from - 1) : from;
    if (/^[0-9]+$/.test(t.slice(whole, from - 1))) from = whole;
  } else {
    // A name cannot start with a digit: in `2x` the operand is x.
    while (/[0-9]/.test(t[from] ?? '')) from++;
  }
  const operand = t.slice(from);
  return operand !== '' && operand.length <= MAX_QUOTED ? operand : undefined;
}

/** The operand that `after` starts with (a name, a number, a call or a parenthesized group), if it is short. */
function leadingOperand(after: string): string | undefined {
  const t = after.trimStart();
  const head = LEADING_ATOM.exec(t)?.[0] ?? '';
  let operand = head;
  if (t[head.length] === '(' || (head === '' && t[0] === '(')) {
    let depth = 0;
    for (let j = head.length; j < t.length; j++) {
      if (t[j] === '(') depth++;
      else if (t[j] === ')') depth--;
      if (depth === 0) {
        operand = t.slice(0, j + 1);
        break;
      }
    }
  }
  return operand !== '' && operand.length <= MAX_QUOTED ? operand : undefined;
}
