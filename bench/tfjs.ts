/**
 * The same gradients with TensorFlow.js (tf.valueAndGrads), on its cpu and wasm backends, in
 * float32. Each contender reads its value and gradients back (dataSync), so the work is done
 * inside the timing.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
// The CommonJS builds: the ES module builds of tfjs do not resolve under plain Node.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

type Tensor = import('@tensorflow/tfjs').Tensor;
type MatrixIn = { rows: number; cols: number; data: ArrayLike<number> };

export type TfBackend = 'cpu' | 'wasm';

export async function useBackend(backend: TfBackend): Promise<void> {
  if (tf.getBackend() !== backend) {
    await tf.setBackend(backend);
    await tf.ready();
  }
}

const matrix = (m: MatrixIn) => tf.tensor2d(Array.from(m.data), [m.rows, m.cols]);
const column = (v: ArrayLike<number>) => tf.tensor2d(Array.from(v), [v.length, 1]);

/**
 * A contender: the loss and its gradients (tf.valueAndGrads, which runs the forward pass and
 * the backward pass on the tape), read back to JavaScript as flat arrays keyed as in the
 * generated result. Inputs stay on the backend between calls, as in a training loop.
 */
export type TfGradient = () => Record<string, Float32Array | number>;

function runner(params: Record<string, Tensor>, loss: (p: Record<string, Tensor>) => Tensor): TfGradient {
  const names = Object.keys(params);
  const f = tf.valueAndGrads(
    (...xs: Tensor[]) =>
      loss(Object.fromEntries(names.map((n, i) => [n, xs[i]!]))) as import('@tensorflow/tfjs').Scalar,
  );
  const inputs = names.map((n) => params[n]!);
  return () => {
    const { value, grads } = f(inputs);
    const out: Record<string, Float32Array | number> = { value: value.dataSync()[0]! };
    value.dispose();
    names.forEach((n, i) => {
      out[n] = grads[i]!.dataSync() as Float32Array;
      grads[i]!.dispose();
    });
    return out;
  };
}

