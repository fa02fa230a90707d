/**
 * Hand-written gradients of the batched models (examples in the columns of X), with the same
 * API as the generated ones: the best blocked loops written by hand for V8, each trick measured
 * on this machine (the closing note of issue 15 has the numbers):
 *
 * - matrix-matrix products take eight rows of the result and four steps of the inner dimension
 *   per pass over a row of the right operand (`gemm`): 32 loop-invariant entries of the left
 *   operand, each entry of the right one loaded once for eight rows, each entry of the result
 *   loaded and stored once per four multiply-adds. Register blocks with the inner dimension
 *   innermost (4 x 4, 4 x 2, 3 x 4 sums) were slower: V8 spills beyond 16 registers;
 * - A Bᵀ with many rows transposes B into a scratch array first and runs `gemm`; with few rows
 *   (the K = 10 classes) it takes dot products of rows, two rows against four (`dotRows`);
 * - Aᵀ B reads A through strides;
 * - biases start the result rows, activations and their derivatives, the loss and the bias
 *   gradients are fused into the passes that produce their arguments;
 * - intermediates live in scratch arrays kept between calls.
 *
 * Each function takes an optional `out` (a result of the same function) to fill in place.
 */
import type { Matrix } from './baselines.js';

type MatrixIn = { rows: number; cols: number; data: ArrayLike<number> };
type Vec = ArrayLike<number>;

/** out[i * n + j] += sum_{q < depth} a[i * ars + q * acs] * b[q * n + j], for i < rows, j < n. */
function gemm(
  a: Vec,
  ars: number,
  acs: number,
  b: Vec,
  depth: number,
  rows: number,
  n: number,
  out: Float64Array,
): void {
  let i = 0;
  for (; i + 7 < rows; i += 8) {
    const r = i * ars;
    const c0 = i * n,
      c1 = c0 + n,
      c2 = c1 + n,
      c3 = c2 + n,
      c4 = c3 + n,
      c5 = c4 + n,
      c6 = c5 + n,
      c7 = c6 + n;
    let q = 0;
    for (; q + 3 < depth; q += 4) {
      const o = r + q * acs;
      const x00 = a[o],
        x01 = a[o + acs],
        x02 = a[o + 2 * acs],
        x03 = a[o + 3 * acs];
      const x10 = a[o + ars],
        x11 = a[o + ars + acs],
        x12 = a[o + ars + 2 * acs],
        x13 = a[o + ars + 3 * acs];
      const o2 = o + 2 * ars,
        o3 = o + 3 * ars,
        o4 = o + 4 * ars,
        o5 = o + 5 * ars,
        o6 = o + 6 * ars,
        o7 = o + 7 * ars;
      const x20 = a[o2],
        x21 = a[o2 + acs],
        x22 = a[o2 + 2 * acs],
        x23 = a[o2 + 3 * acs];
      const x30 = a[o3],
        x31 = a[o3 + acs],
        x32 = a[o3 + 2 * acs],
        x33 = a[o3 + 3 * acs];
      const x40 = a[o4],
        x41 = a[o4 + acs],
        x42 = a[o4 + 2 * acs],
        x43 = a[o4 + 3 * acs];
      const x50 = a[o5],
        x51 = a[o5 + acs],
        x52 = a[o5 + 2 * acs],
        x53 = a[o5 + 3 * acs];
      const x60 = a[o6],
        x61 = a[o6 + acs],
        x62 = a[o6 + 2 * acs],
        x63 = a[o6 + 3 * acs];
      const x70 = a[o7],
        x71 = a[o7 + acs],
        x72 = a[o7 + 2 * acs],
        x73 = a[o7 + 3 * acs];
      const p0 = q * n,
        p1 = p0 + n,
        p2 = p1 + n,
        p3 = p2 + n;
      for (let j = 0; j < n; j++) {
        const b0 = b[p0 + j],
          b1 = b[p1 + j],
          b2 = b[p2 + j],
          b3 = b[p3 + j];
        out[c0 + j] += x00 * b0 + x01 * b1 + (x02 * b2 + x03 * b3);
        out[c1 + j] += x10 * b0 + x11 * b1 + (x12 * b2 + x13 * b3);
        out[c2 + j] += x20 * b0 + x21 * b1 + (x22 * b2 + x23 * b3);
        out[c3 + j] += x30 * b0 + x31 * b1 + (x32 * b2 + x33 * b3);
        out[c4 + j] += x40 * b0 + x41 * b1 + (x42 * b2 + x43 * b3);
        out[c5 + j] += x50 * b0 + x51 * b1 + (x52 * b2 + x53 * b3);
        out[c6 + j] += x60 * b0 + x61 * b1 + (x62 * b2 + x63 * b3);
        out[c7 + j] += x70 * b0 + x71 * b1 + (x72 * b2 + x73 * b3);
      }
    }
    for (; q < depth; q++) {
      const o = r + q * acs;
      const p0 = q * n;
      for (let row = 0; row < 8; row++) {
        const x = a[o + row * ars];
        const c = c0 + row * n;
        for (let j = 0; j < n; j++) out[c + j] += x * b[p0 + j];
      }
    }
  }
  for (; i < rows; i++) {
    const c = i * n;
    for (let q = 0; q < depth; q++) {
      const x = a[i * ars + q * acs];
      const p0 = q * n;
      for (let j = 0; j < n; j++) out[c + j] += x * b[p0 + j];
    }
  }
}

