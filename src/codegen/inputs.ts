/**
 * Reading and checking the inputs of generated functions (README, "Generated modules"): the statements that
 * take each variable out of the caller's object, bind symbolic dimensions to the sizes they
 * find, and check everything else against them, before any loop runs.
 *
 * Each check is one inline test of the right case (`typeof y !== "number"`, `isVector$(b)`),
 * which costs what the test costs; what to say when it fails is worked out by helpers emitted
 * once per module that uses them (`notVector$`, ...), so the functions stay short and every
 * message about one kind of mistake reads the same. A wrong kind of value (a string for a
 * number, nested arrays for a matrix, a missing field) throws a TypeError; a wrong size, a
 * RangeError. Helper names end in `$`, which formula names cannot.
 */
import type { Variable } from '../ir/model.js';
import type { Dim } from '../ir/shape.js';
import { localName, propertyAccess, propertyKey, quoteForString } from './names.js';

/** A string literal for generated code. */
function literal(text: string): string {
  return `"${quoteForString(text)}"`;
}

/** The message of `symmetric$` (a template literal of emitted code). */
const NOT_SYMMETRIC =
  '`${fn}: ${name} is not symmetric: ${name}[${wi}, ${wj}] - ${name}[${wj}, ${wi}] is ' +
  '${a[wi * n + wj] - a[wj * n + wi]} (largest entry ${scale})`';

/** The message of `notOut$` for a value that is not an object (a template literal of emitted code). */
const NOT_A_MATRIX = '`${fn}: ${field} must be a Matrix { rows, cols, data }, not ${kindOf$(value)}${reuse}`';

