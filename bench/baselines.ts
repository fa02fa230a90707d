/**
 * Hand-written gradients with the same API as the generated ones: what an engineer who tunes
 * JavaScript numerics would write by hand for these models. Plain loops over Float64Array,
 * no input checks, and the tricks that pay off in V8 (each measured on this machine):
 *
 * - matrix-vector products take four rows per pass, so each load of x[k] feeds four
 *   independent accumulators (about 1.5x a one-row loop with four partial sums);
 * - products with a transposed matrix (A^T v) and outer products (d x^T) also take four rows
 *   per pass, which cuts the loop overhead and the loads and stores of the shared vector;
 * - the backward pass of a layer reads each row of W once: the row of the weight gradient
 *   and its contribution to W^T delta in one loop;
 * - elementwise work (bias, tanh, sigmoid, the loss) is fused into the loop that produces
 *   its argument.
 *
 * Each function takes an optional `out` (a result of the same function) to fill in place,
 * like the generated fGradInto.
 */

export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

type MatrixIn = { rows: number; cols: number; data: ArrayLike<number> };
type Vec = ArrayLike<number>;

/** out[i] = (bias[i] +) sum_k a[i, k] x[k], a row-major rows x cols; four rows per pass. */
function matVec(a: Vec, x: Vec, rows: number, cols: number, out: Float64Array, bias?: Vec): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const p = i * cols;
    const q = p + cols;
    const r = q + cols;
    const s = r + cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < cols; k++) {
      const xk = x[k];
      s0 += a[p + k] * xk;
      s1 += a[q + k] * xk;
      s2 += a[r + k] * xk;
      s3 += a[s + k] * xk;
    }
    if (bias === undefined) {
      out[i] = s0;
      out[i + 1] = s1;
      out[i + 2] = s2;
      out[i + 3] = s3;
    } else {
      out[i] = s0 + bias[i];
      out[i + 1] = s1 + bias[i + 1];
      out[i + 2] = s2 + bias[i + 2];
      out[i + 3] = s3 + bias[i + 3];
    }
  }
  for (; i < rows; i++) {
    const p = i * cols;
    let s0 = bias === undefined ? 0 : bias[i];
    for (let k = 0; k < cols; k++) s0 += a[p + k] * x[k];
    out[i] = s0;
  }
}

/** out[i, j] = d[i] x[j], four rows per pass. */
function outer(d: Vec, x: Vec, rows: number, cols: number, out: Float64Array): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const d0 = d[i];
    const d1 = d[i + 1];
    const d2 = d[i + 2];
    const d3 = d[i + 3];
    const p = i * cols;
    const q = p + cols;
    const r = q + cols;
    const s = r + cols;
    for (let j = 0; j < cols; j++) {
      const xj = x[j];
      out[p + j] = d0 * xj;
      out[q + j] = d1 * xj;
      out[r + j] = d2 * xj;
      out[s + j] = d3 * xj;
    }
  }
  for (; i < rows; i++) {
    const di = d[i];
    const p = i * cols;
    for (let j = 0; j < cols; j++) out[p + j] = di * x[j];
  }
}

/**
 * One backward step through a linear layer a (rows x cols), four rows per pass:
 * grad[i, j] = d[i] below[j] and back = a^T d, reading each row of a once.
 */
function outerAndTransposed(
  a: Vec,
  d: Vec,
  below: Vec,
  rows: number,
  cols: number,
  grad: Float64Array,
  back: Float64Array,
): void {
  back.fill(0);
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const d0 = d[i];
    const d1 = d[i + 1];
    const d2 = d[i + 2];
    const d3 = d[i + 3];
    const p = i * cols;
    const q = p + cols;
    const r = q + cols;
    const s = r + cols;
    for (let j = 0; j < cols; j++) {
      const bj = below[j];
      grad[p + j] = d0 * bj;
      grad[q + j] = d1 * bj;
      grad[r + j] = d2 * bj;
      grad[s + j] = d3 * bj;
      back[j] += a[p + j] * d0 + a[q + j] * d1 + (a[r + j] * d2 + a[s + j] * d3);
    }
  }
  for (; i < rows; i++) {
    const di = d[i];
    const p = i * cols;
    for (let j = 0; j < cols; j++) {
      grad[p + j] = di * below[j];
      back[j] += a[p + j] * di;
    }
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (t: number) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));

