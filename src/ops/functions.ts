/**
 * The functions of the formula language (LANGUAGE.md 1.6), by every name users write: gathered
 * from the op table (each op declares the functions that build it) and the elementwise table.
 * Nothing else lists function names; the parser receives them from src/front.ts.
 */
import { UNARY, type UnaryFn } from './elementwise.js';
import { OPS } from './index.js';
import type { SurfaceFunction } from './types.js';

/** Names reserved for primitives to come (LANGUAGE.md 1.6): calls of them are refused as not supported yet. */
export const FUTURE_FUNCTIONS: readonly string[] = ['inv', 'det', 'logdet'];

function elementwise(fn: UnaryFn): SurfaceFunction {
  return { names: [fn, ...UNARY[fn].aliases], arity: 1, build: (a, g) => g.unary(fn, a.value(0)) };
}

function byName(): ReadonlyMap<string, SurfaceFunction> {
  const all = [...Object.values(OPS).flatMap((op) => op.functions), ...(Object.keys(UNARY) as UnaryFn[]).map(elementwise)];
  const map = new Map<string, SurfaceFunction>();
  for (const f of all) {
    for (const name of f.names) {
      // Two entries claiming one name would make the language depend on table order.
      if (map.has(name) || FUTURE_FUNCTIONS.includes(name)) throw new Error(`internal: the function name '${name}' is declared twice`);
      map.set(name, f);
    }
  }
  return map;
}

/** Every function by each of its names. */
export const FUNCTIONS: ReadonlyMap<string, SurfaceFunction> = byName();

/** Every function name, those reserved for the future included, sorted. */
export const FUNCTION_NAMES: readonly string[] = [...FUNCTIONS.keys(), ...FUTURE_FUNCTIONS].sort();

const NAMES = new Set(FUNCTION_NAMES);

export function isFunctionName(name: string): boolean {
  return NAMES.has(name);
}

const ELEMENTWISE_NAMES = new Set(Object.entries(UNARY).flatMap(([fn, d]) => [fn, ...d.aliases]));

/** Whether `name` is an elementwise function (or an alias of one): its value has its argument's shape. */
export function isElementwise(name: string): boolean {
  return ELEMENTWISE_NAMES.has(name);
}
