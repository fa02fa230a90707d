/**
 * Syntax errors that come from the habits of other notations (NumPy, PyTorch, C), with what
 * gradc writes instead: `A @ x`, `A.T`, `np.exp(x)`, `// a comment`.
 */
import type { Fix } from '../diagnostics/errors.js';
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
  /** The edit that makes the text gradc's notation, when it is certain. */
  readonly fix?: Fix;
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
export function foreignSyntax(
  text: string,
  at: number,
  start: number,
  end: number,
  libraryCall: LibraryCall,
): Hint | undefined {
  const c = text[at];
  const before = text.slice(start, at);
  if (c === '/' && (text[at + 1] === '/' || (at > start && text[at - 1] === '/'))) {
    const from = text[at + 1] === '/' ? at : at - 1;
    const span = { start: from, end: from + 2 };
    return { message: `'//' does not start a comment; a comment starts with #`, span, fix: { span, text: '#' } };
  }
  if (c === '@') {
    const a = trailingOperand(before) ?? 'A';
    const x = leadingOperand(text.slice(at + 1, end)) ?? 'x';
    // The fix writes juxtaposition: `A @ x` becomes `A x`, `A@x` becomes `A x`.
    let [from, to] = [at, at + 1];
    while (from > start && /[ \t]/.test(text[from - 1]!)) from--;
    while (to < end && /[ \t]/.test(text[to]!)) to++;
    const fix = { span: { start: from, end: to }, text: ' ' };
    return {
      message: `'@' is not an operator; write the matrix product as ${a} ${x} or ${a} * ${x}`,
      span: { start: at, end: at + 1 },
      fix,
    };
  }
  if (c === '=') return keywordArgument(text, at, start);
  if (c !== '.') return undefined;
  // `.T` first: `tf.T` is more likely the transpose of a matrix named tf than a TensorFlow function.
  if (text[at + 1] === 'T' && !IDENT_CHAR.test(text[at + 2] ?? '')) {
    const a = trailingOperand(before) ?? 'A';
    const span = { start: at, end: at + 2 };
    return { message: `'.T' is not a transpose; write ${a}^T`, span, fix: { span, text: '^T' } };
  }
  const libraryStart = runStart(before, before.length);
  if (LIBRARIES.has(before.slice(libraryStart)) && before[libraryStart - 1] !== '.')
    return libraryHint(text, start + libraryStart, at, end, libraryCall);
  return methodHint(text, at, start, end);
}

/** Reductions that NumPy and PyTorch also call as methods, `X.sum(0)`. */
const METHODS = new Set(['sum', 'mean', 'max', 'min']);

/**
 * NumPy's sum and mean along an axis as gradc writes them, products with ones: axis 0 gives a
 * row of the columns' sums, `ones(m)^T X` (m the rows of X), axis 1 a column of the rows' sums.
 */
function alongAxis(fn: string, x: string, axis: string | undefined): string {
  if (fn !== 'sum' && fn !== 'mean')
    return axis === undefined ? `${fn}(${x})` : `${fn}(${x}) for the ${fn === 'max' ? 'largest' : 'smallest'} entry`;
  const rows = fn === 'sum' ? `ones(m)^T ${x}` : `ones(m)^T ${x} / m`;
  const cols = fn === 'sum' ? `${x} ones(n)` : `${x} ones(n) / n`;
  const each = fn === 'sum' ? 'sum' : 'mean';
  if (axis === '0') return `${rows} for the ${each} of each column (a row; m is the number of rows of ${x})`;
  if (axis === '1' || axis === '-1')
    return `${cols} for the ${each} of each row (a column; n is the number of columns of ${x})`;
  return `${fn}(${x}) for all the entries, ${rows} for each column's, ${cols} for each row's (X m x n)`;
}

/** `X.sum(0)`, `X.mean(axis=1)`, `x.max()`: NumPy and PyTorch methods, as gradc's functions. */
function methodHint(text: string, dot: number, start: number, end: number): Hint | undefined {
  const fn = MEMBERS.exec(text.slice(dot + 1, end))?.[0];
  if (fn === undefined || !METHODS.has(fn)) return undefined;
  const args = callArguments(text, dot + 1 + fn.length, end, true);
  if (args === undefined) return undefined;
  const x = trailingOperand(text.slice(start, dot)) ?? 'X';
  const axis = args[0]?.replace(/^(?:axis|dim)\s*=\s*/, '');
  return {
    message: `'.${fn}(...)' is not a function call here; write ${alongAxis(fn, x, axis)}`,
    span: { start: dot, end: dot + 1 + fn.length },
  };
}

/** `sum(X, axis=0)`: keyword arguments; sum and mean along an axis are products with ones. */
function keywordArgument(text: string, at: number, start: number): Hint | undefined {
  const before = text.slice(start, at);
  const keyStart = runStart(before, before.trimEnd().length);
  const key = before.slice(keyStart).trim();
  if (key === '') return undefined;
  // The call the keyword is in: the name before the innermost open parenthesis.
  let depth = 0;
  let open = -1;
  for (let i = keyStart - 1; i >= 0; i--) {
    if (before[i] === ')') depth++;
    else if (before[i] === '(') {
      if (depth === 0) {
        open = i;
        break;
      }
      depth--;
    }
  }
  if (open < 0) return undefined;
  const fn = before.slice(runStart(before, open), open);
  const span = { start: start + keyStart, end: at + 1 };
  const args = callArguments(text, start + open, text.length, true) ?? [];
  const x = args[0] !== undefined && !/=/.test(args[0]) && args[0].length <= 40 ? args[0] : 'X';
  const operand = /^[\p{L}_][\p{L}\p{M}\p{Nd}_]*$/u.test(x) ? x : `(${x})`;
  const value = /^\s*(-?[0-9]+)/.exec(text.slice(at + 1))?.[1];
  if ((key === 'axis' || key === 'dim') && METHODS.has(fn)) {
    return { message: `functions take no keyword arguments ('${key}='); write ${alongAxis(fn, operand, value)}`, span };
  }
  return { message: `functions take no keyword arguments ('${key}=')`, span };
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
  const message =
    suggestion !== undefined
      ? `functions take no '${prefix}' prefix; write ${suggestion}`
      : `functions take no '${prefix}' prefix, and gradc has no function '${fn}'`;
  // `np.exp(x)`: gradc has the function itself, so dropping the prefix is the whole fix.
  const own = suggestion !== undefined && suggestion.startsWith(`${fn}(`);
  return own ? { message, span, fix: { span, text: '' } } : { message, span };
}

/**
 * The positional arguments of a call whose name ends at `from` (keyword arguments such as `dim=0`
 * left out unless `keywords`), or undefined if no `(` follows.
 */
function callArguments(text: string, from: number, end: number, keywords = false): string[] | undefined {
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
  return args.map((a) => a.trim()).filter((a) => a !== '' && (keywords || !KEYWORD_ARGUMENT.test(a)));
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
