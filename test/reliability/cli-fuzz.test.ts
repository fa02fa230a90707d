/**
 * Fuzzing the command line and code generation: `gradc compile FILE -o DIR` (through `main`)
 * on random and mutated formula files. For every input the command must
 * - return (never throw), with status 0 or 1 (never the internal-error status 70);
 * - on 1, print located errors (`file:line:col: message`, the line, a caret), or say that a
 *   valid formula has no definitions to compile, and write nothing;
 * - on 0, write exactly DIR/<name>.ts, complete (what `compile` returns), and no temporary file;
 * - finish within a bounded time.
 * test/front/fuzz.test.ts fuzzes the front end alone, 10,000 inputs; this goes through the CLI
 * and the code generator, so its inputs lean towards valid formulas with hostile contents:
 * comments and names that could break out of a comment or a string, JavaScript's reserved
 * words and globals as names, confusable characters, NUL bytes, CRLF, a BOM.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { compile } from '../../src/compile.js';
import { formulaArbitrary, renderFormula } from '../helpers/formulas.js';

const RUNS = Number(process.env.GRADC_FUZZ_RUNS ?? 150);
const SEED = Number(process.env.GRADC_FC_SEED ?? 20_261_122);
/** Per input: a rejected one is quick; an accepted one is compiled by prettier and ts-morph. */
const LIMIT_MS = 10_000;
/** For the megabyte inputs. */
const EXTREME_LIMIT_MS = 30_000;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gradc-reliability-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const EXAMPLES = readdirSync('examples')
  .filter((f) => f.endsWith('.formula'))
  .sort()
  .map((f) => readFileSync(join('examples', f), 'utf8'));

/** Valid formulas with hostile names and comments: the mutations start from something that compiles. */
const HOSTILE = [
  `# a comment that tries to end the header: */ console.log("pwned") /*
constructor, __proto__ : vector(n)
Math : matrix(n, n)
toString = Math constructor + __proto__   # \${process.exit(1)} \`backtick\`
hasOwnProperty = sum(toString)
grad hasOwnProperty wrt constructor, __proto__, Math, toString
`,
  `inputs, input, undefined, eval, arguments : scalar
Float64Array = inputs input + undefined eval - arguments   # \u2028 line separator, \u202e RLO
grad Float64Array wrt inputs, input, undefined, eval, arguments
`,
  `x : vector(n)
θ_01 = x^T x   # ‮ evil ⁦ isolate ⁩
ŷ = exp(-θ_01)
grad ŷ wrt x, θ_01
`,
];

const RANDOM = fc.sample(formulaArbitrary(), { seed: SEED, numRuns: 20 }).map((s) => renderFormula(s).text);
const CORPUS = [...EXAMPLES, ...HOSTILE, ...RANDOM];

const CHARS = [
  ...'abxyAT_0129 \t\n()[],:=+-*/^.\'#|$`{}\\"',
  '\0',
  '\r',
  '\u00a0',
  '\u200b',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\ud835',
  '\udc65',
  '\ufffd',
  '−',
  '×',
  '·',
  '’',
  '‖',
  'ᵀ',
  '⊙',
  'θ',
  'σ',
  '𝑥',
  '（',
  '＝',
  '\u0301',
];
const TOKENS = [
  'x',
  'A',
  'n',
  'T',
  'pi',
  'grad',
  'wrt',
  'scalar',
  'vector(n)',
  'matrix(n, n)',
  'index(n)',
  'exp',
  'sum',
  'softmax',
  'onehot',
  'ones',
  'eye',
  'diag',
  'inv',
  '+',
  '-',
  '*',
  '/',
  '.*',
  './',
  '.^',
  '^',
  '^T',
  "'",
  'ᵀ',
  '⊙',
  '(',
  ')',
  '[',
  ']',
  ',',
  ':',
  '=',
  '||',
  '#',
  '\n',
  '0',
  '1e999',
  '1e-400',
  '9'.repeat(400),
  'constructor',
  '__proto__',
  'Math',
  'toString',
  'undefined',
  'eval',
  'input$',
  'Float64Array',
  '*/',
  '${',
  '`',
];
/** Characters that look like the language's own, for `unicode look-alikes`. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  '-': '−',
  '*': '∗',
  "'": '’',
  '||': '‖',
  '(': '（',
  '=': '＝',
  ' ': '\u00a0',
  x: 'х',
  A: 'Α',
  T: 'Т',
};
const HUGE = [
  '1e309',
  '9'.repeat(5000),
  `0.${'0'.repeat(400)}1`,
  '1e-400',
  '123456789012345678901234567890',
  '0x10',
  '1_000',
];
const DEEP = [
  '('.repeat(10_000),
  `${'('.repeat(10_000)}x${')'.repeat(10_000)}`,
  '['.repeat(10_000),
  '-'.repeat(10_000),
  'exp('.repeat(5000),
  "x'".padEnd(10_000, "'"),
  `x${'^x'.repeat(5000)}`,
];
/** Comments and names that would break generated code if copied into it unescaped. */
const HOSTILE_TEXT = [
  '*/',
  '/*',
  '${',
  '`',
  '\\',
  '"',
  "'",
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '</script>',
  '\r',
  '\0',
];

