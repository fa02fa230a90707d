/** Calling a generated module from check and fixtures: inputs in, values out, as plain data. */
import type { Model, Variable } from '../ir/model.js';
import { dimSize, type InputValue, type Value } from './reference.js';

/** A generated module's value: number, Float64Array (a column; Float32Array in an f32 module), or a row-major matrix. */
export type ModuleValue = number | FloatArray | { rows: number; cols: number; data: FloatArray };

/** The arrays of a generated module's results: Float64Array, or Float32Array in an f32 module. */
export type FloatArray = Float64Array | Float32Array;

export function isFloatArray(v: unknown): v is FloatArray {
  return v instanceof Float64Array || v instanceof Float32Array;
}

/** The argument object of a generated function: every variable, and every dimension as a number. */
export function moduleInputs(
  model: Model,
  values: ReadonlyMap<string, InputValue>,
  dims: ReadonlyMap<string, number>,
): Record<string, unknown> {
  const inputs: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [d, size] of dims) inputs[d] = size;
  for (const v of model.variables) {
    const value = values.get(v.name);
    if (value === undefined) continue;
    inputs[v.name] = toModuleInput(v, value, dims);
  }
  return inputs;
}

function toModuleInput(v: Variable, value: InputValue, dims: ReadonlyMap<string, number>): unknown {
  if (typeof value === 'number') return value;
  const flat = value.flat();
  if (v.kind === 'vector') return flat;
  return { rows: dimSize(v.shape.rows, dims), cols: dimSize(v.shape.cols, dims), data: flat };
}

/** A module value as rows (a scalar is 1 x 1, a Float64Array a column). */
export function toValue(v: unknown): Value {
  if (typeof v === 'number') return [[v]];
  if (isFloatArray(v)) return Array.from(v, (x) => [x]);
  if (typeof v === 'object' && v !== null && 'rows' in v && 'cols' in v && 'data' in v) {
    const m = v as { rows: number; cols: number; data: ArrayLike<number> };
    const out: Value = [];
    for (let i = 0; i < m.rows; i++) out.push(Array.from({ length: m.cols }, (_, j) => m.data[i * m.cols + j]!));
    return out;
  }
  throw new Error(`not a module value: ${String(v)}`);
}

/** A module value as JSON data: numbers, arrays, and { rows, cols, data } matrices. */
export function toJson(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (isFloatArray(v)) return Array.from(v, (x) => toJson(x));
  if (typeof v === 'object' && v !== null && 'rows' in v && 'data' in v) {
    const m = v as { rows: number; cols: number; data: ArrayLike<number> };
    return { rows: m.rows, cols: m.cols, data: Array.from(m.data, (x) => toJson(x)) };
  }
  return v;
}
