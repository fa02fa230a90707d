/**
 * The command line, parsed with node:util parseArgs (strict): which command, its files and its
 * options, every value checked before any file is read.
 */
import { parseArgs } from 'node:util';
import { isPrecision, PRECISIONS, type Precision } from '../codegen/precision.js';
import { UsageError } from './errors.js';
import { COMMAND_NAMES, isCommandName, type CommandName } from './usage.js';

interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
}
type OptionSpecs = Readonly<Record<string, OptionSpec>>;

const HELP: OptionSpecs = { help: { type: 'boolean', short: 'h' } };
const DIMS_SEED: OptionSpecs = { dims: { type: 'string', multiple: true }, seed: { type: 'string' } };
const PRECISION: OptionSpecs = { precision: { type: 'string' } };

const COMMAND_OPTIONS: Readonly<Record<CommandName, OptionSpecs>> = {
  compile: {
    ...HELP,
    ...PRECISION,
    output: { type: 'string', short: 'o' },
    dts: { type: 'boolean' },
    js: { type: 'boolean' },
    watch: { type: 'boolean' },
  },
  latex: { ...HELP, steps: { type: 'boolean' }, shapes: { type: 'boolean' }, layout: { type: 'string' } },
  derive: { ...HELP, json: { type: 'boolean' } },
  check: { ...HELP, ...DIMS_SEED, ...PRECISION, tol: { type: 'string' }, json: { type: 'boolean' } },
  fixtures: { ...HELP, ...DIMS_SEED, ...PRECISION, count: { type: 'string' }, output: { type: 'string', short: 'o' } },
  lsp: { ...HELP, stdio: { type: 'boolean' } },
};

const GLOBAL_OPTIONS: OptionSpecs = { ...HELP, version: { type: 'boolean', short: 'v' } };

export interface CommandOptions {
  /** `-o`: compile's directory or fixtures' file; `-` is standard output. */
  readonly output: string | undefined;
  readonly steps: boolean;
  /** latex --shapes: the size of every derivative. */
  readonly shapes: boolean;
  /** latex --layout: Jacobians as m x n (numerator, the default) or transposed (denominator). */
  readonly layout: 'numerator' | 'denominator';
  readonly json: boolean;
  /** compile: also `<name>.d.formula.ts` beside each formula. */
  readonly dts: boolean;
  /** compile: write `<name>.js` and `<name>.d.ts` instead of `<name>.ts`. */
  readonly js: boolean;
  /** compile: recompile each formula when it changes, until interrupted. */
  readonly watch: boolean;
  /** Every `--dims`, merged. */
  readonly dims: Readonly<Record<string, number>> | undefined;
  readonly seed: number | undefined;
  readonly tol: number | undefined;
  readonly count: number | undefined;
  /** compile, check, fixtures: the generated module's number format (default f64). */
  readonly precision: Precision;
}

export type CommandLine =
  | { readonly kind: 'help'; readonly command: CommandName | undefined }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'run';
      readonly command: CommandName;
      readonly files: readonly string[];
      readonly options: CommandOptions;
    };

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('missing command');
  if (isCommandName(first)) return parseCommand(first, rest);
  if (first === 'help') {
    const [topic, ...more] = rest;
    if (topic === undefined) return { kind: 'help', command: undefined };
    if (!isCommandName(topic) || more.length > 0)
      throw new UsageError(`help takes one command: ${COMMAND_NAMES.join(', ')}`);
    return { kind: 'help', command: topic };
  }
  if (first.startsWith('-') && first !== '-') {
    const values = strictParse(argv, GLOBAL_OPTIONS, undefined).values;
    if (values['help'] === true) return { kind: 'help', command: undefined };
    if (values['version'] === true) return { kind: 'version' };
  }
  throw new UsageError(`unknown command '${first}'`);
}

function parseCommand(command: CommandName, args: readonly string[]): CommandLine {
  const { values, positionals } = strictParse(args, COMMAND_OPTIONS[command], command);
  if (values['help'] === true) return { kind: 'help', command };
  if (command === 'compile') {
    if (positionals.length === 0) throw new UsageError('compile takes at least one formula file', command);
  } else if (command === 'lsp') {
    if (positionals.length > 0)
      throw new UsageError('lsp takes no files: the editor sends them over the protocol', command);
  } else if (positionals.length !== 1) {
    throw new UsageError(`${command} takes one formula file`, command);
  }
  const text = (name: string) => values[name] as string | undefined;
  const options: CommandOptions = {
    output: text('output'),
    steps: values['steps'] === true,
    shapes: values['shapes'] === true,
    layout: layoutOption(text('layout'), command),
    json: values['json'] === true,
    dts: values['dts'] === true,
    js: values['js'] === true,
    watch: values['watch'] === true,
    dims: mergeDims(values['dims'] as string[] | undefined, command),
    seed: wholeNumber('--seed', text('seed'), 0, 2 ** 32 - 1, command),
    tol: nonNegativeNumber('--tol', text('tol'), command),
    count: wholeNumber('--count', text('count'), 1, 10_000, command),
    precision: precisionOption(text('precision'), command),
  };
  return { kind: 'run', command, files: positionals, options };
}

