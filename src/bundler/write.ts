/** Writing generated files whole (the CLI's and the bundler plugins'), and without disturbing file watchers. */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `text` unless the file already holds it (a rewrite would wake watchers, a dev server's
 * among them, for nothing), through a temporary file and a rename so no reader sees half a file.
 * @returns Whether the file was written.
 */
export function writeIfChanged(path: string, text: string): boolean {
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  writeAtomically(path, text);
  return true;
}

/**
 * Writes through a temporary file and a rename, so a reader never sees half a file; on failure
 * the temporary file is removed and the file system's error thrown (the CLI words it).
 */
export function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
}
