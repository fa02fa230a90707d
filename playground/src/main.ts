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

/** The page's elements the playground fills or listens to. */
interface Panes {
  readonly math: HTMLDivElement;
  readonly problems: HTMLDivElement;
  readonly derive: HTMLPreElement;
  readonly checkTable: HTMLPreElement;
  readonly checkBadge: HTMLSpanElement;
  readonly dimsForm: HTMLFormElement;
  readonly status: HTMLSpanElement;
  readonly examplesMenu: HTMLSelectElement;
}

function findPanes(): Panes {
  return {
    math: element('math'),
    problems: element('problems'),
    derive: element('derive'),
    checkTable: element('check-table'),
    checkBadge: element('check-badge'),
    dimsForm: element('dims'),
    status: element('status'),
    examplesMenu: element('examples'),
  };
}

const exampleNamed = (text: string) => EXAMPLES.find((e) => e.text === text)?.name ?? '';

export function startPlayground(started: Started): void {
  const playground = new Playground(started);
  playground.wireExamplesMenu();
  playground.wireViewToggles();
  wireTabs();
  playground.wireButtonsAndSizes();
  playground.listen(started.early);
}

/**
 * The editor's text and the view, sizes and seed chosen: each edit is sent to the math worker
 * (debounced), and to the module worker once typing has paused; their replies fill the panes.
 */
class Playground {
  private readonly moduleWorker = new Worker(new URL('./module-worker.ts', import.meta.url), { type: 'module' });
  private readonly panes = findPanes();
  private readonly mathWorker: Worker;
  private readonly editor: EditorView;
  private view: MathView;
  private dims: Record<string, number>;
  private seed: number;
  private code = '';
  private codeView: Promise<{ view: EditorView; show: (view: EditorView, code: string) => void }> | undefined;
  private lastEditAt: number | undefined;
  private latest: Request;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private moduleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor({ mathWorker, first }: Started) {
    this.mathWorker = mathWorker;
    this.view = first.view;
    this.dims = { ...first.dims };
    this.seed = first.seed;
    this.latest = first;
    this.editor = formulaEditor(element('editor'), first.text, (text) => {
      this.lastEditAt = performance.now();
      this.panes.examplesMenu.value = exampleNamed(text);
      this.schedule();
    });
    saveState({ formula: first.text, view: this.view, dims: this.dims });
  }

  // ---------------------------------------------------------------- requests

  /**
   * The check's verdict belongs to the text it was run on: from the first edit until the check
   * of the new text arrives, the table is dimmed and the badge says so instead of pass or FAIL.
   */
  private checkIsStale(why: string): void {
    this.panes.checkTable.classList.add('stale');
    this.panes.checkBadge.textContent = why;
    this.panes.checkBadge.className = 'stale';
  }

  private send(): void {
    this.timer = undefined;
    this.checkIsStale('checking…');
    const { view, dims, seed } = this;
    this.latest = { id: this.latest.id + 1, text: this.editor.state.doc.toString(), view, dims, seed };
    this.mathWorker.postMessage(this.latest);
    saveState({ formula: this.latest.text, view, dims });
  }

