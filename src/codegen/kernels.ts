import { MATRIX_KERNELS } from './matrix-kernels.js';

/**
 * Matrix-vector kernels of generated modules: each is emitted once into a module that uses it,
 * and every product of stored operands calls it, so a model's functions stay small enough for
 * V8 to optimise (it gives up on functions of more than about 60 KB of bytecode; a 16-layer
 * network written out inline ran 20 times slower), and the tuned loops are written once.
 *
 * The loop shapes were measured on this project's 2-core machine (bench/): a matrix-vector
 * product takes four rows and two columns per step (eight independent running sums sharing each
 * entry of x); products with a transposed matrix and outer products take eight rows per pass,
 * so the result (or the right vector) is loaded and stored once per eight rows; outer products
 * also take two columns per step, since their stores bound them. Each is 1.1 to 1.6 times as
 * fast as its one-row form; the sums are grouped so each block adds in a fixed order, and the
 * output is the same on every run. The two-vector forms (matVec2$, matTVec2$) read the matrix
 * once for two products of it (schedule.ts pairs them) and sum each exactly as the one-vector
 * form does, so pairing changes no result.
 *
 * Inputs are ArrayLike<number> (generated functions accept plain arrays); results are written
 * into a Float64Array the caller owns. Names end in `$`, which formula names cannot. The
 * matrix-matrix kernels live in matrix-kernels.ts and are part of this table.
 */
