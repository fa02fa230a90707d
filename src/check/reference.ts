/**
 * The reference evaluator: the IR's meaning, computed with mathjs on plain arrays of rows.
 * It shares nothing with the code generator (elementwise functions are mathjs's, or their
 * table entry's separate `reference` definition, never its `eval` or `ts`), so the tests can
 * check derived gradients and generated modules against an independent account of what every
 * node means. Slow and simple on purpose: one table entry per op.
 */
import mathjs from 'mathjs/lib/browser/math.js';
import type { Node, OpName } from '../ir/node.js';
import { dimFactors, type Dim, type Shape } from '../ir/shape.js';
import { UNARY, unaryFn, type UnaryFn } from '../ops/elementwise.js';

/**
 * Our own instance, so the configuration is ours. `predictable`: sqrt, log, asin, ... of values
 * outside their real domain give NaN, not complex numbers. It comes from mathjs's one-file
 * bundle, which creates each function when first used: importing the package's ESM entry
 * loads some 700 modules and creates every function, about 1 s before anything is checked.
 */
const math = mathjs.create({ matrix: 'Array', predictable: true });

/** A value: rows of numbers; a scalar is 1 x 1, a vector(n) is n x 1. */
export type Value = number[][];

/** An input: a number for a scalar or an index, rows for a vector or a matrix. */
export type InputValue = number | Value;

export interface Env {
  /** Variables by name; index variables as integers. */
  readonly values: ReadonlyMap<string, InputValue>;
  /** The size of every dimension name. */
  readonly dims: ReadonlyMap<string, number>;
  /**
   * Values that replace nodes (by id) wherever they occur: how a tests perturbs an
   * intermediate definition to check the adjoint of that definition.
   */
  readonly overrides?: ReadonlyMap<number, Value>;
}

export class EvaluationError extends Error {}

/** The concrete size of a dimension. */
export function dimSize(d: Dim, dims: ReadonlyMap<string, number>): number {
  if (typeof d === 'number') return d;
  const { coefficient, names } = dimFactors(d);
  return names.reduce((product, name) => {
    const size = dims.get(name);
    if (size === undefined) throw new EvaluationError(`no size given for dimension ${name}`);
    return product * size;
  }, coefficient);
}

export function concreteShape(s: Shape, dims: ReadonlyMap<string, number>): [number, number] {
  return [dimSize(s.rows, dims), dimSize(s.cols, dims)];
}

export function scalar(v: number): Value {
  return [[v]];
}

export function shapeOf(v: Value): [number, number] {
  return [v.length, v[0]?.length ?? 0];
}

/** The matrix of `rows` x `cols` entries f(i, j). */
export function tabulate(rows: number, cols: number, f: (i: number, j: number) => number): Value {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => f(i, j)));
}

/** `v` repeated to `rows` x `cols` by broadcasting (scalar, column, row: README, "The formula language"). */
function broadcastTo(v: Value, rows: number, cols: number): Value {
  const [r, c] = shapeOf(v);
  if (r === rows && c === cols) return v;
  if ((r === 1 || r === rows) && (c === 1 || c === cols)) {
    return tabulate(rows, cols, (i, j) => v[r === 1 ? 0 : i]![c === 1 ? 0 : j]!);
  }
  throw new EvaluationError(`cannot broadcast ${r}x${c} to ${rows}x${cols}`);
}

const map =
  (f: (x: number) => number) =>
  (x: Value): Value =>
    math.map(x, f) as Value;

/**
 * An elementwise function as its table entry's `reference` says: a mathjs scalar function by
 * name (NaN outside the real domain, by `predictable`), or the entry's own plain definition
 * where mathjs has none; never the `eval` or `ts` the compiler uses.
 */
function referenceUnary(fn: UnaryFn): (x: number) => number {
  const reference = UNARY[fn].reference;
  if (typeof reference !== 'string') return reference;
  const f = math[reference] as (x: number) => number;
  return (x) => f(x);
}

/** An integer index from a 1 x 1 value, checked against its range. */
function indexValue(v: Value, extent: number, what: string): number {
  const k = v[0]![0]!;
  if (!Number.isInteger(k) || k < 0 || k >= extent) {
    throw new EvaluationError(`${what}: index ${k} is not an integer in [0, ${extent})`);
  }
  return k;
}

interface Context {
  readonly node: Node;
  /** The node's own shape, concrete. */
  readonly rows: number;
  readonly cols: number;
  readonly env: Env;
}

type Rule = (args: readonly Value[], cx: Context) => Value;

