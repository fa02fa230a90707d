/** `gradc derive`: derivatives as formula lines that can be appended to the input. */
import type { DerivedGradient } from '../diff/differentiate.js';
import type { Model } from '../ir/model.js';
import { Printer } from './printer.js';

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
}

/**
 * Prints each derived gradient in formula syntax, in terms of the model's definitions: the
 * lines `gradc derive` prints. Appended to the formula (without its `grad` lines), they are
 * valid definitions of the gradients.
 *
 * @param model - The checked model.
 * @param derived - Its gradients, from `differentiate(model)`.
 * @returns One line per `wrt` name of each `grad` line, in file order.
 * @example
 * ```ts
 * const model = checkFormula('x : vector(n)\nL = x^T x\ngrad L wrt x\n');
 * toFormula(model, differentiate(model)); // [{ name: 'dL_dx', of: 'L', wrt: 'x', expression: '2 x' }]
 * ```
 */
export function toFormula(model: Model, derived: readonly DerivedGradient[]): FormulaLine[] {
  const printer = new Printer('formula', definitionNames(model));
  const taken = new Set<string>([...model.variables.map((v) => v.name), ...model.definitions.map((d) => d.name), ...model.dims]);
  const lines: FormulaLine[] = [];
  for (const d of derived) {
    for (const r of d.results) {
      lines.push({ name: derivativeName(d.request.target.name, r.name, taken), of: d.request.target.name, wrt: r.name, expression: printer.text(r.node) });
    }
  }
  return lines;
}
