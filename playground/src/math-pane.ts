/** The derivatives pane (KaTeX HTML from the worker) and the page's timings, kept for the browser test. */
import type { Reply } from './protocol.js';

export interface Timings {
  /** Milliseconds from navigation start to the first rendered derivatives (KaTeX's HTML in the page). */
  firstMath?: number;
  /** Milliseconds from navigation start to the first derivatives drawn in KaTeX's fonts. */
  firstMathInFonts?: number;
  /** Milliseconds from the last edit to the derivatives rendered for it. */
  lastEditToMath?: number;
  /** Milliseconds the worker spent on the last math reply (check, differentiate, print, render). */
  lastWorkerMs?: number;
  /** Milliseconds the module worker spent on the last check (generate and check). */
  lastCheckMs?: number;
}

export const timings: Timings = {};

/** The KaTeX HTML each display element shows. */
const shownHtml = new WeakMap<Element, string>();

/** Shows a math reply; `editedAt` is when the edit it answers was made (undefined for the first load). */
export function showMath(reply: Extract<Reply, { kind: 'math' }>, editedAt: number | undefined): void {
  const math = document.getElementById('math')!;
  // Only the displays that changed are replaced: the browser lays out only those again.
  const shown = [...math.children];
  reply.displays.forEach((html, i) => {
    const old = shown[i];
    if (old !== undefined && shownHtml.get(old) === html) return;
    const display = document.createElement('div');
    display.className = 'display';
    display.innerHTML = html;
    shownHtml.set(display, html);
    if (old === undefined) math.append(display);
    else old.replaceWith(display);
  });
  for (const extra of shown.slice(reply.displays.length)) extra.remove();
  math.dataset.id = String(reply.id);
  math.classList.remove('stale');
  const now = performance.now();
  const when =
    editedAt !== undefined
      ? ` ${(now - editedAt).toFixed(0)} ms after the edit`
      : timings.firstMath === undefined
        ? ` ${now.toFixed(0)} ms after load`
        : '';
  if (timings.firstMath === undefined) {
    timings.firstMath = now;
    void document.fonts.ready.then(() => (timings.firstMathInFonts = performance.now()));
  }
  timings.lastWorkerMs = reply.workerMs;
  if (editedAt !== undefined) timings.lastEditToMath = now - editedAt;
  document.getElementById('status')!.textContent = `rendered${when} (compiler ${reply.workerMs.toFixed(0)} ms)`;
}
