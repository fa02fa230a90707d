/**
 * The page: the formula editor, the examples menu, the share link, and the panes the worker's
 * replies fill (derivatives, `derive` text, generated TypeScript, gradient check). Timings are
 * kept in `window.gradcPlayground.timings` for the browser test.
 */
import 'katex/dist/katex.min.css';
import './style.css';
import { codeViewer, formulaEditor, replaceText, setProblems } from './editor.js';
import { DEFAULT_EXAMPLE, EXAMPLES } from './examples.js';
import type { MathView, Problem, Reply, Request } from './protocol.js';
import { initialState, saveState } from './share.js';

/** Milliseconds between the last keystroke and the request to the worker. */
const DEBOUNCE_MS = 40;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const mathElement = element<HTMLDivElement>('math');
const problemsElement = element<HTMLDivElement>('problems');
const deriveElement = element<HTMLPreElement>('derive');
const checkTable = element<HTMLPreElement>('check-table');
const checkBadge = element<HTMLSpanElement>('check-badge');
const dimsForm = element<HTMLFormElement>('dims');
const statusElement = element<HTMLSpanElement>('status');
const examplesMenu = element<HTMLSelectElement>('examples');

interface Timings {
  /** Milliseconds from navigation start to the first rendered derivatives. */
  firstMath?: number;
  /** Milliseconds from the last edit to the derivatives rendered for it. */
  lastEditToMath?: number;
  /** Milliseconds the worker spent on the last math reply. */
  lastWorkerMs?: number;
}
const timings: Timings = {};
(window as unknown as { gradcPlayground: { timings: Timings } }).gradcPlayground = { timings };

const start = initialState();
let view: MathView = start?.view ?? 'plain';
let dims: Record<string, number> = { ...(start?.dims ?? {}) };
let seed = 1;
let code = '';
let lastEditAt: number | undefined;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
let latestId = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

function send(): void {
  timer = undefined;
  const request: Request = { id: ++latestId, text: editor.state.doc.toString(), view, dims, seed };
  worker.postMessage(request);
  saveState({ formula: request.text, view, dims });
}

function schedule(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(send, DEBOUNCE_MS);
}

const editor = formulaEditor(element('editor'), start?.formula ?? DEFAULT_EXAMPLE.text, (text) => {
  lastEditAt = performance.now();
  examplesMenu.value = EXAMPLES.find((e) => e.text === text)?.name ?? '';
  schedule();
});
const codeView = codeViewer(element('code'));

// ------------------------------------------------------------------ examples menu and toggles

examplesMenu.append(new Option('(your formula)', ''));
for (const e of EXAMPLES) examplesMenu.append(new Option(e.name, e.name));
examplesMenu.value = EXAMPLES.find((e) => e.text === editor.state.doc.toString())?.name ?? '';
examplesMenu.addEventListener('change', () => {
  const example = EXAMPLES.find((e) => e.name === examplesMenu.value);
  if (example === undefined) return;
  dims = {};
  replaceText(editor, example.text);
});

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="view"]')) {
  radio.checked = radio.value === view;
  radio.addEventListener('change', () => {
    view = radio.value as MathView;
    send();
  });
}

for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) t.setAttribute('aria-selected', String(t === tab));
    for (const panel of document.querySelectorAll<HTMLElement>('[data-panel]')) panel.hidden = panel.dataset.panel !== tab.dataset.tab;
  });
}

element('share').addEventListener('click', () => {
  void navigator.clipboard.writeText(location.href).then(
    () => (statusElement.textContent = 'link copied'),
    () => (statusElement.textContent = 'copy the address bar to share'),
  );
});

element('copy-code').addEventListener('click', () => void navigator.clipboard.writeText(code));
element('download-code').addEventListener('click', () => {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([code], { type: 'text/typescript' }));
  link.download = `${examplesMenu.value || 'model'}.ts`;
  link.click();
  URL.revokeObjectURL(link.href);
});

element('reseed').addEventListener('click', () => {
  seed++;
  send();
});

dimsForm.addEventListener('input', (event) => {
  const input = event.target as HTMLInputElement;
  const size = Number(input.value);
  if (!Number.isInteger(size) || size < 1 || size > 1000) return;
  dims = { ...dims, [input.name]: size };
  schedule();
});

// ------------------------------------------------------------------ the worker's replies

function showProblems(problems: readonly Problem[]): void {
  setProblems(editor, problems);
  const text = editor.state.doc;
  problemsElement.hidden = problems.length === 0;
  problemsElement.textContent = problems
    .map((p) => {
      const line = text.lineAt(Math.min(p.from, text.length));
      return `line ${line.number}, column ${Math.min(p.from, text.length) - line.from + 1}: ${p.message}`;
    })
    .join('\n');
  mathElement.classList.toggle('stale', problems.length > 0);
  if (problems.length > 0) checkTable.classList.add('stale');
}

/** The dimension inputs, rebuilt only when the formula's dimensions change (typing keeps focus). */
function showDims(used: readonly (readonly [string, number])[]): void {
  const names = used.map(([d]) => d).join(',');
  if (dimsForm.dataset.names !== names) {
    dimsForm.dataset.names = names;
    dimsForm.replaceChildren(
      ...used.map(([d, n]) => {
        const label = document.createElement('label');
        const input = Object.assign(document.createElement('input'), { type: 'number', name: d, min: '1', max: '1000', value: String(n) });
        label.append(`${d} `, input);
        return label;
      }),
    );
  }
}

worker.onmessage = (event: MessageEvent<Reply>) => {
  const reply = event.data;
  // A reply to an older request, or to text edited since: a newer request is on its way.
  if (reply.id !== latestId || timer !== undefined) return;
  switch (reply.kind) {
    case 'math': {
      mathElement.innerHTML = reply.displays.map((d) => `<div class="display">${d}</div>`).join('');
      mathElement.dataset.id = String(reply.id);
      deriveElement.textContent = reply.derive.length > 0 ? reply.derive.join('\n') : '(no grad lines)';
      showProblems([]);
      const now = performance.now();
      timings.firstMath ??= now;
      timings.lastWorkerMs = reply.workerMs;
      if (lastEditAt !== undefined) timings.lastEditToMath = now - lastEditAt;
      statusElement.textContent = `rendered in ${(lastEditAt !== undefined ? now - lastEditAt : now).toFixed(0)} ms (compiler ${reply.workerMs.toFixed(0)} ms)`;
      lastEditAt = undefined;
      break;
    }
    case 'problems':
      showProblems(reply.problems);
      break;
    case 'code':
      code = reply.code;
      codeView.dispatch({ changes: { from: 0, to: codeView.state.doc.length, insert: code } });
      break;
    case 'check':
      checkTable.textContent = reply.table;
      checkTable.classList.remove('stale');
      checkBadge.textContent = reply.ok ? 'pass' : 'FAIL';
      checkBadge.className = reply.ok ? 'pass' : 'fail';
      showDims(reply.dims);
      break;
    case 'failure':
      problemsElement.hidden = false;
      problemsElement.textContent = `gradc failed in its ${reply.stage} stage (a bug; please report it with this formula): ${reply.message}`;
      break;
  }
};

send();