type Mutation =
  | { k: 'delete-char' | 'swap-chars' | 'truncate'; at: number }
  | { k: 'insert'; at: number; text: string }
  | { k: 'delete-token' | 'duplicate-token'; i: number }
  | { k: 'swap-tokens'; i: number; j: number }
  | { k: 'replace-token'; i: number; token: string }
  | { k: 'confusable'; from: string }
  | { k: 'comment'; line: number; text: string }
  | { k: 'rename'; i: number; to: string }
  | { k: 'line-endings'; eol: string }
  | { k: 'bom' }
  | { k: 'long-line'; what: number };

const at = fc.nat(1_000_000);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constantFrom('delete-char', 'swap-chars', 'truncate'), at }),
  fc.record({ k: fc.constant('insert'), at, text: fc.oneof(fc.constantFrom(...CHARS), fc.constantFrom(...TOKENS)) }),
  fc.record({ k: fc.constant('insert'), at, text: fc.constantFrom(...HUGE, ...DEEP, '\0\0\0') }),
  fc.record({ k: fc.constantFrom('delete-token', 'duplicate-token'), i: at }),
  fc.record({ k: fc.constant('swap-tokens'), i: at, j: at }),
  fc.record({ k: fc.constant('replace-token'), i: at, token: fc.constantFrom(...TOKENS) }),
  fc.record({ k: fc.constant('confusable'), from: fc.constantFrom(...Object.keys(CONFUSABLES)) }),
  fc.record({
    k: fc.constant('comment'),
    line: at,
    text: fc.array(fc.constantFrom(...HOSTILE_TEXT, ...CHARS), { maxLength: 12 }).map((a) => a.join('')),
  }),
  fc.record({
    k: fc.constant('rename'),
    i: at,
    to: fc.constantFrom(
      'constructor',
      '__proto__',
      'Math',
      'inputs',
      'input',
      'undefined',
      'eval',
      'arguments',
      'toString',
      'hasOwnProperty',
      'Float64Array',
      'new',
      'delete',
      'prototype',
      'valueOf',
      'NaN',
      'Infinity',
      'globalThis',
      'require',
      'module',
      'exports',
      'this',
      'await',
      'yield',
      'let',
      'static',
      'enum',
      'Matrix',
      'RangeError',
      'd$n',
      'out',
      'value',
      'x1',
      'ℵ',
      'a\u200db',
    ),
  }),
  fc.record({ k: fc.constant('line-endings'), eol: fc.constantFrom('\r\n', '\r', '\n\n', '\u2028') }),
  fc.constant<Mutation>({ k: 'bom' }),
  fc.record({ k: fc.constant('long-line'), what: fc.nat(3) }),
);

function tokenize(text: string): string[] {
  return (
    text.match(/[\p{L}_][\p{L}\p{M}\p{Nd}_]*|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\.\*|\.\/|\.\^|\|\||\s+|./gsu) ??
    []
  );
}

