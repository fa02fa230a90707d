/**
 * The compiler's heavy part, in a worker of its own: runs the numeric check on the generated
 * module (mathjs, sucrase), then formats the module for the code tab (prettier). The page sends
 * it a formula only once the math for it is shown and typing has paused; a request replaced while
 * this worker was busy is dropped between the two stages.
 */
import { checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { generate, type GeneratedModule } from '../../src/codegen/module.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { GradcError } from '../../src/diagnostics/errors.js';
import { problemsOf, type Reply, type Request } from './protocol.js';

const post = (reply: Reply) => self.postMessage(reply);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

let latest: Request | undefined;

/** Lets queued messages in, then says whether `request` is still the newest. */
function stillLatest(request: Request): Promise<boolean> {
  return new Promise((resolve) => setTimeout(() => resolve(latest === request), 0));
}

async function answer(request: Request): Promise<void> {
  const start = performance.now();
  // The math worker has checked this text already: it does check.
  const model = checkFormula(request.text, 'playground.formula');
  const derived = differentiate(model);
  // The verdict first, on the module in the generator's own layout (the same code: prettier, most
  // of the time for a larger model, only lays it out); then the formatted module for the code tab.
  let unformatted: GeneratedModule;
  try {
    unformatted = await generate(model, derived, { sourceName: 'playground.formula', format: false });
  } catch (e) {
    // A name the module cannot have (grad f wrt value, a definition named fGrad) is the formula's problem.
    if (e instanceof GradcError) post({ kind: 'problems', id: request.id, problems: problemsOf(e) });
    else post({ kind: 'failure', id: request.id, stage: 'code', message: message(e) });
    return;
  }
  try {
    const dims = Object.fromEntries(Object.entries(request.dims).filter(([d]) => model.dims.includes(d)));
    const report = await checkModel(model, { dims, seed: request.seed, typeCheck: false }, unformatted);
    post({
      kind: 'check',
      id: request.id,
      table: formatCheckReport(report),
      ok: report.ok,
      dims: [...report.dims],
      workerMs: performance.now() - start,
    });
  } catch (e) {
    post({ kind: 'failure', id: request.id, stage: 'check', message: message(e) });
  }
  if (!(await stillLatest(request))) return;
  try {
    const generated = await generate(model, derived, { sourceName: 'playground.formula' });
    post({ kind: 'code', id: request.id, code: generated.code });
  } catch (e) {
    post({ kind: 'failure', id: request.id, stage: 'code', message: message(e) });
  }
}

self.onmessage = (event: MessageEvent<Request>) => {
  latest = event.data;
  void answer(event.data).catch((e: unknown) =>
    post({ kind: 'failure', id: event.data.id, stage: 'code', message: message(e) }),
  );
};
