/** The five commands, each given its parsed command line; they throw the errors of errors.ts. */
import { resolve } from 'node:path';
import { differentiate } from '../diff/differentiate.js';
import { checkFormula } from '../front.js';
import type { Model } from '../ir/model.js';
import { toFormula } from '../print/formula.js';
import { toLatex } from '../print/latex.js';
import type { CommandOptions } from './args.js';
import { compileOutputs, compileTargets, type Output } from './compile-files.js';
import { InvocationError, NothingToDoError, UsageError } from './errors.js';
import { createDirectory, readFormula, STANDARD_STREAM, writeAtomically } from './files.js';
import type { Io } from './io.js';
import type { CommandName } from './usage.js';

/** The exit status of a command that ran to its end: 0, or 1 for a failed check. */
export type CommandStatus = 0 | 1;

interface Invocation {
  readonly files: readonly string[];
  readonly options: CommandOptions;
  readonly io: Io;
}

async function loadModel(file: string, io: Io): Promise<Model> {
  const { path, text } = await readFormula(file, io);
  return checkFormula(text, path);
}

export async function compileCommand({ files, options, io }: Invocation): Promise<CommandStatus> {
  const toStdout = options.output === STANDARD_STREAM;
  if (toStdout && files.length > 1)
    throw new UsageError(
      `-o - writes one module to standard output, but ${files.length} formula files were given`,
      'compile',
    );
  if (!toStdout && files.includes(STANDARD_STREAM)) {
    throw new UsageError(
      'a formula from standard input has no name to write DIR/<name>.ts under; add -o - to write the module to standard output',
      'compile',
    );
  }
  if (options.dts && files.includes(STANDARD_STREAM))
    throw new UsageError(
      '--dts writes <name>.d.formula.ts beside the formula file; a formula from standard input has no file',
      'compile',
    );
  if (options.watch && (toStdout || files.includes(STANDARD_STREAM)))
    throw new UsageError('--watch recompiles files when they change: it takes neither - nor -o -', 'compile');
  const dir = options.output ?? 'generated';
  if (options.js && toStdout)
    throw new UsageError(
      '--js writes two files, DIR/<name>.js and DIR/<name>.d.ts; give a directory with -o DIR',
      'compile',
    );
  const targets = compileTargets(files, dir, options.dts, options.js, options.precision);
  if (options.watch) {
    const { watchCompile } = await import('./watch.js');
    return watchCompile(targets, dir, io);
  }
  // Every file is compiled before anything is written: one bad file writes nothing.
  const outputs: Output[] = [];
  for (const target of targets) outputs.push(...(await compileOutputs(target, await readFormula(target.file, io))));
  const [module, ...declarations] = outputs;
  if (toStdout) {
    io.stdout(module!.text);
    for (const d of declarations) writeAtomically(d.path, d.text);
    return 0;
  }
  createDirectory(dir);
  for (const o of outputs) writeAtomically(o.path, o.text);
  for (const o of outputs) io.stdout(`wrote ${o.path}\n`);
  return 0;
}

export async function latexCommand({ files, options, io }: Invocation): Promise<CommandStatus> {
  const model = await loadModel(files[0]!, io);
  if (model.definitions.length === 0) {
    io.stderr(`${model.source.path}: no definitions; nothing to print\n`);
    return 0;
  }
  for (const line of toLatex(model, differentiate(model, { steps: options.steps }), {
    shapes: options.shapes,
    layout: options.layout,
  }))
    io.stdout(`${line}\n`);
  return 0;
}

/** `gradc derive --json`. */
export interface DeriveDocument {
  readonly formula: string;
  /** One per variable of each grad request, in the order written: `dL_dA` is ∂L/∂A. */
  readonly derivatives: readonly {
    readonly name: string;
    readonly of: string;
    readonly wrt: string;
    readonly expression: string;
  }[];
  /**
   * The lines of jacobian, hessian and hvp requests, in file order: `Jf_x = ...`, `HL_x_y = ...`,
   * and for an HVP the declaration of each direction (`v_W : matrix(h, n)`) before `HvL_W = ...`.
   */
  readonly higher: readonly {
    readonly kind: 'jacobian' | 'hessian' | 'hvp' | 'direction';
    readonly name: string;
    readonly of: string;
    readonly wrt: readonly string[];
    readonly text: string;
  }[];
}