/** Elementwise binary operation with broadcasting to the node's shape. */
const elementwise =
  (f: (a: Value, b: Value) => Value): Rule =>
  ([a, b], { rows, cols }) =>
    f(broadcastTo(a!, rows, cols), broadcastTo(b!, rows, cols));

const toScalar =
  (f: (a: Value) => number): Rule =>
  ([a]) =>
    scalar(f(a!));

/** What each op means. A missing op is a compile error. */
const RULES: Readonly<Record<OpName, Rule>> = {
  var: (_args, { node, env }) => {
    const name = node.attrs.name!;
    const v = env.values.get(name);
    if (v === undefined) throw new EvaluationError(`no value given for variable ${name}`);
    return typeof v === 'number' ? scalar(v) : v;
  },
  const: (_args, { node }) => scalar(node.attrs.value!),
  dim: (_args, { node, env }) => scalar(dimSize(node.attrs.name!, env.dims)),
  fill: (_args, { node, rows, cols }) => math.multiply(math.ones(rows, cols) as Value, node.attrs.value!) as Value,
  eye: (_args, { rows }) => math.identity(rows) as Value,
  onehot: ([k], { rows }) => {
    const i = indexValue(k!, rows, 'onehot');
    return tabulate(rows, 1, (r) => (r === i ? 1 : 0));
  },
  add: elementwise((a, b) => math.add(a, b) as Value),
  mul: elementwise((a, b) => math.dotMultiply(a, b)),
  div: elementwise((a, b) => math.dotDivide(a, b) as Value),
  pow: elementwise((a, b) => math.dotPow(a, b) as Value),
  unary: ([x], { node }) => map(referenceUnary(unaryFn(node.attrs.fn)))(x!),
  matmul: ([a, b]) => {
    // A 1 x 1 factor scales (the shape rule allows it).
    if (shapeOf(a!)[0] === 1 && shapeOf(a!)[1] === 1) return math.multiply(b!, a![0]![0]!) as Value;
    if (shapeOf(b!)[0] === 1 && shapeOf(b!)[1] === 1) return math.multiply(a!, b![0]![0]!) as Value;
    return math.multiply(a!, b!) as Value;
  },
  transpose: ([a]) => math.transpose(a!),
  sum: toScalar((a) => math.sum(a) as number),
  mean: toScalar((a) => math.mean(a) as number),
  norm2: toScalar((a) => math.norm(a, 'fro') as number),
  logsumexp: toScalar((a) => {
    // Shifted by the largest entry, so exp never overflows.
    const m = math.max(a) as number;
    if (!Number.isFinite(m)) return m;
    return m + Math.log(math.sum(map((x) => math.exp(x))(math.subtract(a, m) as Value)) as number);
  }),
  softmax: ([a], { rows, cols }) => {
    // Column by column, each shifted by its maximum.
    const columns = (math.transpose(a!) as Value).map((column) => {
      const e = (math.subtract(column, math.max(column)) as number[]).map((x) => math.exp(x));
      return math.divide(e, math.sum(e) as number) as number[];
    });
    const out = math.transpose(columns);
    if (shapeOf(out)[0] !== rows || shapeOf(out)[1] !== cols) throw new EvaluationError('softmax: shape');
    return out;
  },
  tr: toScalar((a) => math.trace(a)),
  max: toScalar((a) => math.max(a) as number),
  min: toScalar((a) => math.min(a) as number),
  maximum: elementwise((a, b) => tabulate(a.length, a[0]!.length, (i, j) => math.max(a[i]![j]!, b[i]![j]!) as number)),
  minimum: elementwise((a, b) => tabulate(a.length, a[0]!.length, (i, j) => math.min(a[i]![j]!, b[i]![j]!) as number)),
  diag: ([v]) => math.diag(math.flatten(v!)) as unknown as Value,
  diagpart: ([m]) => (math.diag(m!) as unknown as number[]).map((x) => [x]),
  index: ([target, i, j]) => {
    const [r, c] = shapeOf(target!);
    if (j !== undefined) return scalar(target![indexValue(i!, r, 'row index')]![indexValue(j, c, 'column index')]!);
    if (c === 1) return scalar(target![indexValue(i!, r, 'index')]![0]!);
    return scalar(target![0]![indexValue(i!, c, 'index')]!);
  },
  rowslice: ([m, i]) => [[...m![indexValue(i!, shapeOf(m!)[0], 'row index')]!]],
  colslice: ([m, j]) => {
    const k = indexValue(j!, shapeOf(m!)[1], 'column index');
    return m!.map((row) => [row[k]!]);
  },
  rowscatter: ([g, i], { rows, cols }) => {
    const k = indexValue(i!, rows, 'row index');
    return tabulate(rows, cols, (r, c) => (r === k ? g![0]![c]! : 0));
  },
  colscatter: ([g, j], { rows, cols }) => {
    const k = indexValue(j!, cols, 'column index');
    return tabulate(rows, cols, (r, c) => (c === k ? g![r]![0]! : 0));
  },
  inv: ([m]) => math.inv(m!),
  // From mathjs's LU with partial pivoting: its det loses everything below about ε (the
  // determinant of a 64 x 64 kernel matrix, 5e-34, came out 8e-16).
  det: toScalar((m) => luDeterminant(m).sign * Math.exp(luDeterminant(m).logAbs)),
  logdet: toScalar((m) => luDeterminant(m).logAbs),
  // The reference may form the inverse: it is slow and simple on purpose.
  solve: ([a, b]) => math.multiply(math.inv(a!), b!) as Value,
  // Columns stacked: entry i + j m is a[i][j].
  vec: ([a]) => (math.transpose(a!) as Value).flat().map((x) => [x]),
  kron: ([a, b]) => {
    const [p, q] = shapeOf(b!);
    const [m, n] = shapeOf(a!);
    return tabulate(m * p, n * q, (r, c) => a![Math.floor(r / p)]![Math.floor(c / q)]! * b![r % p]![c % q]!);
  },
  // K vec(A) = vec(Aᵀ) for A m x n: row j + i n has its 1 in column i + j m.
  commutation: (_args, { node, env }) => {
    const [m, n] = concreteShape(node.attrs.shape!, env.dims);
    return tabulate(m * n, m * n, (r, c) => (r === (c % m) * n + Math.floor(c / m) ? 1 : 0));
  },
};

