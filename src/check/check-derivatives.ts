/**
 * The derivative rows of `gradc check`: every gradient, Jacobian, Hessian block and HVP of a
 * generated module against finite differences of functions that do not derive. With respect to
 * a variable, F is the module's own forward function (its values are checked against the
 * reference evaluator separately) or, for a Hessian block or an HVP, the module's gradient (checked
 * by its own rows: the Hessian or HVP function's, or a gradient function's whose rows passed); with
 * respect to a definition, F is the reference evaluator with that
 * definition's value replaced. Each block is judged by probe.ts.
 */
import type { DerivedGradient } from '../diff/differentiate.js';
import type { DerivedHigher } from '../diff/higher.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { isConstantLeaf } from './gradcheck.js';
import { checkBlock, type BlockCheck, type BlockFunction } from './probe.js';
import { mulberry32 } from './random.js';
import { concreteShape, ReferenceEvaluator, type InputValue, type Value } from './reference.js';
import { toValue } from './run-module.js';

/** One derivative row: a block's check, or why it was skipped. */
export interface DerivativeRow {
  readonly functionName: string;
  /** The wrt name of a gradient or Jacobian block, `grad.x`, `hess.x.y`, `hvp.W`. */
  readonly variable: string;
  /** What is differentiated, for messages: `dL/dW`. */
  readonly what: string;
  readonly check?: BlockCheck;
  readonly skipped?: string;
  /** The block has the wrong number of entries. */
  readonly mismatch?: string;
  /** The block's columns as the module returns it (a gradient of a matrix: the matrix's), to name an entry. */
  readonly shape?: readonly [number, number];
}

/** A function's value row of a higher function: the module's value, and the node it must equal. */
export interface HigherValue {
  readonly functionName: string;
  readonly actual: unknown;
  readonly target: Node;
}

export interface DerivativeContext {
  readonly model: Model;
  readonly call: (name: string, ...args: unknown[]) => unknown;
  /** The module's argument object at the sampled point. */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly values: ReadonlyMap<string, InputValue>;
  readonly dims: ReadonlyMap<string, number>;
  readonly seed: number;
  /** The forward function of each definition, by definition name. */
  readonly forward: ReadonlyMap<string, string>;
  /**
   * The module whose forward functions and gradients are differenced, when not the one checked:
   * for a single-precision module, the double-precision module of the same model (differences
   * of float32 values would be mostly rounding).
   */
  readonly differenced?: (name: string, ...args: unknown[]) => unknown;
  /**
   * The module's argument object at points nudged from the sampled one by a few hundred units of
   * rounding, when the derived blocks round more than probe.ts allows by default (f32): how far
   * each entry moves there, ROUNDING_SAFETY times, is allowed for as rounding.
   */
  readonly nudged?: readonly Readonly<Record<string, unknown>>[];
  /** The unit roundoff of the module's numbers (2⁻⁵³ for f64, 2⁻²⁴ for f32). */
  readonly unitRoundoff: number;
}

/**
 * How many units of rounding of the largest entry of a derivative function's result each entry
 * of each of its blocks may carry: the blocks are computed from shared intermediates, so a block
 * that is zero in exact arithmetic comes out as the rounding of terms of the result's size (an HVP
 * block of 7e-17 beside entries of 0.5), which no difference and no nudge of the inputs shows.
 */
const RESULT_ROUNDING = 16;

/** The largest magnitude among a derivative function's derived entries (its value left out). */
function largestDerived(result: Readonly<Record<string, unknown>>): number {
  let most = 0;
  const visit = (v: unknown): void => {
    if (typeof v === 'number') most = Math.max(most, Number.isFinite(v) ? Math.abs(v) : 0);
    else if (v instanceof Float64Array || v instanceof Float32Array)
      for (const x of v) most = Math.max(most, Number.isFinite(x) ? Math.abs(x) : 0);
    else if (typeof v === 'object' && v !== null && 'data' in v) visit(v.data);
    else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) visit(x);
  };
  for (const [key, v] of Object.entries(result)) if (key !== 'value') visit(v);
  return most;
}

/** How many times the movement of a derived entry under nudged inputs is allowed as its rounding. */
const ROUNDING_SAFETY = 10;

/**
 * Entry by entry, ROUNDING_SAFETY times how far the block moved at the nudged points, and at least
 * `floor` (undefined without either).
 */
function derivedRounding(
  actual: unknown,
  moved: readonly unknown[] | undefined,
  floor: number,
): Float64Array | undefined {
  if (moved === undefined && floor === 0) return undefined;
  const base = flatten(actual);
  const most = new Float64Array(base.length).fill(floor);
  for (const other of moved ?? []) {
    const at = flatten(other);
    for (let i = 0; i < base.length; i++) {
      const d = Math.abs(at[i]! - base[i]!);
      most[i] = Math.max(most[i]!, Number.isFinite(d) ? ROUNDING_SAFETY * d : 0);
    }
  }
  return most;
}

