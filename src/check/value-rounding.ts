/**
 * What rounding alone can do to a definition's value: how far the module's value moves when every
 * input entry is nudged by a few hundred ε. A value row subtracts it before `--tol` applies.
 */
import type { ModuleManifest } from '../codegen/module.js';
import type { Model } from '../ir/model.js';
import { mulberry32 } from './random.js';
import type { InputValue } from './reference.js';
import { moduleInputs, toValue } from './run-module.js';

/** Relative size of the input nudges that measure a value's sensitivity to rounding. */
const NUDGE = 256 * Number.EPSILON;
/** How many times that sensitivity a value may differ from the reference by, before `tol` applies. */
const VALUE_SAFETY = 10;

/** Every input entry times 1 ± NUDGE (index variables as they are; symmetric matrices stay symmetric). */
function nudge(model: Model, values: ReadonlyMap<string, InputValue>, rng: () => number): Map<string, InputValue> {
  const moved = (x: number) => x * (1 + (rng() < 0.5 ? -NUDGE : NUDGE));
  const structured = new Set(model.variables.filter((v) => v.structure !== undefined).map((v) => v.name));
  const result = new Map<string, InputValue>();
  for (const [name, v] of values) {
    if (typeof v === 'number') {
      result.set(name, Number.isInteger(v) ? v : moved(v));
      continue;
    }
    const m = v.map((row) => row.map(moved));
    result.set(name, structured.has(name) ? m.map((row, i) => row.map((x, j) => (j < i ? m[j]![i]! : x))) : m);
  }
  return result;
}

/**
 * How far the module's value of a definition moves when every input entry is moved by a few hundred ε,
 * relatively: what rounding alone can do to an ill-conditioned value (an inverse of a nearly singular
 * matrix). Computed once per definition.
 */
export function sensitivities(
  model: Model,
  manifest: ModuleManifest,
  call: (name: string, ...args: unknown[]) => unknown,
  inputs: unknown,
  values: Parameters<typeof nudge>[1],
  dims: ReadonlyMap<string, number>,
  seed: number,
): (definition: string) => number {
  const nudged = [1, 2].map((k) => moduleInputs(model, nudge(model, values, mulberry32(seed * 7 + k)), dims));
  const sensitivity = new Map<string, number>();
  return (definition: string): number => {
    const cached = sensitivity.get(definition);
    if (cached !== undefined) return cached;
    const fn = manifest.definitions.find((d) => d.definition === definition)!.functionName;
    const base = toValue(call(fn, inputs)).flat();
    // And the rounding of the value itself: a few ε of its largest entry.
    let most = 4 * Number.EPSILON * base.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    for (const at of nudged)
      toValue(call(fn, at))
        .flat()
        .forEach((x, i) => (most = Math.max(most, Math.abs(x - base[i]!))));
    const allowance = Number.isFinite(most) ? VALUE_SAFETY * most : 0;
    sensitivity.set(definition, allowance);
    return allowance;
  };
}
