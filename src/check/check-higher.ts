/**
 * Checking the functions of `jacobian`, `hessian` and `hvp` lines against numbers computed
 * without them: Jacobians column by column by central differences of the reference evaluation
 * of f; Hessian blocks by central differences of the gradient (the derived gradient, evaluated
 * by the reference evaluator); HVPs by directional differences of that gradient.
 */
import type { DerivedHigher } from '../diff/higher.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { alongSymmetric, symmetrise } from './symmetric.js';
import { DEFAULT_STEP, differenceNoise, numericGradient } from './numeric.js';
import { mulberry32 } from './random.js';
import { concreteShape, evaluateScalar, ReferenceEvaluator, tabulate, type InputValue, type Value } from './reference.js';

/** One comparison for the report: the module's result against the numbers. */
export interface HigherComparison {
  readonly functionName: string;
  /** `value`, a Jacobian's wrt name, `grad.x`, `hess.x.y`, `hvp.W`. */
  readonly variable: string;
  readonly actual: unknown;
  readonly expected: Value;
  /** Rounding noise the central differences carry. */
  readonly noise: number;
}

type Evaluate = (values: ReadonlyMap<string, InputValue>, overrides: ReadonlyMap<number, Value>) => number[];

const flat = (v: Value): number[] => v.flat();
/** The entries of a value in vec order (columns stacked), as Jacobian and Hessian blocks number them. */
const vecEntries = (v: Value): number[] => (v[0] ?? []).flatMap((_, j) => v.map((row) => row[j]!));

/** A central difference with Richardson extrapolation, as numeric.ts takes them. */
function difference(at: (t: number) => number[], h: number): number[] {
  const d = (s: number) => {
    const up = at(s);
    const down = at(-s);
    return up.map((u, i) => (u - down[i]!) / (2 * s));
  };
  const coarse = d(h);
  const fine = d(h / 2);
  return fine.map((f, i) => (4 * f - coarse[i]!) / 3);
}

/** The Jacobian of `f` with respect to one variable or definition, column by column: entries(f) x entries(wrt), both in vec order. */
function jacobianByDifferences(
  f: Evaluate,
  values: ReadonlyMap<string, InputValue>,
  wrt: { readonly name: string; readonly isVariable: boolean; readonly node: Node },
  base: Value,
): Value {
  const entries = vecEntries(base);
  const [rows, cols] = [base.length, base[0]!.length];
  const columns: number[][] = entries.map((x0, j) =>
    difference((t) => {
      const moved: Value = base.map((row) => [...row]);
      moved[j % rows]![Math.floor(j / rows)] = x0 + t;
      if (wrt.isVariable) {
        const next = new Map(values);
        next.set(wrt.name, rows === 1 && cols === 1 ? moved[0]![0]! : moved);
        return f(next, new Map());
      }
      return f(values, new Map([[wrt.node.id, moved]]));
    }, DEFAULT_STEP * Math.max(1, Math.abs(x0))),
  );
  const m = columns[0]?.length ?? 0;
  return tabulate(m, entries.length, (i, j) => columns[j]![i]!);
}

/** A direction shaped like each wrt variable, entries in [-1, 1]. */
function directions(model: Model, h: DerivedHigher, dims: ReadonlyMap<string, number>, seed: number): Map<string, Value> {
  const rng = mulberry32(seed + 7919);
  const result = new Map<string, Value>();
  for (const d of h.directions) {
    const variable = model.variables.find((v) => v.name === d.of)!;
    const [r, c] = concreteShape(variable.shape, dims);
    const v = tabulate(r, c, () => 2 * rng() - 1);
    // The direction of a symmetric matrix is symmetric (HVPs act on the space of symmetric matrices).
    result.set(d.of, d.structure !== undefined ? symmetrise(v) : v);
  }
  return result;
}

