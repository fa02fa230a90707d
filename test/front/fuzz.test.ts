/**
 * Fuzzing the front end: 10,000 random and mutated formula files (mutations of the examples
 * and of the formulas below: characters and tokens deleted, inserted, swapped; unicode
 * look-alikes, NUL bytes, huge numbers, 10,000 open brackets, long lines, ...). Each must
 * end in a checked model or a GradcError with located diagnostics — never another
 * exception — and within 100 ms.
 *
 * Deterministic: a seeded PRNG (mulberry32) drives every choice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFormula } from '../../src/front.js';
import { GradcError } from '../../src/diagnostics/errors.js';
import { mulberry32 } from '../../src/check/random.js';
import { DS102 } from '../helpers/models.js';

const INPUTS = 10_000;
// A bound against super-linear blow-ups (a hang, a quadratic scan), not a speed measurement: the
// slowest input takes about 40 ms alone, and the test shares two cores with other test files.
const LIMIT_MS = 100;

const SEEDS: readonly string[] = [
  `# DS 102: a two-layer network\n${DS102.trimEnd()}, z4\n`,
  `W : matrix(M, p)
V : matrix(K, M)
b : vector(M)
c : vector(K)
x : vector(p)
y : index(K)
h = tanh(b + W x)
f = c + V h
L = logsumexp(f) - f[y]
grad L wrt V, c, W, b
`,
  `X : matrix(n, B)     # a batch, one sample per column
W : matrix(h, n)
b : vector(h)
Y : matrix(h, B)
Z = W X + b
P = softmax(Z)
L = -1/B sum(Y .* log(P)) + 0.5e-3 ||W||^2
grad L wrt W, b
`,
  `θ_01, φ : scalar
ŷ : vector(2)
x2 : vector(2)
e = ŷ[0] θ_01 + x2[1] φ
q = exp(-e^2 / 2) ⊙ 1
r = (q +
     sqrt(abs(e)))  # continued
grad r wrt θ_01, φ
`,
  `u, v : vector(n)
M : matrix(n, n)
k : index(n)
s = dot(u, v) + tr(M) + trace(M' M) - mean(u) + norm1(v) + norm2(u) + ||u - v||_2
d = diag(u) v + diag(M) .^ 2 ./ (1 + u)
o = onehot(k, n)^T ones(n) + eye(n)[k, 0] + ones(n, n)[0, 1]
t = relu(s) + ReLU(s) + softplus(s) + sign(s) + arcsin(s) + arccos(s) + arctan(s) + σ(s) + sigmoid(s)
g = sum(d) + o + t + 1/n + pi
grad g wrt u, v, M
`,
  `x : vector(m)
A : matrix(m, m)
c : scalar
f = 1/2 x^T A x - c xᵀ x + 2^-1 sum(x .^ 3)
grad f wrt x, A, c
`,
];

function examples(): string[] {
  const dir = fileURLToPath(new URL('../../examples/', import.meta.url));
  // No try: a missing examples directory must fail the test, not silently drop its seeds.
  return readdirSync(dir)
    .filter((n) => n.endsWith('.formula'))
    .sort()
    .map((n) => readFileSync(join(dir, n), 'utf8'));
}

const CHARS = [
  ..."abcxyzATWk_019 \t\n()[],:=+-*/^.'#|",
  '\0',
  '\r',
  '\u00a0',
  '\u200b',
  '\u202e',
  '\ufeff',
  '\ud835',
  '\udc65',
  '−',
  '–',
  '×',
  '·',
  '’',
  '′',
  '‖',
  'ᵀ',
  '⊙',
  'θ',
  'φ',
  'ŷ',
  '\u0302',
  'σ',
  '𝑥',
  '∑',
  '√',
  '²',
  '（',
  '）',
  '＝',
];

const TOKENS = [
  'x',
  'A',
  'b',
  'y',
  'k',
  'n',
  'T',
  'pi',
  'grad',
  'wrt',
  'jacobian',
  'hessian',
  'scalar',
  'vector(n)',
  'matrix(n, n)',
  'index(n)',
  'symmetric(n)',
  'spd(n)',
  'symmetric(n, m)',
  'vector',
  'matrix',
  'index',
  'spd',
  'exp',
  'log',
  'sum',
  'dot',
  'onehot',
  'ones',
  'eye',
  'diag',
  'inv',
  'softmax',
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
  '||_2',
  '||_1',
  '#',
  '\n',
  ' ',
  '0',
  '1',
  '2.5',
  '1e-3',
  '1e999',
  '9'.repeat(400),
  '-1',
  '1.5',
  'θ_01',
  'ŷ',
  'y\u0302',
  'φ',
  'σ',
];

