/**
 * logdet(P) + b^T inv(P) b of a symmetric positive definite P, written by hand with a Cholesky
 * factorisation (what one would write without gradc): P = L L^T row by row (Cholesky-Crout),
 * logdet from L's diagonal, the solve by forward and back substitution. Arrays of a given size
 * are kept between calls. Throws a RangeError when P is not positive definite.
 */
type MatrixIn = { rows: number; cols: number; data: ArrayLike<number> };

let size = -1;
let l = new Float64Array(0);
let z = new Float64Array(0);

export function logdetSolve(inputs: { P: MatrixIn; b: ArrayLike<number> }): number {
  const { P, b } = inputs;
  const n = P.rows;
  const a = P.data;
  if (n !== size) {
    size = n;
    l = new Float64Array(n * n);
    z = new Float64Array(n);
  }
  for (let i = 0; i < n; i++) {
    const li = i * n;
    for (let j = 0; j <= i; j++) {
      const lj = j * n;
      let s = a[li + j]!;
      for (let k = 0; k < j; k++) s -= l[li + k]! * l[lj + k]!;
      if (j < i) {
        l[li + j] = s / l[lj + j]!;
      } else {
        if (!(s > 0)) throw new RangeError('logdetSolve: P is not positive definite');
        l[li + i] = Math.sqrt(s);
      }
    }
  }
  // b^T inv(P) b = |L^-1 b|^2: one triangular solve.
  let logdet = 0;
  let quad = 0;
  for (let i = 0; i < n; i++) {
    const li = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[li + k]! * z[k]!;
    z[i] = s / l[li + i]!;
    quad += z[i]! * z[i]!;
    logdet += Math.log(l[li + i]!);
  }
  return 2 * logdet + quad;
}
