/**
 * Domke's classifier f = c + V tanh(b + W x) with the multiclass logistic loss, trained by
 * gradient descent with momentum ("heavy ball") on a small synthetic dataset, using the
 * generated module for examples/domke_classifier.formula. Prints the risk per epoch.
 *
 *   npx tsx examples/domke_momentum.ts
 */
import { LGrad, type Matrix } from '../generated/domke_classifier.js';

/** A small seeded generator, so every run prints the same numbers. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function train(epochs = 30): number[] {
  const rand = random(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const p = 4;
  const M = 8;
  const K = 3;
  // Three classes around three centres.
  const centres = Array.from({ length: K }, () => Array.from({ length: p }, () => 2 * normal()));
  const data = Array.from({ length: 90 }, (_, i) => {
    const y = i % K;
    return { x: centres[y]!.map((c) => c + 0.7 * normal()), y };
  });
  const matrix = (rows: number, cols: number, scale: number): Matrix => ({
    rows,
    cols,
    data: Float64Array.from({ length: rows * cols }, () => scale * normal()),
  });
  const params = { W: matrix(M, p, 0.5), V: matrix(K, M, 0.5), b: new Float64Array(M), c: new Float64Array(K) };
  const momentum = { W: new Float64Array(M * p), V: new Float64Array(K * M), b: new Float64Array(M), c: new Float64Array(K) };
  const alpha = 0.3;
  const gamma = 0.01;
  const risks: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    // The gradient of the risk: the sum of the per-example gradients.
    const grad = { W: new Float64Array(M * p), V: new Float64Array(K * M), b: new Float64Array(M), c: new Float64Array(K) };
    let risk = 0;
    for (const { x, y } of data) {
      const g = LGrad({ ...params, x, y });
      risk += g.value;
      g.W.data.forEach((v, i) => (grad.W[i]! += v));
      g.V.data.forEach((v, i) => (grad.V[i]! += v));
      g.b.forEach((v, i) => (grad.b[i]! += v));
      g.c.forEach((v, i) => (grad.c[i]! += v));
    }
    risks.push(risk);
    // phi <- (1 - alpha) phi + alpha grad;  theta <- theta - gamma phi
    const step = (theta: Float64Array, phi: Float64Array, g: Float64Array) => {
      for (let i = 0; i < theta.length; i++) {
        phi[i] = (1 - alpha) * phi[i]! + alpha * g[i]!;
        theta[i]! -= gamma * phi[i]!;
      }
    };
    step(params.W.data, momentum.W, grad.W);
    step(params.V.data, momentum.V, grad.V);
    step(params.b, momentum.b, grad.b);
    step(params.c, momentum.c, grad.c);
  }
  return risks;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  train().forEach((risk, epoch) => console.log(`epoch ${String(epoch + 1).padStart(2)}  risk ${risk.toFixed(4)}`));
}