export async function deriveCommand({ files, options, io }: Invocation): Promise<CommandStatus> {
  const model = await loadModel(files[0]!, io);
  const lines = toFormula(model, differentiate(model), { share: true });
  const derivatives = lines
    .filter((l) => l.kind === undefined)
    .map(({ name, of, wrt, expression }) => ({ name, of, wrt, expression }));
  const higher = lines.flatMap(({ kind, name, of, wrt, text }) =>
    kind === undefined ? [] : [{ kind, name, of, wrt: wrt.split(', '), text }],
  );
  if (model.requests.length === 0 && model.higherRequests.length === 0)
    io.stderr(`${model.source.path}: no grad requests; nothing to derive\n`);
  if (options.json) {
    const document: DeriveDocument = { formula: model.source.path, derivatives, higher };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    for (const l of lines) io.stdout(`${l.text}\n`);
  }
  return 0;
}

export async function checkCommand({ files, options, io }: Invocation): Promise<CommandStatus> {
  // TypeScript loads in its own thread while the formula is read and differentiated (check/load.ts).
  (await import('../check/load.js')).startTypeScript();
  const model = await loadModel(files[0]!, io);
  if (model.definitions.length === 0) throw new NothingToDoError(model.source.path, 'nothing to check: no definitions');
  const dims = modelDims(model, options, 'check');
  const { checkModel } = await import('../check/check-module.js');
  const { checkReportDocument, formatCheckReport } = await import('../check/check-report.js');
  const report = await checkModel(model, {
    dims,
    seed: options.seed ?? 1,
    tol: options.tol ?? 1e-6,
    precision: options.precision,
  });
  io.stdout(
    options.json
      ? `${JSON.stringify(checkReportDocument(report, model.source.path), null, 2)}\n`
      : `${formatCheckReport(report)}\n`,
  );
  return report.ok ? 0 : 1;
}

export async function fixturesCommand({ files, options, io }: Invocation): Promise<CommandStatus> {
  const file = files[0]!;
  const out = options.output;
  if (out !== undefined && out !== STANDARD_STREAM && file !== STANDARD_STREAM && resolve(out) === resolve(file)) {
    throw new InvocationError(`-o ${out} is the formula file itself`);
  }
  const model = await loadModel(file, io);
  if (model.definitions.length === 0)
    throw new NothingToDoError(model.source.path, 'nothing to make fixtures of: no definitions');
  const dims = modelDims(model, options, 'fixtures');
  const { makeFixtures } = await import('../check/fixtures.js');
  const fixtures = await makeFixtures(model, {
    dims,
    seed: options.seed ?? 1,
    count: options.count ?? 1,
    precision: options.precision,
  });
  const json = `${JSON.stringify(fixtures, null, 2)}\n`;
  if (out === undefined || out === STANDARD_STREAM) {
    io.stdout(json);
  } else {
    writeAtomically(out, json);
    io.stdout(`wrote ${out}\n`);
  }
  return 0;
}

/** Entries per variable that check and fixtures accept (check differentiates numerically, entry by entry). */
const MAX_CHECK_ENTRIES = 1_000_000;

/** `--dims`, each name a dimension of the model, and no variable too large to sample. */
function modelDims(
  model: Model,
  options: CommandOptions,
  command: CommandName,
): Readonly<Record<string, number>> | undefined {
  const dims = options.dims;
  for (const name of Object.keys(dims ?? {})) {
    if (!model.dims.includes(name)) {
      const known = model.dims.length === 0 ? 'it has none' : `its dimensions are ${model.dims.join(', ')}`;
      throw new InvocationError(`--dims: ${name} is not a dimension of ${model.source.path}; ${known}`);
    }
  }
  // Random inputs are held as plain arrays and differentiated entry by entry: keep them small.
  const size = (d: string | number) => (typeof d === 'number' ? d : (dims?.[d] ?? 9));
  for (const v of model.variables) {
    const entries = size(v.shape.rows) * size(v.shape.cols);
    if (entries > MAX_CHECK_ENTRIES) {
      throw new InvocationError(
        `--dims: ${v.name} would have ${entries} entries; ${command} works with at most ${MAX_CHECK_ENTRIES} per variable`,
      );
    }
  }
  return dims;
}
