/**
 * The Gaussian-process negative log marginal likelihood and its gradient (bench/models/gp.formula)
 * written by hand, LU-based, with the generated function's API: what one would write without
 * gradc. K = sf2 E + sn2 I with E = exp(-D / (2 ell^2)) from the pairwise squared distances D;
 * one LU factorisation with partial pivoting; alpha = K^-1 y and K^-1 by solves with it;
 * nlml = y^T alpha / 2 + sum log |u_ii| / 2; with W = (K^-1 - alpha alpha^T) / 2 (K is
 * symmetric), dsf2 = sum(W .* E), dsn2 = tr(W), dell = sum(W .* sf2 E .* D) / ell^3.
 * Arrays of a given size are kept between calls, so a call with `out` allocates nothing.
 */

type MatrixIn = { rows: number; cols: number; data: ArrayLike<number> };

export interface GpGradient {
  value: number;
  ell: number;
  sf2: number;
  sn2: number;
}

let size = -1;
let dist = new Float64Array(0);
let e = new Float64Array(0);
let lu = new Float64Array(0);
let inverse = new Float64Array(0);
let alpha = new Float64Array(0);
let piv = new Int32Array(0);

function arrays(n: number): void {
  if (n === size) return;
  size = n;
  dist = new Float64Array(n * n);
  e = new Float64Array(n * n);
  lu = new Float64Array(n * n);
  inverse = new Float64Array(n * n);
  alpha = new Float64Array(n);
  piv = new Int32Array(n);
}

/** P a = L U in place (row-major); false at a zero pivot. */
function factor(a: Float64Array, n: number, p: Int32Array): boolean {
  for (let k = 0; k < n; k++) {
    const pk = k * n;
    let best = k;
    let max = Math.abs(a[pk + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]!);
      if (v > max) {
        max = v;
        best = i;
      }
    }
    p[k] = best;
    if (max === 0) return false;
    if (best !== k) {
      const pb = best * n;
      for (let j = 0; j < n; j++) {
        const t = a[pk + j]!;
        a[pk + j] = a[pb + j]!;
        a[pb + j] = t;
      }
    }
    const d = a[pk + k]!;
    for (let i = k + 1; i < n; i++) {
      const pi = i * n;
      const l = a[pi + k]! / d;
      a[pi + k] = l;
      if (l !== 0) for (let j = k + 1; j < n; j++) a[pi + j] -= l * a[pk + j]!;
    }
  }
  return true;
}

/** Solves A x = b in place for the n x m row-major b, with A's factors. */
function solve(a: Float64Array, n: number, p: Int32Array, b: Float64Array, m: number): void {
  for (let k = 0; k < n; k++) {
    const q = p[k]!;
    if (q === k) continue;
    for (let j = 0; j < m; j++) {
      const t = b[k * m + j]!;
      b[k * m + j] = b[q * m + j]!;
      b[q * m + j] = t;
    }
  }
  for (let i = 1; i < n; i++) {
    const pi = i * m;
    for (let k = 0; k < i; k++) {
      const l = a[i * n + k]!;
      if (l === 0) continue;
      const pk = k * m;
      for (let j = 0; j < m; j++) b[pi + j] -= l * b[pk + j]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const pi = i * m;
    for (let k = i + 1; k < n; k++) {
      const u = a[i * n + k]!;
      if (u === 0) continue;
      const pk = k * m;
      for (let j = 0; j < m; j++) b[pi + j] -= u * b[pk + j]!;
    }
    const d = 1 / a[i * n + i]!;
    for (let j = 0; j < m; j++) b[pi + j] *= d;
  }
}

export function gpGrad(
  input: { X: MatrixIn; y: ArrayLike<number>; ell: number; sf2: number; sn2: number },
  out?: GpGradient,
): GpGradient {
  const { X, y, ell, sf2, sn2 } = input;
  const d = X.rows;
  const n = X.cols;
  const x = X.data;
  arrays(n);
  // D, E and K (into lu), row by row; both triangles at once.
  const scale = -1 / (2 * ell * ell);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x[k * n + i]! - x[k * n + j]!;
        s += t * t;
      }
      const v = Math.exp(scale * s);
      dist[i * n + j] = dist[j * n + i] = s;
      e[i * n + j] = e[j * n + i] = v;
      lu[i * n + j] = lu[j * n + i] = sf2 * v;
    }
    lu[i * n + i] += sn2;
  }
  if (!factor(lu, n, piv)) throw new RangeError('gpGrad: K is singular');
  for (let i = 0; i < n; i++) alpha[i] = y[i]!;
  solve(lu, n, piv, alpha, 1);
  inverse.fill(0);
  for (let i = 0; i < n; i++) inverse[i * n + i] = 1;
  solve(lu, n, piv, inverse, n);
  let quadratic = 0;
  let logdet = 0;
  for (let i = 0; i < n; i++) {
    quadratic += y[i]! * alpha[i]!;
    logdet += Math.log(Math.abs(lu[i * n + i]!));
  }
  let gSf2 = 0;
  let gSn2 = 0;
  let gEll = 0;
  for (let i = 0; i < n; i++) {
    const ai = alpha[i]!;
    const p = i * n;
    for (let j = 0; j < n; j++) {
      const w = 0.5 * (inverse[p + j]! - ai * alpha[j]!);
      const we = w * e[p + j]!;
      gSf2 += we;
      gEll += we * dist[p + j]!;
    }
    gSn2 += 0.5 * (inverse[p + i]! - ai * ai);
  }
  const result = out ?? { value: 0, ell: 0, sf2: 0, sn2: 0 };
  result.value = 0.5 * quadratic + 0.5 * logdet;
  result.ell = (sf2 * gEll) / (ell * ell * ell);
  result.sf2 = gSf2;
  result.sn2 = gSn2;
  return result;
}
