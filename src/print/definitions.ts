/** The names printed derivatives use: the user's definitions, and `dL_dA` for a derivative. */
import type { Model } from '../ir/model.js';

/** Definition nodes by id → name (the first definition wins), for printing by name. */
export function definitionNames(model: Model): Map<number, string> {
  const names = new Map<number, string>();
  for (const d of model.definitions) {
    if (d.node.op !== 'var' && !names.has(d.node.id)) names.set(d.node.id, d.name);
  }
  return names;
}

/** `dL_dA`, made unique against the model's names and those already given out. */
export function derivativeName(of: string, wrt: string, taken: Set<string>): string {
  const base = `d${of}_d${wrt}`;
  let name = base;
  for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
  taken.add(name);
  return name;
}