const IDENTIFIER = /^[\p{L}_][\p{L}\p{M}\p{Nd}_]*$/u;
const KEYWORDS = new Set([
  'grad',
  'wrt',
  'scalar',
  'vector',
  'matrix',
  'symmetric',
  'spd',
  'index',
  'pi',
  'T',
  'jacobian',
  'hessian',
]);

/** A megabyte on one line: a comment, a sum too deep to accept, a huge name, spaces. */
function longLine(what: number): string {
  const mb = 1_000_000;
  switch (what) {
    case 0:
      return `# ${'c'.repeat(mb)}`;
    case 1:
      return `big = ${'x + '.repeat(mb / 4)}x`;
    case 2:
      return `${'y'.repeat(mb)} : scalar`;
    default:
      return ' '.repeat(mb);
  }
}

function apply(text: string, m: Mutation): string {
  const pos = (n: number) => (text.length === 0 ? 0 : n % (text.length + 1));
  switch (m.k) {
    case 'delete-char':
      return text.slice(0, pos(m.at)) + text.slice(pos(m.at) + 1);
    case 'swap-chars': {
      const p = pos(m.at);
      return text.slice(0, p) + text.charAt(p + 1) + text.charAt(p) + text.slice(p + 2);
    }
    case 'truncate':
      return text.slice(0, pos(m.at));
    case 'insert':
      return text.slice(0, pos(m.at)) + m.text + text.slice(pos(m.at));
    case 'delete-token':
    case 'duplicate-token': {
      const t = tokenize(text);
      if (t.length === 0) return text;
      const i = m.i % t.length;
      if (m.k === 'delete-token') t.splice(i, 1);
      else t.splice(i, 0, t[i]!);
      return t.join('');
    }
    case 'swap-tokens': {
      const t = tokenize(text);
      if (t.length === 0) return text;
      const [i, j] = [m.i % t.length, m.j % t.length];
      [t[i], t[j]] = [t[j]!, t[i]!];
      return t.join('');
    }
    case 'replace-token': {
      const t = tokenize(text);
      if (t.length === 0) return text;
      t[m.i % t.length] = m.token;
      return t.join('');
    }
    case 'confusable':
      return text.split(m.from).join(CONFUSABLES[m.from]!);
    case 'comment': {
      const lines = text.split('\n');
      const i = m.line % (lines.length + 1);
      return [...lines.slice(0, i), `# ${m.text.replace(/[\n\r\u2028\u2029]/g, ' ')}`, ...lines.slice(i)].join('\n');
    }
    case 'rename': {
      // Every occurrence of one name of the file, so the result usually still compiles.
      const names = [...new Set(tokenize(text).filter((t) => IDENTIFIER.test(t) && !KEYWORDS.has(t)))];
      if (names.length === 0) return text;
      const from = names[m.i % names.length]!;
      return tokenize(text)
        .map((t) => (t === from ? m.to : t))
        .join('');
    }
    case 'line-endings':
      return text.replace(/\n/g, m.eol);
    case 'bom':
      return `\ufeff${text}`;
    case 'long-line':
      return `${text}\n${longLine(m.what)}\n`;
  }
}

const input = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(...CORPUS), fc.array(mutation, { minLength: 1, maxLength: 3 }))
      .map(([t, ms]) => ms.reduce(apply, t)),
  },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...TOKENS, ...CHARS), { maxLength: 60 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

interface Outcome {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly files: readonly string[];
  readonly ms: number;
  readonly threw?: unknown;
}

let counter = 0;
let compared = 0;

/** `gradc compile` on one file's text (raw bytes allowed), in a fresh output directory. */
async function compileFile(
  text: string | Buffer,
  name = 'fuzz.formula',
): Promise<Outcome & { file: string; out: string }> {
  const case_ = join(dir, String(counter++));
  mkdirSync(case_);
  const file = join(case_, name);
  writeFileSync(file, text);
  const out = join(case_, 'out');
  let stdout = '';
  let stderr = '';
  const start = performance.now();
  let status = -1;
  let threw: unknown;
  try {
    status = await main(['compile', file, '-o', out], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
    });
  } catch (e) {
    threw = e;
  }
  const ms = performance.now() - start;
  const files = existsSync(out) ? readdirSync(out) : [];
  return { status, stdout, stderr, files, ms, file, out, ...(threw !== undefined ? { threw } : {}) };
}

