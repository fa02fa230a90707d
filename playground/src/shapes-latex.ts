/**
 * The derivatives pane's "shapes" view: every declared variable with its shape, then each
 * definition and gradient with the shape of its value, as LaTeX (`z_1 \in \mathbb{R}^{h}`).
 */
import type { DerivedGradient } from '../../src/diff/differentiate.js';
import type { Model } from '../../src/ir/model.js';
import type { Dim, Shape } from '../../src/ir/shape.js';
import { partial } from '../../src/print/latex.js';
import { latexName } from '../../src/print/names.js';

function dim(d: Dim): string {
  return typeof d === 'number' ? String(d) : latexName(d);
}

/** `\mathbb{R}`, `\mathbb{R}^{n}`, `\mathbb{R}^{1 \times n}`, `\mathbb{R}^{m \times n}`. */
export function space(s: Shape): string {
  if (s.rows === 1 && s.cols === 1) return '\\mathbb{R}';
  if (s.cols === 1) return `\\mathbb{R}^{${dim(s.rows)}}`;
  return `\\mathbb{R}^{${dim(s.rows)} \\times ${dim(s.cols)}}`;
}

/** One display per variable, definition and gradient: `name \in space`. */
export function shapeDisplays(model: Model, derived: readonly DerivedGradient[]): string[] {
  const member = (name: string, s: Shape) => `${name} \\in ${space(s)}`;
  const lines: string[] = [];
  if (model.variables.length > 0) lines.push(model.variables.map((v) => member(latexName(v.name), v.shape)).join(', \\quad '));
  for (const d of model.definitions) lines.push(member(latexName(d.name), d.node.shape));
  for (const g of derived) {
    for (const r of g.results) lines.push(member(partial(g.request.target.name, r.name), r.node.shape));
  }
  return lines;
}