/** out = scale * A Bᵀ for A rows x inner and B cols x inner, row-major: dot products of two rows of A against four of B. */
function dotRows(a: Vec, b: Vec, rows: number, inner: number, cols: number, scale: number, out: Float64Array): void {
  let i = 0;
  for (; i + 1 < rows; i += 2) {
    const r0 = i * inner,
      r1 = r0 + inner;
    let j = 0;
    for (; j + 3 < cols; j += 4) {
      const p0 = j * inner,
        p1 = p0 + inner,
        p2 = p1 + inner,
        p3 = p2 + inner;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      for (let q = 0; q < inner; q++) {
        const x0 = a[r0 + q],
          x1 = a[r1 + q];
        const y0 = b[p0 + q],
          y1 = b[p1 + q],
          y2 = b[p2 + q],
          y3 = b[p3 + q];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      const c0 = i * cols + j,
        c1 = c0 + cols;
      out[c0] = scale * s00;
      out[c0 + 1] = scale * s01;
      out[c0 + 2] = scale * s02;
      out[c0 + 3] = scale * s03;
      out[c1] = scale * s10;
      out[c1 + 1] = scale * s11;
      out[c1 + 2] = scale * s12;
      out[c1 + 3] = scale * s13;
    }
    for (; j < cols; j++) {
      let s0 = 0,
        s1 = 0;
      for (let q = 0; q < inner; q++) {
        s0 += a[r0 + q] * b[j * inner + q];
        s1 += a[r1 + q] * b[j * inner + q];
      }
      out[i * cols + j] = scale * s0;
      out[(i + 1) * cols + j] = scale * s1;
    }
  }
  for (; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let q = 0; q < inner; q++) s += a[i * inner + q] * b[j * inner + q];
      out[i * cols + j] = scale * s;
    }
  }
}

/** Scratch arrays by name, kept between calls. */
const scratchArrays = new Map<string, Float64Array>();
function scratch(name: string, length: number): Float64Array {
  const a = scratchArrays.get(name);
  if (a !== undefined && a.length === length) return a;
  const fresh = new Float64Array(length);
  scratchArrays.set(name, fresh);
  return fresh;
}

/** The transpose of X (rows x cols, row-major) in the scratch array `name`. */
function transposed(name: string, x: Vec, rows: number, cols: number): Float64Array {
  const t = scratch(name, rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) t[j * rows + i] = x[r + j];
  }
  return t;
}

/** out = A B + bias (broadcast down the columns): A rows x inner read through strides, B inner x cols. */
function affine(
  a: Vec,
  ars: number,
  acs: number,
  b: Vec,
  bias: Vec,
  rows: number,
  inner: number,
  cols: number,
  out: Float64Array,
): void {
  for (let i = 0; i < rows; i++) out.fill(bias[i]!, i * cols, (i + 1) * cols);
  gemm(a, ars, acs, b, inner, rows, cols, out);
}

