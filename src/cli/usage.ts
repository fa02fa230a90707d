/** The usage texts: `gradc --help` and `gradc <command> --help`. */

export const COMMAND_NAMES = ['compile', 'latex', 'derive', 'check', 'fixtures', 'lsp'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(word: string): word is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(word);
}

export const USAGE = `usage:
  gradc compile <file.formula...> [-o DIR]   write DIR/<name>.ts for each file (default DIR: generated/)
                [--js] [--dts] [--watch]    <name>.js and <name>.d.ts instead; also <name>.d.formula.ts
                [--precision f64|f32]       beside it; recompile on changes; Float32Array modules
  gradc latex   <file.formula> [--steps] [--shapes] [--layout numerator|denominator]
                                            LaTeX of every definition and requested derivative
  gradc derive  <file.formula> [--json]      gradients in formula syntax: dL_dA = ...
  gradc check   <file.formula> [--dims h=3,m=4] [--seed N] [--tol T] [--precision P] [--json]
  gradc fixtures <file.formula> [--dims ...] [--seed N] [--count K] [--precision P] [-o FILE.json]
  gradc lsp                                  a language server for .formula files (LSP over stdio)
  gradc --version                            the version of gradc

'-' as the file reads the formula from standard input.
Run 'gradc <command> --help' for the options of a command.
Exit status: 0 success, 1 a bad formula or a failed check, 2 bad usage.`;

/** Descriptions of options start in this column, so every help text lines up. */
const DESCRIPTION_COLUMN = 22;

/** One option of a help text: its syntax, then its description, continued under itself. */
function option(syntax: string, ...description: string[]): string {
  const indent = ' '.repeat(DESCRIPTION_COLUMN);
  const first = `  ${syntax}`.padEnd(DESCRIPTION_COLUMN);
  return description.map((line, i) => (i === 0 ? first : indent) + line).join('\n');
}

const DIMS = option(
  '--dims h=3,m=4',
  "sizes of the formula's dimensions, from 1 to 1000000; may be repeated",
  '(--dims h=3 --dims m=4); the other dimensions get small sizes',
);
const SEED = option('--seed N', 'seed of the random inputs, a whole number from 0 to 4294967295', '(default 1)');
const HELP = option('-h, --help', 'this text');
const PRECISION = option(
  '--precision P',
  'f64 (the default): the module stores and returns Float64Array; f32: Float32Array,',
  'f32x4 WebAssembly kernels, numbers rounded to single precision (about 1e-7 relative)',
);
const STDIN = `'-' as the file reads the formula from standard input (named <stdin> in messages).`;