export const KERNELS = {
  ...MATRIX_KERNELS,
  scratch$: `/** Scratch arrays for values that never leave a function, kept between calls by slot (see ScratchSlots in lower.ts). */
const scratch$pool: Float64Array[] = [];

/** The scratch array of \`slot\`, with \`length\` entries: its old contents, or zeros when it is new. */
function scratch$(slot: number, length: number): Float64Array {
  const a = scratch$pool[slot];
  if (a !== undefined && a.length === length) return a;
  return (scratch$pool[slot] = new Float64Array(length));
}`,
  matVec$: `/** out[i] = scale * sum_k a[i, k] x[k], a row-major rows x cols. */
function matVec$(a: ArrayLike<number>, x: ArrayLike<number>, rows: number, cols: number, scale: number, out: Float64Array): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const p0 = i * cols, p1 = p0 + cols, p2 = p1 + cols, p3 = p2 + cols;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, u0 = 0, u1 = 0, u2 = 0, u3 = 0;
    let k = 0;
    for (; k + 1 < cols; k += 2) {
      const x0 = x[k], x1 = x[k + 1];
      s0 += a[p0 + k] * x0;
      u0 += a[p0 + k + 1] * x1;
      s1 += a[p1 + k] * x0;
      u1 += a[p1 + k + 1] * x1;
      s2 += a[p2 + k] * x0;
      u2 += a[p2 + k + 1] * x1;
      s3 += a[p3 + k] * x0;
      u3 += a[p3 + k + 1] * x1;
    }
    if (k < cols) {
      const x0 = x[k];
      s0 += a[p0 + k] * x0;
      s1 += a[p1 + k] * x0;
      s2 += a[p2 + k] * x0;
      s3 += a[p3 + k] * x0;
    }
    out[i] = scale * (s0 + u0);
    out[i + 1] = scale * (s1 + u1);
    out[i + 2] = scale * (s2 + u2);
    out[i + 3] = scale * (s3 + u3);
  }
  for (; i < rows; i++) {
    const p0 = i * cols;
    let s0 = 0, u0 = 0;
    let k = 0;
    for (; k + 1 < cols; k += 2) {
      s0 += a[p0 + k] * x[k];
      u0 += a[p0 + k + 1] * x[k + 1];
    }
    if (k < cols) s0 += a[p0 + k] * x[k];
    out[i] = scale * (s0 + u0);
  }
}`,
  matTVec$: `/** out[j] = scale * sum_k a[k, j] b[k] (a^T b), a row-major rows x cols. */
function matTVec$(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, cols: number, scale: number, out: Float64Array): void {
  out.fill(0);
  let k = 0;
  for (; k + 7 < rows; k += 8) {
    const b0 = scale * b[k], b1 = scale * b[k + 1], b2 = scale * b[k + 2], b3 = scale * b[k + 3];
    const b4 = scale * b[k + 4], b5 = scale * b[k + 5], b6 = scale * b[k + 6], b7 = scale * b[k + 7];
    const p0 = k * cols, p1 = p0 + cols, p2 = p1 + cols, p3 = p2 + cols;
    const p4 = p3 + cols, p5 = p4 + cols, p6 = p5 + cols, p7 = p6 + cols;
    for (let j = 0; j < cols; j++) {
      out[j] += a[p0 + j] * b0 + a[p1 + j] * b1 + (a[p2 + j] * b2 + a[p3 + j] * b3) + (a[p4 + j] * b4 + a[p5 + j] * b5 + (a[p6 + j] * b6 + a[p7 + j] * b7));
    }
  }
  for (; k < rows; k++) {
    const b0 = scale * b[k];
    const p0 = k * cols;
    for (let j = 0; j < cols; j++) out[j] += a[p0 + j] * b0;
  }
}`,
  matVec2$: `/** matVec$ for two vectors in one pass over a: outX = sx a x, outY = sy a y, each summed as matVec$ sums it. */
function matVec2$(a: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, cols: number, sx: number, sy: number, outX: Float64Array, outY: Float64Array): void {
  let i = 0;
  for (; i + 1 < rows; i += 2) {
    const p0 = i * cols, p1 = p0 + cols;
    let s0 = 0, s1 = 0, u0 = 0, u1 = 0, t0 = 0, t1 = 0, v0 = 0, v1 = 0;
    let k = 0;
    for (; k + 1 < cols; k += 2) {
      const x0 = x[k], x1 = x[k + 1], y0 = y[k], y1 = y[k + 1];
      const a00 = a[p0 + k], a01 = a[p0 + k + 1], a10 = a[p1 + k], a11 = a[p1 + k + 1];
      s0 += a00 * x0;
      u0 += a01 * x1;
      s1 += a10 * x0;
      u1 += a11 * x1;
      t0 += a00 * y0;
      v0 += a01 * y1;
      t1 += a10 * y0;
      v1 += a11 * y1;
    }
    if (k < cols) {
      const x0 = x[k], y0 = y[k], a00 = a[p0 + k], a10 = a[p1 + k];
      s0 += a00 * x0;
      s1 += a10 * x0;
      t0 += a00 * y0;
      t1 += a10 * y0;
    }
    outX[i] = sx * (s0 + u0);
    outX[i + 1] = sx * (s1 + u1);
    outY[i] = sy * (t0 + v0);
    outY[i + 1] = sy * (t1 + v1);
  }
  for (; i < rows; i++) {
    const p0 = i * cols;
    let s0 = 0, u0 = 0, t0 = 0, v0 = 0;
    let k = 0;
    for (; k + 1 < cols; k += 2) {
      const a00 = a[p0 + k], a01 = a[p0 + k + 1];
      s0 += a00 * x[k];
      u0 += a01 * x[k + 1];
      t0 += a00 * y[k];
      v0 += a01 * y[k + 1];
    }
    if (k < cols) {
      s0 += a[p0 + k] * x[k];
      t0 += a[p0 + k] * y[k];
    }
    outX[i] = sx * (s0 + u0);
    outY[i] = sy * (t0 + v0);
  }
}`,
  matTVec2$: `/** matTVec$ for two vectors in one pass over a: outX = sx a^T x, outY = sy a^T y, each summed as matTVec$ sums it. */
function matTVec2$(a: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, cols: number, sx: number, sy: number, outX: Float64Array, outY: Float64Array): void {
  outX.fill(0);
  outY.fill(0);
  let k = 0;
  for (; k + 7 < rows; k += 8) {
    const b0 = sx * x[k], b1 = sx * x[k + 1], b2 = sx * x[k + 2], b3 = sx * x[k + 3];
    const b4 = sx * x[k + 4], b5 = sx * x[k + 5], b6 = sx * x[k + 6], b7 = sx * x[k + 7];
    const c0 = sy * y[k], c1 = sy * y[k + 1], c2 = sy * y[k + 2], c3 = sy * y[k + 3];
    const c4 = sy * y[k + 4], c5 = sy * y[k + 5], c6 = sy * y[k + 6], c7 = sy * y[k + 7];
    const p0 = k * cols, p1 = p0 + cols, p2 = p1 + cols, p3 = p2 + cols;
    const p4 = p3 + cols, p5 = p4 + cols, p6 = p5 + cols, p7 = p6 + cols;
    for (let j = 0; j < cols; j++) {
      const a0 = a[p0 + j], a1 = a[p1 + j], a2 = a[p2 + j], a3 = a[p3 + j];
      const a4 = a[p4 + j], a5 = a[p5 + j], a6 = a[p6 + j], a7 = a[p7 + j];
      outX[j] += a0 * b0 + a1 * b1 + (a2 * b2 + a3 * b3) + (a4 * b4 + a5 * b5 + (a6 * b6 + a7 * b7));
      outY[j] += a0 * c0 + a1 * c1 + (a2 * c2 + a3 * c3) + (a4 * c4 + a5 * c5 + (a6 * c6 + a7 * c7));
    }
  }
  for (; k < rows; k++) {
    const b0 = sx * x[k], c0 = sy * y[k];
    const p0 = k * cols;
    for (let j = 0; j < cols; j++) {
      const a0 = a[p0 + j];
      outX[j] += a0 * b0;
      outY[j] += a0 * c0;
    }
  }
}`,
  outer$: `/** out[i, j] = scale * d[i] x[j], row-major rows x cols. */
function outer$(d: ArrayLike<number>, x: ArrayLike<number>, rows: number, cols: number, scale: number, out: Float64Array): void {
  let i = 0;
  for (; i + 7 < rows; i += 8) {
    const a0 = scale * d[i], a1 = scale * d[i + 1], a2 = scale * d[i + 2], a3 = scale * d[i + 3];
    const a4 = scale * d[i + 4], a5 = scale * d[i + 5], a6 = scale * d[i + 6], a7 = scale * d[i + 7];
    const p0 = i * cols, p1 = p0 + cols, p2 = p1 + cols, p3 = p2 + cols;
    const p4 = p3 + cols, p5 = p4 + cols, p6 = p5 + cols, p7 = p6 + cols;
    let j = 0;
    for (; j + 1 < cols; j += 2) {
      const x0 = x[j], x1 = x[j + 1];
      out[p0 + j] = a0 * x0;
      out[p0 + j + 1] = a0 * x1;
      out[p1 + j] = a1 * x0;
      out[p1 + j + 1] = a1 * x1;
      out[p2 + j] = a2 * x0;
      out[p2 + j + 1] = a2 * x1;
      out[p3 + j] = a3 * x0;
      out[p3 + j + 1] = a3 * x1;
      out[p4 + j] = a4 * x0;
      out[p4 + j + 1] = a4 * x1;
      out[p5 + j] = a5 * x0;
      out[p5 + j + 1] = a5 * x1;
      out[p6 + j] = a6 * x0;
      out[p6 + j + 1] = a6 * x1;
      out[p7 + j] = a7 * x0;
      out[p7 + j + 1] = a7 * x1;
    }
    if (j < cols) {
      const x0 = x[j];
      out[p0 + j] = a0 * x0;
      out[p1 + j] = a1 * x0;
      out[p2 + j] = a2 * x0;
      out[p3 + j] = a3 * x0;
      out[p4 + j] = a4 * x0;
      out[p5 + j] = a5 * x0;
      out[p6 + j] = a6 * x0;
      out[p7 + j] = a7 * x0;
    }
  }
  for (; i < rows; i++) {
    const a0 = scale * d[i];
    const p0 = i * cols;
    for (let j = 0; j < cols; j++) out[p0 + j] = a0 * x[j];
  }
}`,
} satisfies Record<string, string>;