/** Source of each helper, by name. */
export const CHECKS = {
  kindOf$: `/** A value of the wrong kind, as messages name it: \`an array\`, \`the string "2"\`, \`undefined\`, \`2.5\`. */
function kindOf$(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (ArrayBuffer.isView(value)) return "a typed array";
  if (typeof value === "string") return \`the string \${JSON.stringify(value.length > 20 ? value.slice(0, 20) + "..." : value)}\`;
  if (typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  // undefined, numbers, booleans, bigints
  return String(value);
}`,
  isVector$: `/** Whether \`v\` can be read as a vector: an array, a typed array, or another object with a numeric length. */
function isVector$(v: unknown): v is ArrayLike<number> {
  return typeof v === "object" && v !== null && typeof (v as { length?: unknown }).length === "number";
}`,
  isSize$: `/** Whether \`n\` is a positive integer: a size. */
function isSize$(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) >= 1;
}`,
  isMatrix$: `/** Whether \`m\` can be read as a matrix: { rows, cols, data } with integer sizes (checked against the dimensions after) and array-like data. */
function isMatrix$(m: unknown): m is { rows: number; cols: number; data: ArrayLike<number> } {
  if (typeof m !== "object" || m === null) return false;
  const { rows, cols, data } = m as { rows?: unknown; cols?: unknown; data?: unknown };
  return Number.isInteger(rows) && Number.isInteger(cols) && isVector$(data);
}`,
  notInputs$: `/** Throws for a call whose inputs are not an object: \`LGrad()\`. */
function notInputs$(fn: string, names: string): never {
  throw new TypeError(\`\${fn}: inputs must be an object with \${names}\`);
}`,
  notNumber$: `/** Throws for scalar input \`name\` that is missing or not a number. */
function notNumber$(fn: string, name: string, value: unknown): never {
  if (value === undefined) throw new TypeError(\`\${fn}: missing input \${name}\`);
  throw new TypeError(\`\${fn}: \${name} must be a number, not \${kindOf$(value)}\`);
}`,
  notDimension$: `/** Throws for dimension input \`name\` that is missing or not a positive integer (a missing size is a RangeError, LANGUAGE.md 2). */
function notDimension$(fn: string, name: string, value: unknown): never {
  if (value === undefined) throw new RangeError(\`\${fn}: missing input \${name}\`);
  if (typeof value !== "number") throw new TypeError(\`\${fn}: dimension \${name} must be a positive integer, not \${kindOf$(value)}\`);
  throw new RangeError(\`\${fn}: dimension \${name} is \${value}; it must be a positive integer\`);
}`,
  notVector$: `/** Throws for vector input \`name\` (of \`length\` entries) that is missing or not array-like. */
function notVector$(fn: string, name: string, length: string, value: unknown): never {
  if (value === undefined) throw new TypeError(\`\${fn}: missing input \${name}\`);
  throw new TypeError(\`\${fn}: \${name} must be an array of numbers (length \${length}), not \${kindOf$(value)}\`);
}`,
  notMatrix$: `/** Throws for matrix input \`name\` (\`size\` is "rows x cols") that is missing or not a matrix: says which part is wrong. */
function notMatrix$(fn: string, name: string, size: string, m: unknown): never {
  if (m === undefined) throw new TypeError(\`\${fn}: missing input \${name}\`);
  if (typeof m !== "object" || m === null || isVector$(m)) {
    const what = isVector$(m) && isVector$((m as ArrayLike<unknown>)[0]) ? "an array of rows" : kindOf$(m);
    throw new TypeError(\`\${fn}: \${name} must be { rows, cols, data } (row-major), not \${what}\`);
  }
  const { rows, cols, data } = m as { rows?: unknown; cols?: unknown; data?: unknown };
  for (const [key, n] of [["rows", rows], ["cols", cols]] as const) {
    if (Number.isInteger(n)) continue;
    // A number of the wrong value or a missing size is a wrong size; anything else is a wrong kind of value.
    const message = \`\${fn}: \${name}.\${key} must be a positive integer, not \${kindOf$(n)}\`;
    throw typeof n === "number" || n === undefined ? new RangeError(message) : new TypeError(message);
  }
  throw new TypeError(\`\${fn}: \${name}.data must be an array of numbers (\${size}, row-major), not \${kindOf$(data)}\`);
}`,
  symmetric$: `/**
 * Throws unless the n x n row-major a is symmetric to within a relative 1e-12 of its largest
 * entry: the message names the function, the matrix and its largest asymmetry.
 */
function symmetric$(fn: string, name: string, a: ArrayLike<number>, n: number): void {
  let scale = 0;
  let worst = 0;
  let wi = 0;
  let wj = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = a[i * n + j];
      const y = a[j * n + i];
      const d = Math.abs(x - y);
      if (d > worst) {
        worst = d;
        wi = i;
        wj = j;
      }
      const m = Math.max(Math.abs(x), Math.abs(y));
      if (m > scale) scale = m;
    }
  }
  if (worst > 1e-12 * scale) {
    throw new RangeError(${NOT_SYMMETRIC});
  }
}`,
  cholesky$: `/**
 * The Cholesky factor of the symmetric positive definite n x n row-major a (a = L L^T, L lower
 * triangular, row-major, upper triangle zero), row by row (Cholesky-Crout: every inner loop runs
 * along two rows of L). Throws unless a is symmetric (symmetric$), and unless it is positive
 * definite (a pivot that is not positive), before anything is computed from it.
 */
function cholesky$(fn: string, name: string, a: ArrayLike<number>, n: number): Float64Array {
  symmetric$(fn, name, a, n);
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const li = i * n;
    for (let j = 0; j <= i; j++) {
      const lj = j * n;
      let s = a[li + j];
      for (let k = 0; k < j; k++) s -= l[li + k] * l[lj + k];
      if (j < i) {
        l[li + j] = s / l[lj + j];
      } else {
        if (!(s > 0)) throw new RangeError(\`\${fn}: \${name} is not positive definite\`);
        l[li + i] = Math.sqrt(s);
      }
    }
  }
  return l;
}`,
  notOut$: `/** Throws for \`out.<key>\` of \`fn\` (an ...Into function) that is not the array a result has there. */
function notOut$(fn: string, field: string, value: unknown, matrix: boolean): never {
  const reuse = \`; pass a result of \${fn.slice(0, -"Into".length)} to reuse\`;
  if (value === undefined) throw new TypeError(\`\${fn}: \${field} is missing\${reuse}\`);
  if (!matrix) throw new TypeError(\`\${fn}: \${field} must be a Float64Array, not \${kindOf$(value)}\${reuse}\`);
  if (typeof value !== "object" || value === null) throw new TypeError(${NOT_A_MATRIX});
  throw new TypeError(\`\${fn}: \${field}.data must be a Float64Array, not \${kindOf$((value as { data?: unknown }).data)}\${reuse}\`);
}`,
} satisfies Record<string, string>;

