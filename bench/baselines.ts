/**
 * Hand-written gradients with the same API as the generated ones: what a careful engineer
 * would write by hand: plain loops over Float64Array, fused where natural, no checks.
 */

export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

type MatrixIn = { rows: number; cols: number; data: ArrayLike<number> };

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** DS 102: L = (y - b^T sigma(A x))^2, gradient wrt A and b. */
export function ds102Grad(input: { A: MatrixIn; b: ArrayLike<number>; x: ArrayLike<number>; y: number }) {
  const { A, b, x, y } = input;
  const h = A.rows;
  const m = A.cols;
  const a = A.data;
  const z2 = new Float64Array(h);
  let z3 = 0;
  for (let i = 0; i < h; i++) {
    let s = 0;
    const row = i * m;
    for (let k = 0; k < m; k++) s += a[row + k]! * x[k]!;
    const sg = sigmoid(s);
    z2[i] = sg;
    z3 += b[i]! * sg;
  }
  const z4 = y - z3;
  const c = -2 * z4;
  const gb = new Float64Array(h);
  const gA = new Float64Array(h * m);
  for (let i = 0; i < h; i++) {
    const s = z2[i]!;
    gb[i] = c * s;
    const d = c * b[i]! * s * (1 - s);
    const row = i * m;
    for (let j = 0; j < m; j++) gA[row + j] = d * x[j]!;
  }
  return { value: z4 * z4, A: { rows: h, cols: m, data: gA } as Matrix, b: gb };
}

/** Domke: L = logsumexp(f) - f[y], f = c + V tanh(b + W x); gradient wrt W, V, b, c. */
export function domkeGrad(input: { W: MatrixIn; V: MatrixIn; b: ArrayLike<number>; c: ArrayLike<number>; x: ArrayLike<number>; y: number }) {
  const { W, V, b, c, x, y } = input;
  const M = W.rows;
  const p = W.cols;
  const K = V.rows;
  const w = W.data;
  const v = V.data;
  const hidden = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    let s = b[i]!;
    const row = i * p;
    for (let k = 0; k < p; k++) s += w[row + k]! * x[k]!;
    hidden[i] = Math.tanh(s);
  }
  const f = new Float64Array(K);
  let max = -Infinity;
  for (let i = 0; i < K; i++) {
    let s = c[i]!;
    const row = i * M;
    for (let k = 0; k < M; k++) s += v[row + k]! * hidden[k]!;
    f[i] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  const df = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    const e = Math.exp(f[i]! - max);
    df[i] = e;
    sum += e;
  }
  const value = max + Math.log(sum) - f[y]!;
  for (let i = 0; i < K; i++) df[i] = df[i]! / sum;
  df[y] = df[y]! - 1;
  const gV = new Float64Array(K * M);
  const dh = new Float64Array(M);
  for (let i = 0; i < K; i++) {
    const d = df[i]!;
    const row = i * M;
    for (let j = 0; j < M; j++) {
      gV[row + j] = d * hidden[j]!;
      dh[j] = dh[j]! + v[row + j]! * d;
    }
  }
  const gb = new Float64Array(M);
  const gW = new Float64Array(M * p);
  for (let i = 0; i < M; i++) {
    const hi = hidden[i]!;
    const d = dh[i]! * (1 - hi * hi);
    gb[i] = d;
    const row = i * p;
    for (let j = 0; j < p; j++) gW[row + j] = d * x[j]!;
  }
  return { value, W: { rows: M, cols: p, data: gW } as Matrix, V: { rows: K, cols: M, data: gV } as Matrix, b: gb, c: Float64Array.from(df) };
}

/** INF264: L = (w3 relu(w0 x0 + w1 x1 + w2) + w4 - y)^2, gradient wrt the five weights. */
export function inf264Grad(input: { x: ArrayLike<number>; y: number; w0: number; w1: number; w2: number; w3: number; w4: number }) {
  const { x, y, w0, w1, w2, w3, w4 } = input;
  const x0 = x[0]!;
  const x1 = x[1]!;
  const z = w0 * x0 + w1 * x1 + w2;
  const h = z > 0 ? z : 0;
  const e = w3 * h + w4 - y;
  const dy = 2 * e;
  const dz = z > 0 ? dy * w3 : 0;
  return { value: e * e, w0: dz * x0, w1: dz * x1, w2: dz, w3: dy * h, w4: dy };
}

/** Batch logistic regression: L = sum(softplus(-y .* (X w))), gradient wrt w. */
export function logregGrad(input: { X: MatrixIn; w: ArrayLike<number>; y: ArrayLike<number> }) {
  const { X, w, y } = input;
  const N = X.rows;
  const d = X.cols;
  const a = X.data;
  const gw = new Float64Array(d);
  let value = 0;
  for (let i = 0; i < N; i++) {
    let z = 0;
    const row = i * d;
    for (let k = 0; k < d; k++) z += a[row + k]! * w[k]!;
    const t = -y[i]! * z;
    value += t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    const dz = -y[i]! * sigmoid(t);
    for (let k = 0; k < d; k++) gw[k] = gw[k]! + a[row + k]! * dz;
  }
  return { value, w: gw };
}

/** A 16-layer tanh network with squared loss: gradient wrt every weight matrix and bias. */
export function mlpGrad(input: Record<string, MatrixIn | ArrayLike<number>>, layers = 16) {
  const x = input.x as ArrayLike<number>;
  const y = input.y as ArrayLike<number>;
  const n = x.length;
  const hs: Float64Array[] = [];
  let prev: ArrayLike<number> = x;
  for (let l = 1; l <= layers; l++) {
    const w = (input[`W${l}`] as MatrixIn).data;
    const b = input[`b${l}`] as ArrayLike<number>;
    const h = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = b[i]!;
      const row = i * n;
      for (let k = 0; k < n; k++) s += w[row + k]! * prev[k]!;
      h[i] = Math.tanh(s);
    }
    hs.push(h);
    prev = h;
  }
  const out: Record<string, number | Float64Array | Matrix> = {};
  const last = hs[layers - 1]!;
  let value = 0;
  let dh = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = last[i]! - y[i]!;
    value += r * r;
    dh[i] = 2 * r;
  }
  out.value = value;
  for (let l = layers; l >= 1; l--) {
    const h = hs[l - 1]!;
    const below: ArrayLike<number> = l === 1 ? x : hs[l - 2]!;
    const w = (input[`W${l}`] as MatrixIn).data;
    const ds = new Float64Array(n);
    for (let i = 0; i < n; i++) ds[i] = dh[i]! * (1 - h[i]! * h[i]!);
    const gW = new Float64Array(n * n);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const d = ds[i]!;
      const row = i * n;
      for (let j = 0; j < n; j++) {
        gW[row + j] = d * below[j]!;
        next[j] = next[j]! + w[row + j]! * d;
      }
    }
    out[`W${l}`] = { rows: n, cols: n, data: gW };
    out[`b${l}`] = ds;
    dh = next;
  }
  return out;
}