/** What the wasm backend runs with on this machine. */
export function wasmFeatures(): { simd: boolean; threads: boolean } {
  return { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') };
}

export const version: string = tf.version.tfjs;

/** Tensors alive on the current backend (to catch a contender that leaks). */
export const liveTensors = (): number => tf.memory().numTensors;

export function ds102(input: { A: MatrixIn; b: ArrayLike<number>; x: ArrayLike<number>; y: number }): TfGradient {
  const x = column(input.x);
  const y = tf.scalar(input.y);
  return runner({ A: matrix(input.A), b: column(input.b) }, ({ A, b }) =>
    tf.square(tf.sub(y, tf.sum(tf.mul(b!, tf.sigmoid(tf.matMul(A as import('@tensorflow/tfjs').Tensor2D, x)))))),
  );
}

export function domke(input: {
  W: MatrixIn;
  V: MatrixIn;
  b: ArrayLike<number>;
  c: ArrayLike<number>;
  x: ArrayLike<number>;
  y: number;
}): TfGradient {
  const x = column(input.x);
  const K = input.V.rows;
  const e = tf.oneHot(tf.tensor1d([input.y], 'int32'), K).reshape([K, 1]);
  return runner(
    { W: matrix(input.W), V: matrix(input.V), b: column(input.b), c: column(input.c) },
    ({ W, V, b, c }) => {
      const h = tf.tanh(tf.add(b!, tf.matMul(W as import('@tensorflow/tfjs').Tensor2D, x)));
      const f = tf.add(
        c!,
        tf.matMul(V as import('@tensorflow/tfjs').Tensor2D, h as import('@tensorflow/tfjs').Tensor2D),
      );
      return tf.sub(tf.logSumExp(f), tf.sum(tf.mul(f, e)));
    },
  );
}

export function inf264(input: {
  x: ArrayLike<number>;
  y: number;
  w0: number;
  w1: number;
  w2: number;
  w3: number;
  w4: number;
}): TfGradient {
  const [x0, x1] = [tf.scalar(input.x[0]!), tf.scalar(input.x[1]!)];
  const y = tf.scalar(input.y);
  const params = Object.fromEntries(['w0', 'w1', 'w2', 'w3', 'w4'].map((k) => [k, tf.scalar(input[k as 'w0'])]));
  return runner(params, ({ w0, w1, w2, w3, w4 }) => {
    const h = tf.relu(tf.add(tf.add(tf.mul(w0!, x0), tf.mul(w1!, x1)), w2!));
    return tf.square(tf.sub(tf.add(tf.mul(w3!, h), w4!), y));
  });
}

export function logreg(input: { X: MatrixIn; w: ArrayLike<number>; y: ArrayLike<number> }): TfGradient {
  const X = matrix(input.X);
  const y = column(input.y);
  return runner({ w: column(input.w) }, ({ w }) =>
    tf.sum(tf.softplus(tf.neg(tf.mul(y, tf.matMul(X, w as import('@tensorflow/tfjs').Tensor2D))))),
  );
}

export function mlp(input: Record<string, MatrixIn | ArrayLike<number>>, layers = 16): TfGradient {
  const x = column(input.x as ArrayLike<number>);
  const y = column(input.y as ArrayLike<number>);
  const params: Record<string, Tensor> = {};
  for (let l = 1; l <= layers; l++) {
    params[`W${l}`] = matrix(input[`W${l}`] as MatrixIn);
    params[`b${l}`] = column(input[`b${l}`] as ArrayLike<number>);
  }
  return runner(params, (p) => {
    let h: Tensor = x;
    for (let l = 1; l <= layers; l++)
      h = tf.tanh(
        tf.add(
          tf.matMul(p[`W${l}`] as import('@tensorflow/tfjs').Tensor2D, h as import('@tensorflow/tfjs').Tensor2D),
          p[`b${l}`]!,
        ),
      );
    return tf.sum(tf.square(tf.sub(h, y)));
  });
}

type Tensor2D = import('@tensorflow/tfjs').Tensor2D;

/** The two-layer tanh MLP on a batch (examples in the columns of X), mean squared error. */
export function mlp2(input: {
  X: MatrixIn;
  Y: MatrixIn;
  W1: MatrixIn;
  b1: ArrayLike<number>;
  W2: MatrixIn;
  b2: ArrayLike<number>;
}): TfGradient {
  const X = matrix(input.X) as Tensor2D;
  const Y = matrix(input.Y);
  const N = input.X.cols;
  return runner(
    { W1: matrix(input.W1), b1: column(input.b1), W2: matrix(input.W2), b2: column(input.b2) },
    ({ W1, b1, W2, b2 }) => {
      const H = tf.tanh(tf.add(tf.matMul(W1 as Tensor2D, X), b1!)) as Tensor2D;
      const F = tf.add(tf.matMul(W2 as Tensor2D, H), b2!);
      return tf.div(tf.sum(tf.square(tf.sub(F, Y))), N);
    },
  );
}

/** Softmax regression on a batch: the mean cross-entropy of softmax(W X + b) by columns. */
export function softmax(input: { X: MatrixIn; Y: MatrixIn; W: MatrixIn; b: ArrayLike<number> }): TfGradient {
  const X = matrix(input.X) as Tensor2D;
  const Y = matrix(input.Y);
  const N = input.X.cols;
  // log softmax by columns (tf.logSoftmax takes the last axis only).
  return runner({ W: matrix(input.W), b: column(input.b) }, ({ W, b }) => {
    const Z = tf.add(tf.matMul(W as Tensor2D, X), b!);
    return tf.div(tf.neg(tf.sum(tf.mul(Y, tf.sub(Z, tf.logSumExp(Z, 0, true))))), N);
  });
}

/** Domke's risk over a batch: the multiclass logistic loss of c + V tanh(b + W X), summed over the columns. */
export function domkeBatch(input: {
  W: MatrixIn;
  V: MatrixIn;
  b: ArrayLike<number>;
  c: ArrayLike<number>;
  X: MatrixIn;
  Y: MatrixIn;
}): TfGradient {
  const X = matrix(input.X) as Tensor2D;
  const Y = matrix(input.Y);
  return runner(
    { W: matrix(input.W), V: matrix(input.V), b: column(input.b), c: column(input.c) },
    ({ W, V, b, c }) => {
      const H = tf.tanh(tf.add(b!, tf.matMul(W as Tensor2D, X))) as Tensor2D;
      const F = tf.add(c!, tf.matMul(V as Tensor2D, H));
      return tf.sub(tf.sum(tf.logSumExp(F, 0)), tf.sum(tf.mul(Y, F)));
    },
  );
}
