/** The messages between the page (main.ts) and the compiler's worker (worker.ts). */

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
}

/** A located problem with the formula, as offsets into the text. */
export interface Problem {
  readonly from: number;
  readonly to: number;
  readonly message: string;
}

/**
 * The worker answers each request in stages, each as soon as it is ready, so the math appears
 * before the code generator and the check have even loaded.
 */
export type Reply =
  | {
      readonly kind: 'math';
      readonly id: number;
      /** KaTeX HTML of each display line. */
      readonly displays: readonly string[];
      /** What `gradc derive` prints. */
      readonly derive: readonly string[];
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
    }
  /** A stage that failed for a reason other than the formula (a bug): shown, never swallowed. */
  | { readonly kind: 'failure'; readonly id: number; readonly stage: 'math' | 'code' | 'check'; readonly message: string };
