import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { checkFormula, differentiate, latexName, toLatex } from '../../src/index.js';
import { latexSteps, partial } from '../../src/print/latex.js';
import { displayMath, rendered } from './katex.js';
import { DS102 } from '../helpers/models.js';

/** The LaTeX lines of a formula (every one rendered by KaTeX). */
function latex(text: string, steps = false): readonly string[] {
  const model = checkFormula(text);
  return rendered(toLatex(model, differentiate(model, { steps })));
}

const DECLS = `
x, y : vector(n)
u : vector(m)
A : matrix(m, n)
B : matrix(n, n)
r : matrix(1, n)
s, t : scalar
k : index(n)
`;

/** The LaTeX of `e = <expr>`'s right-hand side. */
function expression(expr: string): string {
  const [line] = latex(`${DECLS}e = ${expr}\n`);
  return displayMath(line!).replace(/^e = /, '');
}

describe('each op in LaTeX', () => {
  it.each([
    // transpose, products
    ['x^T', 'x^\\top'],
    ["x'", 'x^\\top'],
    ['(A x)^T', 'x^\\top A^\\top'],
    ['A x', 'A x'],
    ['x^T y', 'x^\\top y'],
    ['dot(x, y)', 'x^\\top y'],
    ['B^T B', 'B^\\top B'],
    ['x x^T', 'x x^\\top'],
    ['(x + y)^T B', '(x + y)^\\top B'],
    ['sigma(x)^T', '\\sigma(x)^\\top'],
    ['(x / s)^T', '\\left(\\frac{x}{s}\\right)^\\top'],
    ['x .* y', 'x \\odot y'],
    ['x ⊙ y', 'x \\odot y'],
    ['x ./ y', 'x \\oslash y'],
    ['(A x) .* u', '(A x) \\odot u'],
    ['u .* (A x)', 'u \\odot (A x)'],
    ['(A x) ./ u', '(A x) \\oslash u'],
    ['A (x .* y)', 'A (x \\odot y)'],
    ['A^T (u .* (A x))', 'A^\\top (u \\odot (A x))'],
    ['s x', 's x'],
    ['(s + t) x', '(s + t) x'],
    // matrix functions
    ['inv(B)', 'B^{-1}'],
    ['inv(B)^T', 'B^{-\\top}'],
    ['inv(B^T)', 'B^{-\\top}'],
    ['inv(B + B^T)', '(B + B^\\top)^{-1}'],
    ['inv(B) x', 'B^{-1} x'],
    ['x^T inv(B) y', 'x^\\top B^{-1} y'],
    ['inv(B)^T x', 'B^{-\\top} x'],
    ['det(B)', '\\det B'],
    ['det(B^T B)', '\\det(B^\\top B)'],
    ['logdet(B)', '\\log\\lvert \\det B\\rvert'],
    ['s det(B) inv(B)^T', 's (\\det B) B^{-\\top}'],
    ['det(B) + s', '\\det B + s'],
    ['x^T B^T A^T', '(A B x)^\\top'],
    ['det(B^T B) s', '\\det(B^\\top B) s'],
    // numbers, division, signs
    ['x / s', '\\frac{x}{s}'],
    ['x / (s + t)', '\\frac{x}{s + t}'],
    ['-1/s', '-\\frac{1}{s}'],
    ['0.5 / s', '\\frac{1}{2 s}'],
    ['0.5 / sqrt(s)', '\\frac{1}{2 \\sqrt{s}}'],
    ['1/2 x^T B x', '\\frac{1}{2} x^\\top B x'],
    ['-1/3 s', '-\\frac{1}{3} s'],
    ['0.1 s', '0.1 s'],
    ['2.5 x', '2.5 x'],
    ['1e-3 x', '0.001 x'],
    ['1e-7 x', '1 \\cdot 10^{-7} x'],
    ['pi', '\\pi'],
    ['n', 'n'],
    ['1/n sum(x)', '\\frac{\\operatorname{sum}(x)}{n}'],
    ['-x', '-x'],
    ['-(s t)', '-s t'],
    ['s - t', 's - t'],
    ['s + -t', 's - t'],
    ['s - 2 t', 's - 2 t'],
    ['-(s - t)', '-(s - t)'],
    ['x + A^T u', 'x + A^\\top u'],
    // powers
    ['s^2', 's^2'],
    ['(s + t)^2', '(s + t)^2'],
    ['s^(t + 1)', 's^{t + 1}'],
    ['s^-1', 's^{-1}'],
    ['(-s)^2', '(-s)^2'],
    ['x .^ 2', 'x^{\\odot 2}'],
    ['(x^T y)^2', '(x^\\top y)^2'],
    // elementwise functions
    ['sigma(x)', '\\sigma(x)'],
    ['σ(x)', '\\sigma(x)'],
    ['tanh(x)', '\\tanh(x)'],
    ['relu(x)', '\\operatorname{relu}(x)'],
    ['ReLU(x)', '\\operatorname{relu}(x)'],
    ['softplus(x)', '\\operatorname{softplus}(x)'],
    ['exp(x)', '\\exp(x)'],
    ['exp(s / t)', '\\exp\\left(\\frac{s}{t}\\right)'],
    ['log(x)', '\\log(x)'],
    ['sqrt(x)', '\\sqrt{x}'],
    ['sin(x)', '\\sin(x)'],
    ['cos(x)', '\\cos(x)'],
    ['tan(x)', '\\tan(x)'],
    ['asin(x)', '\\arcsin(x)'],
    ['acos(x)', '\\arccos(x)'],
    ['atan(x)', '\\arctan(x)'],
    ['abs(x)', '\\lvert x\\rvert'],
    ['cosh(x)', '\\cosh(x)'],
    ['sinh(x)', '\\sinh(x)'],
    ['sinh(s / t)', '\\sinh\\left(\\frac{s}{t}\\right)'],
    // log1p and expm1 as a textbook writes them: log(1 + x), exp(x) - 1
    ['log1p(x)', '\\log(1 + x)'],
    ['log1p(s t)', '\\log(1 + s t)'],
    ['log1p(-s)', '\\log(1 - s)'],
    ['log1p(s - t)', '\\log(1 + s - t)'],
    ['log1p(-s + t)', '\\log(1 + (-s + t))'],
    ['log1p(s / t)', '\\log\\left(1 + \\frac{s}{t}\\right)'],
    ['expm1(x)', '\\exp(x) - 1'],
    ['2 expm1(s)', '2 (\\exp(s) - 1)'],
    ['expm1(s)^2', '(\\exp(s) - 1)^2'],
    ['sign(x)', '\\operatorname{sign}(x)'],
    ['sign(relu(A x))', '\\operatorname{sign}(\\operatorname{relu}(A x))'],
    // reductions, softmax
    ['sum(x)', '\\operatorname{sum}(x)'],
    ['mean(x)', '\\operatorname{mean}(x)'],
    ['||x||', '\\lVert x\\rVert'],
    ['||x||_2', '\\lVert x\\rVert'],
    ['norm2(A)', '\\lVert A\\rVert'],
    ['||x / s||', '\\left\\lVert \\frac{x}{s}\\right\\rVert'],
    ['norm1(x)', '\\lVert x\\rVert_1'],
    ['sum(abs(x))', '\\lVert x\\rVert_1'],
    ['logsumexp(x)', '\\operatorname{logsumexp}(x)'],
    ['max(x)', '\\max(x)'],
    ['min(A)', '\\min(A)'],
    ['max(x, y)', '\\max(x, y)'],
    ['min(x, 0)', '\\min(x, 0)'],
    ['softmax(x)', '\\operatorname{softmax}(x)'],
    ['softmax(A)', '\\operatorname{softmax}(A)'],
    ['tr(B)', '\\operatorname{tr}(B)'],
    ['trace(B)', '\\operatorname{tr}(B)'],
    ['diag(x)', '\\operatorname{diag}(x)'],
    ['diag(B)', '\\operatorname{diag}(B)'],
    ['tril(B)', '\\operatorname{tril}(B)'],
    ['triu(B B)', '\\operatorname{triu}(B B)'],
    // constant matrices
    ['ones(n)', '\\mathbf{1}_n'],
    ['ones(m, n)', '\\mathbf{1}_{m \\times n}'],
    ['ones(n)^T', '\\mathbf{1}_n^\\top'],
    ['2 ones(n)', '2 \\mathbf{1}_n'],
    ['0.5 ones(n)', '\\frac{1}{2} \\mathbf{1}_n'],
    ['eye(n)', 'I_n'],
    ['onehot(k, n)', '\\hat{e}_k'],
    ['onehot(0, n)', '\\hat{e}_0'],
    // entries
    ['x[k]', 'x_k'],
    ['x[0]', 'x_0'],
    ['r[1]', 'r_1'],
    ['A[0, 1]', 'A_{0,1}'],
    ['(A x)[0]', '[A x]_0'],
    ['softmax(x)[k]', '[\\operatorname{softmax}(x)]_k'],
  ])('%s → %s', (expr, expected) => {
    expect(expression(expr)).toBe(expected);
  });

  it('writes names as math in expressions and entries', () => {
    expect(displayMath(latex('theta01, yhat : vector(n)\nz_1 : vector(n)\nloss = theta01^T yhat + z_1[0]\n')[0]!)).toBe(
      '\\mathrm{loss} = \\theta_{01}^\\top \\hat{y} + [z_1]_0',
    );
  });

  it('writes the derivative of relu as gradc derive does: sign(relu(z))', () => {
    const lines = latex('w, x : vector(n)\nL = relu(w^T x)\ngrad L wrt w\n');
    expect(lines.at(-1)).toBe('\\[ \\frac{\\partial L}{\\partial w} = \\operatorname{sign}(L) x \\]');
  });

  it.each([
    'x^T',
    'x ./ y',
    'x / s',
    's^t',
    'x .^ 3',
    'sqrt(x)',
    'abs(x)',
    'sign(relu(x))',
    'asin(x)',
    'norm1(x)',
    '||A x||',
    'logsumexp(A x)',
    'softmax(A)',
    'softmax(A x)',
    'tr(B B)',
    'diag(x)',
    'diag(B)',
    'tril(B)',
    'triu(B^T B)',
    'mean(A)',
    '(B x)[k]',
    'A[0, k]',
    'r[1]',
    'x^T B x / 2',
    'exp(r x)',
    'u^T A x',
    'x .* y - y',
    'log1p(x .* x)',
    'expm1(A x)',
    'cosh(x)',
    'sinh(B x)',
    'max(x, y)',
    'min(A x, s)',
    'max(B)',
  ])('the gradient of sum(%s) renders, plain and step by step', (expr) => {
    const text = `${DECLS}e = ${expr}\nL = sum(e)\ngrad L wrt x, y, u, A, B, r, s, t, e\n`;
    expect(latex(text).length).toBeGreaterThan(2);
    expect(latex(text, true).length).toBeGreaterThan(2);
  });
});

