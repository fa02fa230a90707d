/**
 * The messages between the page (boot.ts, main.ts) and the compiler's workers: math-worker.ts
 * (derivatives) and module-worker.ts (generated module, check).
 */
import type { GradcError } from '../../src/diagnostics/errors.js';
import type { Precision } from '../../src/codegen/precision.js';

/** What the derivatives pane shows: the gradients, the backprop derivation, or every shape. */
export type MathView = 'plain' | 'steps' | 'shapes';

/** The page asks for everything about one formula text; a newer request makes older ones stale. */
export interface Request {
  readonly id: number;
  readonly text: string;
  readonly view: MathView;
  /** Sizes the user gave the check (the others get the check's defaults). */
  readonly dims: Readonly<Record<string, number>>;
  readonly seed: number;
  /** The generated module's number format (`gradc compile --precision`); f64 when absent. */
  readonly precision?: Precision;
}

/** A located problem with the formula, as offsets into the text. */
export interface Problem {
  readonly from: number;
  readonly to: number;
  readonly message: string;
}

/** gradc's located errors as offsets into the text. */
export function problemsOf(e: GradcError): Problem[] {
  return e.diagnostics.map((d) => ({ from: d.span.start, to: d.span.end, message: d.message }));
}

/**
 * The math worker answers a request with `math` or `problems`; the module worker with `code`
 * and then `check` (or `problems` for a name the module cannot have).
 */
export type Reply =
  | {
      readonly kind: 'math';
      readonly id: number;
      /** KaTeX HTML of each display line. */
      readonly displays: readonly string[];
      /** What `gradc derive` prints. */
      readonly derive: readonly string[];
      /** Whether there is a module to generate (a formula of declarations only has none). */
      readonly hasDefinitions: boolean;
      /** Milliseconds the worker spent: check, differentiate, print, render. */
      readonly workerMs: number;
    }
  | { readonly kind: 'problems'; readonly id: number; readonly problems: readonly Problem[] }
  | { readonly kind: 'code'; readonly id: number; readonly code: string }
  | {
      readonly kind: 'check';
      readonly id: number;
      /** The table `gradc check` prints. */
      readonly table: string;
      readonly ok: boolean;
      /** Every dimension of the formula with the size the check used, in the formula's order. */
      readonly dims: readonly (readonly [string, number])[];
      /** Milliseconds the worker spent: generate the module, check it. */
      readonly workerMs: number;
    }
  /** A stage that failed for a reason other than the formula (a bug): shown, never swallowed. */
  | {
      readonly kind: 'failure';
      readonly id: number;
      readonly stage: 'math' | 'code' | 'check';
      readonly message: string;
    };