/** A module value's entries, row-major. */
function flatten(v: unknown): Float64Array {
  if (typeof v === 'number') return Float64Array.of(v);
  if (v instanceof Float64Array) return v;
  if (v instanceof Float32Array) return Float64Array.from(v);
  if (Array.isArray(v)) return Float64Array.from(v as number[]);
  if (typeof v === 'object' && v !== null && 'data' in v)
    return Float64Array.from((v as { data: ArrayLike<number> }).data);
  return Float64Array.from(toValue(v).flat());
}

const flatValue = (v: InputValue): Float64Array =>
  typeof v === 'number' ? Float64Array.of(v) : Float64Array.from(v.flat());

/**
 * Entries in the order a block indexes them. A gradient is shaped like its variable and compared
 * entry by entry (row-major, as the module stores matrices); a Jacobian or Hessian block is
 * d vec(F) / d vec(X)^T, so its rows and columns follow vec, which stacks columns.
 */
type Order = 'entries' | 'vec';

/** Row-major entries of a rows x cols matrix in vec order (columns stacked), or back. */
function reorder(x: ArrayLike<number>, rows: number, cols: number, to: Order): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (to === 'vec') out[j * rows + i] = x[i * cols + j]!;
      else out[i * cols + j] = x[j * rows + i]!;
    }
  }
  return out;
}

/** A module value's entries in the given order. */
function entriesOf(v: unknown, order: Order): Float64Array {
  // A reference value is rows of numbers: row-major entries first (flatten reads flat arrays only).
  if (Array.isArray(v) && Array.isArray(v[0])) {
    const rows = v as number[][];
    const flat = Float64Array.from(rows.flat());
    return order === 'vec' ? reorder(flat, rows.length, rows[0]!.length, 'vec') : flat;
  }
  const flat = flatten(v);
  if (order === 'entries') return flat;
  if (typeof v === 'object' && v !== null && 'rows' in v && 'cols' in v) {
    const m = v as { rows: number; cols: number };
    return reorder(flat, m.rows, m.cols, 'vec');
  }
  return flat;
}

/** A value's rows and columns (a number is 1 x 1, a flat vector n x 1). */
function valueShape(v: InputValue): [number, number] {
  return typeof v === 'number' ? [1, 1] : [v.length, v[0]?.length ?? 1];
}

/** A small deterministic hash of a row's name, so every block gets its own directions. */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The module's argument for a variable given as flat entries. A variable declared symmetric or
 * spd is read through M ↦ (M + Mᵀ) / 2: differences along v move it along sym(v), which is what
 * its gradient (in the space of symmetric matrices) is tested against, ⟨G, v⟩ = ⟨G, sym(v)⟩.
 */
function moduleValue(model: Model, name: string, x: ArrayLike<number>, dims: ReadonlyMap<string, number>): unknown {
  const v = model.variables.find((w) => w.name === name)!;
  if (v.kind === 'scalar') return x[0]!;
  if (v.kind === 'vector') return x;
  const [rows, cols] = concreteShape(v.shape, dims);
  if (v.structure !== undefined) {
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) data[i * cols + j] = (x[i * cols + j]! + x[j * cols + i]!) / 2;
    return { rows, cols, data };
  }
  return { rows, cols, data: x };
}

/** The inputs with some variables replaced. */
function replaced(
  inputs: Readonly<Record<string, unknown>>,
  changes: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const next = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(inputs)) next[k] = inputs[k];
  for (const k of Object.keys(changes)) next[k] = changes[k];
  return next;
}

/** Value rows of a shape as a reference override. */
function reshape(x: Float64Array, like: Value): Value {
  const cols = like[0]!.length;
  return like.map((row, i) => row.map((_, j) => x[i * cols + j]!));
}

/**
 * F of a block with respect to `wrt`: `module(inputs)` with the variable moved, or, for a
 * definition, the reference evaluation of `node` with the definition's value replaced.
 */
