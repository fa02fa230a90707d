/**
 * The playground once the editor has loaded (boot.ts started the math worker; this starts the
 * module worker): the formula editor, the examples menu, the view toggles, the share link, and
 * the panes the workers' replies fill (derivatives, `derive` text, generated TypeScript, check).
 */
import type { EditorView } from '@codemirror/view';
import { formulaEditor, replaceText } from './editor.js';
import { EXAMPLES } from './examples.js';
import { showMath, timings } from './math-pane.js';
import type { MathView, Problem, Reply, Request } from './protocol.js';
import { saveState } from './share.js';

/** Milliseconds between the last keystroke and the request to the math worker. */
const DEBOUNCE_MS = 25;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * The module worker (code generator and check) gets a formula only after this many milliseconds
 * without an edit: it cannot be interrupted, and a check of every keystroke is wasted work.
 */
const QUIET_MS = 250;

export interface Started {
  /** The math worker, started by boot.ts. */
  readonly mathWorker: Worker;
  /** The request boot.ts sent. */
  readonly first: Request;
  /** The math worker's replies so far. */
  readonly early: readonly Reply[];
}

export function startPlayground({ mathWorker, first, early }: Started): void {
  const moduleWorker = new Worker(new URL('./module-worker.ts', import.meta.url), { type: 'module' });
  const mathElement = element<HTMLDivElement>('math');
  const problemsElement = element<HTMLDivElement>('problems');
  const deriveElement = element<HTMLPreElement>('derive');
  const checkTable = element<HTMLPreElement>('check-table');
  const checkBadge = element<HTMLSpanElement>('check-badge');
  const dimsForm = element<HTMLFormElement>('dims');
  const statusElement = element<HTMLSpanElement>('status');
  const examplesMenu = element<HTMLSelectElement>('examples');

  let view: MathView = first.view;
  let dims: Record<string, number> = { ...first.dims };
  let seed = first.seed;
  let code = '';
  let codeView: Promise<{ view: EditorView; show: (view: EditorView, code: string) => void }> | undefined;
  let lastEditAt: number | undefined;
  let latest: Request = first;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let moduleTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * The check's verdict belongs to the text it was run on: from the first edit until the check
   * of the new text arrives, the table is dimmed and the badge says so instead of pass or FAIL.
   */
  function checkIsStale(why: string): void {
    checkTable.classList.add('stale');
    checkBadge.textContent = why;
    checkBadge.className = 'stale';
  }

  function send(): void {
    timer = undefined;
    checkIsStale('checking…');
    latest = { id: latest.id + 1, text: editor.state.doc.toString(), view, dims, seed };
    mathWorker.postMessage(latest);
    saveState({ formula: latest.text, view, dims });
  }

  /** Asks the module worker for the latest formula's module and check, once typing has paused. */
  function scheduleModule(): void {
    if (moduleTimer !== undefined) clearTimeout(moduleTimer);
    const request = latest;
    moduleTimer = setTimeout(() => {
      moduleTimer = undefined;
      if (request === latest && timer === undefined) moduleWorker.postMessage(request);
    }, QUIET_MS);
  }

  function schedule(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(send, DEBOUNCE_MS);
  }

  const exampleNamed = (text: string) => EXAMPLES.find((e) => e.text === text)?.name ?? '';
  const editor = formulaEditor(element('editor'), first.text, (text) => {
    lastEditAt = performance.now();
    examplesMenu.value = exampleNamed(text);
    schedule();
  });
  saveState({ formula: first.text, view, dims });

  // ---------------------------------------------------------------- menu, toggles, buttons

  examplesMenu.append(new Option('(your formula)', ''));
  for (const e of EXAMPLES) examplesMenu.append(new Option(e.name, e.name));
  examplesMenu.value = exampleNamed(first.text);
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

  wireTabs();

  wireCodeButtons(statusElement, examplesMenu, () => code);
  element('reseed').addEventListener('click', () => {
    seed++;
    send();
  });
  dimsForm.addEventListener('submit', (event) => event.preventDefault());
  dimsForm.addEventListener('input', () => {
    // Every size shown, not only the one edited: the check would give the others new defaults.
    const sizes = [...dimsForm.querySelectorAll('input')].map((input) => [input.name, Number(input.value)] as const);
    if (!sizes.every(([, n]) => Number.isInteger(n) && n >= 1 && n <= 1000)) return;
    dims = Object.fromEntries(sizes);
    schedule();
  });

  // ---------------------------------------------------------------- the workers' replies

  /** The problem list under the editor; the squiggles come from the language service (language.ts). */
  function showProblems(problems: readonly Problem[]): void {
    const text = editor.state.doc;
    problemsElement.hidden = problems.length === 0;
    problemsElement.textContent = problems
      .map((p) => {
        const line = text.lineAt(Math.min(p.from, text.length));
        return `line ${line.number}, column ${Math.min(p.from, text.length) - line.from + 1}: ${p.message}`;
      })
      .join('\n');
    mathElement.classList.toggle('stale', problems.length > 0);
    if (problems.length > 0) checkIsStale('stale: the formula has an error');
  }

  function showCode(text: string): void {
    code = text;
    codeView ??= import('./code-viewer.js').then((m) => ({ view: m.codeViewer(element('code')), show: m.showCode }));
    void codeView.then((c) => c.show(c.view, code));
  }

  function onReply(reply: Reply): void {
    // A reply to an older request, or to text edited since: a newer request is on its way.
    if (reply.id !== latest.id || timer !== undefined) return;
    switch (reply.kind) {
      case 'math':
        showMath(reply, lastEditAt);
        lastEditAt = undefined;
        deriveElement.textContent = reply.derive.length > 0 ? reply.derive.join('\n') : '(no grad lines)';
        showProblems([]);
        if (reply.hasDefinitions) {
          scheduleModule();
        } else {
          // Nothing to generate or check: say so rather than keep another formula's results.
          showCode('// No definitions: the module would export nothing.\n');
          checkTable.textContent = 'No definitions: nothing to check.';
          checkTable.classList.remove('stale');
          checkBadge.textContent = '';
          showDims(dimsForm, []);
        }
        break;
      case 'problems':
        showProblems(reply.problems);
        break;
      case 'code':
        showCode(reply.code);
        break;
      case 'check':
        checkTable.textContent = reply.table;
        checkTable.classList.remove('stale');
        checkBadge.textContent = reply.ok ? 'pass' : 'FAIL';
        checkBadge.className = reply.ok ? 'pass' : 'fail';
        timings.lastCheckMs = reply.workerMs;
        showDims(dimsForm, reply.dims);
        break;
      case 'failure':
        problemsElement.hidden = false;
        problemsElement.textContent = `gradc failed in its ${reply.stage} stage (a bug; please report it with this formula): ${reply.message}`;
        break;
    }
  }

  for (const reply of early) onReply(reply);
  mathWorker.onmessage = (event: MessageEvent<Reply>) => onReply(event.data);
  moduleWorker.onmessage = (event: MessageEvent<Reply>) => onReply(event.data);
}

