/** Reading formulas and writing results, with plain messages instead of errno codes. */
import { mkdirSync, readFileSync } from 'node:fs';
import { writeAtomically as writeWhole } from '../bundler/write.js';
import { InvocationError } from './errors.js';
import { readStdin, type Io } from './io.js';

/** The file name that means standard input (as the formula) or standard output (as -o). */
export const STANDARD_STREAM = '-';
/** How standard input is named in messages and generated headers. */
const STDIN_PATH = '<stdin>';

export interface FormulaText {
  /** The path shown in messages: the file's, or `<stdin>`. */
  readonly path: string;
  readonly text: string;
}

export async function readFormula(file: string, io: Io): Promise<FormulaText> {
  if (file === STANDARD_STREAM) return { path: STDIN_PATH, text: await readStdin(io) };
  try {
    return { path: file, text: readFileSync(file, 'utf8') };
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT') throw new InvocationError(`no such file: ${file}`);
    if (code === 'EISDIR') throw new InvocationError(`${file} is a directory`);
    if (code === 'EACCES' || code === 'EPERM') throw new InvocationError(`permission denied: ${file}`);
    throw new InvocationError(`cannot read ${file}: ${reason(e)}`);
  }
}

/** Writes through a temporary file and a rename (src/bundler/write.ts), so a reader never sees half a file. */
export function writeAtomically(path: string, text: string): void {
  try {
    writeWhole(path, text);
  } catch (e) {
    throw new InvocationError(`cannot write ${path}: ${reason(e)}`);
  }
}

export function createDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = errorCode(e);
    const inTheWay = code === 'EEXIST' || code === 'ENOTDIR';
    throw new InvocationError(`cannot create directory ${dir}: ${inTheWay ? 'a file is in the way' : reason(e)}`);
  }
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** The reason of a file system error in words: `is a directory`, not `EISDIR`. */
function reason(e: unknown): string {
  const code = errorCode(e);
  const words = code === undefined ? undefined : REASONS.get(code);
  if (words !== undefined) return words;
  // Node's message reads `EIO: i/o error, open 'x'`: keep the words between code and call.
  const message = e instanceof Error ? e.message : String(e);
  return /^[A-Z0-9_]+: ([^,]+)/.exec(message)?.[1] ?? message;
}

const REASONS: ReadonlyMap<string, string> = new Map([
  ['ENOENT', 'no such file or directory'],
  ['EISDIR', 'it is a directory'],
  ['ENOTDIR', 'a part of the path is not a directory'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'permission denied'],
  ['EROFS', 'read-only file system'],
  ['ENOSPC', 'no space left on the device'],
  ['EEXIST', 'it already exists'],
]);
