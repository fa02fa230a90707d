/** `gradc derive`: derivatives as formula lines that can be appended to the input. */
import type { Derivatives } from '../diff/differentiate.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { Printer } from './printer.js';
import { shareSubexpressions } from './shared.js';

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

/**
 * One derived gradient in formula syntax: `name = expression` is a valid definition. `name` is
 * `d<of>_d<wrt>` (`dL_dA`), made unique against the formula's names (`dL_dA_2`).
 */
export interface FormulaLine {
  readonly name: string;
  readonly of: string;
  readonly wrt: string;
  readonly expression: string;
  /** A local name for a subexpression the gradients share (`of` and `wrt` are empty). */
  readonly local?: boolean;
}

/** Options of `toFormula`. */
export interface FormulaOptions {
  /**
   * Name the subexpressions the gradients share (issue 14): local lines (`t = ...`, flagged
   * `local`) come first, and the gradients are printed in terms of them. Off by default: one
   * line per gradient, each on its own.
   */
  readonly share?: boolean;
}

/**
 * Prints each derived gradient in formula syntax, in terms of the model's definitions: the
 * lines `gradc derive` prints. Appended to the formula (without its `grad` lines), they are
 * valid definitions of the gradients.
 *
 * @param model - The checked model.
 * @param derived - Its derivatives, from `differentiate(model)` (the gradients are printed; higher lines: toFormulaHigher).
 * @param options - `share: true` to name shared subexpressions once, in local lines first.
 * @returns One line per `wrt` name of each `grad` line, in file order (after the local lines).
 * @example
 * ```ts
 * const model = checkFormula('x : vector(n)\nL = x^T x\ngrad L wrt x\n');
 * toFormula(model, differentiate(model)); // [{ name: 'dL_dx', of: 'L', wrt: 'x', expression: '2 x' }]
 * ```
 */
export function toFormula(model: Model, derived: Derivatives, options: FormulaOptions = {}): FormulaLine[] {
  const taken = new Set<string>([...model.variables.map((v) => v.name), ...model.definitions.map((d) => d.name), ...model.dims]);
  const named: { name: string; of: string; wrt: string; node: Node }[] = [];
  for (const d of derived.gradients) {
    for (const r of d.results) named.push({ name: derivativeName(d.request.target.name, r.name, taken), of: d.request.target.name, wrt: r.name, node: r.node });
  }
  let names: ReadonlyMap<number, string> = definitionNames(model);
  const lines: FormulaLine[] = [];
  if (options.share === true) {
    const shared = shareSubexpressions(named.map((l) => l.node), names, taken);
    names = shared.names;
    const printer = new Printer('formula', names);
    for (const l of shared.locals) lines.push({ name: l.name, of: '', wrt: '', expression: printer.expand(l.node).text, local: true });
  }
  const printer = new Printer('formula', names);
  for (const l of named) lines.push({ name: l.name, of: l.of, wrt: l.wrt, expression: printer.text(l.node) });
  return lines;
}
