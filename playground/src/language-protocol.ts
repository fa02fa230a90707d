/**
 * The messages between the editor (language.ts) and the language worker (language-worker.ts),
 * which runs gradc's language service (src/service) — the one `gradc lsp` runs — on the text.
 */
import type { Completions, Hover, ServiceDiagnostic } from '../../src/service/service.js';

export type LanguageQuestion = 'diagnostics' | 'hover' | 'completion';

export interface LanguageRequest {
  readonly id: number;
  readonly question: LanguageQuestion;
  readonly text: string;
  /** Where the pointer or the cursor is, as an offset into the text. */
  readonly offset: number;
}

export type LanguageReply =
  | { readonly id: number; readonly question: 'diagnostics'; readonly diagnostics: readonly ServiceDiagnostic[] }
  | { readonly id: number; readonly question: 'hover'; readonly hover: Hover | undefined }
  | { readonly id: number; readonly question: 'completion'; readonly completions: Completions }
  /** The service failed (a bug): the editor shows nothing for the question, and logs why. */
  | { readonly id: number; readonly question: 'failure'; readonly message: string };
