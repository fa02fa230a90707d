/** The functions of the formula language (LANGUAGE.md 1.6), by name. */
import { UNARY_NAMES } from '../ops/elementwise.js';

/** Functions that are not elementwise, with how many arguments they take. */
const OTHER_FUNCTIONS: Readonly<Record<string, string>> = {
  sum: '1',
  mean: '1',
  dot: '2',
  norm2: '1',
  norm1: '1',
  logsumexp: '1',
  tr: '1',
  trace: '1',
  softmax: '1',
  onehot: '2',
  ones: '1 or 2',
  eye: '1',
  diag: '1',
  inv: '1',
  det: '1',
  logdet: '1',
};

export const FUNCTION_NAMES: readonly string[] = [...Object.keys(UNARY_NAMES), ...Object.keys(OTHER_FUNCTIONS)].sort();

export function isFunctionName(name: string): boolean {
  return FUNCTION_NAMES.includes(name);
}
