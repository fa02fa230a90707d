/**
 * The compiler, off the page's thread: checks the formula, differentiates it, prints and renders
 * the math, then generates the module and runs the numeric check. Each request is answered in
 * stages; between stages the worker lets newer requests in, and drops a request that one has
 * replaced, so typing never waits for an old check. The code generator and the check (prettier,
 * mathjs, sucrase) are loaded on first use, after the first math is on screen.
 */
import katex from 'katex';
import { differentiate, type DerivedGradient } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import type { Model } from '../../src/ir/model.js';
import { toFormula } from '../../src/print/formula.js';
import { toLatex } from '../../src/print/latex.js';
import { GradcError } from '../../src/syntax/errors.js';
import type { MathView, Reply, Request } from './protocol.js';
import { shapeDisplays } from './shapes-latex.js';

const post = (reply: Reply) => self.postMessage(reply);

let latest: Request | undefined;

/**
 * The code generator and the check start only after this many milliseconds without a newer
 * request: while the user types, each keystroke's math is not kept waiting behind them.
 */
const QUIET_MS = 250;

/** Lets queued messages in (after `delay` ms), then says whether `request` is still the newest. */
function stillLatest(request: Request, delay = 0): Promise<boolean> {
  return new Promise((resolve) => setTimeout(() => resolve(latest === request), delay));
}

function latexLines(model: Model, derived: readonly DerivedGradient[], view: MathView): string[] {
  switch (view) {
    case 'plain':
      return toLatex(model, derived);
    case 'steps':
      return toLatex(model, derived, { steps: true });
    case 'shapes':
      return shapeDisplays(model, derived);
  }
}

/** `\[ x \]` → KaTeX's HTML for x, as display math. */
function render(display: string): string {
  const body = display.replace(/^\\\[\s*/, '').replace(/\s*\\\]$/, '');
  return katex.renderToString(body, { displayMode: true, throwOnError: false });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function answer(request: Request): Promise<void> {
  const started = performance.now();
  let model: Model;
  let derived: readonly DerivedGradient[];
  try {
    model = checkFormula(request.text, 'playground.formula');
    derived = differentiate(model);
  } catch (e) {
    if (!(e instanceof GradcError)) {
      post({ kind: 'failure', id: request.id, stage: 'math', message: message(e) });
      return;
    }
    post({ kind: 'problems', id: request.id, problems: e.diagnostics.map((d) => ({ from: d.span.start, to: d.span.end, message: d.message })) });
    return;
  }
  post({
    kind: 'math',
    id: request.id,
    displays: latexLines(model, derived, request.view).map(render),
    derive: toFormula(model, derived, { share: true }).map((line) => `${line.name} = ${line.expression}`),
    workerMs: performance.now() - started,
  });
  if (model.definitions.length === 0 || !(await stillLatest(request, QUIET_MS))) return;

  const { generate } = await import('../../src/codegen/module.js');
  let generated: Awaited<ReturnType<typeof generate>>;
  try {
    generated = await generate(model, derived, { sourceName: 'playground.formula' });
  } catch (e) {
    // A name clash the module cannot have (grad f wrt value, a definition named fGrad).
    if (e instanceof GradcError) {
      post({ kind: 'problems', id: request.id, problems: e.diagnostics.map((d) => ({ from: d.span.start, to: d.span.end, message: d.message })) });
    } else {
      post({ kind: 'failure', id: request.id, stage: 'code', message: message(e) });
    }
    return;
  }
  post({ kind: 'code', id: request.id, code: generated.code });
  if (!(await stillLatest(request))) return;

  try {
    const { checkModel, formatCheckReport } = await import('../../src/check/check-module.js');
    const dims = Object.fromEntries(Object.entries(request.dims).filter(([d]) => model.dims.includes(d)));
    const report = await checkModel(model, { dims, seed: request.seed, typeCheck: false }, generated);
    post({ kind: 'check', id: request.id, table: formatCheckReport(report), ok: report.ok, dims: [...report.dims] });
  } catch (e) {
    post({ kind: 'failure', id: request.id, stage: 'check', message: message(e) });
  }
}

self.onmessage = (event: MessageEvent<Request>) => {
  latest = event.data;
  void answer(event.data);
};