/** The module's argument for a direction: numbers, arrays and { rows, cols, data } as the inputs are. */
function directionArgument(model: Model, direction: ReadonlyMap<string, Value>): Record<string, unknown> {
  const argument: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, v] of direction) {
    const variable = model.variables.find((x) => x.name === name)!;
    argument[name] = variable.kind === 'scalar' ? v[0]![0]! : variable.kind === 'vector' ? v.flat() : { rows: v.length, cols: v[0]!.length, data: v.flat() };
  }
  return argument;
}

/**
 * Calls each higher function of the module on `inputs` (and a random direction for an HVP) and
 * pairs every part of its result with the numbers it must match.
 */
export function higherComparisons(
  model: Model,
  higher: readonly DerivedHigher[],
  call: (name: string, ...args: unknown[]) => unknown,
  inputs: unknown,
  values: ReadonlyMap<string, InputValue>,
  dims: ReadonlyMap<string, number>,
  seed: number,
): HigherComparison[] {
  const comparisons: HigherComparison[] = [];
  const at = (node: Node): Evaluate => (vals, overrides) => vecEntries(new ReferenceEvaluator({ values: vals, dims, overrides }).value(node));
  const reference = new ReferenceEvaluator({ values, dims });
  for (const h of higher) {
    const fn = h.request.functionName;
    const target = h.request.target.node;
    const direction = h.request.kind === 'hvp' ? directions(model, h, dims, seed) : undefined;
    const result = (direction === undefined ? call(fn, inputs) : call(fn, inputs, directionArgument(model, direction))) as Record<string, Record<string, unknown>>;
    const value = reference.value(target);
    comparisons.push({ functionName: fn, variable: 'value', actual: result.value, expected: value, noise: 0 });
    const scale = (v: Value) => Math.max(0, ...flat(v).map(Math.abs));
    if (h.request.kind === 'jacobian') {
      for (const w of h.request.wrt) {
        const expected = jacobianByDifferences(at(target), values, w, reference.value(w.node));
        comparisons.push({ functionName: fn, variable: w.name, actual: result[w.name], expected, noise: differenceNoise(scale(value)) });
      }
      continue;
    }
    const f = value[0]![0]!;
    for (const g of h.gradient) {
      const expected = numericGradient(alongSymmetric(model, g.name, (vals) => evaluateScalar(target, { values: vals, dims })), values, g.name);
      comparisons.push({ functionName: fn, variable: `grad.${g.name}`, actual: result.grad![g.name], expected, noise: differenceNoise(f) });
    }
    const gradientOf = new Map(h.gradient.map((g) => [g.name, g.node]));
    if (h.request.kind === 'hessian') {
      for (const b of h.blocks) {
        const [x, y] = b.wrt as [string, string];
        const wrt = h.request.wrt.find((w) => w.name === y)!;
        const gx = gradientOf.get(x)!;
        const expected = jacobianByDifferences(at(gx), values, wrt, reference.value(wrt.node));
        const hess = result.hess as Record<string, Record<string, unknown>>;
        comparisons.push({ functionName: fn, variable: `hess.${x}.${y}`, actual: hess[x]![y], expected, noise: differenceNoise(scale(reference.value(gx))) });
      }
      continue;
    }
    // hvp: (∇L(x + t v) - ∇L(x - t v)) / 2t, every wrt variable moved along its direction at once.
    for (const b of h.blocks) {
      const a = b.wrt[0]!;
      const ga = gradientOf.get(a)!;
      const moved = (t: number) => {
        const next = new Map(values);
        for (const [name, v] of direction!) {
          const x = values.get(name)!;
          next.set(name, typeof x === 'number' ? x + t * v[0]![0]! : x.map((row, i) => row.map((e, j) => e + t * v[i]![j]!)));
        }
        return flat(new ReferenceEvaluator({ values: next, dims }).value(ga));
      };
      const d = difference(moved, DEFAULT_STEP);
      const [r, c] = concreteShape(ga.shape, dims);
      const expected = tabulate(r, c, (i, j) => d[i * c + j]!);
      comparisons.push({ functionName: fn, variable: `hvp.${a}`, actual: result.hvp![a], expected, noise: differenceNoise(scale(reference.value(ga))) });
    }
  }
  return comparisons;
}