/** A helper of CHECKS. */
type CheckHelper = keyof typeof CHECKS;

/** Where the helpers a module calls are collected (a set of every helper's name, src/codegen/helpers.ts). */
interface HelperUse {
  add(name: CheckHelper): unknown;
}

/** The helpers each helper calls. */
const CALLS: Partial<Record<CheckHelper, readonly CheckHelper[]>> = {
  isMatrix$: ['isVector$'],
  notNumber$: ['kindOf$'],
  notDimension$: ['kindOf$'],
  notVector$: ['kindOf$'],
  notMatrix$: ['kindOf$', 'isVector$'],
  notOut$: ['kindOf$'],
  cholesky$: ['symmetric$'],
};

/** Records that the code calls helper `name` (and what it calls); returns the name. */
function use(helpers: HelperUse, name: CheckHelper): string {
  helpers.add(name);
  for (const callee of CALLS[name] ?? []) helpers.add(callee);
  return name;
}

/** Throws unless the inputs are an object: the first statement of function `fn` (its name), which reads inputs `names`. */
export function checkInputsObject(fn: string, names: readonly string[], helpers: HelperUse): string {
  return `if (typeof input$ !== "object" || input$ === null) ${use(helpers, 'notInputs$')}(${literal(fn)}, ${literal(names.join(', '))});`;
}

/** Throws unless `local` holds a number: a scalar or an index input. `fnExpr`, here and below, is the function's name as a TypeScript expression. */
export function checkNumber(fnExpr: string, local: string, name: string, helpers: HelperUse): string {
  return `if (typeof ${local} !== "number") ${use(helpers, 'notNumber$')}(${fnExpr}, ${literal(name)}, ${local});`;
}

/** Throws unless `local` holds something array-like: a vector input of `length` entries. */
export function checkVector(fnExpr: string, local: string, name: string, length: Dim, helpers: HelperUse): string {
  return `if (!${use(helpers, 'isVector$')}(${local})) ${use(helpers, 'notVector$')}(${fnExpr}, ${literal(name)}, ${literal(String(length))}, ${local});`;
}

/** Throws unless `local` holds { rows, cols, data } with integer sizes: a matrix input. */
export function checkMatrix(
  fnExpr: string,
  local: string,
  name: string,
  rows: Dim,
  cols: Dim,
  helpers: HelperUse,
): string {
  return `if (!${use(helpers, 'isMatrix$')}(${local})) ${use(helpers, 'notMatrix$')}(${fnExpr}, ${literal(name)}, ${literal(`${rows} x ${cols}`)}, ${local});`;
}

/**
 * For a matrix input declared `symmetric(n)` or `spd(n)` (README, "Generated modules"), read into `local`
 * (its data) with size `size`: the statement that throws unless it is symmetric; for spd, the
 * statement that assigns `factor` its Cholesky factor (`const ` + it to declare), which throws
 * unless it is also positive definite.
 */
export function checkStructure(
  fnExpr: string,
  local: string,
  v: Variable,
  size: string,
  factor: string,
  helpers: HelperUse,
): string {
  if (v.structure === 'spd')
    return `${factor} = ${use(helpers, 'cholesky$')}(${fnExpr}, ${literal(v.name)}, ${local}, ${size});`;
  return `${use(helpers, 'symmetric$')}(${fnExpr}, ${literal(v.name)}, ${local}, ${size});`;
}