function layoutOption(value: string | undefined, command: CommandName): 'numerator' | 'denominator' {
  if (value === undefined || value === 'numerator' || value === 'denominator') return value ?? 'numerator';
  throw new UsageError(`--layout takes numerator or denominator, not '${value}'`, command);
}

function precisionOption(value: string | undefined, command: CommandName): Precision {
  if (value === undefined) return 'f64';
  if (isPrecision(value)) return value;
  throw new UsageError(`--precision takes ${PRECISIONS.join(' or ')}, not '${value}'`, command);
}

type ParsedValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

function strictParse(
  args: readonly string[],
  options: OptionSpecs,
  command: CommandName | undefined,
): { values: ParsedValues; positionals: string[] } {
  const joined = joinNegativeNumbers(args, options);
  try {
    const { values, positionals } = parseArgs({
      args: joined,
      options,
      strict: true,
      allowPositionals: command !== undefined,
    });
    return { values: values, positionals };
  } catch (e) {
    // parseArgs' own messages suggest shell quoting; say what is wrong in gradc's words.
    const message =
      explainRefusal(joined, options, command) ?? (e instanceof Error ? e.message.split('\n')[0]! : String(e));
    throw new UsageError(message, command);
  }
}

/**
 * `--seed -1` → `--seed=-1`: parseArgs refuses a value that starts with '-' as ambiguous, but a
 * number is never an option, and the value check then says what range is accepted.
 */
function joinNegativeNumbers(args: readonly string[], options: OptionSpecs): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return [...joined, ...args.slice(i)];
    const next = args[i + 1];
    const long = arg.startsWith('--') ? options[arg.slice(2)] : undefined;
    if (long?.type === 'string' && next !== undefined && /^-\.?[0-9]/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** What is wrong with arguments that strict parsing refused, from a lenient parse of them. */
function explainRefusal(
  args: readonly string[],
  options: OptionSpecs,
  command: CommandName | undefined,
): string | undefined {
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional' && command === undefined) return `unexpected argument '${token.value}'`;
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (spec === undefined) {
      const elsewhere =
        command !== undefined && COMMAND_NAMES.some((c) => COMMAND_OPTIONS[c][token.name] !== undefined);
      return elsewhere ? `${command} does not take ${token.rawName}` : `unknown option ${token.rawName}`;
    }
    if (spec.type === 'boolean' && token.value !== undefined) return `${token.rawName} does not take a value`;
    if (spec.type === 'string' && token.value === undefined) return `${token.rawName} needs a value`;
    if (spec.type === 'string' && !token.inlineValue && token.value !== undefined && /^-./.test(token.value)) {
      return `${token.rawName} needs a value, and '${token.value}' looks like an option; write --${token.name}=${token.value} if it is the value`;
    }
  }
  return undefined;
}

/** Every `--dims h=3,m=4`, merged; a name given twice must have one size. */
function mergeDims(
  occurrences: readonly string[] | undefined,
  command: CommandName,
): Record<string, number> | undefined {
  if (occurrences === undefined) return undefined;
  const dims = Object.create(null) as Record<string, number>; // a dimension may be named __proto__
  for (const occurrence of occurrences) {
    for (const part of occurrence.split(',')) {
      const m = /^\s*([^=\s]+)\s*=\s*([0-9]+)\s*$/u.exec(part);
      const size = Number(m?.[2]);
      if (m === null || size < 1 || size > 1_000_000) {
        throw new UsageError(
          `--dims takes name=size pairs with sizes from 1 to 1000000, like --dims h=3,m=4; not '${part}'`,
          command,
        );
      }
      const name = m[1]!;
      const earlier = dims[name];
      if (earlier !== undefined && earlier !== size)
        throw new UsageError(`--dims gives ${name} two sizes: ${name}=${earlier} and ${name}=${size}`, command);
      dims[name] = size;
    }
  }
  return dims;
}

function wholeNumber(
  option: string,
  text: string | undefined,
  min: number,
  max: number,
  command: CommandName,
): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\s*[0-9]+\s*$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${option} takes a whole number from ${min} to ${max}, not '${text}'`, command);
  return n;
}

function nonNegativeNumber(option: string, text: string | undefined, command: CommandName): number | undefined {
  if (text === undefined) return undefined;
  const n = text.trim() === '' ? NaN : Number(text);
  if (!(Number.isFinite(n) && n >= 0))
    throw new UsageError(`${option} takes a non-negative number such as 1e-6, not '${text}'`, command);
  return n;
}
