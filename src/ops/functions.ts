/**
 * The functions of the formula language (README, "The formula language"), by every name users write: gathered
 * from the op table (each op declares the functions that build it) and the elementwise table.
 * Nothing else lists function names; the parser receives them from src/front.ts.
 */
import { sameShape, shape, type Shape } from '../ir/shape.js';
import { UNARY, type UnaryFn } from './elementwise.js';
import { OPS } from './index.js';
import type { EstimatedArguments, SurfaceFunction } from './types.js';

function elementwise(fn: UnaryFn): SurfaceFunction {
  return {
    names: [fn, ...UNARY[fn].aliases],
    arity: 1,
    build: (a, g) => g.unary(fn, a.value(0)),
    estimate: (a) => a.shape(0),
  };
}

function byName(): ReadonlyMap<string, SurfaceFunction> {
  const all = [
    ...Object.values(OPS).flatMap((op) => op.functions),
    ...(Object.keys(UNARY) as UnaryFn[]).map(elementwise),
  ];
  const map = new Map<string, SurfaceFunction>();
  for (const f of all) {
    for (const name of f.names) {
      // Two entries claiming one name would make the language depend on table order.
      if (map.has(name)) throw new Error(`internal: the function name '${name}' is declared twice`);
      map.set(name, f);
    }
  }
  return map;
}

/** Every function by each of its names. */
export const FUNCTIONS: ReadonlyMap<string, SurfaceFunction> = byName();

/** Every function name, sorted. */
export const FUNCTION_NAMES: readonly string[] = [...FUNCTIONS.keys()].sort();

const NAMES = new Set(FUNCTION_NAMES);

export function isFunctionName(name: string): boolean {
  return NAMES.has(name);
}

/** The shape of a call of the function `name`, or undefined when unknown. */
export function estimateCall(name: string, args: EstimatedArguments): Shape | undefined {
  return FUNCTIONS.get(name)?.estimate(args);
}

/** A matrix of dimensions no formula can name. */
const PROBE = shape('probe$rows', 'probe$cols');

/** Whether a call of `name` with one argument has that argument's shape (exp, softmax, inv): estimated on a probe. */
export function keepsShape(name: string): boolean {
  const s = estimateCall(name, { count: 1, shape: () => PROBE, dim: () => undefined });
  return s !== undefined && sameShape(s, PROBE);
}
