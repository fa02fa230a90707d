/**
 * Newton-CG on DS 102's network f = b^T sigma(A x), least squares over a synthetic dataset plus a
 * ridge term (lambda = 1; without it, from this start, 25 steps still leave the gradient norm near
 * 1e-2 as the loss creeps along a flat, non-convex valley), with the generated module for
 * examples/cg_least_squares.formula. Each outer step solves H p = -g approximately by conjugate
 * gradients that touch the Hessian only through LHvp (one Hessian-vector product per CG iteration;
 * the Hessian is never formed), stopping early on negative curvature (the model is not convex),
 * then backtracks along p until the loss drops enough (Armijo). Prints the loss, the gradient norm
 * and the CG iterations per step.
 *
 *   npx tsx examples/cg_least_squares.ts
 */
import { L, LGrad, LHvp, LHvpInto, type LHvpDirection, type Matrix, r } from '../generated/cg_least_squares.js';

/** A small seeded generator, so every run prints the same numbers. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export interface NewtonCgStep {
  step: number;
  loss: number;
  gradientNorm: number;
  /** CG iterations (Hessian-vector products) spent on the step that follows; 0 on the last row. */
  cgIterations: number;
  /** The fraction of the CG direction taken by the line search (1, 1/2, 1/4, ...); 0 on the last row. */
  stepLength: number;
}

const dot = (u: Float64Array, v: Float64Array): number => {
  let sum = 0;
  for (let i = 0; i < u.length; i++) sum += u[i]! * v[i]!;
  return sum;
};

/**
 * Approximately solves H p = -g by conjugate gradients from p = 0 (Nocedal and Wright,
 * Algorithm 7.1): stops when the residual is below `tolerance`, or on a direction of
 * non-positive curvature, returning what it has (or -g if that happens at once), so p is
 * always a descent direction.
 */
export function truncatedCg(
  hessianTimes: (d: Float64Array) => Float64Array,
  g: Float64Array,
  tolerance: number,
  maxIterations: number,
): { p: Float64Array; iterations: number } {
  const p = new Float64Array(g.length);
  const r = Float64Array.from(g); // r = H p + g
  const d = r.map((ri) => -ri);
  let rr = dot(r, r);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const Hd = hessianTimes(d);
    const curvature = dot(d, Hd);
    if (curvature <= 0) return { p: iteration === 1 ? d : p, iterations: iteration };
    const alpha = rr / curvature;
    for (let i = 0; i < p.length; i++) {
      p[i]! += alpha * d[i]!;
      r[i]! += alpha * Hd[i]!;
    }
    const rrNext = dot(r, r);
    if (Math.sqrt(rrNext) < tolerance) return { p, iterations: iteration };
    const beta = rrNext / rr;
    for (let i = 0; i < d.length; i++) d[i] = -r[i]! + beta * d[i]!;
    rr = rrNext;
  }
  return { p, iterations: maxIterations };
}

/** Synthetic data: n inputs x (the columns of X) and targets from a teacher network of the same shape, plus noise. */
function dataset(h: number, m: number, n: number, normal: () => number): { X: Matrix; y: Float64Array } {
  const matrix = (rows: number, cols: number, scale: number): Matrix => ({
    rows,
    cols,
    data: Float64Array.from({ length: rows * cols }, () => scale * normal()),
  });
  const X = matrix(m, n, 1);
  const teacher = { A: matrix(h, m, 1.5), b: Float64Array.from({ length: h }, () => 2 * normal()) };
  // With y = 0 the residual r = Z^T b - y is the teacher's output f itself.
  const f = r({ ...teacher, X, y: new Float64Array(n) });
  return { X, y: f.map((fj) => fj + 0.05 * normal()) };
}

/**
 * Newton-CG from a seeded random start until the gradient norm is below `tolerance` (or
 * `maxSteps` steps); returns one row per step and one for the point it stops at.
 */
export function newtonCg(maxSteps = 30, tolerance = 1e-8): NewtonCgStep[] {
  const rand = random(102);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const h = 4;
  const m = 3;
  const n = 64;
  const { X, y } = dataset(h, m, n, normal);
  const lambda = 1;

  // The parameters as one flat vector theta = (A row-major, b), with views for the generated module.
  const size = h * m + h;
  const view = (flat: Float64Array): LHvpDirection & { A: Matrix; b: Float64Array } => ({
    A: { rows: h, cols: m, data: flat.subarray(0, h * m) },
    b: flat.subarray(h * m),
  });
  const flatten = (A: Matrix, b: Float64Array): Float64Array => {
    const flat = new Float64Array(size);
    flat.set(A.data, 0);
    flat.set(b, h * m);
    return flat;
  };
  const theta = Float64Array.from({ length: size }, () => 0.5 * normal());
  const loss = (at: Float64Array) => L({ ...view(at), X, y, lambda });

  const rows: NewtonCgStep[] = [];
  for (let step = 0; ; step++) {
    const inputs = { ...view(theta), X, y, lambda };
    const { value, A: gA, b: gb } = LGrad(inputs);
    const g = flatten(gA, gb);
    const gradientNorm = Math.sqrt(dot(g, g));
    if (gradientNorm < tolerance || step === maxSteps) {
      rows.push({ step, loss: value, gradientNorm, cgIterations: 0, stepLength: 0 });
      return rows;
    }
    // H d through the generated HVP at theta, writing into one reused result.
    const out = LHvp(inputs, view(new Float64Array(size)));
    const hessianTimes = (d: Float64Array) => flatten(LHvpInto(inputs, view(d), out).hvp.A, out.hvp.b);
    // Solve to a relative residual min(1/2, sqrt(||g||)): superlinear convergence near the minimum.
    const forcing = Math.min(0.5, Math.sqrt(gradientNorm)) * gradientNorm;
    const { p, iterations } = truncatedCg(hessianTimes, g, forcing, 2 * size);
    // Backtracking: halve the step until the loss falls by at least 1e-4 of the predicted decrease.
    const slope = dot(g, p);
    const trial = new Float64Array(size);
    let t = 1;
    for (let halvings = 0; ; halvings++) {
      if (halvings === 40) throw new Error(`newtonCg: no decrease along the CG direction at step ${step}`);
      for (let i = 0; i < size; i++) trial[i] = theta[i]! + t * p[i]!;
      if (loss(trial) <= value + 1e-4 * t * slope) break;
      t /= 2;
    }
    theta.set(trial);
    rows.push({ step, loss: value, gradientNorm, cgIterations: iterations, stepLength: t });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('step  L                   ||grad L||  CG iterations  step length');
  for (const row of newtonCg()) {
    const tail = row.cgIterations === 0 ? '' : `  ${String(row.cgIterations).padStart(13)}  ${row.stepLength}`;
    console.log(`${String(row.step).padStart(4)}  ${row.loss.toExponential(12).padEnd(18)}  ${row.gradientNorm.toExponential(2)}${tail}`);
  }
}
