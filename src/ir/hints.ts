/**
 * Suggestions in error messages: the nearest name for a typo, what to write instead of a
 * function from NumPy or PyTorch habits, and the declaration an undeclared name's use implies.
 */
import { indexExprs, type BinaryOp, type Expr } from '../syntax/ast.js';
import type { Fix } from '../diagnostics/errors.js';
import type { Span } from '../diagnostics/source.js';
import { estimateCall as estimateFunctionCall, FUNCTION_NAMES, isFunctionName, keepsShape } from '../ops/functions.js';
import {
  broadcastShapes,
  describeShape,
  dimProduct,
  isColumn,
  isScalar,
  SCALAR,
  sameShape,
  shape,
  transposeShape,
  type Dim,
  type Shape,
} from './shape.js';

/** Edit distance (with transpositions), for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest candidate, if it is close enough to be a likely typo: at most one edit per
 * three characters (at least one), and never a replacement of the whole name (`q` is not
 * a typo of `x`).
 */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const allowed = Math.max(1, Math.floor([...name].length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) > allowed) continue;
    const dist = editDistance(name.toLowerCase(), c.toLowerCase());
    if (dist >= Math.max([...name].length, [...c].length)) continue;
    if (dist < bestDistance || (dist === bestDistance && best !== undefined && c < best)) {
      best = c;
      bestDistance = dist;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/** What is known of a name that is not in scope where it is used. */
export interface UnknownName {
  readonly name: string;
  /** Where the file introduces the name below its use, if it does. */
  readonly later?: { readonly kind: 'declared' | 'defined' | 'dimension'; readonly line: number };
  /** A keyword or a function name. */
  readonly reserved: boolean;
  /** Names in scope, for a typo. */
  readonly candidates: readonly string[];
  /** The type a declaration of the name would have. */
  readonly type: () => string;
}

/** The name an unknown name is a typo of, when its message says "did you mean" (the quick fix). */
export function unknownNameReplacement(u: UnknownName): string | undefined {
  if (u.later !== undefined || u.name === 'pi' || isFunctionName(u.name) || u.reserved) return undefined;
  return nearest(u.name, u.candidates);
}

export function unknownNameMessage(u: UnknownName): string {
  const name = u.name;
  switch (u.later?.kind) {
    case 'declared':
      return `'${name}' is used before its declaration on line ${u.later.line}; declare it above this line`;
    case 'defined':
      return `'${name}' is used before its definition on line ${u.later.line}; define it above this line`;
    case 'dimension':
      return `'${name}' is used before line ${u.later.line}, where it first names a dimension; declare a variable of that dimension above this line`;
    case undefined:
      break;
  }
  if (name === 'pi') return `'pi' is a constant, not a variable or a definition`;
  if (isFunctionName(name)) return `'${name}' is a function, not a variable or a definition`;
  if (u.reserved) return `'${name}' is a reserved word, not a variable or a definition`;
  const close = nearest(name, u.candidates);
  if (close !== undefined) return `unknown name '${name}'; did you mean '${close}'?`;
  return `unknown name '${name}'; declare it first, for example '${name} : ${u.type()}'`;
}

// ------------------------------------------------------------ the user's text

/** Longest text of the user's quoted in a suggestion; a placeholder stands for longer text. */
const MAX_QUOTED = 24;

/** The user's text of a short operand, for suggestions (parenthesized unless it is one operand); a placeholder when it is long. */
export function operandText(source: string, e: Expr, placeholder: string): string {
  const t = source.slice(e.span.start, e.span.end).replace(/\s+/g, ' ');
  if (t.length > MAX_QUOTED) return placeholder;
  const simple =
    e.kind === 'name' ||
    e.kind === 'num' ||
    e.kind === 'call' ||
    e.kind === 'norm' ||
    e.kind === 'index' ||
    e.kind === 'transpose' ||
    t.startsWith('(');
  return simple ? t : `(${t})`;
}

/** An argument of a call as the user wrote it: `text` inside parentheses, `operand` beside an operator. */
export interface Argument {
  readonly text: string;
  readonly operand: string;
}

/** An argument from the syntax tree. */
function argumentOf(source: string, e: Expr, placeholder: string): Argument {
  const text = source.slice(e.span.start, e.span.end).replace(/\s+/g, ' ');
  return text.length > MAX_QUOTED
    ? { text: placeholder, operand: placeholder }
    : { text, operand: operandText(source, e, placeholder) };
}

/** An argument from text that did not parse (`np.exp(W x)`): parenthesized beside an operator unless it is one name, number or call. */
export function argumentFromText(raw: string, placeholder: string): Argument {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text.length > MAX_QUOTED || text === '') return { text: placeholder, operand: placeholder };
  const one = /^(?:[0-9]+(?:\.[0-9]+)?|[\p{L}_][\p{L}\p{M}\p{Nd}_]*(?:\(.*\))?|\(.*\))$/u.test(text);
  return { text, operand: one ? text : `(${text})` };
}

