/**
 * Known constant values of nodes. Kept apart from graph.ts so that the op table can read them
 * without importing the graph, which imports the op table.
 */
import type { Node } from './node.js';

/** The value of a node whose every entry is the same known number (a constant or a fill). */
export function constValue(n: Node): number | undefined {
  return (n.op === 'const' && n.attrs.name === undefined) || n.op === 'fill' ? n.attrs.value : undefined;
}

/**
 * Whether `n` is a number as written (`2`, `0.5`). A named constant (`pi`) is a const node too,
 * but it stays a symbol: it has no constValue, and arithmetic never folds it into digits.
 */
export function isNumber(n: Node): boolean {
  return n.op === 'const' && n.attrs.name === undefined;
}

export function isZero(n: Node): boolean {
  return constValue(n) === 0;
}

export function isOne(n: Node): boolean {
  return constValue(n) === 1;
}
