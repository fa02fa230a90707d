/**
 * Known constant values of nodes. Kept apart from graph.ts so that the op table can read them
 * without importing the graph, which imports the op table.
 */
import type { Node } from './node.js';

/** The value of a node whose every entry is the same known number (a constant or a fill). */
export function constValue(n: Node): number | undefined {
  return n.op === 'const' || n.op === 'fill' ? n.attrs.value : undefined;
}

export function isZero(n: Node): boolean {
  return constValue(n) === 0;
}

export function isOne(n: Node): boolean {
  return constValue(n) === 1;
}