// ------------------------------------------------------- shapes an operator refuses

const isMatrixShape = (s: Shape) => s.rows !== 1 && s.cols !== 1;

/**
 * The error for `e`, whose operands have shapes `a` and `b`, when its operator refuses them
 * with a likely fix (`u v` of two vectors: `u^T v`); undefined when the operator takes them or
 * the graph's own shape error says enough.
 */
export function operatorMistake(
  source: string,
  e: Extract<Expr, { kind: 'binary' }>,
  a: Shape,
  b: Shape,
): { message: string; span: Span } | undefined {
  const text = (x: Expr, placeholder: string) => operandText(source, x, placeholder);
  const [sa, sb] = [describeShape(a), describeShape(b)];
  const at = (message: string, span = e.span) => ({ message, span });
  switch (e.op) {
    case '+':
    case '-':
    case '.*':
    case './':
    case '.^':
      return broadcastMistake(e, a, b, text);
    case 'kron':
      return undefined;
    case '*':
    case 'juxt':
      if (isScalar(a) || isScalar(b)) return undefined;
      if (isColumn(a) && isColumn(b) && a.rows === b.rows) {
        const [u, v] = [text(e.left, 'u'), text(e.right, 'v')];
        return at(`cannot multiply ${sa} by ${sb}; did you mean ${u}^T ${v} or ${u} .* ${v}?`);
      }
      // `u A` with u a column that fits the rows of A: u^T A was meant.
      if (isColumn(a) && !isColumn(b) && a.rows === b.rows)
        return at(
          `cannot multiply ${sa} by ${sb}: 1 != ${String(b.rows)}; did you mean ${text(e.left, 'u')}^T ${text(e.right, 'A')}?`,
        );
      return undefined;
    case '/':
      if (isScalar(b) || sameShape(a, b)) return undefined;
      return at(
        `cannot divide ${sa} by ${sb}: '/' divides by a scalar or between equal shapes; for a broadcast quotient use './'`,
      );
    case '^': {
      const elementwise = `for an elementwise power use ${text(e.left, 'x')} .^ ${text(e.right, 'p')}`;
      // A^-1 of a square matrix: the inverse was meant, most likely.
      const inverse =
        !isScalar(a) && a.rows === a.cols && text(e.right, 'p').replace(/[()\s]/g, '') === '-1'
          ? `for the inverse use inv(${text(e.left, 'A')}), `
          : '';
      if (!isScalar(a))
        return at(`'^' is the power of a scalar, but ${text(e.left, 'the base')} is ${sa}; ${inverse}${elementwise}`);
      if (!isScalar(b)) return at(`the exponent of '^' must be a scalar, not ${sb}; ${elementwise}`, e.right.span);
      return undefined;
    }
  }
}

/** Refuses an elementwise operation whose operand shapes do not broadcast (README, "The formula language"). */
function broadcastMistake(
  e: Extract<Expr, { kind: 'binary' }>,
  a: Shape,
  b: Shape,
  text: (x: Expr, placeholder: string) => string,
): { message: string; span: Span } | undefined {
  if (broadcastShapes(a, b) !== undefined) return undefined;
  const [sa, sb] = [describeShape(a), describeShape(b)];
  const what =
    e.op === '+'
      ? `add ${sa} and ${sb}`
      : e.op === '-'
        ? `subtract ${sb} from ${sa}`
        : e.op === '.*'
          ? `multiply ${sa} and ${sb} elementwise`
          : e.op === './'
            ? `divide ${sa} by ${sb} elementwise`
            : `raise ${sa} to the power ${sb} elementwise`;
  // A vector that would repeat across a matrix if it were transposed.
  const transposed = (x: Expr, placeholder: string) =>
    x.kind === 'transpose' ? text(x.arg, placeholder) : `${text(x, placeholder)}^T`;
  let hint = '';
  if (isMatrixShape(b) && !isMatrixShape(a) && broadcastShapes(transposeShape(a), b) !== undefined)
    hint = `; did you mean ${transposed(e.left, 'the transpose')}?`;
  else if (isMatrixShape(a) && !isMatrixShape(b) && broadcastShapes(a, transposeShape(b)) !== undefined)
    hint = `; did you mean ${transposed(e.right, 'the transpose')}?`;
  return { message: `cannot ${what}: the shapes differ and do not broadcast${hint}`, span: e.span };
}

