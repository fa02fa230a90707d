/**
 * The page's entry: starts the math worker and asks for the first formula's derivatives before
 * anything else loads, shows them as soon as they come, then loads the editor and the other
 * panes (main.ts, with CodeMirror), which take over the worker's replies.
 */
import 'katex/dist/katex.min.css';
import mainFont from 'katex/dist/fonts/KaTeX_Main-Regular.woff2?url';
import mathFont from 'katex/dist/fonts/KaTeX_Math-Italic.woff2?url';
import size1Font from 'katex/dist/fonts/KaTeX_Size1-Regular.woff2?url';
import './style.css';
import { DEFAULT_EXAMPLE } from './examples.js';
import { showMath, timings } from './math-pane.js';
import type { Reply, Request } from './protocol.js';
import { initialState } from './share.js';

// The fonts nearly every formula uses, fetched beside the worker rather than after the math arrives.
for (const href of [mainFont, mathFont, size1Font]) {
  document.head.append(
    Object.assign(document.createElement('link'), {
      rel: 'preload',
      as: 'font',
      type: 'font/woff2',
      crossOrigin: 'anonymous',
      href,
    }),
  );
}

const start = initialState();
const state = {
  formula: start?.formula ?? DEFAULT_EXAMPLE.text,
  view: start?.view ?? 'plain',
  dims: { ...(start?.dims ?? {}) },
} as const;
const worker = new Worker(new URL('./math-worker.ts', import.meta.url), { type: 'module' });
/** Replies that came before main.ts took over, in order. */
const early: Reply[] = [];
let firstAnswer: () => void;
const answered = new Promise<void>((resolve) => (firstAnswer = resolve));
worker.onmessage = (event: MessageEvent<Reply>) => {
  if (event.data.kind === 'math') showMath(event.data, undefined);
  early.push(event.data);
  firstAnswer();
};
const first: Request = { id: 1, text: state.formula, view: state.view, dims: state.dims, seed: 1 };
worker.postMessage(first);
(window as unknown as { gradcPlayground: unknown }).gradcPlayground = { timings };

// The editor loads once the first answer is on screen: evaluating CodeMirror would otherwise
// hold the page's thread while the answer waits to be shown.
await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 2000))]);
const { startPlayground } = await import('./main.js');
startPlayground({ mathWorker: worker, first, early });