  /** Asks the module worker for the latest formula's module and check, once typing has paused. */
  private scheduleModule(): void {
    if (this.moduleTimer !== undefined) clearTimeout(this.moduleTimer);
    const request = this.latest;
    this.moduleTimer = setTimeout(() => {
      this.moduleTimer = undefined;
      if (request === this.latest && this.timer === undefined) this.moduleWorker.postMessage(request);
    }, QUIET_MS);
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.send(), DEBOUNCE_MS);
  }

  // ---------------------------------------------------------------- menu, toggles, buttons

  wireExamplesMenu(): void {
    const menu = this.panes.examplesMenu;
    menu.append(new Option('(your formula)', ''));
    for (const e of EXAMPLES) menu.append(new Option(e.name, e.name));
    menu.value = exampleNamed(this.editor.state.doc.toString());
    menu.addEventListener('change', () => {
      const example = EXAMPLES.find((e) => e.name === menu.value);
      if (example === undefined) return;
      this.dims = {};
      replaceText(this.editor, example.text);
    });
  }

  wireViewToggles(): void {
    for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="view"]')) {
      radio.checked = radio.value === this.view;
      radio.addEventListener('change', () => {
        this.view = radio.value as MathView;
        this.send();
      });
    }
  }

  /** Share, copy, download, reseed, and the dimension inputs. */
  wireButtonsAndSizes(): void {
    wireCodeButtons(this.panes.status, this.panes.examplesMenu, () => this.code);
    element('reseed').addEventListener('click', () => {
      this.seed++;
      this.send();
    });
    const form = this.panes.dimsForm;
    form.addEventListener('submit', (event) => event.preventDefault());
    form.addEventListener('input', () => {
      // Every size shown, not only the one edited: the check would give the others new defaults.
      const sizes = [...form.querySelectorAll('input')].map((input) => [input.name, Number(input.value)] as const);
      if (!sizes.every(([, n]) => Number.isInteger(n) && n >= 1 && n <= 1000)) return;
      this.dims = Object.fromEntries(sizes);
      this.schedule();
    });
  }

  // ---------------------------------------------------------------- the workers' replies

  /** Replays the replies that came before the playground started, then listens to both workers. */
  listen(early: readonly Reply[]): void {
    for (const reply of early) this.onReply(reply);
    this.mathWorker.onmessage = (event: MessageEvent<Reply>) => this.onReply(event.data);
    this.moduleWorker.onmessage = (event: MessageEvent<Reply>) => this.onReply(event.data);
  }

  /** The problem list under the editor; the squiggles come from the language service (language.ts). */
  private showProblems(problems: readonly Problem[]): void {
    const text = this.editor.state.doc;
    this.panes.problems.hidden = problems.length === 0;
    this.panes.problems.textContent = problems
      .map((p) => {
        const line = text.lineAt(Math.min(p.from, text.length));
        return `line ${line.number}, column ${Math.min(p.from, text.length) - line.from + 1}: ${p.message}`;
      })
      .join('\n');
    this.panes.math.classList.toggle('stale', problems.length > 0);
    if (problems.length > 0) this.checkIsStale('stale: the formula has an error');
  }

  private showCode(text: string): void {
    this.code = text;
    this.codeView ??= import('./code-viewer.js').then((m) => ({
      view: m.codeViewer(element('code')),
      show: m.showCode,
    }));
    void this.codeView.then((c) => c.show(c.view, this.code));
  }

  private showMathReply(reply: Extract<Reply, { kind: 'math' }>): void {
    showMath(reply, this.lastEditAt);
    this.lastEditAt = undefined;
    this.panes.derive.textContent = reply.derive.length > 0 ? reply.derive.join('\n') : '(no grad lines)';
    this.showProblems([]);
    if (reply.hasDefinitions) {
      this.scheduleModule();
      return;
    }
    // Nothing to generate or check: say so rather than keep another formula's results.
    this.showCode('// No definitions: the module would export nothing.\n');
    this.panes.checkTable.textContent = 'No definitions: nothing to check.';
    this.panes.checkTable.classList.remove('stale');
    this.panes.checkBadge.textContent = '';
    showDims(this.panes.dimsForm, []);
  }

  private showCheck(reply: Extract<Reply, { kind: 'check' }>): void {
    const { checkTable, checkBadge } = this.panes;
    checkTable.textContent = reply.table;
    checkTable.classList.remove('stale');
    checkBadge.textContent = reply.ok ? 'pass' : 'FAIL';
    checkBadge.className = reply.ok ? 'pass' : 'fail';
    timings.lastCheckMs = reply.workerMs;
    showDims(this.panes.dimsForm, reply.dims);
  }

  private onReply(reply: Reply): void {
    // A reply to an older request, or to text edited since: a newer request is on its way.
    if (reply.id !== this.latest.id || this.timer !== undefined) return;
    switch (reply.kind) {
      case 'math':
        this.showMathReply(reply);
        break;
      case 'problems':
        this.showProblems(reply.problems);
        break;
      case 'code':
        this.showCode(reply.code);
        break;
      case 'check':
        this.showCheck(reply);
        break;
      case 'failure':
        this.panes.problems.hidden = false;
        this.panes.problems.textContent = `gradc failed in its ${reply.stage} stage (a bug; please report it with this formula): ${reply.message}`;
        break;
    }
  }
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
