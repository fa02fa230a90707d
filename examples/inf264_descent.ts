/**
 * INF264 Homework 4 end to end with the generated module for examples/inf264_batch.formula:
 * forward pass on the two samples, the mean-squared loss, its gradient, one gradient-descent
 * step with learning rate 0.01, and the loss again (lower).
 *
 *   npx tsx examples/inf264_descent.ts
 */
import { L, LGrad, yhat } from '../generated/inf264_batch.js';

export interface DescentReport {
  predictions: number[];
  loss: number;
  gradient: number[];
  updated: number[];
  newLoss: number;
}

export function descend(eta = 0.01): DescentReport {
  const data = { x0: [2, -3], x1: [1, 2], y: [1.3, 1.9] };
  const theta = { w0: 1, w1: 1, w2: 0, w3: 1, w4: 0 };
  const predictions = Array.from(yhat({ ...data, ...theta }));
  const g = LGrad({ ...data, ...theta });
  const gradient = [g.w0, g.w1, g.w2, g.w3, g.w4];
  const updated = [theta.w0, theta.w1, theta.w2, theta.w3, theta.w4].map((w, i) => w - eta * gradient[i]!);
  const [w0, w1, w2, w3, w4] = updated as [number, number, number, number, number];
  return { predictions, loss: g.value, gradient, updated, newLoss: L({ ...data, w0, w1, w2, w3, w4 }) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = descend();
  const fmt = (xs: number[]) => `(${xs.map((x) => Number(x.toFixed(6))).join(', ')})`;
  console.log(`predictions      ${fmt(r.predictions)}`);
  console.log(`loss             ${r.loss}`);
  console.log(`mean gradient    ${fmt(r.gradient)}`);
  console.log(`theta after step ${fmt(r.updated)}`);
  console.log(`loss after step  ${r.newLoss}  (${r.newLoss < r.loss ? 'lower' : 'NOT lower'})`);
}
