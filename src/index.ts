/**
 * The gradc library: check formulas, differentiate them, print the gradients as formulas and
 * LaTeX, compile TypeScript modules, and check them numerically. README.md ("The library")
 * documents every export with an example; its examples run as tests (test/readme.test.ts).
 */

// One call from formula text to what the command line prints or writes.
export { compile } from './compile.js';
export { derive, latex } from './from-text.js';

// Step by step: text → checked model → derived gradients → formulas, LaTeX, a module.
export { checkFormula } from './front.js';
export {
  differentiate,
  type DerivedGradient,
  type Derivatives,
  type DifferentiateOptions,
} from './diff/differentiate.js';
export type { DerivedHigher } from './diff/higher.js';
export { toFormula, type FormulaLine, type FormulaOptions } from './print/formula.js';
export { toLatex, type LatexOptions } from './print/latex.js';
export { latexName } from './print/names.js';
export { generate, type GeneratedModule, type ModuleManifest, type ModuleOptions } from './codegen/module.js';

// Numbers: the check against a reference and central differences, and fixtures.
export { checkModel, type CheckOptions } from './check/check-module.js';
export { formatCheckReport, type CheckReport, type CheckRow, type NotFinite } from './check/check-report.js';
export type { Comparison } from './check/numeric.js';
export { makeFixtures, type Fixtures, type FixtureOptions } from './check/fixtures.js';

// Errors: located diagnostics about a formula's text.
export { GradcError, formatDiagnostic, type Diagnostic } from './diagnostics/errors.js';
export { Source, type Span } from './diagnostics/source.js';

// The checked model, as checkFormula returns it.
export type { Model, Variable, Definition, GradRequest } from './ir/model.js';
export type { Node, OpName, VarKind } from './ir/node.js';
export type { Shape, Dim } from './ir/shape.js';