function blockFunction(
  cx: DerivativeContext,
  wrt: { readonly name: string; readonly node: Node; readonly isVariable: boolean },
  module: (inputs: Record<string, unknown>) => unknown,
  node: Node,
  order: Order = 'entries',
): { F: BlockFunction; x0: Float64Array } {
  if (wrt.isVariable) {
    const value = cx.values.get(wrt.name)!;
    const [rows, cols] = valueShape(value);
    const x0 = order === 'vec' ? reorder(flatValue(value), rows, cols, 'vec') : flatValue(value);
    const entries = (x: Float64Array) => (order === 'vec' ? reorder(x, rows, cols, 'entries') : x);
    return {
      x0,
      F: (x) =>
        entriesOf(
          module(replaced(cx.inputs, { [wrt.name]: moduleValue(cx.model, wrt.name, entries(x), cx.dims) })),
          order,
        ),
    };
  }
  const base = new ReferenceEvaluator({ values: cx.values, dims: cx.dims }).value(wrt.node);
  const [rows, cols] = [base.length, base[0]!.length];
  const entries = (x: Float64Array) => (order === 'vec' ? reorder(x, rows, cols, 'entries') : x);
  const overrides = (x: Float64Array) => new Map([[wrt.node.id, reshape(entries(x), base)]]);
  return {
    x0: entriesOf(base, order),
    F: (x) =>
      entriesOf(
        new ReferenceEvaluator({ values: cx.values, dims: cx.dims, overrides: overrides(x) }).value(node),
        order,
      ),
  };
}

/** One block's row: J against F, or the mismatch of J's size. */
function blockRow(
  cx: DerivativeContext,
  functionName: string,
  variable: string,
  what: string,
  F: BlockFunction,
  x0: Float64Array,
  actual: unknown,
  moved: readonly unknown[] | undefined,
  floor: number,
): DerivativeRow {
  const J = flatten(actual);
  const n = x0.length;
  const m = n === 0 ? 0 : J.length / n;
  if (!Number.isInteger(m) || m === 0) {
    const check: BlockCheck = { error: Infinity, allowance: 0, scale: 0, probes: 0, method: 'entries', pass: false };
    return { functionName, variable, what, check, mismatch: `${J.length} entries, not a multiple of ${n}` };
  }
  const rng = mulberry32((cx.seed ^ hash(`${functionName} ${variable}`)) >>> 0);
  const shown = toValue(actual);
  return {
    functionName,
    variable,
    what,
    check: checkBlock(F, x0, J, m, rng, derivedRounding(actual, moved, floor)),
    shape: [shown.length, shown[0]?.length ?? 1],
  };
}

/** The key of `checkedGradients` (higherRows): a gradient of definition `target` with respect to variable `name`. */
export function gradientKey(target: string, name: string): string {
  return `${target}\u0000${name}`;
}

/** Picks one block out of a derivative function's result. */
type Part = (r: Record<string, unknown>) => unknown;

/** The rows of every gradient function. */
export function gradientRows(
  cx: DerivativeContext,
  derived: readonly DerivedGradient[],
  results: ReadonlyMap<string, Record<string, unknown>>,
): DerivativeRow[] {
  const rows: DerivativeRow[] = [];
  for (const d of derived) {
    const fn = d.request.functionName;
    const target = d.request.target;
    const result = results.get(fn)!;
    const differenced = cx.differenced ?? cx.call;
    const forward = (inputs: Record<string, unknown>) => differenced(cx.forward.get(target.name)!, inputs);
    const nudged = cx.nudged?.map((at) => cx.call(fn, at) as Record<string, unknown>);
    const floor = RESULT_ROUNDING * cx.unitRoundoff * largestDerived(result);
    for (const w of d.request.wrt) {
      const what = `d${target.name}/d${w.name}`;
      if (!w.isVariable && isConstantLeaf(w.node.op)) {
        rows.push({ functionName: fn, variable: w.name, what, skipped: 'the definition is a constant' });
        continue;
      }
      const { F, x0 } = blockFunction(cx, w, forward, target.node);
      rows.push(
        blockRow(
          cx,
          fn,
          w.name,
          what,
          F,
          x0,
          result[w.name],
          nudged?.map((r) => r[w.name]),
          floor,
        ),
      );
    }
  }
  return rows;
}

/** The module's argument for an HVP's direction, and the direction itself as values. */
function hvpDirection(cx: DerivativeContext, h: DerivedHigher): Map<string, Float64Array> {
  const rng = mulberry32(cx.seed + 7919);
  const result = new Map<string, Float64Array>();
  for (const d of h.directions) {
    const size = flatValue(cx.values.get(d.of)!).length;
    const v = Float64Array.from({ length: size }, () => 2 * rng() - 1);
    if (d.structure !== undefined) {
      // The direction of a symmetric matrix is symmetric (HVPs act on symmetric matrices).
      const n = Math.round(Math.sqrt(size));
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) v[i * n + j] = v[j * n + i]!;
    }
    result.set(d.of, v);
  }
  return result;
}

/**
 * The rows of every jacobian, hessian and hvp function: its value (to be compared with the
 * reference by the caller), its gradient blocks, and its Jacobian, Hessian or HVP blocks.
 */