// --------------------------------------------------- functions gradc writes otherwise

const arg = (args: readonly Argument[], i: number, placeholder: string) =>
  args[i] ?? { text: placeholder, operand: placeholder };

/**
 * Functions of NumPy, PyTorch and textbooks that gradc writes otherwise, with what to write
 * instead (after "write"), or undefined when the call has no equivalent. `matrix` says that
 * the first argument is known to be a matrix.
 */
const INSTEAD: Readonly<Record<string, (args: readonly Argument[], matrix: boolean) => string | undefined>> = {
  // norm2 first: a user who meant the 2-norm and followed a suggestion of norm1 would silently get the 1-norm.
  norm: (args) => {
    const x = arg(args, 0, 'x').text;
    return `norm2(${x}) or ||${x}|| for the Euclidean norm, norm1(${x}) for the 1-norm`;
  },
  transpose: (args) => `${arg(args, 0, 'A').operand}^T`,
  // np.max, torch.max, np.amax: one argument is gradc's max(x); with a second (an axis there), the
  // largest entry is still max(x), since gradc's max(a, b) is elementwise, as np.maximum.
  max: (args) => extremumOf('max', args, false),
  amax: (args) => extremumOf('max', args, false),
  min: (args) => extremumOf('min', args, false),
  amin: (args) => extremumOf('min', args, false),
  maximum: (args) => extremumOf('max', args, true),
  minimum: (args) => extremumOf('min', args, true),
  fmax: (args) => extremumOf('max', args, true),
  fmin: (args) => extremumOf('min', args, true),
  log_softmax: (args, matrix) => logSoftmaxOf(args, matrix),
  logsoftmax: (args, matrix) => logSoftmaxOf(args, matrix),
  matmul: (args) => `${arg(args, 0, 'A').operand} ${arg(args, 1, 'x').operand}`,
  inverse: (args) => `inv(${arg(args, 0, 'A').text})`,
  determinant: (args) => `det(${arg(args, 0, 'A').text})`,
  slogdet: (args) => `logdet(${arg(args, 0, 'A').text}) for log |det|`,
  logabsdet: (args) => `logdet(${arg(args, 0, 'A').text})`,
  // np.linalg.solve(A, b): solved with A's LU factorisation all the same.
  solve: (args) => `inv(${arg(args, 0, 'A').text}) ${arg(args, 1, 'b').operand}`,
};

/** max(0, x) and max(x, 0) are relu(x). */
function reluOf(args: readonly Argument[]): string | undefined {
  if (args.length !== 2) return undefined;
  const zero = (a: Argument) => /^0(?:\.0*)?$/.test(a.text);
  const x = zero(args[0]!) ? args[1]! : zero(args[1]!) ? args[0]! : undefined;
  return x === undefined ? undefined : `relu(${x.text})`;
}

/** gradc's max or min for another library's: elementwise of two arguments (`pairwise`), else the largest or smallest entry. */
function extremumOf(kind: 'max' | 'min', args: readonly Argument[], pairwise: boolean): string | undefined {
  if (!pairwise) {
    const x = arg(args, 0, 'x').text;
    return args.length <= 1
      ? `${kind}(${x})`
      : `${kind}(${x}) for the ${kind === 'max' ? 'largest' : 'smallest'} entry (gradc's ${kind}(a, b) is elementwise)`;
  }
  if (args.length !== 2) return undefined;
  const relu = kind === 'max' ? reluOf(args) : undefined;
  const call = `${kind}(${args[0]!.text}, ${args[1]!.text})`;
  return relu === undefined ? call : `${call} or ${relu}`;
}