function matrixOut(m: Matrix | undefined, rows: number, cols: number): Matrix {
  return m ?? { rows, cols, data: new Float64Array(rows * cols) };
}

export interface Mlp2Gradient {
  value: number;
  W1: Matrix;
  b1: Float64Array;
  W2: Matrix;
  b2: Float64Array;
}

/** Two-layer tanh MLP on a batch: H = tanh(W1 X + b1), F = W2 H + b2, L = 1/N sum((F - Y) .^ 2). */
export function mlp2Grad(
  input: { X: MatrixIn; Y: MatrixIn; W1: MatrixIn; b1: Vec; W2: MatrixIn; b2: Vec },
  out?: Mlp2Gradient,
): Mlp2Gradient {
  const { X, Y, W1, b1, W2, b2 } = input;
  const d = X.rows,
    N = X.cols,
    h = W1.rows,
    K = W2.rows;
  const H = scratch('mlp2.H', h * N);
  affine(W1.data, d, 1, X.data, b1, h, d, N, H);
  for (let k = 0; k < h * N; k++) H[k] = Math.tanh(H[k]!);
  const dF = scratch('mlp2.dF', K * N);
  affine(W2.data, h, 1, H, b2, K, h, N, dF);
  // dF = 2/N (F - Y), the loss, and the bias gradient in one pass.
  const gb2 = out?.b2 ?? new Float64Array(K);
  const y = Y.data;
  let value = 0;
  for (let i = 0; i < K; i++) {
    let row = 0;
    for (let j = i * N; j < (i + 1) * N; j++) {
      const e = dF[j]! - y[j]!;
      value += e * e;
      const g = (2 / N) * e;
      dF[j] = g;
      row += g;
    }
    gb2[i] = row;
  }
  const gW2 = matrixOut(out?.W2, K, h);
  dotRows(dF, H, K, N, h, 1, gW2.data);
  // dZ = W2ᵀ dF .* (1 - H .^ 2), and its row sums.
  const dZ = scratch('mlp2.dZ', h * N);
  dZ.fill(0);
  gemm(W2.data, 1, h, dF, K, h, N, dZ);
  const gb1 = out?.b1 ?? new Float64Array(h);
  for (let i = 0; i < h; i++) {
    let row = 0;
    for (let j = i * N; j < (i + 1) * N; j++) {
      const hj = H[j]!;
      const g = dZ[j]! * (1 - hj * hj);
      dZ[j] = g;
      row += g;
    }
    gb1[i] = row;
  }
  const gW1 = matrixOut(out?.W1, h, d);
  gW1.data.fill(0);
  gemm(dZ, N, 1, transposed('mlp2.Xt', X.data, d, N), N, h, d, gW1.data);
  if (out === undefined) return { value: value / N, W1: gW1, b1: gb1, W2: gW2, b2: gb2 };
  out.value = value / N;
  return out;
}

export interface SoftmaxGradient {
  value: number;
  W: Matrix;
  b: Float64Array;
}

