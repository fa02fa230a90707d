/** The table of primitives. Every stage dispatches through it; each op is defined once. */
import type { OpName } from '../ir/node.js';
import { add, div, mul, pow, unary } from './arithmetic.js';
import { constant, dim, eye, fill, onehot, variable } from './leaves.js';
import { diag, diagpart, index, matmul, tr, transpose } from './linear.js';
import { max, maximum, min, minimum } from './extrema.js';
import { commutation, kron, vec } from './kronecker.js';
import { det, inv, logdet, solve } from './matrix.js';
import { logsumexp, mean, norm2, softmax, sum } from './reductions.js';
import { colscatter, colslice, rowscatter, rowslice } from './slices.js';
import type { OpDef } from './types.js';

export const OPS: Readonly<Record<OpName, OpDef>> = {
  var: variable,
  const: constant,
  dim,
  fill,
  eye,
  onehot,
  add,
  mul,
  div,
  pow,
  unary,
  matmul,
  transpose,
  sum,
  mean,
  norm2,
  logsumexp,
  max,
  min,
  maximum,
  minimum,
  softmax,
  tr,
  diag,
  diagpart,
  index,
  rowslice,
  colslice,
  rowscatter,
  colscatter,
  inv,
  det,
  logdet,
  solve,
  vec,
  kron,
  commutation,
};

export type { OpDef } from './types.js';