/** Throws unless `local` holds a positive integer: a dimension that is an input of its own. */
export function checkDimension(fnExpr: string, local: string, name: string, helpers: HelperUse): string {
  return `if (!${use(helpers, 'isSize$')}(${local})) ${use(helpers, 'notDimension$')}(${fnExpr}, ${literal(name)}, ${local});`;
}

/** For `fn` (the name of an ...Into function): throws unless `out$` has an array for every array result, before anything is computed. */
export function checkOutFields(
  fn: string,
  outputs: readonly { key: string; kind: 'scalar' | 'vector' | 'matrix' }[],
  helpers: HelperUse,
): string[] {
  const lines: string[] = [];
  for (const o of outputs) {
    if (o.kind === 'scalar') continue;
    const field = `out$${propertyAccess(o.key, true)}`;
    const array = o.kind === 'matrix' ? `${field}?.data` : field;
    const name = literal(`out${propertyAccess(o.key)}`);
    lines.push(
      `if (!${use(helpers, 'isVector$')}(${array})) ${use(helpers, 'notOut$')}(${literal(fn)}, ${name}, ${field}, ${o.kind === 'matrix'});`,
    );
  }
  return lines.length === 0 ? [] : ['if (out$ !== undefined) {', ...lines, '}'];
}

/** The type of a variable's input field (README, "Generated modules"). */
export function inputTypeOf(v: Variable): string {
  switch (v.kind) {
    case 'scalar':
    case 'index':
      return 'number';
    case 'vector':
      return 'ArrayLike<number>';
    case 'matrix':
      return '{ rows: number; cols: number; data: ArrayLike<number> }';
  }
}

/** What a standalone function reads: its variables and the dimensions it needs. */
export interface InputBinding {
  /** The function's name, in messages. */
  readonly fn: string;
  /** The variables it reads, in declaration order. */
  readonly variables: readonly Variable[];
  /** Symbolic dimensions it needs, in declaration order. */
  readonly dims: readonly string[];
  /** Filled in: the local of each variable, by node id. */
  readonly locals: Map<number, string>;
  /** Filled in: the local of each dimension's size. */
  readonly dimLocals: Map<string, string>;
  /** Filled in: the local of the Cholesky factor of each spd input, by node id (src/codegen/cholesky.ts). */
  readonly factors: Map<number, string>;
  readonly helpers: HelperUse;
}

/** A statement of generated code that throws a `kind` error with the message `parts` (expressions) joined. */
function fail(kind: 'RangeError' | 'TypeError', parts: readonly string[]): string {
  return `throw new ${kind}(${parts.join(' + ')});`;
}

/** `b has length 3`, `W has 3 rows`: the size as part of a message of `fn`. */
function sizeText(fn: string, what: string, sizeExpr: string, unit: 'length' | 'rows' | 'columns'): string[] {
  return unit === 'length'
    ? [literal(`${fn}: ${what} has length `), sizeExpr]
    : [literal(`${fn}: ${what} has `), sizeExpr, literal(` ${unit}`)];
}

/** Throws unless matrix input `name` (read into `m`) has as many entries in `local` (its data) as its sizes say. */
function dataLengthCheck(fn: string, name: string, local: string, m: string): string {
  return `if (${local}.length !== ${m}.rows * ${m}.cols) ${fail('RangeError', [
    literal(`${fn}: ${name}.data has length `),
    `${local}.length`,
    literal(` but ${name} is `),
    `${m}.rows`,
    literal(' x '),
    `${m}.cols`,
  ])}`;
}

/**
 * The statements that read every input of a function, bind each dimension to the first size
 * that determines it and check the rest; and the function's input fields.
 */
