/**
 * Issue 26, items 1 and 2: constants stay as written (LANGUAGE.md 1.6: exact arithmetic is
 * folded, pi and functions of constants are not), and LaTeX names read as a book sets them.
 */
import { describe, expect, it } from 'vitest';
import { checkFormula, differentiate, toFormula, toLatex } from '../../src/index.js';
import { exactPower, exactProduct, exactQuotient, exactSum } from '../../src/ir/constants.js';
import { displayMath, rendered } from './katex.js';

function derive(text: string): Record<string, string> {
  const model = checkFormula(text);
  return Object.fromEntries(toFormula(model, differentiate(model)).map((l) => [l.name, l.expression]));
}

function latex(text: string): readonly string[] {
  const model = checkFormula(text);
  return rendered(toLatex(model, differentiate(model))).map(displayMath);
}

describe('exact arithmetic on written numbers', () => {
  it.each([
    ['2 * 0.5', exactProduct(2, 0.5), 1],
    ['0.1 + 0.2', exactSum(0.1, 0.2), 0.3],
    ['1 / 4', exactQuotient(1, 4), 0.25],
    ['1 / 3', exactQuotient(1, 3), undefined],
    ['0.5^2', exactPower(0.5, 2), 0.25],
    ['2^-3', exactPower(2, -3), 0.125],
    ['2^0.5', exactPower(2, 0.5), undefined],
  ])('%s folds to %s', (_text, actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('constants as written', () => {
  it('sum(sqrt(1 + x .* x)): the 2 and the 1/2 of the chain rule cancel', () => {
    expect(derive('x : vector(n)\nL = sum(sqrt(1 + x .* x))\ngrad L wrt x\n').dL_dx).toBe('x ./ sqrt(1 + x .* x)');
  });

  it('pi x^2 differentiates to 2 pi x', () => {
    expect(derive('x : scalar\nL = pi x^2\ngrad L wrt x\n').dL_dx).toBe('2 pi x');
  });

  it('log(2 pi) stays log(2 pi) in the definition and the derivative', () => {
    const lines = latex('x : vector(n)\nn2 : scalar\nL = 0.5 n2 log(2 pi) + 0.5 x^T x\ngrad L wrt x, n2\n');
    expect(lines[0]).toBe('L = \\frac{1}{2} n_2 \\log(2 \\pi) + \\frac{1}{2} x^\\top x');
    expect(lines[2]).toBe('\\frac{\\partial L}{\\partial n_2} = \\frac{1}{2} \\log(2 \\pi)');
  });

  it('a function of a number is kept unless its value is short: exp(0) is 1, log(2) is log(2)', () => {
    expect(derive('x : scalar\nL = exp(0) x + log(2) x\ngrad L wrt x\n').dL_dx).toBe('1 + log(2)');
  });

  it('1/3 stays a fraction, not 16 digits', () => {
    expect(derive('x : vector(n)\nL = 1/3 x^T x\ngrad L wrt x\n').dL_dx).toBe('2 / 3 x');
  });
});

describe('LaTeX names a reader expects', () => {
  it('a multi-letter name is upright and spaced from the next factor', () => {
    expect(latex('w : vector(n)\nlam : scalar\nL = lam w^T w\ngrad L wrt w\n')[1]).toBe(
      '\\frac{\\partial L}{\\partial w} = 2 \\mathrm{lam}\\, w',
    );
  });

  it('a Greek name is Greek, and a number joins the fraction it multiplies', () => {
    expect(latex('x : vector(n)\nlambda, sigma_2 : scalar\nL = lambda / sigma_2 x^T x\ngrad L wrt x\n')[1]).toBe(
      '\\frac{\\partial L}{\\partial x} = \\frac{2 \\lambda}{\\sigma_2} x',
    );
  });

  it('two upright words in a product are spaced apart', () => {
    expect(latex('w : vector(n)\nlam, lr : scalar\nL = lr lam sum(w)\n')[0]).toBe(
      'L = \\mathrm{lr}\\, \\mathrm{lam}\\, \\operatorname{sum}(w)',
    );
  });
});

describe('one notation per derivative', () => {
  const RELU =
    'W1 : matrix(h, d)\nX : matrix(d, N)\nb1 : vector(h)\nu : vector(h)\nH = relu(W1 X + b1)\nL = sum(u^T H)\ngrad L wrt W1\n';

  it("relu' is sign(H) in derive and \\operatorname{sign}(H) in LaTeX", () => {
    expect(derive(RELU).dL_dW1).toBe('(u ones(N)^T .* sign(H)) X^T');
    expect(latex(RELU).at(-1)).toContain('\\operatorname{sign}(H)');
  });

  it('toFormula(model, differentiate(model)) prints the hessian lines derive() prints', async () => {
    const { derive: deriveText } = await import('../../src/index.js');
    const text = 'x : vector(n)\nA : matrix(n, n)\nf = x^T A x\ngrad f wrt x\nhessian f wrt x\nhvp f wrt x\n';
    const model = checkFormula(text);
    const lines = toFormula(model, differentiate(model), { share: true });
    expect(lines.map((l) => l.text)).toEqual(deriveText(text));
    expect(lines.map((l) => l.kind)).toEqual([undefined, 'hessian', 'direction', 'hvp']);
    expect(lines[1]!.text).toBe('Hf_x_x = A + A^T');
  });
});

describe('Jacobians, Hessians and HVPs printed like gradients', () => {
  const GRAM = 'X : matrix(n, d)\nlam : scalar\nG = X^T X + lam eye(d)\nL = logdet(G)\nhvp L wrt X, lam\n';
  const UNNAMED_GRAM = 'X : matrix(m, d)\nlam : scalar\nq = -logdet(X^T X + lam eye(d))\nhvp q wrt X, lam\n';

  it('an HVP reads as the book writes it: common factors out, the block both HVPs use named once, and the lines read back', async () => {
    const { derive: deriveText } = await import('../../src/index.js');
    const lines = deriveText(GRAM);
    expect(lines).toEqual([
      'v_X : matrix(n, d)',
      'v_lam : scalar',
      // t is the tangent of G along v (forward over reverse): Ġ = λ̇ I + Xᵀ V + Vᵀ X, the S + Sᵀ written out.
      't = v_lam eye(d) + (X^T v_X + v_X^T X)',
      'HvL_X = 2 (v_X - X inv(G) t) inv(G)',
      'HvL_lam = -tr(inv(G) t inv(G))',
    ]);
    expect(() => checkFormula(`${GRAM.replace(/^hvp.*$/m, '')}${lines.join('\n')}\n`)).not.toThrow();
  });

  it('a subexpression HVPs repeat is named once', async () => {
    const { derive: deriveText } = await import('../../src/index.js');
    expect(deriveText(UNNAMED_GRAM).filter((l) => /^[tu] = /.test(l))).toEqual([
      't = X^T X + lam eye(d)',
      'u = inv(t)',
    ]);
  });

  it('two HVPs with respect to one variable declare its direction once (the lines read back)', async () => {
    const { derive: deriveText } = await import('../../src/index.js');
    const text = 'b : vector(n)\nL = b^T b\nM = sum(exp(b))\nhvp L wrt b\nhvp M wrt b\n';
    const lines = deriveText(text);
    expect(lines).toEqual(['v_b : vector(n)', 'HvL_b = 2 v_b', 'HvM_b = v_b .* exp(b)']);
    expect(() => checkFormula(`${text.replace(/^hvp.*\n/gm, '')}${lines.join('\n')}\n`)).not.toThrow();
  });

  it('LaTeX names the same subexpression on a where line', () => {
    expect(latex(UNNAMED_GRAM).at(-1)).toMatch(/^\\text\{where \} t = X\^\\top X/);
  });
});

describe('factors, inverses and transposes a book cancels by sight', () => {
  it.each([
    ['A, X, B : matrix(n, n)\nf = logdet(A X B)\ngrad f wrt X\n', 'df_dX', 'inv(X)^T'],
    ['A, X, B : matrix(n, n)\nf = det(A X B)\ngrad f wrt X\n', 'df_dX', 'f inv(X)^T'],
    ['X : matrix(n, n)\nf = det(inv(X))\ngrad f wrt X\n', 'df_dX', '-f inv(X)^T'],
    ['X : matrix(m, n)\nf = logdet(X^T X)\ngrad f wrt X\n', 'df_dX', '2 X inv(X^T X)'],
    ['X, B : matrix(n, n)\nf = tr(X X B)\ngrad f wrt X\n', 'df_dX', '(X B + B X)^T'],
    ['x : vector(n)\nf = ||x^T x||\ngrad f wrt x\n', 'df_dx', '2 x'],
    ['x : vector(n)\nf = abs(exp(x^T x))\ngrad f wrt x\n', 'df_dx', '2 f x'],
  ])('%s', (text, name, expected) => {
    expect(derive(text)[name]).toBe(expected);
  });

  it('the Hessian of a Gaussian NLL in mu has no eye and no double negation', async () => {
    const { derive: deriveText } = await import('../../src/index.js');
    const text =
      'x, mu : vector(n)\nS : matrix(n, n)\nnll = 1/2 (x - mu)^T inv(S) (x - mu) + 1/2 logdet(S)\nhessian nll wrt mu\n';
    expect(deriveText(text)).toEqual(['Hnll_mu_mu = 0.5 (inv(S) + inv(S)^T)']);
  });
});

describe('transposed vector sums', () => {
  it('(lam x^T + c w^T)^T is pushed in, so like terms merge: 2 lam / sigma_2 w + lam x', () => {
    expect(
      derive('x, w : vector(n)\nlam, sigma_2 : scalar\nR = lam / sigma_2 w^T w + lam w^T x\ngrad R wrt w\n').dR_dw,
    ).toBe('2 lam / sigma_2 w + lam x');
  });
});
