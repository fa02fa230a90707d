/** The gradc command: parses the command line, runs one command, and turns errors into exit statuses. */
import { GradcError } from '../diagnostics/errors.js';
import { parseCommandLine, type CommandOptions } from './args.js';
import {
  checkCommand,
  compileCommand,
  deriveCommand,
  fixturesCommand,
  latexCommand,
  type CommandStatus,
} from './commands.js';
import { InvocationError, NothingToDoError, UsageError } from './errors.js';
import { processIo, type Io } from './io.js';
import { COMMAND_USAGE, USAGE, usageHint, type CommandName } from './usage.js';
import { packageVersion } from './version.js';

export { InvocationError, UsageError } from './errors.js';
export type { Io } from './io.js';

/** Exit statuses: 0 ok, 1 a bad formula or a failed check, 2 bad usage, 70 a bug in gradc. */
const BAD_USAGE = 2;
const INTERNAL_ERROR = 70;

function runCommand(
  command: CommandName,
  files: readonly string[],
  options: CommandOptions,
  io: Io,
): Promise<CommandStatus> {
  const invocation = { files, options, io };
  switch (command) {
    case 'compile':
      return compileCommand(invocation);
    case 'latex':
      return latexCommand(invocation);
    case 'derive':
      return deriveCommand(invocation);
    case 'check':
      return checkCommand(invocation);
    case 'fixtures':
      return fixturesCommand(invocation);
    case 'lsp':
      // Loaded only here: the server's protocol library is not needed by the other commands.
      return import('./lsp.js').then((m) => m.runLanguageServer());
  }
}

/** Runs the command line; returns the exit status (0 ok, 1 bad formula or failed check, 2 bad usage). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  try {
    const commandLine = parseCommandLine(argv);
    switch (commandLine.kind) {
      case 'help':
        io.stdout(`${commandLine.command === undefined ? USAGE : COMMAND_USAGE[commandLine.command]}\n`);
        return 0;
      case 'version':
        io.stdout(`${packageVersion() ?? 'unknown (package.json not found)'}\n`);
        return 0;
      case 'run':
        return await runCommand(commandLine.command, commandLine.files, commandLine.options, io);
    }
  } catch (e) {
    if (e instanceof GradcError || e instanceof NothingToDoError) {
      io.stderr(`${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      io.stderr(`gradc: ${e.message}\n${usageHint(e.command)}\n`);
      return BAD_USAGE;
    }
    if (e instanceof InvocationError) {
      io.stderr(`gradc: ${e.message}\n`);
      return BAD_USAGE;
    }
    io.stderr(
      `gradc: internal error: ${e instanceof Error ? e.message : String(e)}\nPlease report this with the formula file.\n`,
    );
    return INTERNAL_ERROR;
  }
}