/** Softmax regression on a batch: P = softmax(W X + b) by columns, L = -1/N sum(Y .* log(P)). */
export function softmaxGrad(
  input: { X: MatrixIn; Y: MatrixIn; W: MatrixIn; b: Vec },
  out?: SoftmaxGradient,
): SoftmaxGradient {
  const { X, Y, W, b } = input;
  const p = X.rows,
    N = X.cols,
    K = W.rows;
  const Z = scratch('softmax.Z', K * N);
  affine(W.data, p, 1, X.data, b, K, p, N, Z);
  // Column by column: the log-softmax for the loss, then dZ = (P sum(Y) - Y) / N in place.
  const y = Y.data;
  let value = 0;
  for (let j = 0; j < N; j++) {
    let max = -Infinity;
    for (let i = 0; i < K; i++) max = Math.max(max, Z[i * N + j]!);
    let sum = 0;
    let ySum = 0;
    let yz = 0;
    for (let i = 0; i < K; i++) {
      const z = Z[i * N + j]! - max;
      const e = Math.exp(z);
      Z[i * N + j] = e;
      sum += e;
      ySum += y[i * N + j]!;
      yz += y[i * N + j]! * z;
    }
    value += ySum * Math.log(sum) - yz;
    const s = ySum / (sum * N);
    for (let i = 0; i < K; i++) Z[i * N + j] = Z[i * N + j]! * s - y[i * N + j]! / N;
  }
  const gb = out?.b ?? new Float64Array(K);
  for (let i = 0; i < K; i++) {
    let row = 0;
    for (let j = i * N; j < (i + 1) * N; j++) row += Z[j]!;
    gb[i] = row;
  }
  const gW = matrixOut(out?.W, K, p);
  dotRows(Z, X.data, K, N, p, 1, gW.data);
  if (out === undefined) return { value: value / N, W: gW, b: gb };
  out.value = value / N;
  return out;
}

export interface DomkeBatchGradient {
  value: number;
  W: Matrix;
  V: Matrix;
  b: Float64Array;
  c: Float64Array;
}

/** Domke's risk over a batch: H = tanh(b + W X), F = c + V H, L = sum over columns of logsumexp(F) - Y .* F. */
export function domkeBatchGrad(
  input: { W: MatrixIn; V: MatrixIn; b: Vec; c: Vec; X: MatrixIn; Y: MatrixIn },
  out?: DomkeBatchGradient,
): DomkeBatchGradient {
  const { W, V, b, c, X, Y } = input;
  const p = X.rows,
    N = X.cols,
    M = W.rows,
    K = V.rows;
  const H = scratch('domke.H', M * N);
  affine(W.data, p, 1, X.data, b, M, p, N, H);
  for (let k = 0; k < M * N; k++) H[k] = Math.tanh(H[k]!);
  const F = scratch('domke.F', K * N);
  affine(V.data, M, 1, H, c, K, M, N, F);
  // Column by column: logsumexp(F) - Y .* F, and dF = softmax(F) - Y in place.
  const y = Y.data;
  let value = 0;
  for (let j = 0; j < N; j++) {
    let max = -Infinity;
    for (let i = 0; i < K; i++) max = Math.max(max, F[i * N + j]!);
    let sum = 0;
    for (let i = 0; i < K; i++) {
      const f = F[i * N + j]!;
      value -= y[i * N + j]! * f;
      const e = Math.exp(f - max);
      F[i * N + j] = e;
      sum += e;
    }
    value += max + Math.log(sum);
    const inv = 1 / sum;
    for (let i = 0; i < K; i++) F[i * N + j] = F[i * N + j]! * inv - y[i * N + j]!;
  }
  const gc = out?.c ?? new Float64Array(K);
  for (let i = 0; i < K; i++) {
    let row = 0;
    for (let j = i * N; j < (i + 1) * N; j++) row += F[j]!;
    gc[i] = row;
  }
  const gV = matrixOut(out?.V, K, M);
  dotRows(F, H, K, N, M, 1, gV.data);
  // dS = Vᵀ dF .* (1 - H .^ 2), and its row sums.
  const dS = scratch('domke.dS', M * N);
  dS.fill(0);
  gemm(V.data, 1, M, F, K, M, N, dS);
  const gb = out?.b ?? new Float64Array(M);
  for (let i = 0; i < M; i++) {
    let row = 0;
    for (let j = i * N; j < (i + 1) * N; j++) {
      const hj = H[j]!;
      const g = dS[j]! * (1 - hj * hj);
      dS[j] = g;
      row += g;
    }
    gb[i] = row;
  }
  const gW = matrixOut(out?.W, M, p);
  gW.data.fill(0);
  gemm(dS, N, 1, transposed('domke.Xt', X.data, p, N), N, M, p, gW.data);
  if (out === undefined) return { value, W: gW, V: gV, b: gb, c: gc };
  out.value = value;
  return out;
}
