/** Writing generated files beside the user's sources without disturbing file watchers. */
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
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
  return true;
}
