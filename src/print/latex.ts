/** `gradc latex`: every definition and requested gradient as display math, one per line. */
import type { DerivedGradient } from '../diff/differentiate.js';
import type { Model } from '../ir/model.js';
import { definitionNames } from './formula.js';
import { latexName } from './names.js';
import { Printer } from './printer.js';

export interface LatexOptions {
  /** Also print the backward pass step by step (see latexSteps). */
  readonly steps?: boolean;
}

/** `\frac{\partial L}{\partial A}` */
export function partial(of: string, wrt: string): string {
  return `\\frac{\\partial ${latexName(of)}}{\\partial ${latexName(wrt)}}`;
}

/** One `\[ ... \]` display per line: the definitions, then each requested gradient. */
export function toLatex(model: Model, derived: readonly DerivedGradient[]): string[] {
  const names = definitionNames(model);
  const printer = new Printer('latex', names);
  const lines: string[] = [];
  for (const d of model.definitions) {
    lines.push(`\\[ ${latexName(d.name)} = ${printer.expand(d.node).text} \\]`);
  }
  for (const g of derived) {
    for (const r of g.results) {
      lines.push(`\\[ ${partial(g.request.target.name, r.name)} = ${printer.text(r.node)} \\]`);
    }
  }
  return lines;
}
