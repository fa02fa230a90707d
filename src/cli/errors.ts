/** The errors a gradc command reports without a stack trace, each with its exit status. */
import type { CommandName } from './usage.js';

/** The command line is malformed: exit 2, with a one-line hint where the usage is. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage the hint points to, when the command is known. */
    readonly command?: CommandName,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The command line is well formed but cannot be carried out: a file cannot be read or written,
 * an option does not fit the formula, two inputs would write one file. Exit 2, the message alone.
 */
export class InvocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvocationError';
  }
}

/** A valid formula that leaves the command nothing to do: exit 1, `file: message`. */
export class NothingToDoError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'NothingToDoError';
  }
}
