/**
 * Issue 14: a textbook corpus. Each entry is a derivative with the answer as a textbook or the
 * Matrix Cookbook writes it (in formula syntax, in terms of the formula's own definitions where
 * the book names them too). gradc's printed answer — the derivative's line and every local
 * name it uses — must be no longer, in tokens, than the book's, and equal to it numerically
 * (both evaluated by the reference evaluator on random inputs).
 */
import { describe, expect, it } from 'vitest';
import { compareValues, describeComparison } from '../../src/check/numeric.js';
import { mulberry32, randomDims, randomInputs, type Domain } from '../../src/check/random.js';
import { ReferenceEvaluator } from '../../src/check/reference.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { toFormula, type FormulaLine } from '../../src/print/formula.js';
import { withoutGradLines } from '../check/harness.js';

/** Names, numbers, and operators (`.*`, `./`, `.^`, `||` as one token each; every other character one token). */
export function tokens(text: string): string[] {
  return text.match(/[\p{L}_][\p{L}\p{N}_]*|[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?|\.\*|\.\/|\.\^|\|\||\S/gu) ?? [];
}

interface Entry {
  /** What it is, and where the book's answer is from. */
  readonly title: string;
  readonly formula: string;
  /** The derivative's name as `gradc derive` prints it (`dL_dW`). */
  readonly name: string;
  readonly book: string;
  readonly domains?: Readonly<Record<string, Domain>>;
}

const RBF = 'x, c : vector(n)\ns : scalar\nk = exp(-||x - c||^2 / (2 s^2))\ngrad k wrt x, s\n';
const COSINE = 'a, b : vector(n)\ncs = a^T b / (||a|| ||b||)\ngrad cs wrt a, b\n';
const LAYERNORM =
  'x, d : vector(n)\neps : scalar\nmu = mean(x)\nv = mean((x - mu) .^ 2)\nxhat = (x - mu) / sqrt(v + eps)\nL = d^T xhat\ngrad L wrt x\n';
const BATCHNORM =
  'x, d : vector(m)\ngamma, beta, eps : scalar\nmu = mean(x)\nv = mean((x - mu) .^ 2)\nxhat = (x - mu) / sqrt(v + eps)\ny = gamma xhat + beta\nL = d^T y\ngrad L wrt x, gamma, beta\n';
const SOFTMAX_BATCH =
  'W : matrix(K, d)\nX : matrix(d, N)\nY : matrix(K, N)\nZ = W X\nP = softmax(Z)\nL = -1/N sum(Y .* log(P))\ngrad L wrt W, Z\n';
const LOGREG = 'w, x : vector(d)\ny : scalar\np = sigmoid(w^T x)\nL = -(y log(p) + (1 - y) log(1 - p))\ngrad L wrt w\n';
const LOGREG_BATCH =
  'w : vector(d)\nX : matrix(d, N)\ny : vector(N)\np = sigmoid(X^T w)\nL = -1/N sum(y .* log(p) + (1 - y) .* log(1 - p))\ngrad L wrt w\n';
const ATTENTION =
  'K, V : matrix(m, d)\nq, u : vector(d)\ns = K q\na = softmax(s)\nr = V^T a\nL = u^T r\ngrad L wrt q, V\n';
const GRU =
  'Wz, Wc : matrix(n, m)\nx : vector(m)\nhprev, u : vector(n)\nz = sigmoid(Wz x)\nc = tanh(Wc x)\nh = z .* hprev + (1 - z) .* c\nL = u^T h\ngrad L wrt Wz, Wc, hprev\n';
const MF = 'R : matrix(m, n)\nU : matrix(m, k)\nV : matrix(n, k)\nE = U V^T - R\nL = sum(E .* E)\ngrad L wrt U, V\n';
const RIDGE =
  'X : matrix(N, d)\nw : vector(d)\ny : vector(N)\nlambda : scalar\nr = X w - y\nL = r^T r + lambda w^T w\ngrad L wrt w\n';

export const CORPUS: readonly Entry[] = [
  {
    title: 'quadratic form x^T A x (Cookbook 81)',
    formula: 'x : vector(n)\nA : matrix(n, n)\nf = x^T A x\ngrad f wrt x\n',
    name: 'df_dx',
    book: '(A + A^T) x',
  },
  { title: 'squared norm x^T x', formula: 'x : vector(n)\nf = x^T x\ngrad f wrt x\n', name: 'df_dx', book: '2 x' },
  {
    title: 'bilinear form a^T X b wrt X (Cookbook 70)',
    formula: 'a : vector(m)\nb : vector(n)\nX : matrix(m, n)\nf = a^T X b\ngrad f wrt X, a, b\n',
    name: 'df_dX',
    book: 'a b^T',
  },
  {
    title: 'bilinear form a^T X b wrt a',
    formula: 'a : vector(m)\nb : vector(n)\nX : matrix(m, n)\nf = a^T X b\ngrad f wrt X, a, b\n',
    name: 'df_da',
    book: 'X b',
  },
  {
    title: 'bilinear form a^T X b wrt b',
    formula: 'a : vector(m)\nb : vector(n)\nX : matrix(m, n)\nf = a^T X b\ngrad f wrt X, a, b\n',
    name: 'df_db',
    book: 'X^T a',
  },
  {
    title: 'trace tr(A X) (Cookbook 100)',
    formula: 'A : matrix(n, m)\nX : matrix(m, n)\nf = tr(A X)\ngrad f wrt X\n',
    name: 'df_dX',
    book: 'A^T',
  },
  {
    title: 'trace tr(A X B) (Cookbook 102)',
    formula: 'A : matrix(p, m)\nX : matrix(m, n)\nB : matrix(n, p)\nf = tr(A X B)\ngrad f wrt X\n',
    name: 'df_dX',
    book: 'A^T B^T',
  },
  {
    title: 'trace tr(X^T X) (Cookbook 103)',
    formula: 'X : matrix(m, n)\nf = tr(X^T X)\ngrad f wrt X\n',
    name: 'df_dX',
    book: '2 X',
  },
  {
    title: 'trace tr(X^T A X) (Cookbook 109)',
    formula: 'X : matrix(n, m)\nA : matrix(n, n)\nf = tr(X^T A X)\ngrad f wrt X\n',
    name: 'df_dX',
    book: '(A + A^T) X',
  },
  {
    title: 'Frobenius least squares ||A X - B||^2 (Cookbook 2.4)',
    formula: 'A : matrix(m, n)\nX : matrix(n, k)\nB : matrix(m, k)\nL = ||A X - B||^2\ngrad L wrt X\n',
    name: 'dL_dX',
    book: '2 A^T (A X - B)',
  },
  {
    title: 'least squares with a named residual, mean',
    formula: 'X : matrix(N, d)\nw : vector(d)\ny : vector(N)\nr = X w - y\nL = 1/N r^T r\ngrad L wrt w\n',
    name: 'dL_dw',
    book: '2 / N X^T r',
  },
  { title: 'ridge regression', formula: RIDGE, name: 'dL_dw', book: '2 X^T r + 2 lambda w' },
  {
    title: 'weight decay 1/2 lambda ||w||^2',
    formula: 'w : vector(d)\nlambda : scalar\nL = 1/2 lambda ||w||^2\ngrad L wrt w\n',
    name: 'dL_dw',
    book: 'lambda w',
  },
  { title: 'logistic regression, one example', formula: LOGREG, name: 'dL_dw', book: '(p - y) x' },
  { title: 'logistic regression, a batch', formula: LOGREG_BATCH, name: 'dL_dw', book: '1 / N X (p - y)' },
  {
    title: 'softmax regression, one example',
    formula: 'W : matrix(K, d)\nx : vector(d)\nk : index(K)\nz = W x\nL = -log(softmax(z)[k])\ngrad L wrt W\n',
    name: 'dL_dW',
    book: '(softmax(z) - onehot(k, K)) x^T',
  },
  {
    title: 'softmax regression, a batch, wrt the weights',
    formula: SOFTMAX_BATCH,
    name: 'dL_dW',
    book: '1 / N (P .* (ones(K)^T Y) - Y) X^T',
  },
  {
    title: 'softmax regression, a batch, wrt the logits',
    formula: SOFTMAX_BATCH,
    name: 'dL_dZ',
    book: '1 / N (P .* (ones(K)^T Y) - Y)',
  },
  { title: 'cosine similarity wrt a', formula: COSINE, name: 'dcs_da', book: 'b / (||a|| ||b||) - cs / ||a||^2 a' },
  { title: 'cosine similarity wrt b', formula: COSINE, name: 'dcs_db', book: 'a / (||a|| ||b||) - cs / ||b||^2 b' },
  { title: 'RBF kernel wrt x', formula: RBF, name: 'dk_dx', book: '-k / s^2 (x - c)', domains: { s: 'positive' } },
  {
    title: 'RBF kernel wrt its width',
    formula: RBF,
    name: 'dk_ds',
    book: 'k ||x - c||^2 / s^3',
    domains: { s: 'positive' },
  },
  {
    title: 'layer normalisation, input gradient',
    formula: LAYERNORM,
    name: 'dL_dx',
    book: '(d - mean(d) - xhat mean(d .* xhat)) / sqrt(v + eps)',
    domains: { eps: 'positive' },
  },
  {
    title: 'batch normalisation, input gradient',
    formula: BATCHNORM,
    name: 'dL_dx',
    book: 'gamma (d - mean(d) - xhat mean(d .* xhat)) / sqrt(v + eps)',
    domains: { eps: 'positive' },
  },
  {
    title: 'batch normalisation, scale',
    formula: BATCHNORM,
    name: 'dL_dgamma',
    book: 'd^T xhat',
    domains: { eps: 'positive' },
  },
  {
    title: 'batch normalisation, shift',
    formula: BATCHNORM,
    name: 'dL_dbeta',
    book: 'sum(d)',
    domains: { eps: 'positive' },
  },
  { title: 'attention readout wrt the query', formula: ATTENTION, name: 'dL_dq', book: 'K^T (a .* (V u - a^T V u))' },
  { title: 'attention readout wrt the values', formula: ATTENTION, name: 'dL_dV', book: 'a u^T' },
  {
    title: 'GRU-like gate wrt the gate weights',
    formula: GRU,
    name: 'dL_dWz',
    book: '(u .* (hprev - c) .* z .* (1 - z)) x^T',
  },
  {
    title: 'GRU-like gate wrt the candidate weights',
    formula: GRU,
    name: 'dL_dWc',
    book: '(u .* (1 - z) .* (1 - c .* c)) x^T',
  },
  { title: 'GRU-like gate wrt the previous state', formula: GRU, name: 'dL_dhprev', book: 'u .* z' },
  { title: 'matrix factorisation wrt U', formula: MF, name: 'dL_dU', book: '2 E V' },
  { title: 'matrix factorisation wrt V', formula: MF, name: 'dL_dV', book: '2 E^T U' },
  { title: 'norm ||x||', formula: 'x : vector(n)\nf = ||x||\ngrad f wrt x\n', name: 'df_dx', book: 'x / f' },
  {
    title: 'norm as sqrt(x^T x)',
    formula: 'x : vector(n)\nf = sqrt(x^T x)\ngrad f wrt x\n',
    name: 'df_dx',
    book: 'x / f',
  },
  {
    title: 'log-sum-exp',
    formula: 'x : vector(n)\nf = logsumexp(x)\ngrad f wrt x\n',
    name: 'df_dx',
    book: 'softmax(x)',
  },
  {
    title: 'one tanh layer u^T tanh(W x)',
    formula: 'W : matrix(n, m)\nx : vector(m)\nu : vector(n)\nh = tanh(W x)\nf = u^T h\ngrad f wrt W\n',
    name: 'df_dW',
    book: '(u .* (1 - h .* h)) x^T',
  },
  {
    title: 'Poisson regression',
    formula:
      'X : matrix(N, d)\nw : vector(d)\ny : vector(N)\neta = X w\nmu = exp(eta)\nL = sum(mu - y .* eta)\ngrad L wrt w\n',
    name: 'dL_dw',
    book: 'X^T (mu - y)',
  },
  {
    title: 'Mahalanobis form (x - m)^T S (x - m) (Cookbook 86)',
    formula: 'x, m : vector(n)\nS : matrix(n, n)\nf = (x - m)^T S (x - m)\ngrad f wrt x\n',
    name: 'df_dx',
    book: '(S + S^T) (x - m)',
  },
];

interface Measured {
  readonly entry: Entry;
  readonly printed: string;
  readonly gradc: number;
  readonly book: number;
}

/** The derivative's line and every local name it uses (transitively), as `name = expression` lines. */
function answer(lines: readonly FormulaLine[], name: string): string[] {
  const byName = new Map(lines.map((l) => [l.name, l]));
  const line = byName.get(name);
  if (line === undefined) throw new Error(`no line ${name} in ${lines.map((l) => l.name).join(', ')}`);
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (l: FormulaLine) => {
    for (const t of tokens(l.expression)) {
      const local = byName.get(t);
      if (local !== undefined && local.local === true && !seen.has(t)) {
        seen.add(t);
        visit(local);
        out.push(`${local.name} = ${local.expression}`);
      }
    }
  };
  visit(line);
  return [...out, line.expression];
}

function measure(entry: Entry): Measured {
  const model = checkFormula(entry.formula);
  const derived = differentiate(model);
  const lines = toFormula(model, derived, { share: true });
  const printed = answer(lines, entry.name);
  // Each local line costs its expression and its name (the `=` is not counted).
  const gradc = printed.reduce((sum, l) => sum + tokens(l).length - (l.includes(' = ') ? 1 : 0), 0);
  return { entry, printed: printed.join('\n'), gradc, book: tokens(entry.book).length };
}

function expectBookEqual(entry: Entry): void {
  const model = checkFormula(entry.formula);
  const derived = differentiate(model);
  const lines = toFormula(model, derived);
  const line = lines.find((l) => l.name === entry.name)!;
  const result = derived.gradients
    .flatMap((d) => d.results.map((r, i) => ({ r, of: d.request.target.name, i })))
    .find(({ r, of }) => `d${of}_d${r.name}` === entry.name)!;
  expect(result, `${entry.name} is derived`).toBeDefined();
  const withBook = checkFormula(
    `${withoutGradLines(entry.formula).replace(/\s*$/, '')}\nbook__answer = ${entry.book}\n`,
  );
  const bookNode = withBook.definitions.find((d) => d.name === 'book__answer')!.node;
  for (const seed of [1, 2]) {
    const dims = randomDims(model);
    const values = randomInputs(model, dims, mulberry32(seed), { domains: entry.domains });
    const expected = new ReferenceEvaluator({ values, dims }).value(result.r.node);
    const actual = new ReferenceEvaluator({ values, dims }).value(bookNode);
    const c = compareValues(actual, expected);
    expect(
      c.mismatch === undefined && c.maxRel <= 1e-9,
      `${entry.title}: the book's ${entry.book} against gradc's ${line.expression}: ${describeComparison(c)}`,
    ).toBe(true);
  }
}

describe('textbook corpus (issue 14)', () => {
  it('has at least 30 derivatives', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
  });

  for (const entry of CORPUS) {
    it(`${entry.title}: ${entry.name} = ${entry.book}`, () => {
      expectBookEqual(entry);
      const m = measure(entry);
      expect(
        m.gradc,
        `gradc prints\n${m.printed}\n(${m.gradc} tokens), the book ${entry.book} (${m.book} tokens)`,
      ).toBeLessThanOrEqual(m.book);
    });
  }

  it('summary: shorter / equal / longer than the book', () => {
    const counts = { shorter: 0, equal: 0, longer: 0 };
    const rows: string[] = [];
    for (const entry of CORPUS) {
      const m = measure(entry);
      const k = m.gradc < m.book ? 'shorter' : m.gradc === m.book ? 'equal' : 'longer';
      counts[k]++;
      rows.push(
        `${k.padEnd(7)} ${String(m.gradc).padStart(3)} vs ${String(m.book).padStart(3)}  ${entry.title}: ${m.printed.replace(/\n/g, '; ')}`,
      );
    }
    if (process.env.GRADC_TEXTBOOK_REPORT !== undefined) console.log(`${rows.join('\n')}\n${JSON.stringify(counts)}`);
    expect(counts.shorter + counts.equal + counts.longer).toBe(CORPUS.length);
    // Before issue 14: 2 shorter, 19 equal, 18 longer. Now none is longer.
    expect(counts.longer).toBe(0);
  });
});