/** What is wrong with an outcome, or undefined. */
async function problem(
  o: Outcome & { file: string; out: string },
  limit = LIMIT_MS,
  name = 'fuzz.formula',
): Promise<string | undefined> {
  if (o.threw !== undefined) return `main threw ${String(o.threw)}`;
  if (o.ms > limit) return `took ${o.ms.toFixed(0)} ms`;
  if (o.status === 1) {
    if (o.files.length > 0) return `exit 1 but wrote ${o.files.join(', ')}`;
    // A valid formula without definitions (an empty file, only declarations) has no module to write.
    if (o.stderr === `${o.file}: nothing to compile: no definitions\n`) return undefined;
    if (!new RegExp(`^${o.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: \\S`, 'm').test(o.stderr))
      return `exit 1 without a located error:\n${o.stderr.slice(0, 500)}`;
    if (!/^[ \t…]*\^/m.test(o.stderr)) return `exit 1 without a caret:\n${o.stderr.slice(0, 500)}`;
    return undefined;
  }
  if (o.status === 0) {
    const base = name.replace(/\.formula$/, '');
    if (o.files.length !== 1 || o.files[0] !== `${base}.ts`) return `exit 0 but wrote ${JSON.stringify(o.files)}`;
    const written = readFileSync(join(o.out, `${base}.ts`), 'utf8');
    // A whole module: it parses, and (one time in four, as it costs a second compilation) it is
    // exactly what compile returns for what the file holds (a lone surrogate became U+FFFD).
    const syntaxErrors =
      ts.transpileModule(written, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } })
        .diagnostics ?? [];
    if (!written.startsWith('/**\n * Generated by gradc') || !written.endsWith('}\n') || syntaxErrors.length > 0) {
      return 'the file written is not a whole module';
    }
    if (compared++ % 4 === 0 && written !== (await compile(readFileSync(o.file, 'utf8'), o.file)))
      return 'the file written is not what compile returns';
    return undefined;
  }
  return `exit ${o.status}:\n${o.stderr.slice(0, 1000)}`;
}

function show(text: string | Buffer): string {
  const s = typeof text === 'string' ? text : text.toString('utf8');
  return JSON.stringify(s.length > 400 ? `${s.slice(0, 300)}…(${s.length} characters)…${s.slice(-100)}` : s);
}