/**
 * NumPy's sum(X, axis) and mean(X, axis), which gradc writes as products with ones: axis 0 gives
 * a row of the columns' sums, ones(m)^T X, and axis 1 a column of the rows' sums, X ones(n).
 * Undefined unless the call is sum or mean of two arguments, the second 0 or 1.
 */
export function axisMessage(source: string, call: Extract<Expr, { kind: 'call' }>, scope: Scope): string | undefined {
  const fn = call.callee;
  const axis = call.args[1];
  if (
    (fn !== 'sum' && fn !== 'mean') ||
    call.args.length !== 2 ||
    axis?.kind !== 'num' ||
    (axis.value !== 0 && axis.value !== 1)
  )
    return undefined;
  const x = argumentOf(source, call.args[0]!, 'X').operand;
  const s = estimate(call.args[0]!, scope);
  return `${fn} takes 1 argument (all the entries); ${axisProduct(fn, x, axis.value, s?.rows ?? 'm', s?.cols ?? 'n')}`;
}

/** `for sum(X, axis=0) write ones(m)^T X (the sum of each column, a row)`. */
function axisProduct(fn: 'sum' | 'mean', x: string, axis: 0 | 1, rows: Dim, cols: Dim): string {
  const what = fn === 'sum' ? 'sum' : 'mean';
  const product = axis === 0 ? `ones(${rows})^T ${x}` : `${x} ones(${cols})`;
  const scaled = fn === 'sum' ? product : `${product} / ${axis === 0 ? rows : cols}`;
  const result = axis === 0 ? `the ${what} of each column, a row` : `the ${what} of each row, a column`;
  return `for NumPy's ${fn}(X, axis=${axis}) write ${scaled} (${result})`;
}

function logSoftmaxOf(args: readonly Argument[], matrix: boolean): string {
  const z = arg(args, 0, matrix ? 'Z' : 'z');
  // logsumexp of a matrix sums all its entries, while softmax works column by column.
  return matrix
    ? `log(softmax(${z.text})) (softmax works column by column)`
    : `${z.operand} - logsumexp(${z.text}) or log(softmax(${z.text}))`;
}

/**
 * What to write instead of a call of `fn` that gradc does not have, if its meaning is known.
 * `args` is undefined for a name that is not called (`np.pi`). `prefixed` says that a library
 * prefix came off the name, so a function gradc has is its own suggestion (`np.exp(x)`: `exp(x)`).
 */
export function instead(
  fn: string,
  args: readonly Argument[] | undefined,
  options: { matrix?: boolean; prefixed?: boolean } = {},
): string | undefined {
  const rule = Object.hasOwn(INSTEAD, fn) ? INSTEAD[fn] : undefined;
  if (rule !== undefined) return rule(args ?? [], options.matrix ?? false);
  if (options.prefixed !== true) return undefined;
  if (fn === 'pi' && args === undefined) return 'pi';
  if (isFunctionName(fn)) return `${fn}(${(args ?? [{ text: 'x', operand: 'x' }]).map((a) => a.text).join(', ')})`;
  return undefined;
}

/** What a name in scope is, for the shape of an undeclared name's use and of a function's argument. */
export interface Scope {
  /** The shape of a declared or defined name, if known. */
  shapeOf(name: string): Shape | undefined;
  /** Whether the file uses the name anywhere, so a suggested dimension must not be it. */
  isUsed(name: string): boolean;
}

/** The message for a call of an unknown function: what to write instead, or the nearest function. */
export function unknownFunctionMessage(source: string, call: Extract<Expr, { kind: 'call' }>, scope: Scope): string {
  const fn = call.callee;
  const first = call.args[0];
  const shapeOfFirst = first === undefined ? undefined : estimate(first, scope);
  const matrix = shapeOfFirst !== undefined && isMatrixShape(shapeOfFirst);
  const suggestion = instead(
    fn,
    call.args.map((a) => argumentOf(source, a, 'x')),
    { matrix },
  );
  if (suggestion !== undefined) return `unknown function '${fn}'; write ${suggestion}`;
  const close = nearest(fn, FUNCTION_NAMES);
  return close !== undefined ? `unknown function '${fn}'; did you mean '${close}'?` : `unknown function '${fn}'`;
}

/** Functions whose suggestion (`INSTEAD`) is an expression that replaces the whole call. */
const REPLACES_CALL = new Set(['transpose', 'matmul', 'inverse', 'determinant', 'logabsdet', 'solve']);