export function bindInputs(b: InputBinding): { statements: string[]; fields: { key: string; type: string }[] } {
  const fn = b.fn;
  const name = literal(fn);
  const out: string[] = [];
  const fields: { key: string; type: string }[] = [];
  const names: string[] = [];
  const origin = new Map<string, string>();
  const bindOrCheck = (d: Dim, sizeExpr: string, unit: 'length' | 'rows' | 'columns', variable: string) => {
    const what = `${variable}.${unit === 'length' ? 'length' : unit === 'rows' ? 'rows' : 'cols'}`;
    if (typeof d === 'number') {
      const must = unit === 'length' ? `length ${d}` : `${d} ${unit}`;
      out.push(
        `if (${sizeExpr} !== ${d}) ${fail('RangeError', [...sizeText(fn, variable, sizeExpr, unit), literal(` but must have ${must}`)])}`,
      );
      return;
    }
    const local = b.dimLocals.get(d);
    if (local === undefined) {
      const dimLocal = localName('d', d, b.dimLocals.size);
      b.dimLocals.set(d, dimLocal);
      origin.set(d, what);
      out.push(`const ${dimLocal} = ${sizeExpr};`);
      const parts = [
        literal(`${fn}: dimension ${d} is `),
        dimLocal,
        literal(` (from ${what}); every dimension must be at least 1`),
      ];
      out.push(`if (!(${dimLocal} >= 1)) ${fail('RangeError', parts)}`);
    } else {
      const parts = [
        ...sizeText(fn, variable, sizeExpr, unit),
        literal(` but dimension ${d} is `),
        local,
        literal(` (from ${origin.get(d)})`),
      ];
      out.push(`if (${sizeExpr} !== ${local}) ${fail('RangeError', parts)}`);
    }
  };
  const deferred: (() => string)[] = [];
  b.variables.forEach((v, index) => {
    fields.push({ key: propertyKey(v.name), type: inputTypeOf(v) });
    names.push(v.name);
    const read = `input$${propertyAccess(v.name)}`;
    const local = localName('v', v.name, index);
    b.locals.set(v.node.id, local);
    switch (v.kind) {
      case 'scalar':
      case 'index':
        out.push(`const ${local} = ${read};`, checkNumber(name, local, v.name, b.helpers));
        if (v.kind === 'index') {
          deferred.push(() => {
            const bound = typeof v.bound === 'number' ? String(v.bound) : b.dimLocals.get(v.bound!)!;
            return `if (!Number.isInteger(${local}) || ${local} < 0 || ${local} >= ${bound}) ${fail('RangeError', [
              literal(`${fn}: ${v.name} is `),
              local,
              literal(` but must be an integer with 0 <= ${v.name} < ${v.bound} = `),
              bound,
            ])}`;
          });
        }
        break;
      case 'vector':
        out.push(`const ${local} = ${read};`, checkVector(name, local, v.name, v.shape.rows, b.helpers));
        bindOrCheck(v.shape.rows, `${local}.length`, 'length', v.name);
        break;
      case 'matrix': {
        const m = `${local}$m`;
        out.push(`const ${m} = ${read};`, checkMatrix(name, m, v.name, v.shape.rows, v.shape.cols, b.helpers));
        bindOrCheck(v.shape.rows, `${m}.rows`, 'rows', v.name);
        bindOrCheck(v.shape.cols, `${m}.cols`, 'columns', v.name);
        out.push(`const ${local} = ${m}.data;`);
        out.push(dataLengthCheck(fn, v.name, local, m));
        if (v.structure !== undefined) {
          const factor = `${local}$chol`;
          if (v.structure === 'spd') b.factors.set(v.node.id, factor);
          // After every size is checked: the deferred checks run before anything is computed.
          deferred.push(() => checkStructure(name, local, v, `${m}.rows`, `const ${factor}`, b.helpers));
        }
        break;
      }
    }
  });
  // Dimensions no input determines are inputs themselves (README, "Generated modules").
  for (const d of b.dims) {
    if (b.dimLocals.has(d)) continue;
    const dimLocal = localName('d', d, b.dimLocals.size);
    b.dimLocals.set(d, dimLocal);
    fields.push({ key: propertyKey(d), type: 'number' });
    names.push(d);
    out.push(`const ${dimLocal} = input$${propertyAccess(d)};`, checkDimension(name, dimLocal, d, b.helpers));
  }
  for (const check of deferred) out.push(check());
  return { statements: names.length === 0 ? out : [checkInputsObject(fn, names, b.helpers), ...out], fields };
}