const matrixOut = (out: Matrix | undefined, rows: number, cols: number): Matrix =>
  out ?? { rows, cols, data: new Float64Array(rows * cols) };

export interface Ds102Gradient {
  value: number;
  A: Matrix;
  b: Float64Array;
}

/** DS 102: L = (y - b^T sigma(A x))^2, gradient wrt A and b. */
export function ds102Grad(input: { A: MatrixIn; b: Vec; x: Vec; y: number }, out?: Ds102Gradient): Ds102Gradient {
  const { A, b, x, y } = input;
  const h = A.rows;
  const m = A.cols;
  const s = new Float64Array(h);
  matVec(A.data, x, h, m, s);
  let z3 = 0;
  for (let i = 0; i < h; i++) {
    const si = sigmoid(s[i]);
    s[i] = si;
    z3 += b[i] * si;
  }
  const z4 = y - z3;
  const c = -2 * z4;
  const gA = matrixOut(out?.A, h, m);
  const gb = out?.b ?? new Float64Array(h);
  const d = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    const si = s[i];
    gb[i] = c * si;
    d[i] = c * b[i] * si * (1 - si);
  }
  outer(d, x, h, m, gA.data);
  if (out === undefined) return { value: z4 * z4, A: gA, b: gb };
  out.value = z4 * z4;
  return out;
}

export interface DomkeGradient {
  value: number;
  W: Matrix;
  V: Matrix;
  b: Float64Array;
  c: Float64Array;
}

/** Domke: L = logsumexp(f) - f[y], f = c + V tanh(b + W x); gradient wrt W, V, b, c. */
export function domkeGrad(
  input: { W: MatrixIn; V: MatrixIn; b: Vec; c: Vec; x: Vec; y: number },
  out?: DomkeGradient,
): DomkeGradient {
  const { W, V, b, c, x, y } = input;
  const M = W.rows;
  const p = W.cols;
  const K = V.rows;
  const hidden = new Float64Array(M);
  matVec(W.data, x, M, p, hidden, b);
  for (let i = 0; i < M; i++) hidden[i] = Math.tanh(hidden[i]);
  const f = new Float64Array(K);
  matVec(V.data, hidden, K, M, f, c);
  let max = -Infinity;
  for (let i = 0; i < K; i++) if (f[i] > max) max = f[i];
  const gc = out?.c ?? new Float64Array(K);
  let sum = 0;
  for (let i = 0; i < K; i++) {
    const e = Math.exp(f[i] - max);
    gc[i] = e;
    sum += e;
  }
  const value = max + Math.log(sum) - f[y];
  const inv = 1 / sum;
  for (let i = 0; i < K; i++) gc[i] *= inv;
  gc[y] -= 1;
  const gV = matrixOut(out?.V, K, M);
  const dh = new Float64Array(M);
  outerAndTransposed(V.data, gc, hidden, K, M, gV.data, dh);
  const gb = out?.b ?? new Float64Array(M);
  for (let i = 0; i < M; i++) {
    const hi = hidden[i];
    gb[i] = dh[i] * (1 - hi * hi);
  }
  const gW = matrixOut(out?.W, M, p);
  outer(gb, x, M, p, gW.data);
  if (out === undefined) return { value, W: gW, V: gV, b: gb, c: gc };
  out.value = value;
  return out;
}

export interface Inf264Gradient {
  value: number;
  w0: number;
  w1: number;
  w2: number;
  w3: number;
  w4: number;
}

/** INF264: L = (w3 relu(w0 x0 + w1 x1 + w2) + w4 - y)^2, gradient wrt the five weights. */
export function inf264Grad(
  input: { x: Vec; y: number; w0: number; w1: number; w2: number; w3: number; w4: number },
  out?: Inf264Gradient,
): Inf264Gradient {
  const { x, y, w0, w1, w2, w3, w4 } = input;
  const x0 = x[0];
  const x1 = x[1];
  const z = w0 * x0 + w1 * x1 + w2;
  const h = z > 0 ? z : 0;
  const e = w3 * h + w4 - y;
  const dy = 2 * e;
  const dz = z > 0 ? dy * w3 : 0;
  if (out === undefined) return { value: e * e, w0: dz * x0, w1: dz * x1, w2: dz, w3: dy * h, w4: dy };
  out.value = e * e;
  out.w0 = dz * x0;
  out.w1 = dz * x1;
  out.w2 = dz;
  out.w3 = dy * h;
  out.w4 = dy;
  return out;
}