describe('fuzzing gradc compile', () => {
  it(`${RUNS} random and mutated files: exit 0 with the whole module or 1 with located errors, nothing partial`, async () => {
    const statuses = new Map<number, number>();
    let slowest = 0;
    const result = await fc.check(
      fc.asyncProperty(input, async (text) => {
        const o = await compileFile(text);
        statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
        slowest = Math.max(slowest, o.ms);
        const p = await problem(o);
        rmSync(join(o.file, '..'), { recursive: true, force: true });
        if (p !== undefined) throw new Error(p);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const counterexample = result.counterexample?.[0];
    expect(
      result.failed,
      result.failed
        ? `fast-check seed ${SEED}, path ${result.counterexamplePath}\ninput ${show(counterexample!)}\n${String(result.errorInstance)}`
        : '',
    ).toBe(false);
    // Both outcomes occur, so the mutations neither all break nor all keep the formulas.
    expect(statuses.get(0) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(RUNS / 20);
    expect(statuses.get(1) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(RUNS / 4);
    console.log(
      `cli fuzz: ${RUNS} inputs, exit statuses ${JSON.stringify(Object.fromEntries(statuses))}, slowest ${slowest.toFixed(0)} ms`,
    );
  }, 600_000);

  const EXTREMES: readonly [string, string | Buffer][] = [
    ['10,000 opening parentheses', `x : scalar\nL = ${'('.repeat(10_000)}x\ngrad L wrt x\n`],
    ['10,000 balanced parentheses', `x : scalar\nL = ${'('.repeat(10_000)}x${')'.repeat(10_000)}\ngrad L wrt x\n`],
    ['10,000 signs', `x : scalar\nL = ${'-'.repeat(10_000)}x\ngrad L wrt x\n`],
    ['a 1 MB line of sums', `x : scalar\nL = x${' + x'.repeat(250_000)}\ngrad L wrt x\n`],
    ['a 1 MB number', `x : scalar\nL = x + ${'9'.repeat(1_000_000)}\ngrad L wrt x\n`],
    ['a 1 MB comment', `x : vector(n)\n# ${'c'.repeat(1_000_000)}\nL = sum(x)\ngrad L wrt x\n`],
    // A name is copied into every function and message: 100 KB of it makes a 3 MB module.
    ['a 100 KB name', `x : vector(n)\n${'y'.repeat(100_000)} = sum(x)\ngrad ${'y'.repeat(100_000)} wrt x\n`],
    ['a million blank lines', `x : vector(n)\nL = sum(x)\n${'\n'.repeat(1_000_000)}grad L wrt x\n`],
    ['a million comment lines', `x : vector(n)\nL = sum(x)\n${'#\n'.repeat(1_000_000)}grad L wrt x\n`],
    ['NUL bytes', `x : vector(n)\0\nL = sum(x)\ngrad L wrt x\n`],
    ['NUL bytes in a comment', `x : vector(n)  # \0\0\0\nL = sum(x)\ngrad L wrt x\n`],
    [
      'invalid UTF-8',
      Buffer.from([0x78, 0x20, 0x3a, 0x20, 0xff, 0xfe, 0x0a, 0x4c, 0x20, 0x3d, 0x20, 0xc3, 0x28, 0x0a]),
    ],
    ['a lone surrogate', `x : vector(n)\nL = sum(x) \ud800\ngrad L wrt x\n`],
    ['an empty file', ''],
    ['only a BOM', '\ufeff'],
  ];

  it.each(EXTREMES)(
    '%s',
    async (_name, text) => {
      const o = await compileFile(text);
      expect(await problem(o, EXTREME_LIMIT_MS), `status ${o.status}\n${o.stderr.slice(0, 600)}`).toBeUndefined();
    },
    120_000,
  );

  // Regressions: a write that failed left its temporary file behind, and an output directory
  // that is a file was an internal error (exit 70).
  it('leaves no temporary file when the module cannot replace what is at its path', async () => {
    const source = join(dir, 'blocked.formula');
    writeFileSync(source, 'x : vector(n)\nL = sum(x)\ngrad L wrt x\n');
    const out = join(dir, 'blocked-out');
    mkdirSync(join(out, 'blocked.ts'), { recursive: true });
    let stderr = '';
    const status = await main(['compile', source, '-o', out], { stdout: () => {}, stderr: (t) => void (stderr += t) });
    expect(status).toBe(2);
    expect(stderr).toMatch(/cannot write .*blocked\.ts/);
    expect(readdirSync(out)).toEqual(['blocked.ts']);
  });

  it('reports an output directory that is a file as bad usage', async () => {
    const source = join(dir, 'ok.formula');
    writeFileSync(source, 'x : vector(n)\nL = sum(x)\ngrad L wrt x\n');
    const notADirectory = join(dir, 'a-file');
    writeFileSync(notADirectory, 'not a directory');
    let stderr = '';
    const status = await main(['compile', source, '-o', notADirectory], {
      stdout: () => {},
      stderr: (t) => void (stderr += t),
    });
    expect(status).toBe(2);
    expect(stderr).toMatch(/cannot create .*a-file/);
    expect(readFileSync(notADirectory, 'utf8')).toBe('not a directory');
  });

  it('writes nothing when one of several files is bad', async () => {
    const good = join(dir, 'good.formula');
    const bad = join(dir, 'bad.formula');
    writeFileSync(good, 'x : vector(n)\nL = sum(x)\ngrad L wrt x\n');
    writeFileSync(bad, 'x : vector(n)\nL = sum(x\n');
    const out = join(dir, 'several');
    let stderr = '';
    const status = await main(['compile', good, bad, '-o', out], {
      stdout: () => {},
      stderr: (t) => void (stderr += t),
    });
    expect(status).toBe(1);
    expect(stderr).toMatch(/bad\.formula:2:\d+: /);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
