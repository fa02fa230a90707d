/**
 * `gradc compile --watch`: compiles every formula, then recompiles each one when it changes,
 * one line per rebuild on standard output with the time it took. A bad formula's errors go to
 * standard error and nothing of it is written; the watch goes on until SIGINT or SIGTERM.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { GradcError } from '../diagnostics/errors.js';
import type { CommandStatus } from './commands.js';
import { compileOutputs, type CompileTarget } from './compile-files.js';
import { InvocationError, NothingToDoError } from './errors.js';
import { createDirectory, readFormula, writeAtomically } from './files.js';
import type { Io } from './io.js';

/** Editors save in several steps (truncate, write, rename): one rebuild for a burst of events. */
const SETTLE_MS = 40;

export async function watchCompile(targets: readonly CompileTarget[], dir: string, io: Io): Promise<CommandStatus> {
  const lastText = new Map<CompileTarget, string>();
  const timers = new Map<CompileTarget, NodeJS.Timeout>();
  // Rebuilds run one at a time, in the order their files changed.
  let queue = Promise.resolve();
  const rebuildSoon = (target: CompileTarget) => {
    clearTimeout(timers.get(target));
    timers.set(
      target,
      setTimeout(() => {
        queue = queue.then(() => rebuild(target, lastText, dir, io));
      }, SETTLE_MS),
    );
  };

  // A directory is watched, not the file: an editor that saves by renaming replaces the file.
  const watchers: FSWatcher[] = [];
  for (const [directory, inIt] of groupByDirectory(targets)) {
    try {
      watchers.push(
        watch(directory, (_event, name) => {
          const target = name === null ? undefined : inIt.get(name);
          if (target !== undefined) rebuildSoon(target);
        }),
      );
    } catch (e) {
      for (const w of watchers) w.close();
      const code = (e as NodeJS.ErrnoException).code;
      throw new InvocationError(
        `cannot watch ${dirname([...inIt.values()][0]!.file)}: ${code === 'ENOENT' ? 'no such directory' : e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  for (const target of targets) queue = queue.then(() => rebuild(target, lastText, dir, io));
  await queue;
  io.stderr(`watching ${targets.map((t) => t.file).join(', ')}; Ctrl-C stops\n`);

  await new Promise<void>((stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  for (const w of watchers) w.close();
  for (const t of timers.values()) clearTimeout(t);
  await queue;
  return 0;
}

function groupByDirectory(targets: readonly CompileTarget[]): Map<string, Map<string, CompileTarget>> {
  const groups = new Map<string, Map<string, CompileTarget>>();
  for (const target of targets) {
    const directory = dirname(resolve(target.file));
    const group = groups.get(directory) ?? new Map<string, CompileTarget>();
    group.set(basename(target.file), target);
    groups.set(directory, group);
  }
  return groups;
}

/** Compiles one formula and writes its outputs, or prints why not; a formula that has not changed since the last rebuild is skipped. */
async function rebuild(
  target: CompileTarget,
  lastText: Map<CompileTarget, string>,
  dir: string,
  io: Io,
): Promise<void> {
  const started = performance.now();
  const elapsed = () => `${Math.round(performance.now() - started)} ms`;
  try {
    const formula = await readFormula(target.file, io);
    if (lastText.get(target) === formula.text) return;
    lastText.set(target, formula.text);
    const outputs = await compileOutputs(target, formula);
    createDirectory(dir);
    for (const o of outputs) writeAtomically(o.path, o.text);
    io.stdout(`${clock()} wrote ${outputs.map((o) => o.path).join(', ')} in ${elapsed()}\n`);
  } catch (e) {
    const reported = e instanceof GradcError || e instanceof NothingToDoError || e instanceof InvocationError;
    // Unless the formula itself is wrong, the same text is tried again on its next change.
    if (!(e instanceof GradcError || e instanceof NothingToDoError)) lastText.delete(target);
    io.stderr(
      reported
        ? `${e.message}\n`
        : `gradc: internal error: ${e instanceof Error ? e.message : String(e)}\nPlease report this with the formula file.\n`,
    );
    io.stdout(`${clock()} ${target.file}: not compiled, nothing written, in ${elapsed()}\n`);
  }
}

/** The local time of day, HH:MM:SS. */
function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}
