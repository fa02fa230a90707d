/**
 * Checks derived gradients against central differences of the forward, both evaluated by the
 * mathjs reference evaluator (no generated code involved).
 */
import { differentiate, type Derivatives } from '../diff/differentiate.js';
import type { Model } from '../ir/model.js';
import type { OpName } from '../ir/node.js';
import { OPS } from '../ops/index.js';
import { compareValues, centralDifferences, differenceNoise, numericGradient, type Comparison } from './numeric.js';
import { randomDims, randomInputs, mulberry32, type InputOptions } from './random.js';
import { alongSymmetric } from './symmetric.js';
import { ReferenceEvaluator, evaluateScalar, type Env, type InputValue, type Value } from './reference.js';

export interface GradientCheckOptions extends InputOptions {
  /** Sizes for some dimension names; the others get small distinct defaults. */
  readonly dims?: Readonly<Record<string, number>>;
  readonly seed?: number;
  /** Relative step of the central differences. */
  readonly step?: number;
  /** Floor of the relative error (see compareValues). */
  readonly floor?: number;
  /** The derived gradients, if already computed. */
  readonly derived?: Derivatives;
}

export interface GradientCheck {
  /** The gradient function's name, e.g. `lossGrad`. */
  readonly functionName: string;
  readonly of: string;
  readonly wrt: string;
  readonly analytic: Value;
  readonly numeric: Value;
  readonly comparison: Comparison;
}

export interface GradientCheckReport {
  readonly dims: Map<string, number>;
  readonly inputs: Map<string, InputValue>;
  readonly checks: GradientCheck[];
  /**
   * Gradients not checked: with respect to a definition whose value is a constant (`t = 2`).
   * Hash-consing makes it one node with every equal literal, so perturbing it would move
   * those too (an index 1 would become 1.00001).
   */
  readonly skipped: { readonly functionName: string; readonly wrt: string; readonly reason: string }[];
}

/** Leaves that hold no input (constants, sizes, ones, eye, onehot), as their lowering says. */
export function isConstantLeaf(op: OpName): boolean {
  const lower = OPS[op].lower;
  return lower.kind === 'constant' || (lower.kind === 'leaf' && lower.value !== 'input');
}

/** Every requested gradient of the model, evaluated and compared with central differences. */
export function checkGradients(model: Model, options: GradientCheckOptions = {}): GradientCheckReport {
  const dims = randomDims(model, options.dims);
  const inputs = randomInputs(model, dims, mulberry32(options.seed ?? 1), options);
  const derived = options.derived ?? differentiate(model);
  const env: Env = { values: inputs, dims };
  const analytic = new ReferenceEvaluator(env);
  const difference = options.step === undefined ? {} : { step: options.step };
  const checks: GradientCheck[] = [];
  const skipped: GradientCheckReport['skipped'] = [];
  for (const d of derived.gradients) {
    const target = d.request.target.node;
    // Central differences of a large value carry rounding noise of about ε·|f| / step.
    const noise = differenceNoise(analytic.value(target)[0]![0]!, options.step);
    d.request.wrt.forEach((w, k) => {
      if (!w.isVariable && isConstantLeaf(w.node.op)) {
        skipped.push({ functionName: d.request.functionName, wrt: w.name, reason: 'the definition is a constant' });
        return;
      }
      const result = d.results[k]!;
      const value = analytic.value(result.node);
      const numeric = w.isVariable
        ? numericGradient(
            alongSymmetric(model, w.name, (values) => evaluateScalar(target, { values, dims })),
            inputs,
            w.name,
            difference,
          )
        : // An intermediate value: perturb the node itself wherever the forward uses it.
          centralDifferences(
            (v) => evaluateScalar(target, { values: inputs, dims, overrides: new Map([[w.node.id, v]]) }),
            analytic.value(w.node),
            difference,
          );
      checks.push({
        functionName: d.request.functionName,
        of: d.request.target.name,
        wrt: w.name,
        analytic: value,
        numeric,
        comparison: compareValues(value, numeric, {
          noise,
          ...(options.floor === undefined ? {} : { floor: options.floor }),
        }),
      });
    });
  }
  return { dims, inputs, checks, skipped };
}