const DOMKE = `
W : matrix(M, p)
V : matrix(K, M)
b : vector(M)
c : vector(K)
x : vector(p)
y : index(K)
s = b + W x
h = tanh(s)
f = c + V h
L = logsumexp(f) - f[y]
grad L wrt W, V, b, c
`;

describe('the handouts in LaTeX', () => {
  it('DS 102: the forward quantities, then dL/dA and dL/db in matrix form', () => {
    expect(latex(DS102)).toEqual([
      '\\[ z_1 = A x \\]',
      '\\[ z_2 = \\sigma(z_1) \\]',
      '\\[ z_3 = b^\\top z_2 \\]',
      '\\[ z_4 = y - z_3 \\]',
      '\\[ L = z_4^2 \\]',
      '\\[ \\frac{\\partial L}{\\partial A} = -2 z_4 (b \\odot z_2 \\odot (1 - z_2)) x^\\top \\]',
      '\\[ \\frac{\\partial L}{\\partial b} = -2 z_4 z_2 \\]',
    ]);
  });

  it('Domke: the boxed gradients', () => {
    expect(latex(DOMKE)).toEqual([
      '\\[ s = b + W x \\]',
      '\\[ h = \\tanh(s) \\]',
      '\\[ f = c + V h \\]',
      '\\[ L = \\operatorname{logsumexp}(f) - f_y \\]',
      '\\[ \\frac{\\partial L}{\\partial W} = ((V^\\top (\\operatorname{softmax}(f) - \\hat{e}_y)) \\odot (1 - h^{\\odot 2})) x^\\top \\]',
      '\\[ \\frac{\\partial L}{\\partial V} = (\\operatorname{softmax}(f) - \\hat{e}_y) h^\\top \\]',
      '\\[ \\frac{\\partial L}{\\partial b} = (V^\\top (\\operatorname{softmax}(f) - \\hat{e}_y)) \\odot (1 - h^{\\odot 2}) \\]',
      '\\[ \\frac{\\partial L}{\\partial c} = \\operatorname{softmax}(f) - \\hat{e}_y \\]',
    ]);
  });
});