export function higherRows(
  cx: DerivativeContext,
  higher: readonly DerivedHigher[],
  checkedGradients: ReadonlyMap<string, string> = new Map(),
): { values: HigherValue[]; rows: DerivativeRow[] } {
  const values: HigherValue[] = [];
  const rows: DerivativeRow[] = [];
  for (const h of higher) {
    const fn = h.request.functionName;
    const target = h.request.target;
    const direction = h.request.kind === 'hvp' ? hvpDirection(cx, h) : undefined;
    const directionArgument = (d: Map<string, Float64Array>) => {
      const argument = Object.create(null) as Record<string, unknown>;
      for (const [name, v] of d) argument[name] = moduleValue(cx.model, name, Float64Array.from(v), cx.dims);
      return argument;
    };
    const runOn =
      (module: (name: string, ...args: unknown[]) => unknown) =>
      (inputs: Readonly<Record<string, unknown>>): Record<string, unknown> =>
        (direction === undefined ? module(fn, inputs) : module(fn, inputs, directionArgument(direction))) as Record<
          string,
          unknown
        >;
    const run = runOn(cx.differenced ?? cx.call);
    const result = runOn(cx.call)(replaced(cx.inputs, {}));
    const nudged = cx.nudged?.map(runOn(cx.call));
    /** The same part of each result at the nudged points. */
    const moved = (part: (r: Record<string, unknown>) => unknown) => nudged?.map(part);
    const floor = RESULT_ROUNDING * cx.unitRoundoff * largestDerived(result);
    /** The row of one block: `part` picks it out of a result. */
    const row = (variable: string, what: string, F: BlockFunction, x0: Float64Array, part: Part) =>
      blockRow(cx, fn, variable, what, F, x0, part(result), moved(part), floor);
    values.push({ functionName: fn, actual: result.value, target: target.node });
    const differenced = cx.differenced ?? cx.call;
    const forward = (inputs: Record<string, unknown>) => differenced(cx.forward.get(target.name)!, inputs);
    if (h.request.kind === 'jacobian') {
      for (const w of h.request.wrt) {
        const { F, x0 } = blockFunction(cx, w, forward, target.node, 'vec');
        rows.push(row(w.name, `d${target.name}/d${w.name}`, F, x0, (r) => r[w.name]));
      }
      continue;
    }
    for (const g of h.gradient) {
      const w = h.request.wrt.find((x) => x.name === g.name)!;
      const { F, x0 } = blockFunction(cx, w, forward, target.node);
      const part = (r: Record<string, unknown>) => (r.grad as Record<string, unknown>)[g.name];
      rows.push(row(`grad.${g.name}`, `d${target.name}/d${g.name}`, F, x0, part));
    }
    // The module's own gradient, moved: checked by the rows above. A gradient function of the
    // module that gives it too, and whose rows passed, computes it without the Hessian's blocks
    // (a hundred times faster for a matrix variable), and is differenced instead.
    const gradientOf = (name: string) => {
      const own = checkedGradients.get(gradientKey(target.name, name));
      if (own !== undefined)
        return (inputs: Record<string, unknown>) => (differenced(own, inputs) as Record<string, unknown>)[name];
      return (inputs: Record<string, unknown>) => (run(inputs).grad as Record<string, unknown>)[name];
    };
    if (h.request.kind === 'hessian') {
      for (const b of h.blocks) {
        const [x, y] = b.wrt as [string, string];
        const w = h.request.wrt.find((r) => r.name === y)!;
        const node = h.gradient.find((g) => g.name === x)!.node;
        const { F, x0 } = blockFunction(cx, w, gradientOf(x), node, 'vec');
        const part = (r: Record<string, unknown>) => (r.hess as Record<string, Record<string, unknown>>)[x]![y];
        rows.push(row(`hess.${x}.${y}`, `d²${target.name}/d${x}d${y}`, F, x0, part));
      }
      continue;
    }
    // hvp: the gradient moved along the direction, every wrt variable at once: a block of one column.
    for (const b of h.blocks) {
      const a = b.wrt[0]!;
      const F: BlockFunction = (t) => {
        const changes = Object.create(null) as Record<string, unknown>;
        for (const [name, v] of direction!) {
          const x = flatValue(cx.values.get(name)!);
          changes[name] = moduleValue(
            cx.model,
            name,
            x.map((e, i) => e + t[0]! * v[i]!),
            cx.dims,
          );
        }
        return flatten(gradientOf(a)(replaced(cx.inputs, changes)));
      };
      const part = (r: Record<string, unknown>) => (r.hvp as Record<string, unknown>)[a];
      rows.push(row(`hvp.${a}`, `(H${target.name} v)_${a}`, F, Float64Array.of(0), part));
    }
  }
  return { values, rows };
}