export interface LogregGradient {
  value: number;
  w: Float64Array;
}

/**
 * Batch logistic regression: L = sum(softplus(-y .* (X w))), gradient wrt w. One pass over X
 * in blocks of four rows: their four dot products, then their four contributions to the
 * gradient while the rows are still in L1.
 */
export function logregGrad(input: { X: MatrixIn; w: Vec; y: Vec }, out?: LogregGradient): LogregGradient {
  const { X, w, y } = input;
  const N = X.rows;
  const d = X.cols;
  const a = X.data;
  const gw = out?.w ?? new Float64Array(d);
  gw.fill(0);
  let value = 0;
  let i = 0;
  for (; i + 3 < N; i += 4) {
    const p = i * d;
    const q = p + d;
    const r = q + d;
    const s = r + d;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    for (let k = 0; k < d; k++) {
      const wk = w[k];
      z0 += a[p + k] * wk;
      z1 += a[q + k] * wk;
      z2 += a[r + k] * wk;
      z3 += a[s + k] * wk;
    }
    const y0 = y[i];
    const y1 = y[i + 1];
    const y2 = y[i + 2];
    const y3 = y[i + 3];
    const t0 = -y0 * z0;
    const t1 = -y1 * z1;
    const t2 = -y2 * z2;
    const t3 = -y3 * z3;
    value += softplus(t0) + softplus(t1) + (softplus(t2) + softplus(t3));
    const g0 = -y0 * sigmoid(t0);
    const g1 = -y1 * sigmoid(t1);
    const g2 = -y2 * sigmoid(t2);
    const g3 = -y3 * sigmoid(t3);
    for (let k = 0; k < d; k++) gw[k] += a[p + k] * g0 + a[q + k] * g1 + (a[r + k] * g2 + a[s + k] * g3);
  }
  for (; i < N; i++) {
    const p = i * d;
    let z = 0;
    for (let k = 0; k < d; k++) z += a[p + k] * w[k];
    const t = -y[i] * z;
    value += softplus(t);
    const g = -y[i] * sigmoid(t);
    for (let k = 0; k < d; k++) gw[k] += a[p + k] * g;
  }
  if (out === undefined) return { value, w: gw };
  out.value = value;
  return out;
}

export type MlpGradient = Record<string, number | Float64Array | Matrix>;

/** An L-layer tanh network with squared loss ||h_L - y||^2: gradient wrt every W_l and b_l. */
export function mlpGrad(input: Record<string, MatrixIn | Vec>, out?: MlpGradient, layers = 16): MlpGradient {
  const x = input.x as Vec;
  const y = input.y as Vec;
  const n = x.length;
  const weights: Vec[] = [];
  const hs: Float64Array[] = [];
  let below: Vec = x;
  for (let l = 1; l <= layers; l++) {
    const w = (input[`W${l}`] as MatrixIn).data;
    weights.push(w);
    const h = new Float64Array(n);
    matVec(w, below, n, n, h, input[`b${l}`] as Vec);
    for (let i = 0; i < n; i++) h[i] = Math.tanh(h[i]);
    hs.push(h);
    below = h;
  }
  const result: MlpGradient = out ?? {};
  const last = hs[layers - 1];
  let value = 0;
  let dh = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = last[i] - y[i];
    value += r * r;
    dh[i] = 2 * r;
  }
  result.value = value;
  let back = new Float64Array(n);
  for (let l = layers; l >= 1; l--) {
    const h = hs[l - 1];
    const ds = out === undefined ? new Float64Array(n) : (out[`b${l}`] as Float64Array);
    for (let i = 0; i < n; i++) ds[i] = dh[i] * (1 - h[i] * h[i]);
    const gW = out === undefined ? { rows: n, cols: n, data: new Float64Array(n * n) } : (out[`W${l}`] as Matrix);
    const prev = l === 1 ? x : hs[l - 2];
    if (l > 1) {
      outerAndTransposed(weights[l - 1], ds, prev, n, n, gW.data, back);
      const t = dh;
      dh = back;
      back = t;
    } else {
      outer(ds, prev, n, n, gW.data);
    }
    result[`W${l}`] = gW;
    result[`b${l}`] = ds;
  }
  return result;
}
