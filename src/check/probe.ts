/**
 * Checking one block of derivatives against finite differences, with an error estimate.
 *
 * A block is the derivative J (m x n, row-major) of a function F: Rⁿ → Rᵐ (m = 1 for a gradient)
 * at x₀. It is probed along directions v: the derived J v against Richardson-extrapolated central
 * differences of F along v, extrapolated twice (steps h, h/2, h/4). How far the two extrapolations disagree, plus a
 * rounding term and a kink term, estimates how accurate the differences are; a probe passes when
 * ‖J v − N(v)‖₂ is within SAFETY times that estimate (plus a tiny rounding term for J itself),
 * and a block passes when all its probes do. Small blocks are probed entry by entry (every
 * column of J); large ones along a few dense random directions, the adjoint direction Jᵀu, and the
 * columns of J's largest entries and a few random columns.
 */
import type { Rng } from './random.js';

/** F at x: its outputs, flattened; a new array (or one F does not reuse) for every call. */
export type BlockFunction = (x: Float64Array) => ArrayLike<number>;

/** The per-entry step of the differences, relative to max(1, |x|). */
export const STEP = 1e-5;
/** How many times the estimated error of the differences a probe's error may be. */
export const SAFETY = 4;
/** Relative rounding allowed for the derived block itself: GAMMA · ‖|J| |v|‖₂. */
const GAMMA = 1e-10;
/** Rounding of one evaluation of F, in units of ε · |F|. */
const ROUNDING = 4;
/** Blocks with at most this many columns are probed column by column (every entry). */
const ENTRYWISE_COLUMNS = 16;
/** Dense random (Rademacher) directions of a larger block. */
const DENSE_PROBES = 3;
/** Columns probed in a larger block: at the largest entries, and at random. */
const LARGEST_COLUMNS = 2;
const RANDOM_COLUMNS = 2;

/** The outcome of one block: its worst probe (by error / allowance) and how many probes were taken. */
export interface BlockCheck {
  /** ‖J v − N(v)‖₂ at the worst probe. */
  readonly error: number;
  /** What that probe's error was allowed to be. */
  readonly allowance: number;
  /** ‖J v‖₂ at that probe, the size the error compares with. */
  readonly scale: number;
  readonly probes: number;
  /** `entries` when every column was probed, else `directions`. */
  readonly method: 'entries' | 'directions';
  /** An entry of J, or of F at a probed point, that is not finite. */
  readonly notFinite?: { readonly where: 'derivative' | 'differences'; readonly value: number; readonly entry: number };
  readonly pass: boolean;
}

interface Probe {
  /** The direction, and its largest entry's magnitude. */
  readonly v: Float64Array;
  /** The step along v: STEP · max(1, |x|) per entry, over ‖v‖∞. */
  readonly step: number;
}

/** J v, and |J| |v| for the rounding of J. */
function apply(J: ArrayLike<number>, m: number, n: number, v: Float64Array): [Float64Array, Float64Array] {
  const out = new Float64Array(m);
  const abs = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    let a = 0;
    for (let j = 0; j < n; j++) {
      const vj = v[j]!;
      if (vj === 0) continue;
      const p = J[i * n + j]! * vj;
      s += p;
      a += Math.abs(p);
    }
    out[i] = s;
    abs[i] = a;
  }
  return [out, abs];
}

const norm = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
};

