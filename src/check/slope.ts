/**
 * The independent check of a differentiated definition's values at two more points: the module's
 * forward function and the reference evaluator at x ± h v (v a random direction moving every
 * input entry), their slopes compared. The derivative rows difference the module's forward; this
 * makes sure that forward changes as the reference does, so an error in it far below `--tol`
 * (a stray 0.001 sum(x) in a loss of 1000000) cannot be differentiated into a matching gradient.
 */
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { mulberry32 } from './random.js';
import { ReferenceEvaluator, type InputValue } from './reference.js';
import { moduleInputs, toValue } from './run-module.js';

/** Each input entry x moves by ±STEP · max(1, |x|). */
const STEP = 1e-3;
/** Rounding of one evaluation, in units of ε · |F|. */
const ROUNDING = 64;
/** How many times the estimated rounding the slopes may differ by. */
const SAFETY = 4;

export interface SlopeCheck {
  /** ‖module slope − reference slope‖₂. */
  readonly error: number;
  readonly allowance: number;
  /** ‖reference slope‖₂. */
  readonly scale: number;
  readonly pass: boolean;
}

/**
 * The slope of `node` along a random direction, the module's against the reference's.
 *
 * @param forward - The module's forward function of `node`.
 * @param valueAllowance - What rounding explains in one value of `node` (its sensitivity to nudged inputs).
 */
export function slopeCheck(
  model: Model,
  node: Node,
  forward: (inputs: Record<string, unknown>) => unknown,
  values: ReadonlyMap<string, InputValue>,
  dims: ReadonlyMap<string, number>,
  seed: number,
  valueAllowance: number,
): SlopeCheck {
  const rng = mulberry32((seed * 31 + 5) >>> 0);
  const plus = new Map<string, InputValue>();
  const minus = new Map<string, InputValue>();
  for (const v of model.variables) {
    const x = values.get(v.name);
    if (x === undefined) continue;
    if (v.kind === 'index') {
      plus.set(v.name, x);
      minus.set(v.name, x);
      continue;
    }
    const rows = typeof x === 'number' ? [[x]] : x;
    const step = rows.map((row) => row.map((e) => (rng() < 0.5 ? -1 : 1) * STEP * Math.max(1, Math.abs(e))));
    // A symmetric matrix moves along a symmetric direction (the module accepts only symmetric ones).
    if (v.structure !== undefined) {
      step.forEach((row, i) => {
        for (let j = 0; j < i; j++) row[j] = step[j]![i]!;
      });
    }
    const moved = (sign: number) => rows.map((row, i) => row.map((e, j) => e + sign * step[i]![j]!));
    plus.set(v.name, typeof x === 'number' ? moved(1)[0]![0]! : moved(1));
    minus.set(v.name, typeof x === 'number' ? moved(-1)[0]![0]! : moved(-1));
  }
  const module = (at: Map<string, InputValue>) => toValue(forward(moduleInputs(model, at, dims))).flat();
  const reference = (at: Map<string, InputValue>) => new ReferenceEvaluator({ values: at, dims }).value(node).flat();
  const [mp, mm, rp, rm] = [module(plus), module(minus), reference(plus), reference(minus)];
  let error = 0;
  let allowance = 0;
  let scale = 0;
  for (let i = 0; i < rp.length; i++) {
    const slopeModule = (mp[i]! - mm[i]!) / 2;
    const slopeReference = (rp[i]! - rm[i]!) / 2;
    const size = Math.max(Math.abs(mp[i]!), Math.abs(mm[i]!), Math.abs(rp[i]!), Math.abs(rm[i]!));
    error += (slopeModule - slopeReference) ** 2;
    allowance += (SAFETY * (valueAllowance + ROUNDING * Number.EPSILON * size)) ** 2;
    scale += slopeReference ** 2;
  }
  // In units of the step: a slope, comparable with the derivatives.
  const [e, a, s] = [error, allowance, scale].map((x) => Math.sqrt(x) / STEP) as [number, number, number];
  return { error: e, allowance: a, scale: s, pass: Number.isFinite(e) ? e <= a : false };
}
