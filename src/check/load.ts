/**
 * Generated modules in memory: type-check them strictly with ts-morph, and load them to run.
 *
 * TypeScript runs in a worker thread of its own: loading it (~0.5 s) and type-checking a module
 * (~1 s) then overlap with what the caller does meanwhile (differentiating, generating, and the
 * numeric half of a check), on a second core where there is one. `startTypeScript` starts it
 * early; every call starts it when it is not running.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What the worker is asked: strip a module's types, or type-check it. */
type Task = 'transpile' | 'type-check';

/** The worker's answer to request `id`: the JavaScript or the complaints, or why it failed. */
interface Answer {
  readonly id: number;
  readonly result?: string | string[];
  readonly error?: string;
}

/**
 * The worker's code. It runs as the text of this function in a worker thread, so it refers to
 * nothing outside itself: `load` is the worker's `require`, and ts-morph's path comes in
 * `workerData`.
 */
function typeScriptWorker(load: (id: string) => unknown): void {
  const threads = load('node:worker_threads') as typeof import('node:worker_threads');
  const { Project, ts } = load(threads.workerData as string) as typeof import('ts-morph');
  // The compiler options every generated module must pass.
  const strict = {
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noImplicitReturns: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
    noEmit: true,
    // The standard library's declarations are not what is under test: checking them again for
    // every module took most of the time. The module itself is checked in full.
    skipLibCheck: true,
  };
  // One in-memory project for every module: the library files are read and bound once.
  let project: InstanceType<typeof Project> | undefined;
  const typeCheck = (code: string): string[] => {
    project ??= new Project({ useInMemoryFileSystem: true, compilerOptions: strict });
    const file = project.createSourceFile('module.ts', code, { overwrite: true });
    try {
      return project.getPreEmitDiagnostics().map((d) => {
        const start = d.getStart();
        const at = start === undefined ? undefined : file.getLineAndColumnAtPos(start);
        const text = d.getMessageText();
        return `${at === undefined ? '' : `${at.line}:${at.column} `}${typeof text === 'string' ? text : text.getMessageText()}`;
      });
    } finally {
      project.removeSourceFile(file);
    }
  };
  const transpile = (code: string): string =>
    ts.transpileModule(code, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 },
    }).outputText;
  threads.parentPort!.on('message', ({ id, task, code }: { id: number; task: Task; code: string }) => {
    try {
      threads.parentPort!.postMessage({ id, result: task === 'transpile' ? transpile(code) : typeCheck(code) });
    } catch (e) {
      threads.parentPort!.postMessage({ id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}

/** The running worker and its unanswered requests; the worker does not keep the process alive while none are waiting. */
let worker: Worker | undefined;
const waiting = new Map<number, { resolve: (result: string | string[]) => void; reject: (e: Error) => void }>();
let nextId = 0;

/** Starts the TypeScript worker if it is not running, so that TypeScript loads while the caller goes on. */
export function startTypeScript(): void {
  if (worker !== undefined) return;
  const tsMorph = createRequire(import.meta.url).resolve('ts-morph');
  const started = new Worker(`(${typeScriptWorker.toString()})(require)`, { eval: true, workerData: tsMorph });
  started.unref();
  started.on('message', ({ id, result, error }: Answer) => {
    const request = waiting.get(id);
    waiting.delete(id);
    if (waiting.size === 0) started.unref();
    if (error !== undefined || result === undefined) request?.reject(new Error(`TypeScript worker: ${error}`));
    else request?.resolve(result);
  });
  const fail = (e: Error) => {
    worker = undefined;
    for (const request of waiting.values()) request.reject(e);
    waiting.clear();
  };
  started.on('error', fail);
  started.on('exit', (code) => {
    fail(new Error(`TypeScript worker stopped (exit code ${code})`));
  });
  worker = started;
}

function ask(task: 'transpile', code: string): Promise<string>;
function ask(task: 'type-check', code: string): Promise<string[]>;
function ask(task: Task, code: string): Promise<string | string[]> {
  startTypeScript();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker!.ref();
    worker!.postMessage({ id, task, code });
  });
}

/** TypeScript's complaints about a module under strict options, as `line:col message` strings; empty when it is clean. */
export function typeCheckModule(code: string): Promise<string[]> {
  return ask('type-check', code);
}

/** A generated module's exports, compiled to JavaScript and imported from memory. */
export async function loadModule(code: string): Promise<Record<string, unknown>> {
  const js = await ask('transpile', code);
  return (await import(`data:text/javascript;base64,${Buffer.from(js, 'utf8').toString('base64')}`)) as Record<
    string,
    unknown
  >;
}
