/** Symbolic shapes: every value is rows x cols; dimensions are names (fixed at run time) or literals. */

/** A dimension: a positive integer literal, or a name from the formula's declarations. */
export type Dim = number | string;

/** The symbolic shape of a value, rows x cols: a scalar is 1 x 1, `vector(n)` is n x 1, `v^T` is 1 x n. */
export interface Shape {
  readonly rows: Dim;
  readonly cols: Dim;
}

export const SCALAR: Shape = { rows: 1, cols: 1 };

export function shape(rows: Dim, cols: Dim): Shape {
  return rows === 1 && cols === 1 ? SCALAR : { rows, cols };
}

export function isScalar(s: Shape): boolean {
  return s.rows === 1 && s.cols === 1;
}

/** A column n x 1 (not a scalar). */
export function isColumn(s: Shape): boolean {
  return s.cols === 1 && s.rows !== 1;
}

/** A row 1 x n (not a scalar). */
export function isRow(s: Shape): boolean {
  return s.rows === 1 && s.cols !== 1;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.rows === b.rows && a.cols === b.cols;
}

export function transposeShape(s: Shape): Shape {
  return shape(s.cols, s.rows);
}

/** The shape as a user would declare it: `scalar`, `vector(n)`, `vector(n)^T`, `matrix(h, m)`. */
export function describeShape(s: Shape): string {
  if (isScalar(s)) return 'scalar';
  if (s.cols === 1) return `vector(${s.rows})`;
  if (s.rows === 1) return `vector(${s.cols})^T`;
  return `matrix(${s.rows}, ${s.cols})`;
}

/**
 * The result of combining two shapes elementwise (README, "The formula language"), or undefined:
 * a scalar goes with anything; an n x 1 column repeats across the columns of an n x c
 * matrix; a 1 x c row repeats down its rows. Nothing else broadcasts.
 */
export function broadcastShapes(a: Shape, b: Shape): Shape | undefined {
  if (sameShape(a, b)) return a;
  if (isScalar(a)) return b;
  if (isScalar(b)) return a;
  if (a.cols === 1 && a.rows === b.rows) return b;
  if (b.cols === 1 && b.rows === a.rows) return a;
  if (a.rows === 1 && a.cols === b.cols) return b;
  if (b.rows === 1 && b.cols === a.cols) return a;
  return undefined;
}

function dimKey(d: Dim): string {
  return typeof d === 'number' ? String(d) : `$${d}`;
}

export function shapeKey(s: Shape): string {
  return `${dimKey(s.rows)}x${dimKey(s.cols)}`;
}

/**
 * The factors of a dimension: a literal coefficient and names. A product of dimensions (the
 * entries m n of a matrix(m, n), the rows of a Jacobian block with respect to it) is written
 * `m*n`: names sorted, a literal coefficient other than 1 first; no formula name contains `*`.
 */
export function dimFactors(d: Dim): { readonly coefficient: number; readonly names: readonly string[] } {
  if (typeof d === 'number') return { coefficient: d, names: [] };
  const parts = d.split('*');
  const coefficient = /^\d+$/.test(parts[0]!) ? Number(parts.shift()) : 1;
  return { coefficient, names: parts };
}

/** The product of dimensions, in the canonical form of `dimFactors`: a number when every factor is one. */
export function dimProduct(...ds: readonly Dim[]): Dim {
  let coefficient = 1;
  const names: string[] = [];
  for (const d of ds) {
    const f = dimFactors(d);
    coefficient *= f.coefficient;
    names.push(...f.names);
  }
  if (names.length === 0) return coefficient;
  names.sort();
  return [...(coefficient === 1 ? [] : [String(coefficient)]), ...names].join('*');
}

/** The dimension names a dimension is made of (none for a literal). */
export function dimNames(d: Dim): readonly string[] {
  return dimFactors(d).names;
}

/** The number of entries of a value of shape `s`: rows x cols, as a dimension. */
export function entryCount(s: Shape): Dim {
  return dimProduct(s.rows, s.cols);
}