const LINES = [
  'x : scalar',
  'y = x',
  'grad y wrt x',
  'A : matrix(n, m)',
  'v : vector(m)',
  'z = A v',
  'L = sum(z)',
  'grad L wrt A, v',
  'k : index(m)',
  'S : spd(n)',
  'Q = inv(S) A',
  'grad L wrt S',
  'e = v[k]',
  'q = v^2',
  'u v',
  '',
  '# comment',
  'w = (',
  ')',
  'n : scalar',
];

type Rng = () => number;

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;

function tokenize(text: string): string[] {
  return (
    text.match(/[\p{L}_][\p{L}\p{M}\p{Nd}_]*|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\.\*|\.\/|\.\^|\|\||\s+|./gsu) ??
    []
  );
}

/** One mutation of `text`, and its name (for the report). */
function mutate(rng: Rng, text: string): [string, string] {
  const at = int(rng, text.length + 1);
  const tokens = () => tokenize(text);
  switch (int(rng, 17)) {
    case 0:
      return ['delete a character', text.slice(0, at) + text.slice(at + 1)];
    case 1:
      return ['insert a character', text.slice(0, at) + pick(rng, CHARS) + text.slice(at)];
    case 2:
      return ['swap two characters', text.slice(0, at) + text.charAt(at + 1) + text.charAt(at) + text.slice(at + 2)];
    case 3: {
      const t = tokens();
      t.splice(int(rng, t.length), 1);
      return ['delete a token', t.join('')];
    }
    case 4: {
      const t = tokens();
      const i = int(rng, t.length);
      t.splice(i, 0, t[i] ?? '');
      return ['duplicate a token', t.join('')];
    }
    case 5: {
      const t = tokens();
      const i = int(rng, t.length);
      const j = int(rng, t.length);
      [t[i], t[j]] = [t[j]!, t[i]!];
      return ['swap two tokens', t.join('')];
    }
    case 6: {
      const t = tokens();
      t[int(rng, t.length)] = pick(rng, TOKENS);
      return ['replace a token', t.join('')];
    }
    case 7:
      return ['insert a token', text.slice(0, at) + pick(rng, TOKENS) + text.slice(at)];
    case 8: {
      const huge = pick(rng, [
        '1e309',
        '9'.repeat(1 + int(rng, 2000)),
        '0.' + '0'.repeat(400) + '1',
        '1e-400',
        '123456789012345678901234567890',
      ]);
      return ['insert a huge number', text.slice(0, at) + huge + text.slice(at)];
    }
    case 9: {
      const n = pick(rng, [150, 201, 1000, 10_000]);
      const deep = pick(rng, [
        '('.repeat(n),
        '('.repeat(n) + 'x' + ')'.repeat(n),
        '['.repeat(n),
        '||'.repeat(n / 2),
        '-'.repeat(n),
        'exp('.repeat(Math.min(n, 300)),
        "x'".padEnd(n, "'"),
        'x' + '^x'.repeat(n / 4),
      ]);
      return ['insert deep nesting', text.slice(0, at) + deep + text.slice(at)];
    }
    case 10: {
      const term = pick(rng, ['x + ', 'A x ', '(x) ', 'exp(x) .* ', 'x^2 - ', '|| x || ']);
      const line = `long = ${term.repeat(50 + int(rng, 450))}x`;
      return ['add a long line', `${text}\n${line}\n`];
    }
    case 11: {
      const lines = text.split('\n');
      lines.splice(int(rng, lines.length + 1), 0, pick(rng, LINES));
      return ['insert a line', lines.join('\n')];
    }
    case 12: {
      const lines = text.split('\n');
      const i = int(rng, lines.length);
      const j = int(rng, lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return ['swap two lines', lines.join('\n')];
    }
    case 13:
      return ['truncate', text.slice(0, at)];
    case 14: {
      const map: Record<string, string> = {
        '-': '−',
        '*': '×',
        "'": '’',
        '||': '‖',
        '(': '（',
        '=': '＝',
        ' ': '\u00a0',
        x: 'х',
      };
      const from = pick(rng, Object.keys(map));
      return ['unicode look-alikes', text.split(from).join(map[from]!)];
    }
    case 15:
      return ['insert NUL bytes', text.slice(0, at) + '\0'.repeat(1 + int(rng, 3)) + text.slice(at)];
    default:
      return [
        'decompose and strip',
        text
          .normalize(pick(rng, ['NFD', 'NFKC', 'NFKD'] as const))
          .replace(/\n/g, pick(rng, ['\n', '\r\n', ' ', '\n\n'])),
      ];
  }
}

/** A file of random tokens. */
function soup(rng: Rng): string {
  const n = 1 + int(rng, 60);
  let s = '';
  for (let i = 0; i < n; i++) s += rng() < 0.8 ? pick(rng, TOKENS) : pick(rng, CHARS);
  return s;
}

interface Input {
  readonly how: string;
  readonly text: string;
}

function inputs(): Input[] {
  const rng = mulberry32(20_240_611);
  const corpus = [...SEEDS, ...examples()];
  const out: Input[] = corpus.map((text) => ({ how: 'seed', text }));
  while (out.length < INPUTS) {
    if (rng() < 0.15) {
      out.push({ how: 'random tokens', text: soup(rng) });
      continue;
    }
    let text = pick(rng, corpus);
    const hows: string[] = [];
    for (let k = 1 + int(rng, 4); k > 0; k--) {
      const [how, next] = mutate(rng, text);
      hows.push(how);
      text = next;
    }
    out.push({ how: hows.join(', '), text });
  }
  return out;
}

/** What a checkFormula call did: 'ok', 'error', or a description of anything else. */
function outcome(text: string): string {
  try {
    checkFormula(text, 'fuzz.formula');
    return 'ok';
  } catch (e) {
    if (!(e instanceof GradcError)) return `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    if (e.diagnostics.length === 0) return 'GradcError without diagnostics';
    for (const d of e.diagnostics) {
      if (!(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length + 1))
        return `span out of range: ${JSON.stringify(d)}`;
      if (/undefined|NaN|\[object|peg\$|Expected "/.test(d.message)) return `message with internals: ${d.message}`;
    }
    if (!/^fuzz\.formula:\d+:\d+: /.test(e.message)) return `unlocated message: ${e.message.slice(0, 200)}`;
    return 'error';
  }
}

/**
 * Milliseconds for one check: the smaller of wall-clock and CPU time (so time spent waiting
 * for a busy machine's scheduler does not count), and a slow run is retried twice and the
 * fastest kept, to discount a garbage collection that happened to fall on it.
 */
function timed(text: string): { result: string; ms: number } {
  let best = Infinity;
  let result = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    result = outcome(text);
    const used = process.cpuUsage(cpu);
    best = Math.min(best, performance.now() - wall, (used.user + used.system) / 1000);
    if (best <= LIMIT_MS) break;
  }
  return { result, ms: best };
}

describe('fuzzing the front end', () => {
  it(`${INPUTS} random and mutated inputs each end in a model or a located GradcError within ${LIMIT_MS} ms`, () => {
    const all = inputs();
    expect(all).toHaveLength(INPUTS);
    // Warm up: the parser is generated on first use, and the JIT compiles the hot paths.
    for (const input of all.slice(0, 200)) outcome(input.text);

    const failures: string[] = [];
    const counts = { ok: 0, error: 0 };
    let slowest = { ms: 0, how: '', text: '' };
    for (const input of all) {
      const { result, ms } = timed(input.text);
      if (result === 'ok') counts.ok++;
      else if (result === 'error') counts.error++;
      else failures.push(`${result}\n  after: ${input.how}\n  input: ${JSON.stringify(input.text.slice(0, 300))}`);
      if (ms > slowest.ms) slowest = { ms, how: input.how, text: input.text };
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // Both outcomes occur: the inputs are neither all broken nor all fine.
    expect(counts.ok).toBeGreaterThan(100);
    expect(counts.error).toBeGreaterThan(INPUTS / 2);
    expect(
      slowest.ms,
      `slowest input (${slowest.how}), ${slowest.text.length} characters: ${JSON.stringify(slowest.text.slice(0, 200))}`,
    ).toBeLessThan(LIMIT_MS);
  });
});
