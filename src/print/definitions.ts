/** The names printed derivatives use: the user's definitions, and `dL_dA` for a derivative. */
import type { Derivatives } from '../diff/differentiate.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';

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

/** `derived` with each derivative in its printed form (`Derivatives.printed`): what printers show. */
export function readable(derived: Derivatives): Derivatives {
  const printed = derived.printed;
  if (printed === undefined || printed.size === 0) return derived;
  const shown = (n: Node) => printed.get(n.id) ?? n;
  return {
    ...derived,
    gradients: derived.gradients.map((d) => ({ ...d, results: d.results.map((r) => ({ ...r, node: shown(r.node) })) })),
    higher: derived.higher.map((h) => ({ ...h, blocks: h.blocks.map((b) => ({ ...b, node: shown(b.node) })) })),
  };
}
