/**
 * The compiler's quick part, off the page's thread: checks the formula, differentiates it, and
 * prints and renders the math (KaTeX). Kept apart from the code generator and the check
 * (module-worker.ts), so a long check never holds up the math of the next keystroke.
 */
import katex from 'katex';
import { differentiate, type Derivatives } from '../../src/diff/differentiate.js';
import { backprops } from '../../src/diff/steps.js';
import { checkFormula } from '../../src/front.js';
import type { Model } from '../../src/ir/model.js';
import { toFormula } from '../../src/print/formula.js';
import { toLatex } from '../../src/print/latex.js';
import { GradcError } from '../../src/diagnostics/errors.js';
import { problemsOf, type MathView, type Reply, type Request } from './protocol.js';

const post = (reply: Reply) => self.postMessage(reply);

function latexLines(model: Model, derived: Derivatives, view: MathView): string[] {
  switch (view) {
    case 'plain':
      return toLatex(model, derived);
    case 'steps':
      return toLatex(model, { ...derived, steps: backprops(model, derived.gradients) });
    case 'shapes':
      return toLatex(model, derived, { shapes: true });
  }
}

/** What `gradc derive` prints: the gradients, then Jacobians, Hessian blocks and HVPs. */
function deriveLines(model: Model, derived: Derivatives): string[] {
  return toFormula(model, derived, { share: true }).map((line) => line.text);
}

/** Rendered displays by their LaTeX: a keystroke usually changes one display, or none. */
const rendered = new Map<string, string>();
const RENDERED_KEPT = 2000;

/** `\[ x \]` → KaTeX's HTML (and MathML, which keeps the LaTeX) for x, as display math. */
function render(display: string): string {
  let html = rendered.get(display);
  if (html === undefined) {
    const body = display.replace(/^\\\[\s*/, '').replace(/\s*\\\]$/, '');
    html = katex.renderToString(body, { displayMode: true, throwOnError: false });
    if (rendered.size >= RENDERED_KEPT) rendered.clear();
    rendered.set(display, html);
  }
  return html;
}

function answer(request: Request): void {
  const started = performance.now();
  try {
    const model = checkFormula(request.text, 'playground.formula');
    const derived = differentiate(model);
    post({
      kind: 'math',
      id: request.id,
      displays: latexLines(model, derived, request.view).map(render),
      derive: deriveLines(model, derived),
      hasDefinitions: model.definitions.length > 0,
      workerMs: performance.now() - started,
    });
  } catch (e) {
    if (e instanceof GradcError) post({ kind: 'problems', id: request.id, problems: problemsOf(e) });
    else post({ kind: 'failure', id: request.id, stage: 'math', message: e instanceof Error ? e.message : String(e) });
  }
}

self.onmessage = (event: MessageEvent<Request>) => answer(event.data);