/** The directions a block is probed along (see the module's comment). */
export function probes(J: ArrayLike<number>, m: number, n: number, x0: Float64Array, rng: Rng): Probe[] {
  let xMax = 1;
  for (let j = 0; j < n; j++) xMax = Math.max(xMax, Math.abs(x0[j]!));
  const column = (k: number): Probe => {
    const v = new Float64Array(n);
    v[k] = 1;
    return { v, step: STEP * Math.max(1, Math.abs(x0[k]!)) };
  };
  const dense = (v: Float64Array): Probe => {
    let inf = 0;
    for (let j = 0; j < n; j++) inf = Math.max(inf, Math.abs(v[j]!));
    return { v, step: (STEP * xMax) / inf };
  };
  if (n <= ENTRYWISE_COLUMNS) return Array.from({ length: n }, (_, k) => column(k));
  const result: Probe[] = [];
  for (let p = 0; p < DENSE_PROBES; p++) {
    result.push(dense(Float64Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1) / Math.sqrt(n))));
  }
  // The adjoint direction Jᵀu (the gradient itself when m = 1): a scaled or transposed block shows at full size.
  const u = Float64Array.from({ length: m }, () => (m === 1 ? 1 : rng() < 0.5 ? -1 : 1));
  const w = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j] = w[j]! + u[i]! * J[i * n + j]!;
  const wNorm = norm(w);
  if (wNorm > 0 && Number.isFinite(wNorm)) result.push(dense(w.map((x) => x / wNorm)));
  // Columns of the largest entries, and random ones.
  const columnSize = Float64Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s = Math.max(s, Math.abs(J[i * n + j]!));
    return s;
  });
  const chosen = new Set<number>();
  const order = [...columnSize.keys()].sort((a, b) => columnSize[b]! - columnSize[a]! || a - b);
  for (const k of order.slice(0, LARGEST_COLUMNS)) chosen.add(k);
  for (let r = 0; r < RANDOM_COLUMNS; r++) chosen.add(Math.min(n - 1, Math.floor(rng() * n)));
  for (const k of chosen) result.push(column(k));
  return result;
}

/** The first entry that is not finite, or -1. */
function firstNotFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return i;
  return -1;
}

/**
 * One probe: the derived J v against the differences of F along v, and the allowance.
 * Central differences D(h) = (F(x + hv) − F(x − hv)) / 2h at h, h/2 and h/4 give two Richardson
 * values Rₖ = (4 D(h/2ᵏ) − D(h/2ᵏ⁻¹)) / 3; the finer, R₂, is the numeric value N. Its error is
 * estimated, entry by entry, by |R₂ − R₁| (about R₁'s error where F is smooth: 16 times R₂'s),
 * plus the rounding of the evaluations, 8 · ROUNDING · ε · max|F| / h, plus a kink term: the
 * one-sided differences differ by s F'' at step s where F is smooth, so
 * |(D₊ − D₋)(h/2) − (D₊ − D₋)(h)/2| cancels that and is left with the jump of F' when a kink
 * lies near x (where no step size agrees with a one-sided derivative).
 */
function runProbe(
  F: BlockFunction,
  f0: ArrayLike<number>,
  noise: Float64Array,
  J: ArrayLike<number>,
  m: number,
  n: number,
  x0: Float64Array,
  probe: Probe,
) {
  const { v, step } = probe;
  const at = (t: number) => {
    const x = new Float64Array(n);
    for (let j = 0; j < n; j++) x[j] = x0[j]! + t * v[j]!;
    return F(x);
  };
  const points = [step, step / 2, step / 4].map((h) => [at(h), at(-h)] as const);
  const [analytic, absolute] = apply(J, m, n, v);
  const estimate = new Float64Array(m);
  let notFinite: number | undefined;
  let error = 0;
  for (let i = 0; i < m; i++) {
    const [d1, d2, d3] = points.map(([up, down], k) => (up[i]! - down[i]!) / ((2 * step) / 2 ** k)) as [
      number,
      number,
      number,
    ];
    const r1 = (4 * d2 - d1) / 3;
    const numeric = (4 * d3 - d2) / 3;
    let size = Math.abs(f0[i]!);
    for (const [up, down] of points) size = Math.max(size, Math.abs(up[i]!), Math.abs(down[i]!));
    const rounding = (8 * Math.max(ROUNDING * Number.EPSILON * size, 2 * noise[i]!)) / step;
    const [[up1, down1], [up2, down2]] = points as [
      [ArrayLike<number>, ArrayLike<number>],
      [ArrayLike<number>, ArrayLike<number>],
    ];
    const kink = Math.abs(
      (up2[i]! - 2 * f0[i]! + down2[i]!) / (step / 2) - (up1[i]! - 2 * f0[i]! + down1[i]!) / (2 * step),
    );
    estimate[i] = Math.abs(numeric - r1) + rounding + kink;
    if (notFinite === undefined && !Number.isFinite(numeric + estimate[i]!)) notFinite = i;
    error += (analytic[i]! - numeric) ** 2;
  }
  error = Math.sqrt(error);
  const allowance = SAFETY * norm(estimate) + GAMMA * norm(absolute);
  return { error, allowance, scale: norm(analytic), notFinite };
}

