/**
 * Numeric checks of variables declared `symmetric(n)` or `spd(n)` (README, "The formula language"): their
 * gradient lives in the space of symmetric matrices, so it is checked along symmetric
 * directions only, and every point evaluated is symmetric.
 */
import type { Model } from '../ir/model.js';
import type { InputValue } from './reference.js';

/** (M + Mᵀ) / 2 of a square matrix given by rows. */
export function symmetrise(m: readonly (readonly number[])[]): number[][] {
  return m.map((row, i) => row.map((x, j) => (x + m[j]![i]!) / 2));
}

/** The names of the model's variables declared symmetric or spd. */
function structuredNames(model: Model): Set<string> {
  return new Set(model.variables.filter((v) => v.structure !== undefined).map((v) => v.name));
}

/**
 * `f` reading variable `name` through M ↦ (M + Mᵀ) / 2 when it is declared symmetric. Central
 * differences of the result in entry (i, j) move S along the symmetric direction
 * (E_ij + E_ji) / 2, so they give ⟨G, (E_ij + E_ji) / 2⟩ = sym(G)_ij: the gradient in the space of
 * symmetric matrices, entry by entry, from symmetric points only.
 */
export function alongSymmetric(
  model: Model,
  name: string,
  f: (inputs: ReadonlyMap<string, InputValue>) => number,
): (inputs: ReadonlyMap<string, InputValue>) => number {
  if (!structuredNames(model).has(name)) return f;
  return (inputs) => {
    const x = inputs.get(name);
    if (x === undefined || typeof x === 'number') return f(inputs);
    const moved = new Map(inputs);
    moved.set(name, symmetrise(x));
    return f(moved);
  };
}
