/**
 * Printing `jacobian`, `hessian` and `hvp` results: formula lines (`Jf_x = ...`, `HL_x_y = ...`,
 * `HvL_W = ...` after the direction's declaration `v_W : matrix(h, n)`) and LaTeX
 * (`\frac{\partial f}{\partial x}`, `\frac{\partial^2 L}{\partial x \partial y^\top}`, `\nabla^2_{W} L\,[v]`).
 */
import type { DerivedHigher } from '../diff/higher.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { dimFactors, isColumn, isRow, isScalar, transposeShape, type Dim, type Shape } from '../ir/shape.js';

const isMatrixShape = (s: Shape) => !(isScalar(s) || isColumn(s) || isRow(s));
import { definitionNames } from './definitions.js';
import { latexName, spaceWords } from './names.js';
import { Printer } from './printer.js';

/** One printed line of a higher request: a derivative, or the declaration of an HVP's direction. */
export interface HigherLine {
  /** Index of the request in the model's higherRequests. */
  readonly request: number;
  readonly kind: 'jacobian' | 'hessian' | 'hvp' | 'direction';
  /** The defined or declared name: `Jf_x`, `HL_x_y`, `HvL_W`, `v_W`. */
  readonly name: string;
  readonly of: string;
  readonly wrt: readonly string[];
  /** The line as a formula statement: `Jf_x = ...` or `v_W : matrix(h, n)`. */
  readonly text: string;
}

function taken(model: Model): Set<string> {
  return new Set([...model.variables.map((v) => v.name), ...model.definitions.map((d) => d.name), ...model.dims]);
}

function fresh(base: string, names: Set<string>): string {
  let name = base;
  for (let k = 2; names.has(name); k++) name = `${base}_${k}`;
  names.add(name);
  return name;
}

const dimText = (d: Dim) => String(d);

function declaration(kind: string, s: Shape): string {
  return kind === 'scalar'
    ? 'scalar'
    : kind === 'vector'
      ? `vector(${dimText(s.rows)})`
      : `matrix(${dimText(s.rows)}, ${dimText(s.cols)})`;
}

/**
 * The formula lines of every higher request, in file order: appended to the formula (without
 * its request lines) they are valid statements, and each defined name evaluates to its block.
 * A Hessian block below the diagonal is written as the transpose of the one above it.
 */
export function toFormulaHigher(
  model: Model,
  higher: readonly DerivedHigher[],
  reserved: ReadonlySet<string> = new Set(),
  /** Nodes printed by name: the definitions, and any local names shared with the gradients. */
  printedNames: ReadonlyMap<number, string> = definitionNames(model),
): HigherLine[] {
  const names = taken(model);
  for (const r of reserved) names.add(r);
  const printer = new Printer('formula', printedNames, { diagonalScaling: true });
  const lines: HigherLine[] = [];
  higher.forEach((h, request) => {
    const of = h.request.target.name;
    if (h.request.kind === 'hvp') {
      for (const d of h.directions) {
        const variable = model.variables.find((v) => v.name === d.of)!;
        const type =
          d.structure !== undefined
            ? `${d.structure}(${dimText(variable.shape.rows)})`
            : declaration(variable.kind, variable.shape);
        lines.push({ request, kind: 'direction', name: d.name, of, wrt: [d.of], text: `${d.name} : ${type}` });
      }
    }
    const blockNames = new Map<string, string>();
    for (const b of h.blocks) {
      const prefix = h.request.kind === 'jacobian' ? 'J' : h.request.kind === 'hessian' ? 'H' : 'Hv';
      const name = fresh(`${prefix}${of}_${b.wrt.join('_')}`, names);
      blockNames.set(b.wrt.join('\u0000'), name);
      const mirror =
        h.request.kind === 'hessian' && b.wrt[0] !== b.wrt[1]
          ? blockNames.get(`${b.wrt[1]}\u0000${b.wrt[0]}`)
          : undefined;
      const expression = mirror !== undefined ? `${mirror}^T` : printer.text(b.node);
      lines.push({ request, kind: h.request.kind, name, of, wrt: b.wrt, text: `${name} = ${expression}` });
    }
  });
  return lines;
}

/** Options of `toLatexHigher`. */
export interface HigherLatexOptions {
  /** Append `\in \mathbb{R}^{m \times n}` to every derivative. */
  readonly shapes?: boolean;
  /** `denominator`: Jacobians printed transposed (n x m), as the CS 316 handout writes them. */
  readonly layout?: 'numerator' | 'denominator';
}

/** `\in \mathbb{R}^{m \times n}` (a scalar: `\in \mathbb{R}`); a block with respect to matrices `\mathbb{R}^{m p \times n q}`. */
export function shapeSuffix(s: Shape): string {
  const dim = (d: Dim) => {
    if (typeof d === 'number') return String(d);
    const { coefficient, names } = dimFactors(d);
    return [...(coefficient === 1 ? [] : [String(coefficient)]), ...names.map(latexName)].join(' ');
  };
  if (s.rows === 1 && s.cols === 1) return ' \\in \\mathbb{R}';
  return ` \\in \\mathbb{R}^{${dim(s.rows)} \\times ${dim(s.cols)}}`;
}

/** The display lines of every higher request's derivatives. */
export function toLatexHigher(
  model: Model,
  higher: readonly DerivedHigher[],
  options: HigherLatexOptions = {},
  printedNames: ReadonlyMap<number, string> = definitionNames(model),
): string[] {
  const printer = new Printer('latex', printedNames, { diagonalScaling: true });
  const lines: string[] = [];
  const denominator = options.layout === 'denominator';
  for (const h of higher) {
    const target = h.request.target;
    // A matrix is differentiated as vec of it (Magnus & Neudecker): ∂ vec F / ∂ (vec X)ᵀ.
    const shapeOf = (name: string) => h.request.wrt.find((w) => w.name === name)!.node.shape;
    const vecOf = (name: string, s: Shape) =>
      isMatrixShape(s) ? `\\operatorname{vec} ${latexName(name)}` : latexName(name);
    const row = (name: string) =>
      isMatrixShape(shapeOf(name)) ? `(${vecOf(name, shapeOf(name))})^\\top` : `${latexName(name)}^\\top`;
    const of = vecOf(target.name, target.node.shape);
    for (const b of h.blocks) {
      let lhs: string;
      let node: Node = b.node;
      let s = b.node.shape;
      if (h.request.kind === 'jacobian') {
        const x = b.wrt[0]!;
        lhs = `\\frac{\\partial ${of}}{\\partial ${isMatrixShape(shapeOf(x)) ? row(x) : latexName(x)}}`;
        if (denominator) {
          node = model.graph.transpose(b.node);
          s = transposeShape(s);
        }
      } else if (h.request.kind === 'hessian') {
        const [x, y] = b.wrt as [string, string];
        lhs = `\\frac{\\partial^2 ${of}}{\\partial ${vecOf(x, shapeOf(x))}\\, \\partial ${row(y)}}`;
      } else {
        lhs = `\\nabla^2_{${latexName(b.wrt[0]!)}} ${of}\\,[v]`;
      }
      lines.push(
        `\\[ ${spaceWords(`${lhs} = ${printer.text(node)}`)}${options.shapes === true ? shapeSuffix(s) : ''} \\]`,
      );
    }
  }
  return lines;
}