export const COMMAND_USAGE: Readonly<Record<CommandName, string>> = {
  compile: `usage: gradc compile <file.formula...> [-o DIR] [--js] [--dts] [--watch] [--precision f64|f32]

Compiles each formula to a standalone TypeScript module, DIR/<name>.ts for <name>.formula.
Every file is checked before any is written, and each module is written through a temporary
file and a rename. Two files with one name are refused: the second would replace the first.

${option(
  '-o, --output DIR',
  'the directory to write into, created if needed (default generated/);',
  "'-' writes the module to standard output (one formula file only)",
)}
${option(
  '--js',
  'write DIR/<name>.js (an ES module: the same code with its types stripped)',
  'and DIR/<name>.d.ts (its types) instead of DIR/<name>.ts, for projects',
  'that run plain Node without a TypeScript step',
)}
${option(
  '--dts',
  'also write <name>.d.formula.ts beside each formula: the declaration the',
  'bundler plugins (gradc/vite, ...) write, which types',
  "import ... from './<name>.formula' under allowArbitraryExtensions",
)}
${option(
  '--watch',
  'compile, then recompile each formula when it changes, until Ctrl-C: one',
  'line per rebuild, with its time; a bad formula prints its errors and',
  'writes nothing',
)}
${PRECISION}
${HELP}

${STDIN}
A formula from standard input has no name for DIR/<name>.ts: give -o - with it.
A formula with no definitions is an error (exit 1): its module would export nothing.`,

  latex: `usage: gradc latex <file.formula> [--steps] [--shapes] [--layout numerator|denominator]

Prints every definition and every requested derivative (gradients, Jacobians, Hessian blocks,
Hessian-vector products) as LaTeX display math, one \\[ ... \\] per line.

${option('--steps', 'the derivation step by step: each adjoint from the loss down, in terms', 'of the one before')}
${option('--shapes', 'append the size of every derivative: \\in \\mathbb{R}^{m \\times n}')}
${option(
  '--layout L',
  'numerator (the default): the Jacobian of f (m entries) by x (n entries)',
  'is m x n; denominator: Jacobians transposed, n x m, as the CS 316 notes write them',
)}
${HELP}

${STDIN}
A formula with no definitions prints nothing and says so on stderr (exit 0).`,

  derive: `usage: gradc derive <file.formula> [--json]

Prints each requested gradient in formula syntax, one line per variable: dL_dA = <expression>.
Appended to the formula (without its grad lines), the lines give a valid formula.

${option('--json', 'one JSON document instead: { "formula": FILE, "derivatives":', '[{ "name": "dL_dA", "of": "L", "wrt": "A", "expression": "..." }] }')}
${HELP}

${STDIN}
A formula with no grad requests prints nothing (with --json, an empty list) and says so on
stderr (exit 0).`,

  check: `usage: gradc check <file.formula> [--dims h=3,m=4] [--seed N] [--tol T] [--precision P] [--json]

Compiles the module in memory, type-checks it strictly, runs it on random inputs, and compares
every value with an independent mathjs evaluation and every gradient with central differences.
Each row shows the max abs error and max rel error as measured, and the rounding noise of the
central differences that is allowed for. A value or gradient that is not finite fails (NaN
agrees with nothing); if the formula is not finite at the inputs of --seed, the next 19 seeds
are tried. Exit status 1 when a check fails.

${DIMS}
${SEED}
${option(
  '--tol T',
  'the largest relative error that passes (default 1e-6). A gradient entry',
  'passes when its error, less the allowed noise, is at most T times the',
  'larger of the two entries, or of 1e-3 and a thousandth of the largest',
  'entry if that is larger. The same T bounds each forward value against',
  'mathjs, with no noise allowed: the two round differently (by up to about',
  '1e-14), so a T below about 1e-12 can fail correct values',
)}
${option(
  '--precision P',
  'check the module of that precision (default f64). An f32 module runs on',
  'float32 inputs; its values are compared with mathjs beyond how far rounding',
  'moves them, its derivatives with differences of the f64 module, beyond how',
  'far inputs nudged by about 1e-6 move them',
)}
${option('--json', 'the report as one JSON document')}
${HELP}

${STDIN}
A formula with no definitions has nothing to check: exit 1.`,

  fixtures: `usage: gradc fixtures <file.formula> [--dims h=3,m=4] [--seed N] [--count K] [--precision P] [-o FILE.json]

Writes random inputs with every definition's value and every requested gradient, as JSON.

${DIMS}
${SEED}
${option('--count K', 'the number of cases, a whole number from 1 to 10000 (default 1)')}
${option('--precision P', 'the module that computes the values: f64 (default) or f32 (inputs', 'sampled as float32 numbers); the JSON records it as "precision"')}
${option('-o, --output FILE', 'the file to write, through a temporary file and a rename; without', "-o, or with '-', the JSON goes to standard output")}
${HELP}

${STDIN}
A formula with no definitions has no values to write: exit 1.`,

  lsp: `usage: gradc lsp [--stdio]

Runs a language server for .formula files: the Language Server Protocol over standard input and
output, for any editor with an LSP client (VS Code: editors/vscode; Neovim, Helix, Emacs: see the
README). Errors as you type, with quick fixes for the suggestions they make; the shape of the
expression under the cursor on hover; a grad, jacobian or hessian line's derivative; go to
definition, references, rename, document symbols, completion and signature help. It runs until
the client asks it to exit.

${option('--stdio', 'accepted for clients that pass it; standard input and output is the only transport')}
${HELP}`,
};

/** The hint printed under a usage error. */
export function usageHint(command: CommandName | undefined): string {
  return `run 'gradc${command === undefined ? '' : ` ${command}`} --help' for usage`;
}
