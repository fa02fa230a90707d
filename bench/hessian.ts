/**
 * `npx tsx bench/hessian.ts`: the Hessian of multinomial logistic regression with respect to its
 * weight matrix W (K x p), the (K p) x (K p) block of examples/newton_softmax.formula, at K = 10,
 * p = 64, N = 256: the generated LHessInto against a hand-written baseline (Σ_n (diag(p_n) -
 * p_n p_nᵀ) ⊗ x_n x_nᵀ / N + λ I, in vec order) and TensorFlow.js nested gradients (one
 * tf.grad of a gradient entry per row, cpu backend, float32). The generated Hessian is checked
 * against the baseline first (1e-10); TensorFlow.js's rows are compared and their error printed. Prints one table row; BENCH_ROUNDS (default 5) rounds, median time per call.
 * TensorFlow.js is loaded after the float64 contenders are measured (loading it slows float
 * loops under tsx; see bench/run.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { compile } from '../src/compile.js';

const here = dirname(fileURLToPath(import.meta.url));
const [K, p, N, lambda] = [10, 64, 256, 0.01];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

type Matrix = { rows: number; cols: number; data: Float64Array };
type Result = { value: number; grad: { W: Matrix }; hess: { W: { W: Matrix } } };

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}
const rand = random(24);
const W: Matrix = { rows: K, cols: p, data: Float64Array.from({ length: K * p }, () => 0.2 * rand()) };
const X: Matrix = { rows: p, cols: N, data: Float64Array.from({ length: p * N }, () => rand()) };
const Y: Matrix = { rows: K, cols: N, data: new Float64Array(K * N) };
for (let n = 0; n < N; n++) Y.data[Math.floor((rand() + 0.5) * K) * N + n] = 1;
const inputs = { W, X, Y, lambda };

/** The hand-written Hessian (and value and gradient), H[k + j K, l + i K] in vec order of W. */
function baseline(out: Result): Result {
  const H = out.hess.W.W.data;
  const G = out.grad.W.data;
  H.fill(0);
  G.fill(0);
  const KP = K * p;
  const prob = new Float64Array(K);
  const x = new Float64Array(p);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < p; j++) x[j] = X.data[j * N + n]!;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      let z = 0;
      for (let j = 0; j < p; j++) z += W.data[k * p + j]! * x[j]!;
      prob[k] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += prob[k] = Math.exp(prob[k]! - max);
    for (let k = 0; k < K; k++) {
      prob[k]! /= sum;
      const y = Y.data[k * N + n]!;
      if (y !== 0) loss -= (y * Math.log(prob[k]!)) / N;
      for (let j = 0; j < p; j++) G[k * p + j]! += ((prob[k]! - y) * x[j]!) / N;
    }
    // (diag(p) - p pᵀ) ⊗ x xᵀ, in vec order: row k + j K, column l + i K.
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < p; i++) {
        const xx = (x[j]! * x[i]!) / N;
        for (let k = 0; k < K; k++) {
          const row = (k + j * K) * KP + i * K;
          const pk = prob[k]! * xx;
          for (let l = 0; l < K; l++) H[row + l]! -= pk * prob[l]!;
          H[row + k]! += pk;
        }
      }
    }
  }
  let ridge = 0;
  for (let e = 0; e < K * p; e++) {
    ridge += W.data[e]! ** 2;
    G[e]! += lambda * W.data[e]!;
    H[e * KP + e]! += lambda;
  }
  out.value = loss + (lambda / 2) * ridge;
  return out;
}

function time(f: () => unknown): number {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    f();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const code = await compile(
  readFileSync(join(here, '..', 'examples', 'newton_softmax.formula'), 'utf8'),
  'newton_softmax.formula',
);
const dir = join(here, '.generated', 'js');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'newton_softmax.js');
writeFileSync(
  file,
  ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } })
    .outputText,
);
const generated = (await import(pathToFileURL(file).href)) as {
  LHess: (i: unknown) => Result;
  LHessInto: (i: unknown, o: Result) => Result;
};