describe('--steps: backprop the way the handouts teach it', () => {
  it('DS 102: forward quantities, then each adjoint from the loss down, in terms of the one before', () => {
    expect(latex(DS102, true)).toEqual([
      '\\[ z_1 = A x \\]',
      '\\[ z_2 = \\sigma(z_1) \\]',
      '\\[ z_3 = b^\\top z_2 \\]',
      '\\[ z_4 = y - z_3 \\]',
      '\\[ L = z_4^2 \\]',
      '\\[ \\frac{\\partial L}{\\partial z_4} = 2 z_4 \\]',
      '\\[ \\frac{\\partial L}{\\partial z_3} = -\\frac{\\partial L}{\\partial z_4} \\]',
      '\\[ \\frac{\\partial L}{\\partial b} = \\frac{\\partial L}{\\partial z_3} z_2 = -2 z_4 z_2 \\]',
      '\\[ \\frac{\\partial L}{\\partial z_2} = \\frac{\\partial L}{\\partial z_3} b \\]',
      '\\[ \\frac{\\partial L}{\\partial z_1} = \\frac{\\partial L}{\\partial z_2} \\odot z_2 \\odot (1 - z_2) \\]',
      '\\[ \\frac{\\partial L}{\\partial A} = \\frac{\\partial L}{\\partial z_1} x^\\top = -2 z_4 (b \\odot z_2 \\odot (1 - z_2)) x^\\top \\]',
    ]);
  });

  it('Domke: dL/df, then c and V, then dL/dh = V^T dL/df, dL/ds, then b and W', () => {
    expect(latex(DOMKE, true).slice(4)).toEqual([
      '\\[ \\frac{\\partial L}{\\partial f} = \\operatorname{softmax}(f) - \\hat{e}_y \\]',
      '\\[ \\frac{\\partial L}{\\partial V} = \\frac{\\partial L}{\\partial f} h^\\top = (\\operatorname{softmax}(f) - \\hat{e}_y) h^\\top \\]',
      '\\[ \\frac{\\partial L}{\\partial c} = \\frac{\\partial L}{\\partial f} = \\operatorname{softmax}(f) - \\hat{e}_y \\]',
      '\\[ \\frac{\\partial L}{\\partial h} = V^\\top \\frac{\\partial L}{\\partial f} \\]',
      '\\[ \\frac{\\partial L}{\\partial s} = \\frac{\\partial L}{\\partial h} \\odot (1 - h^{\\odot 2}) \\]',
      '\\[ \\frac{\\partial L}{\\partial W} = \\frac{\\partial L}{\\partial s} x^\\top = ((V^\\top (\\operatorname{softmax}(f) - \\hat{e}_y)) \\odot (1 - h^{\\odot 2})) x^\\top \\]',
      '\\[ \\frac{\\partial L}{\\partial b} = \\frac{\\partial L}{\\partial s} = (V^\\top (\\operatorname{softmax}(f) - \\hat{e}_y)) \\odot (1 - h^{\\odot 2}) \\]',
    ]);
  });

  it('requests of one target share a backward pass; requested intermediates appear once', () => {
    const lines = latex(`${DS102}grad L wrt z4, z1\n`, true);
    expect(lines.filter((l) => l.startsWith('\\[ \\frac{\\partial L}{\\partial z_4}'))).toEqual([
      '\\[ \\frac{\\partial L}{\\partial z_4} = 2 z_4 \\]',
    ]);
    expect(lines.filter((l) => l.startsWith('\\[ \\frac{\\partial L}{\\partial z_1}'))).toEqual([
      '\\[ \\frac{\\partial L}{\\partial z_1} = \\frac{\\partial L}{\\partial z_2} \\odot z_2 \\odot (1 - z_2) = -2 z_4 b \\odot z_2 \\odot (1 - z_2) \\]',
    ]);
  });

  it('higher lines use the local names derive gives, defined on one where line after them', () => {
    const text = 'X : matrix(m, d)\nlam : scalar\nq = -logdet(X^T X + lam eye(d))\ngrad q wrt lam\nhvp q wrt X, lam\n';
    const lines = latex(text, true);
    expect(lines.slice(-3)).toEqual([
      '\\[ \\nabla^2_{X} q\\,[v] = -2 (v_X - X t^{-1} t_2) u \\]',
      '\\[ \\nabla^2_{\\mathrm{lam}} q\\,[v] = \\operatorname{tr}(t^{-1} t_2 u) \\]',
      '\\[ \\text{where } t = X^\\top X + \\mathrm{lam}\\, I_d, \\quad u = t^{-1}, \\quad t_2 = v_{\\mathrm{lam}} I_d + (X^\\top v_X + v_X^\\top X) \\]',
    ]);
    expect(lines.filter((l) => l.startsWith('\\[ \\text{where }'))).toHaveLength(1);
  });

  it('gives gradients the target does not pass through, and of the target itself', () => {
    const lines = latex('x, w : vector(n)\nv : scalar\nL = w^T x\ngrad L wrt v, L, w\n', true);
    expect(lines.slice(1)).toEqual([
      '\\[ \\frac{\\partial L}{\\partial w} = x \\]',
      '\\[ \\frac{\\partial L}{\\partial v} = 0 \\]',
      '\\[ \\frac{\\partial L}{\\partial L} = 1 \\]',
    ]);
  });

  it('is what toLatex gives for derivatives with their steps', () => {
    const model = checkFormula(DS102);
    const derived = differentiate(model, { steps: true });
    expect(latexSteps(model, derived.gradients, derived.steps!)).toEqual(toLatex(model, derived));
  });
});