/**
 * The edit that fixes a call of an unknown function, when the message names one certain
 * replacement: `sigmod(x)` → `sigmoid(x)`, `norm(x)` → `norm2(x)` (the Euclidean norm, the
 * suggestion the message puts first), `transpose(A)` → `A^T`.
 */
export function unknownFunctionFix(source: string, call: Extract<Expr, { kind: 'call' }>): Fix | undefined {
  const fn = call.callee;
  if (fn === 'norm') return { span: call.calleeSpan, text: 'norm2' };
  if (REPLACES_CALL.has(fn)) {
    const suggestion = instead(
      fn,
      call.args.map((a) => argumentOf(source, a, 'x')),
    );
    // A long argument is a placeholder in the message; the fix needs the real text.
    if (suggestion === undefined || call.args.some((a) => argumentOf(source, a, '\u0000').text === '\u0000'))
      return undefined;
    return { span: call.span, text: suggestion };
  }
  if (Object.hasOwn(INSTEAD, fn)) return undefined;
  const close = nearest(fn, FUNCTION_NAMES);
  return close === undefined ? undefined : { span: call.calleeSpan, text: close };
}

// ------------------------------------------- the declaration an undeclared name's use implies

/** A shape known in part: what the use of a name says about its rows and columns. */
interface PartialShape {
  readonly rows?: Dim;
  readonly cols?: Dim;
}

const UNKNOWN: PartialShape = {};

/** A call of a value, `A(x + y)`, is the product `A (x + y)` (as elaborate.ts reads it). */
function asProduct(e: Extract<Expr, { kind: 'call' }>, scope: Scope): Extract<Expr, { kind: 'binary' }> | undefined {
  if (isFunctionName(e.callee) || e.args.length !== 1 || scope.shapeOf(e.callee) === undefined) return undefined;
  return {
    kind: 'binary',
    op: 'juxt',
    left: { kind: 'name', name: e.callee, span: e.calleeSpan },
    right: e.args[0]!,
    opSpan: e.calleeSpan,
    span: e.span,
  };
}

/** The shape of an expression from the names in scope, without checking it; undefined when unknown. */
function estimate(e: Expr, scope: Scope): Shape | undefined {
  switch (e.kind) {
    case 'num':
    case 'norm':
    case 'index':
      return SCALAR;
    case 'name':
      return e.name === 'pi' ? SCALAR : scope.shapeOf(e.name);
    case 'unary':
      return estimate(e.arg, scope);
    case 'transpose': {
      const s = estimate(e.arg, scope);
      return s === undefined ? undefined : transposeShape(s);
    }
    case 'binary': {
      const a = estimate(e.left, scope);
      const b = estimate(e.right, scope);
      return a === undefined || b === undefined ? undefined : combined(e.op, a, b);
    }
    case 'call':
      return estimateCall(e, scope);
  }
}

/** The shape of `a op b`, or undefined if they do not combine. */
function combined(op: BinaryOp, a: Shape, b: Shape): Shape | undefined {
  switch (op) {
    case '+':
    case '-':
    case '.*':
    case './':
    case '.^':
      return broadcastShapes(a, b);
    case '^':
      return SCALAR;
    case 'kron':
      return shape(dimProduct(a.rows, b.rows), dimProduct(a.cols, b.cols));
    case '/':
      return isScalar(b) || sameShape(a, b) ? a : undefined;
    case '*':
    case 'juxt':
      if (isScalar(a)) return b;
      if (isScalar(b)) return a;
      return a.cols === b.rows ? shape(a.rows, b.cols) : undefined;
  }
}

function estimateCall(e: Extract<Expr, { kind: 'call' }>, scope: Scope): Shape | undefined {
  const product = asProduct(e, scope);
  if (product !== undefined) return estimate(product, scope);
  const dim = (a: Expr | undefined): Dim | undefined =>
    a?.kind === 'num' ? a.value : a?.kind === 'name' ? a.name : undefined;
  // A function of the language estimates its value from its arguments (its entry in the op
  // table); of a call of anything else nothing is known.
  return estimateFunctionCall(e.callee, {
    count: e.args.length,
    shape: (i) => (e.args[i] === undefined ? undefined : estimate(e.args[i], scope)),
    dim: (i) => dim(e.args[i]),
  });
}