/** The tabs above the panels: each shows its panel and hides the others. */
function wireTabs(): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) {
    tab.addEventListener('click', () => {
      for (const t of document.querySelectorAll<HTMLButtonElement>('[role="tab"]'))
        t.setAttribute('aria-selected', String(t === tab));
      for (const panel of document.querySelectorAll<HTMLElement>('[data-panel]'))
        panel.hidden = panel.dataset.panel !== tab.dataset.tab;
    });
  }
}

/** Share (copies the link), copy and download of the generated module (`code()`, the latest). */
function wireCodeButtons(statusElement: HTMLElement, examplesMenu: HTMLSelectElement, code: () => string): void {
  element('share').addEventListener('click', () => {
    navigator.clipboard.writeText(location.href).then(
      () => (statusElement.textContent = 'link copied'),
      () => (statusElement.textContent = 'copy the address bar to share'),
    );
  });
  element('copy-code').addEventListener('click', () => void navigator.clipboard.writeText(code()));
  element('download-code').addEventListener('click', () => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([code()], { type: 'text/typescript' }));
    link.download = `${examplesMenu.value || 'model'}.ts`;
    link.click();
    URL.revokeObjectURL(link.href);
  });
}

/** The dimension inputs, rebuilt only when the formula's dimensions change (typing keeps focus). */
function showDims(dimsForm: HTMLFormElement, used: readonly (readonly [string, number])[]): void {
  const names = used.map(([d]) => d).join(',');
  if (dimsForm.dataset.names === names) return;
  dimsForm.dataset.names = names;
  dimsForm.replaceChildren(
    ...used.map(([d, n]) => {
      const label = document.createElement('label');
      label.append(
        `${d} `,
        Object.assign(document.createElement('input'), {
          type: 'number',
          name: d,
          min: '1',
          max: '1000',
          value: String(n),
        }),
      );
      return label;
    }),
  );
}
