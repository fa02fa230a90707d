/**
 * The reference evaluator: the IR's meaning, computed with mathjs on plain arrays of rows.
 * What each node means is its op entry's `reference` rule (src/ops/reference-types.ts), which
 * computes with the numeric operations this module implements with mathjs (`MATH`), and
 * elementwise functions are mathjs's or their table entry's separate `reference` definition.
 * It shares nothing with the code generator (never an entry's `lower`, `eval` or `ts`), so the
 * tests can check derived gradients and generated modules against an independent account of
 * what every node means. Slow and simple on purpose.
 */
import mathjs from 'mathjs/lib/browser/math.js';
import type { Node } from '../ir/node.js';
import { dimFactors, type Dim, type Shape } from '../ir/shape.js';
import type { MathjsFunction } from '../ops/elementwise.js';
import { OPS } from '../ops/index.js';
import {
  scalarValue,
  tabulate,
  type ReferenceContext,
  type ReferenceMath,
  type Value,
} from '../ops/reference-types.js';

export { tabulate, type Value };

/**
 * Our own instance, so the configuration is ours. `predictable`: sqrt, log, asin, ... of values
 * outside their real domain give NaN, not complex numbers. It comes from mathjs's one-file
 * bundle, which creates each function when first used: importing the package's ESM entry
 * loads some 700 modules and creates every function, about 1 s before anything is checked.
 */
const math = mathjs.create({ matrix: 'Array', predictable: true });

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

export const scalar = scalarValue;

export function shapeOf(v: Value): [number, number] {
  return [v.length, v[0]?.length ?? 0];
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

/** An integer index from a 1 x 1 value, checked against its range. */
function indexValue(v: Value, extent: number, what: string): number {
  const k = v[0]![0]!;
  if (!Number.isInteger(k) || k < 0 || k >= extent) {
    throw new EvaluationError(`${what}: index ${k} is not an integer in [0, ${extent})`);
  }
  return k;
}

/** The arithmetic of the ops' reference rules, by mathjs. */
const MATH: ReferenceMath = {
  add: (a, b) => math.add(a, b) as Value,
  dotMultiply: (a, b) => math.dotMultiply(a, b),
  dotDivide: (a, b) => math.dotDivide(a, b) as Value,
  dotPow: (a, b) => math.dotPow(a, b) as Value,
  multiply: (a, b) => math.multiply(a, b) as Value,
  scale: (a, s) => math.multiply(a, s) as Value,
  map: (a, f) => math.map(a, f) as Value,
  sum: (a) => math.sum(a) as number,
  mean: (a) => math.mean(a) as number,
  norm: (a) => math.norm(a, 'fro') as number,
  max: (a) => math.max(a) as number,
  min: (a) => math.min(a) as number,
  trace: (a) => math.trace(a),
  inv: (a) => math.inv(a),
  determinant: (a) => luDeterminant(a),
  scalarFunction: (name: MathjsFunction) => {
    // Predictable: NaN outside the real domain.
    const f = math[name] as (x: number) => number;
    return (x) => f(x);
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
    const v = OPS[n.op].reference(args, this.context(n, rows, cols));
    const [r, c] = shapeOf(v);
    if (r !== rows || c !== cols) {
      throw new EvaluationError(`${n.op} node ${n.id}: the value is ${r}x${c} but its shape says ${rows}x${cols}`);
    }
    return v;
  }

  private context(node: Node, rows: number, cols: number): ReferenceContext {
    const { values, dims } = this.env;
    return {
      node,
      rows,
      cols,
      math: MATH,
      input: (name) => {
        const v = values.get(name);
        if (v === undefined) throw new EvaluationError(`no value given for variable ${name}`);
        return typeof v === 'number' ? scalar(v) : v;
      },
      size: (d) => dimSize(d, dims),
      index: indexValue,
      broadcast: (v) => broadcastTo(v, rows, cols),
    };
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