const mine = generated.LHess(inputs);
const theirs = baseline(generated.LHess(inputs));
const maxRel = (a: Float64Array, e: Float64Array) => {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - e[i]!));
    s = Math.max(s, Math.abs(e[i]!));
  }
  return d / s;
};
const error = maxRel(mine.hess.W.W.data, theirs.hess.W.W.data);
if (!(error < 1e-10)) throw new Error(`the generated Hessian differs from the baseline: max relative error ${error}`);
const outGenerated = generated.LHess(inputs);
const outBaseline = generated.LHess(inputs);
generated.LHessInto(inputs, outGenerated);
baseline(outBaseline);
const tGenerated = time(() => generated.LHessInto(inputs, outGenerated));
const tBaseline = time(() => baseline(outBaseline));

// TensorFlow.js: the Hessian by nested gradients, one row per gradient entry (float32, cpu backend).
const tf = (await import('@tensorflow/tfjs')) as typeof import('@tensorflow/tfjs');
await tf.setBackend('cpu');
await tf.ready();
const Wt = tf.tensor2d(Array.from(W.data), [K, p]);
const Xt = tf.tensor2d(Array.from(X.data), [p, N]);
const Yt = tf.transpose(tf.tensor2d(Array.from(Y.data), [K, N]));
// log softmax by rows written out, with exp(z) as sinh(z) + cosh(z): the gradients of tf.logSoftmax
// and of tf.exp (and tf.pow) are written with the op's saved output, which the outer gradient does
// not differentiate, so their nested gradients miss the diag(p) part of the Hessian (rows off by
// about 50% at this size, checked against differences of the gradient); sinh and cosh have
// gradients in terms of their input, and the nested gradients agree with the baseline.
const logSoftmax = (z: import('@tensorflow/tfjs').Tensor) =>
  tf.sub(z, tf.log(tf.sum(tf.add(tf.sinh(z), tf.cosh(z)), 1, true)));
const loss = (w: import('@tensorflow/tfjs').Tensor) =>
  tf.add(
    tf.div(tf.neg(tf.sum(tf.mul(Yt, logSoftmax(tf.matMul(Xt, w, true, true))))), N),
    tf.mul(lambda / 2, tf.sum(tf.square(w))),
  );
const gradient = tf.grad(loss);
const rowOf = (e: number) =>
  tf.grad((w: import('@tensorflow/tfjs').Tensor) => tf.sum(tf.mul(gradient(w), tf.oneHot([e], K * p).reshape([K, p]))));
function tfHessian(rows: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let e = 0; e < rows; e++) out.push(tf.tidy(() => rowOf(e)(Wt).dataSync() as Float32Array));
  return out;
}
// Row k + j K of the vec-order Hessian is the gradient of ∂L/∂W[k, j]: check a few rows.
const sample = tfHessian(3);
// TensorFlow.js's nested gradients are compared, not trusted: the row's max relative error is printed.
let tfError = 0;
for (let e = 0; e < 3; e++) {
  const vecRow = (e % p) * K + Math.floor(e / p); // W[k, j] with e = k p + j is vec entry k + j K
  const expected = theirs.hess.W.W.data.subarray(vecRow * K * p, (vecRow + 1) * K * p);
  let d = 0;
  let s = 0;
  for (let k = 0; k < K; k++)
    for (let j = 0; j < p; j++) {
      d = Math.max(d, Math.abs(sample[e]![k * p + j]! - expected[k + j * K]!));
      s = Math.max(s, Math.abs(expected[k + j * K]!));
    }
  tfError = Math.max(tfError, d / s);
}
if (!(tfError < 1e-3)) throw new Error(`TensorFlow.js's Hessian rows differ from the baseline: ${tfError}`);
const ROWS = 32;
const start = performance.now();
tfHessian(ROWS);
const tTf = ((performance.now() - start) / ROWS) * K * p;

const ms = (t: number) => `${t.toFixed(1)} ms`;
console.log(
  `| Hessian wrt W (${K * p} x ${K * p}), K = ${K}, p = ${p}, N = ${N} | generated LHessInto ${ms(tGenerated)} | hand-written ${ms(tBaseline)} (${(tGenerated / tBaseline).toFixed(2)}x) | TensorFlow.js nested gradients (cpu, f32; ${ROWS} of ${K * p} rows timed, scaled) ${ms(tTf)} (${(tTf / tGenerated).toFixed(0)}x slower; its rows differ from the baseline by ${tfError.toExponential(1)} relative) |`,
);