/** sign(det m) and log|det m|, from the pivots of mathjs's LU decomposition with partial pivoting. */
function luDeterminant(m: Value): { sign: number; logAbs: number } {
  const n = m.length;
  if (n === 0) return { sign: 1, logAbs: 0 };
  const { U, p } = math.lup(m) as unknown as { U: number[][]; p: number[] };
  let sign = 1;
  let logAbs = 0;
  for (let i = 0; i < n; i++) {
    const u = U[i]![i]!;
    sign *= Math.sign(u);
    logAbs += Math.log(Math.abs(u));
  }
  // The permutation's parity: count the cycles.
  const seen = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) {
    if (seen[i]) continue;
    let length = 0;
    for (let j = i; !seen[j]; j = p[j]!) {
      seen[j] = true;
      length++;
    }
    if (length % 2 === 0) sign = -sign;
  }
  return { sign, logAbs };
}

/** Evaluates nodes of one graph in one environment, each node once. */
export class ReferenceEvaluator {
  private readonly memo = new Map<number, Value>();

  constructor(readonly env: Env) {}

  value(root: Node): Value {
    // Iterative post-order, so deep graphs do not exhaust the stack.
    const stack: { node: Node; expanded: boolean }[] = [{ node: root, expanded: false }];
    while (stack.length > 0) {
      const top = stack.pop()!;
      const n = top.node;
      if (this.memo.has(n.id)) continue;
      const override = this.env.overrides?.get(n.id);
      if (override !== undefined) {
        this.memo.set(n.id, override);
        continue;
      }
      if (!top.expanded) {
        stack.push({ node: n, expanded: true });
        for (const a of n.args) if (!this.memo.has(a.id)) stack.push({ node: a, expanded: false });
        continue;
      }
      this.memo.set(n.id, this.compute(n));
    }
    return this.memo.get(root.id)!;
  }

  private compute(n: Node): Value {
    const [rows, cols] = concreteShape(n.shape, this.env.dims);
    const args = n.args.map((a) => this.memo.get(a.id)!);
    const v = RULES[n.op](args, { node: n, rows, cols, env: this.env });
    const [r, c] = shapeOf(v);
    if (r !== rows || c !== cols) {
      throw new EvaluationError(`${n.op} node ${n.id}: the value is ${r}x${c} but its shape says ${rows}x${cols}`);
    }
    return v;
  }
}

/** The value of each node, as rows (a scalar is 1 x 1). */
export function evaluateNodes(nodes: readonly Node[], env: Env): Value[] {
  const evaluator = new ReferenceEvaluator(env);
  return nodes.map((n) => evaluator.value(n));
}

/** The value of a scalar node as a number. */
export function evaluateScalar(node: Node, env: Env): number {
  const v = new ReferenceEvaluator(env).value(node);
  if (v.length !== 1 || v[0]!.length !== 1)
    throw new EvaluationError(`expected a scalar, got ${v.length}x${v[0]!.length}`);
  return v[0]![0]!;
}
