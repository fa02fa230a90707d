/** The gradc command: the only module that touches process streams and files. */
import { readFileSync } from 'node:fs';
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

function load(path: string): Model {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `cannot read ${path}: no such file` : `cannot read ${path}: ${code ?? String(e)}`);
  }
  return checkFormula(text, path);
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
      for (const line of toLatex(model, differentiate(model))) io.stdout(`${line}\n`);
      return 0;
    }
    case 'compile': {
      allow(p, ['-o']);
      if (p.files.length === 0) throw new UsageError('compile takes at least one formula file');
      for (const f of p.files) load(f);
      io.stderr('gradc: code generation is not implemented yet\n');
      return 2;
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
