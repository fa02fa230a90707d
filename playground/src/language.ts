/**
 * The editor's language features from gradc's language service (the one `gradc lsp` runs), in a
 * worker: the squiggles with gradc's messages and quick fixes, a tooltip with the shape of the
 * expression under the pointer (a name's declaration, a grad line's derivative), and completion
 * of names in scope, functions with their signatures and keywords.
 */
import {
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import { linter, type Action, type Diagnostic } from '@codemirror/lint';
import type { Extension } from '@codemirror/state';
import { EditorView, hoverTooltip, type Tooltip } from '@codemirror/view';
import type { CompletionKind, ServiceDiagnostic } from '../../src/service/service.js';
import type { LanguageReply, LanguageRequest } from './language-protocol.js';

/** Milliseconds between the last keystroke and the diagnostics request. */
const LINT_DELAY_MS = 25;

const COMPLETION_TYPES: Readonly<Record<CompletionKind, string>> = {
  variable: 'variable',
  definition: 'function',
  dimension: 'type',
  function: 'method',
  keyword: 'keyword',
  type: 'class',
  constant: 'constant',
};

type Ask = <Q extends LanguageRequest['question']>(
  question: Q,
  text: string,
  offset: number,
) => Promise<Extract<LanguageReply, { question: Q }> | undefined>;

function startWorker(): Ask {
  const worker = new Worker(new URL('./language-worker.ts', import.meta.url), { type: 'module' });
  const pending = new Map<number, (reply: LanguageReply) => void>();
  let next = 0;
  worker.onmessage = (event: MessageEvent<LanguageReply>) => {
    const resolve = pending.get(event.data.id);
    pending.delete(event.data.id);
    resolve?.(event.data);
  };
  return (question, text, offset) =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, (reply) => {
        if (reply.question === 'failure') console.warn(`gradc's language service failed: ${reply.message}`);
        resolve(
          reply.question === question ? (reply as Extract<LanguageReply, { question: typeof question }>) : undefined,
        );
      });
      worker.postMessage({ id, question, text, offset } satisfies LanguageRequest);
    });
}

const HOVER_THEME = EditorView.baseTheme({
  '.cm-gradc-hover': { padding: '3px 6px', maxWidth: '60em' },
  '.cm-gradc-hover pre': { margin: '0', fontFamily: 'monospace', whiteSpace: 'pre-wrap' },
});

/** A diagnostic's quick fix as a lint action: the edit, placed relative to where the diagnostic is now. */
function fixAction(d: ServiceDiagnostic): Action[] {
  const fix = d.fix;
  if (fix === undefined) return [];
  const [shift, length] = [fix.span.start - d.span.start, fix.span.end - fix.span.start];
  return [
    {
      name: fix.title,
      apply: (view, from) =>
        view.dispatch({ changes: { from: from + shift, to: from + shift + length, insert: fix.text } }),
    },
  ];
}

function hoverDom(code: readonly string[], notes: readonly string[]): HTMLElement {
  const dom = document.createElement('div');
  dom.className = 'cm-gradc-hover';
  if (code.length > 0) dom.append(Object.assign(document.createElement('pre'), { textContent: code.join('\n') }));
  for (const note of notes) dom.append(Object.assign(document.createElement('div'), { textContent: note }));
  return dom;
}

/** The language features, as editor extensions. */
export function languageFeatures(): Extension[] {
  const ask = startWorker();
  const lint = async (view: EditorView): Promise<Diagnostic[]> => {
    const reply = await ask('diagnostics', view.state.doc.toString(), 0);
    const length = view.state.doc.length;
    return (reply?.diagnostics ?? []).map((d) => {
      const from = Math.min(d.span.start, length);
      return {
        from,
        to: Math.max(from, Math.min(d.span.end, length)),
        severity: 'error',
        source: 'gradc',
        message: d.message,
        actions: fixAction(d),
      };
    });
  };
  const hover = async (view: EditorView, pos: number, side: -1 | 1): Promise<Tooltip | null> => {
    const reply = await ask('hover', view.state.doc.toString(), side < 0 ? pos - 1 : pos);
    const h = reply?.hover;
    if (h === undefined) return null;
    return { pos: h.span.start, end: h.span.end, above: true, create: () => ({ dom: hoverDom(h.code, h.notes) }) };
  };
  const complete = async (context: CompletionContext): Promise<CompletionResult | null> => {
    const word = context.matchBefore(/[\p{L}_][\p{L}\p{M}\p{Nd}_]*/u);
    if (word === null && !context.explicit) return null;
    const reply = await ask('completion', context.state.doc.toString(), context.pos);
    if (reply === undefined || context.aborted) return null;
    const { span, items } = reply.completions;
    const options: Completion[] = items.map((i) => ({
      label: i.label,
      type: COMPLETION_TYPES[i.kind],
      detail: i.detail,
      apply: i.insert ?? i.label,
    }));
    return { from: span.start, to: span.end, options, validFor: /^[\p{L}_][\p{L}\p{M}\p{Nd}_]*$/u };
  };
  return [
    linter(lint, { delay: LINT_DELAY_MS }),
    hoverTooltip(hover, { hoverTime: 200 }),
    autocompletion({ override: [complete] }),
    HOVER_THEME,
  ];
}
