/** The gradc library: parse and check formulas, differentiate, simplify, print, compile. */
export { checkFormula } from './front.js';
export { differentiate, differentiateRequest, type DerivedGradient } from './diff/differentiate.js';
export { gradients } from './diff/reverse.js';
export { simplify, RULES, type Rule } from './simplify/simplify.js';
export { toFormula, type FormulaLine } from './print/formula.js';
export { toLatex, type LatexOptions } from './print/latex.js';
export { Printer, type Style } from './print/printer.js';
export { latexName } from './print/names.js';
export { GradcError, formatDiagnostic, type Diagnostic } from './syntax/errors.js';
export { Source, type Span } from './syntax/source.js';
export type { Model, Variable, Definition, GradRequest } from './ir/model.js';
export type { Node, OpName } from './ir/node.js';
export type { Shape, Dim } from './ir/shape.js';
