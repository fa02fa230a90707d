/**
 * The table of primitives. Every stage dispatches through it; each op is defined once, in the
 * family file that declares its name (`OpNames`, src/ir/node.ts) and lists it in its table.
 */
import type { OpName } from '../ir/node.js';
import { ARITHMETIC_OPS } from './arithmetic.js';
import { LEAF_OPS } from './leaves.js';
import { LINEAR_OPS } from './linear.js';
import { EXTREMUM_OPS } from './extrema.js';
import { KRONECKER_OPS } from './kronecker.js';
import { MATRIX_OPS } from './matrix.js';
import { REDUCTION_OPS } from './reductions.js';
import { SLICE_OPS } from './slices.js';
import type { OpDef } from './types.js';

/** Every primitive by name: a name declared in `OpNames` and in no family's table does not compile. */
export const OPS: Readonly<Record<OpName, OpDef>> = {
  ...LEAF_OPS,
  ...ARITHMETIC_OPS,
  ...LINEAR_OPS,
  ...REDUCTION_OPS,
  ...EXTREMUM_OPS,
  ...SLICE_OPS,
  ...MATRIX_OPS,
  ...KRONECKER_OPS,
};

export type { OpDef } from './types.js';