/** What `parent` requires of its operand `child`, given what is required of `parent` itself. */
function expectedOf(child: Expr, parent: Expr, required: PartialShape, scope: Scope): PartialShape {
  switch (parent.kind) {
    case 'num':
    case 'name':
    case 'norm':
    case 'index':
      return UNKNOWN;
    case 'unary':
      return required;
    case 'transpose':
      return {
        ...(required.cols !== undefined ? { rows: required.cols } : {}),
        ...(required.rows !== undefined ? { cols: required.rows } : {}),
      };
    case 'call': {
      const product = asProduct(parent, scope);
      if (product !== undefined)
        return expectedOf(child === parent.args[0] ? product.right : product.left, product, required, scope);
      if (keepsShape(parent.callee)) return required;
      if (parent.callee === 'dot' && parent.args.length === 2)
        return estimate(parent.args[child === parent.args[0] ? 1 : 0]!, scope) ?? UNKNOWN;
      return UNKNOWN;
    }
    case 'binary':
      return expectedOfOperand(child === parent.left, parent, required, scope);
  }
}

/** What `parent` requires of its left or right operand. */
function expectedOfOperand(
  left: boolean,
  parent: Extract<Expr, { kind: 'binary' }>,
  required: PartialShape,
  scope: Scope,
): PartialShape {
  const sibling = estimate(left ? parent.right : parent.left, scope);
  const matters = sibling !== undefined && !isScalar(sibling);
  switch (parent.op) {
    case '+':
    case '-':
    case '.*':
    case './':
      return matters ? sibling : required;
    case '.^':
    case '/':
      return !left ? SCALAR : matters ? sibling : required;
    case '^':
      return SCALAR;
    case 'kron':
      return UNKNOWN;
    case '*':
    case 'juxt': {
      if (sibling !== undefined && isScalar(sibling)) return required;
      // `child sibling`: child's columns are sibling's rows; `sibling child`: child's rows are sibling's columns.
      const inner = sibling === undefined ? undefined : left ? sibling.rows : sibling.cols;
      const outer = left ? required.rows : required.cols;
      const [rows, cols] = left ? [outer, inner] : [inner, outer];
      return { ...(rows !== undefined ? { rows } : {}), ...(cols !== undefined ? { cols } : {}) };
    }
  }
}

/** The operands of an expression, in order. */
function operandsOf(e: Expr): readonly Expr[] {
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

/** What the expression requires of the name at `at`, or undefined if the name is not in it. */
function requiredAt(e: Expr, at: Span, required: PartialShape, scope: Scope): PartialShape | undefined {
  if (e.kind === 'name' && e.span.start === at.start) return required;
  for (const child of operandsOf(e)) {
    if (child.span.start > at.start || child.span.end < at.end) continue;
    const found = requiredAt(child, at, expectedOf(child, e, required, scope), scope);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A dimension name the file does not use, for a size nothing determines. */
function freshDimension(scope: Scope, avoid: readonly string[]): string {
  const candidates = ['m', 'n', 'k', 'p', 'q', 'r', 'd'];
  const free = (d: string) => !scope.isUsed(d) && !avoid.includes(d);
  const found = candidates.find(free);
  if (found !== undefined) return found;
  for (let i = 1; ; i++) if (free(`m${i}`)) return `m${i}`;
}

/**
 * The type to suggest in the declaration of `name`, undeclared, at `at` in `root`, from its use:
 * `w^T x` with x a vector(n) suggests vector(n), `W x + b` with b a vector(h) matrix(h, n).
 * A scalar when the use says nothing.
 */
export function suggestedType(root: Expr, name: string, at: Span, scope: Scope): string {
  const p = requiredAt(root, at, UNKNOWN, scope) ?? UNKNOWN;
  if (p.rows !== undefined && p.cols !== undefined) {
    if (p.rows === 1 && p.cols === 1) return 'scalar';
    return p.cols === 1 ? `vector(${p.rows})` : `matrix(${p.rows}, ${p.cols})`;
  }
  // Known rows: a column, as in `A w`. Known columns: a matrix with rows of a new dimension, as in `W x`.
  if (p.rows !== undefined && p.rows !== 1) return `vector(${p.rows})`;
  if (p.cols !== undefined && p.cols !== 1)
    return `matrix(${freshDimension(scope, [name, String(p.cols)])}, ${p.cols})`;
  return 'scalar';
}