describe('gradc latex', () => {
  async function run(args: readonly string[]): Promise<{ status: number; out: string }> {
    let out = '';
    const status = await main(args, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    return { status, out };
  }

  it('prints one display per line, with --steps the derivation', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gradc-latex-')), 'ds102.formula');
    writeFileSync(file, DS102);
    const plain = await run(['latex', file]);
    expect(plain).toEqual({ status: 0, out: `${latex(DS102).join('\n')}\n` });
    const steps = await run(['latex', file, '--steps']);
    expect(steps).toEqual({ status: 0, out: `${latex(DS102, true).join('\n')}\n` });
  });
});

describe('every example in LaTeX', () => {
  const dir = join(import.meta.dirname, '../../examples');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.formula'))
    .sort();

  it('has examples to print', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s renders with KaTeX, plain and with --steps', (f) => {
    const text = readFileSync(join(dir, f), 'utf8');
    const model = checkFormula(text, f);
    const plain = latex(text);
    const steps = latex(text, true);
    const definitions = model.definitions.map((d) => `\\[ ${latexName(d.name)} = `);
    const gradients = model.requests.flatMap((r) => r.wrt.map((w) => `\\[ ${partial(r.target.name, w.name)} = `));
    // Every definition and every requested gradient has its display, in both forms...
    for (const lines of [plain, steps]) {
      for (const start of [...definitions, ...gradients]) expect(lines.some((l) => l.startsWith(start))).toBe(true);
    }
    // ...and the derivation ends each requested gradient in the plain closed form.
    for (const line of plain.filter((l) => gradients.some((g) => l.startsWith(g)))) {
      const [lhs, rhs] = [line.slice(0, line.indexOf(' = ') + 3), line.slice(line.indexOf(' = ') + 3)];
      expect(steps.some((l) => l.startsWith(lhs) && (l === line || l.endsWith(` = ${rhs}`)))).toBe(true);
    }
  });
});
