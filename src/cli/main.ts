/** The gradc command: the only module that touches process streams and files. */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { differentiate } from '../diff/differentiate.js';
import { checkFormula } from '../front.js';
import type { Model } from '../ir/model.js';
import { toFormula } from '../print/formula.js';
import { toLatex } from '../print/latex.js';
import { GradcError } from '../syntax/errors.js';

const USAGE = `usage:
  gradc compile <file.formula...> [-o DIR]   write DIR/<name>.ts for each file (default DIR: generated/)
  gradc latex   <file.formula> [--steps]     LaTeX of every definition and requested gradient
  gradc derive  <file.formula>               gradients in formula syntax: dL_dA = ...
  gradc check   <file.formula> [--dims h=3,m=4] [--seed N] [--tol T]
  gradc fixtures <file.formula> [--dims ...] [--seed N] [--count K] [-o FILE.json]`;

/** Bad command-line usage: exit status 2. */
export class UsageError extends Error {}

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

interface Parsed {
  readonly command: string;
  readonly files: string[];
  readonly options: Map<string, string | true>;
}

const VALUE_OPTIONS = new Set(['-o', '--dims', '--seed', '--tol', '--count']);
const FLAG_OPTIONS = new Set(['--steps']);

function parseArgs(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing command');
  const files: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (VALUE_OPTIONS.has(a)) {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      options.set(a, v);
    } else if (FLAG_OPTIONS.has(a)) {
      options.set(a, true);
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else {
      files.push(a);
    }
  }
  return { command, files, options };
}

function readSource(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `cannot read ${path}: no such file` : `cannot read ${path}: ${code ?? String(e)}`);
  }
}

function load(path: string): Model {
  return checkFormula(readSource(path), path);
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function stringOption(p: Parsed, name: string): string | undefined {
  const v = p.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

function numberOption(p: Parsed, name: string): number | undefined {
  const v = stringOption(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${name} takes a non-negative number, not '${v}'`);
  return n;
}

function intOption(p: Parsed, name: string): number | undefined {
  const n = numberOption(p, name);
  if (n !== undefined && !Number.isSafeInteger(n)) throw new UsageError(`${name} takes a whole number, not '${stringOption(p, name)}'`);
  return n;
}

/** `--dims h=3,m=4`, each name a dimension of the model. */
function modelDims(p: Parsed, model: Model): Record<string, number> | undefined {
  const dims = dimsOption(p);
  for (const name of Object.keys(dims ?? {})) {
    if (!model.dims.includes(name)) {
      const known = model.dims.length === 0 ? 'it has none' : `its dimensions are ${model.dims.join(', ')}`;
      throw new UsageError(`--dims: ${name} is not a dimension of ${model.source.path}; ${known}`);
    }
  }
  // Random inputs are held as plain arrays and differentiated entry by entry: keep them small.
  const size = (d: string | number) => (typeof d === 'number' ? d : (dims?.[d] ?? 9));
  for (const v of model.variables) {
    const entries = size(v.shape.rows) * size(v.shape.cols);
    if (entries > MAX_CHECK_ENTRIES) {
      throw new UsageError(`--dims: ${v.name} would have ${entries} entries; ${p.command} works with at most ${MAX_CHECK_ENTRIES} per variable`);
    }
  }
  return dims;
}

/** Entries per variable that check and fixtures accept (check differentiates numerically, entry by entry). */
const MAX_CHECK_ENTRIES = 1_000_000;

function dimsOption(p: Parsed): Record<string, number> | undefined {
  const v = stringOption(p, '--dims');
  if (v === undefined) return undefined;
  const dims = Object.create(null) as Record<string, number>; // a dimension may be named __proto__
  for (const part of v.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*([0-9]+)\s*$/u.exec(part);
    if (m === null || Number(m[2]) < 1 || Number(m[2]) > 1_000_000) {
      throw new UsageError(`--dims takes name=size pairs with sizes from 1 to 1000000, like --dims h=3,m=4; not '${part}'`);
    }
    dims[m[1]!] = Number(m[2]);
  }
  return dims;
}

function oneFile(p: Parsed): string {
  if (p.files.length !== 1) throw new UsageError(`${p.command} takes one formula file`);
  return p.files[0]!;
}

function allow(p: Parsed, allowed: readonly string[]): void {
  for (const k of p.options.keys()) if (!allowed.includes(k)) throw new UsageError(`${p.command} does not take ${k}`);
}

async function run(p: Parsed, io: Io): Promise<number> {
  switch (p.command) {
    case 'derive': {
      allow(p, []);
      const model = load(oneFile(p));
      for (const line of toFormula(model, differentiate(model))) io.stdout(`${line.name} = ${line.expression}\n`);
      return 0;
    }
    case 'latex': {
      allow(p, ['--steps']);
      const model = load(oneFile(p));
      for (const line of toLatex(model, differentiate(model), { steps: p.options.has('--steps') })) io.stdout(`${line}\n`);
      return 0;
    }
    case 'compile': {
      allow(p, ['-o']);
      if (p.files.length === 0) throw new UsageError('compile takes at least one formula file');
      const dir = stringOption(p, '-o') ?? 'generated';
      // Every file is compiled before anything is written: one bad file writes nothing.
      const outputs: { path: string; code: string }[] = [];
      for (const f of p.files) {
        // Loaded on first use: each command pays only for the libraries it needs.
        const { compile } = await import('../compile.js');
        const code = await compile(readSource(f), f);
        outputs.push({ path: join(dir, `${basename(f).replace(/\.formula$/, '')}.ts`), code });
      }
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw new UsageError(`cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      for (const o of outputs) writeAtomically(o.path, o.code);
      for (const o of outputs) io.stdout(`wrote ${o.path}\n`);
      return 0;
    }
    case 'check': {
      allow(p, ['--dims', '--seed', '--tol']);
      const model = load(oneFile(p));
      const { checkModel, formatCheckReport } = await import('../check/check-module.js');
      const report = await checkModel(model, {
        dims: modelDims(p, model),
        seed: intOption(p, '--seed') ?? 1,
        tol: numberOption(p, '--tol') ?? 1e-6,
      });
      io.stdout(`${formatCheckReport(report)}\n`);
      return report.ok ? 0 : 1;
    }
    case 'fixtures': {
      allow(p, ['--dims', '--seed', '--count', '-o']);
      const model = load(oneFile(p));
      const count = intOption(p, '--count') ?? 1;
      if (count < 1 || count > 10_000) throw new UsageError('--count must be between 1 and 10000');
      const { makeFixtures } = await import('../check/fixtures.js');
      const fixtures = await makeFixtures(model, { dims: modelDims(p, model), seed: intOption(p, '--seed') ?? 1, count });
      const json = `${JSON.stringify(fixtures, null, 2)}\n`;
      const out = stringOption(p, '-o');
      if (out === undefined) io.stdout(json);
      else {
        writeAtomically(out, json);
        io.stdout(`wrote ${out}\n`);
      }
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      io.stdout(`${USAGE}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command '${p.command}'`);
  }
}

/** Runs the command line; returns the exit status (0 ok, 1 bad formula or failed check, 2 bad usage). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  try {
    return await run(parseArgs(argv), io);
  } catch (e) {
    if (e instanceof GradcError) {
      io.stderr(`${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      io.stderr(`gradc: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    io.stderr(`gradc: internal error: ${e instanceof Error ? e.message : String(e)}\nPlease report this with the formula file.\n`);
    return 70;
  }
}