/** Relative size of the moves that measure how much rounding moves F: well below the step, well above ε. */
const NUDGE = 1e-7;
/** The golden ratio's conjugate: a move of x₀ − γd is no rational multiple of d. */
const GAMMA_MOVE = (Math.sqrt(5) - 1) / 2;

/**
 * The rounding noise of F, output by output, from F at x₀ and at x₀ + d, x₀ − d, x₀ − γd along a
 * random d moving every entry by NUDGE · max(1, |x|), where F's curvature contributes only NUDGE²
 * and rounding all of itself — including the rounding of a quantity that cancels (1 − tanh² near
 * saturation moves in steps of ε), which a gradient of 1e-7 summed from terms of 1e-2, or its
 * differences, carry at the size of the terms rather than their own. Two second differences,
 * and the larger is taken: the symmetric one, F(x₀ + d) − 2F(x₀) + F(x₀ − d), and one at unequal
 * spacing, (2 / (γ + γ²)) (γ F(x₀ + d) + F(x₀ − γd) − (1 + γ) F(x₀)). Where F's rounding is a grid
 * that F crosses linearly, the symmetric one is often exactly 0 (rounded values of a straight line
 * at equal spacing have second difference 0, ±1 grid steps, 0 most often); at spacings in an
 * irrational ratio the grid offsets do not cancel.
 */
function roundingNoise(F: BlockFunction, f0: ArrayLike<number>, x0: Float64Array, rng: Rng): Float64Array {
  const d = x0.map((x) => (rng() < 0.5 ? -NUDGE : NUDGE) * Math.max(1, Math.abs(x)));
  const up = F(x0.map((x, j) => x + d[j]!));
  const down = F(x0.map((x, j) => x - d[j]!));
  const uneven = F(x0.map((x, j) => x - GAMMA_MOVE * d[j]!));
  const g = GAMMA_MOVE;
  const noise = new Float64Array(f0.length);
  for (let i = 0; i < noise.length; i++) {
    const symmetric = Math.abs(up[i]! - 2 * f0[i]! + down[i]!);
    const unequal = Math.abs((2 / (g + g * g)) * (g * up[i]! + uneven[i]! - (1 + g) * f0[i]!));
    const e = Math.max(symmetric, unequal);
    noise[i] = Number.isFinite(e) ? e : 0;
  }
  return noise;
}

/**
 * Checks the block J (m x n, row-major) of derivatives of F at x₀.
 *
 * @param F - The function whose derivative J is, evaluated by code that does not derive (the generated forward, or the reference evaluator).
 * @param x0 - The point.
 * @param J - The derived block: J[i * n + j] = ∂Fᵢ/∂xⱼ.
 * @param m - F's outputs.
 * @param rng - Directions and random columns.
 */
export function checkBlock(F: BlockFunction, x0: Float64Array, J: ArrayLike<number>, m: number, rng: Rng): BlockCheck {
  const n = x0.length;
  const method = n <= ENTRYWISE_COLUMNS ? 'entries' : 'directions';
  const bad = firstNotFinite(J);
  if (bad >= 0)
    return {
      error: NaN,
      allowance: 0,
      scale: NaN,
      probes: 0,
      method,
      notFinite: { where: 'derivative', value: J[bad]!, entry: bad },
      pass: false,
    };
  const f0 = F(x0);
  const noise = roundingNoise(F, f0, x0, rng);
  let worst = { error: 0, allowance: 0, scale: 0, ratio: -1 };
  const list = probes(J, m, n, x0, rng);
  for (const probe of list) {
    const r = runProbe(F, f0, noise, J, m, n, x0, probe);
    if (r.notFinite !== undefined) {
      return {
        error: NaN,
        allowance: 0,
        scale: r.scale,
        probes: list.length,
        method,
        notFinite: { where: 'differences', value: NaN, entry: r.notFinite },
        pass: false,
      };
    }
    const ratio = r.error === 0 ? 0 : r.error / r.allowance;
    if (ratio > worst.ratio) worst = { ...r, ratio };
  }
  return {
    error: worst.error,
    allowance: worst.allowance,
    scale: worst.scale,
    probes: list.length,
    method,
    pass: worst.ratio <= 1,
  };
}
