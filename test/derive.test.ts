import { describe, expect, it } from 'vitest';
import { checkFormula, differentiate, toFormula } from '../src/index.js';
import { DS102 as DS102_MODEL } from './helpers/models.js';

function derive(text: string): Record<string, string> {
  const model = checkFormula(text);
  return Object.fromEntries(toFormula(model, differentiate(model)).map((l) => [l.name, l.expression]));
}

/** DS 102 (test/helpers/models.ts), asking for the gradient with respect to z4 as well. */
const DS102 = `${DS102_MODEL.trimEnd()}, z4\n`;

describe('derive: the handouts boxed answers', () => {
  it('DS 102: dL/db is -2 z4 z2', () => {
    expect(derive(DS102).dL_db).toBe('-2 z4 z2');
  });

  it('DS 102: dL/dA is -2 z4 (b .* z2 .* (1 - z2)) x^T, reusing sigma(z1) = z2', () => {
    expect(derive(DS102).dL_dA).toBe('-2 z4 (b .* z2 .* (1 - z2)) x^T');
  });

  it('DS 102: the delta of an intermediate definition', () => {
    expect(derive(DS102).dL_dz4).toBe('2 z4');
  });

  it('Domke: dL/dV is (softmax(f) - onehot(y, K)) h^T', () => {
    const d = derive(`
W : matrix(M, p)
V : matrix(K, M)
b : vector(M)
c : vector(K)
x : vector(p)
y : index(K)
h = tanh(b + W x)
f = c + V h
L = logsumexp(f) - f[y]
grad L wrt V, c
`);
    expect(d.dL_dV).toBe('(softmax(f) - onehot(y, K)) h^T');
    expect(d.dL_dc).toBe('softmax(f) - onehot(y, K)');
  });
});

describe('derive: gradients with respect to definitions', () => {
  it('keeps log(yhat) on the path through yhat when yhat = sigma(z) is a definition', () => {
    const d = derive('z : scalar\nyhat = sigma(z)\nL = log(yhat)\ngrad L wrt yhat, z\n');
    expect(d.dL_dyhat).toBe('1 / yhat');
    // (1 / yhat) yhat (1 - yhat), cancelled.
    expect(d.dL_dz).toBe('1 - yhat');
  });

  it('does not fold a scaling through a definition: h = 2 x, L = sum(3 h)', () => {
    const d = derive('x : vector(n)\nh = 2 x\nL = sum(3 h)\ngrad L wrt h, x\n');
    expect(d.dL_dh).toBe('3 ones(n)');
    expect(d.dL_dx).toBe('6 ones(n)');
  });
});

describe('derive: signs and coefficients', () => {
  it('writes a negative constant quotient as a subtraction, not "- -1 / m"', () => {
    const d = derive('a, b : vector(m)\nJ = -1/m sum(a) + -1/m sum(b .* a)\ngrad J wrt a\n');
    // The common 1 / m and the sign taken out of the sum (quotients.ts, commonScalar).
    expect(d.dJ_da).toBe('-(b + 1) / m');
  });

  it('pulls scalar factors out of the sum', () => {
    const d = derive('w : scalar\nx : vector(N)\nL = 1/N sum((w x) .^ 2)\ngrad L wrt w\n');
    expect(d.dL_dw).toBe('2 w / N x^T x');
  });
});

describe('derive: recognised forms', () => {
  it('a column softmax written out by hand becomes softmax (Domke, batched)', () => {
    const d = derive(
      'F : matrix(K, N)\nY : matrix(K, N)\nR = sum(log(ones(K)^T exp(F))) - sum(Y .* F)\ngrad R wrt F\n',
    );
    expect(d.dR_dF).toBe('softmax(F) - Y');
  });
});

describe('derive: quotients that later factors cancel (simplify/rational.ts)', () => {
  const CS230 =
    'x, w : vector(n)\nb, y : scalar\nz = w^T x + b\nyhat = sigma(z)\nL = -(y log(yhat) + (1 - y) log(1 - yhat))\ngrad L wrt w, b, yhat, z\n';
  const CS230_BATCH =
    'X : matrix(n, m)\nw : vector(n)\nb : scalar\ny : vector(m)\nz = w^T X + b\nyhat = sigma(z)\nJ = -1/m sum(y^T .* log(yhat) + (1 - y^T) .* log(1 - yhat))\ngrad J wrt w, z, yhat\n';

  it('CS 230: cross-entropy through a sigmoid gives dL/dz = yhat - y and dL/dw = (yhat - y) x', () => {
    const d = derive(CS230);
    expect(d.dL_dz).toBe('yhat - y');
    expect(d.dL_db).toBe('yhat - y');
    expect(d.dL_dw).toBe('(yhat - y) x');
  });

  it('CS 230, a batch: dJ/dz = 1 / m (yhat - y^T) and dJ/dw = 1 / m X (yhat^T - y)', () => {
    const d = derive(CS230_BATCH);
    expect(d.dJ_dz).toBe('1 / m (yhat - y^T)');
    expect(d.dJ_dw).toBe('1 / m X (yhat^T - y)');
  });

  it('leaves quotients where nothing cancels as the chain rule wrote them', () => {
    expect(derive(CS230).dL_dyhat).toBe('(1 - y) / (1 - yhat) - y / yhat');
    expect(derive(CS230_BATCH).dJ_dyhat).toBe('1 / m ((1 - y^T) ./ (1 - yhat) - y^T ./ yhat)');
  });

  it('cancels against a definition without looking into it', () => {
    const d = derive(
      'z, y : scalar\nyhat = sigma(z)\nq = 1 - yhat\nL = -(y log(yhat) + (1 - y) log(q))\ngrad L wrt z, q\n',
    );
    expect(d.dL_dz).toBe('yhat - y');
    expect(d.dL_dq).toBe('-(1 - y) / q');
  });

  it('does not multiply out a quotient when the result would be larger', () => {
    expect(derive('a, b, c : scalar\nL = (a + b) / c\ngrad L wrt a, c\n')).toEqual({ dL_da: '1 / c', dL_dc: '-L / c' });
  });
});

describe('derive: log1p, expm1, cosh and sinh', () => {
  const text = (expr: string) => `x : vector(n)\nw : vector(n)\nL = w^T ${expr}\ngrad L wrt x\n`;
  it.each([
    ['log1p(x)', 'w ./ (1 + x)'],
    ['expm1(x)', 'w .* exp(x)'],
    ['cosh(x)', 'w .* sinh(x)'],
    ['sinh(x)', 'w .* cosh(x)'],
  ])('d/dx of w^T %s is %s', (expr, expected) => {
    expect(derive(text(expr)).dL_dx).toBe(expected);
  });
});

describe('derive: matrix functions as the Matrix Cookbook and Rasmussen & Williams write them', () => {
  it('∂ det(X)/∂X = det(X) inv(X)^T (Cookbook eq. 49), in terms of the definition', () => {
    expect(derive('X : matrix(n, n)\nv = det(X)\ngrad v wrt X\n').dv_dX).toBe('v inv(X)^T');
  });

  it('∂ logdet(X)/∂X = inv(X)^T (Cookbook eq. 57)', () => {
    expect(derive('X : matrix(n, n)\nL = logdet(X)\ngrad L wrt X\n').dL_dX).toBe('inv(X)^T');
  });

  it('∂ aᵀ inv(X) b/∂X = -inv(X)^T a (inv(X) b)^T (Cookbook eq. 61), with inv(X) b a solve', () => {
    expect(derive('X : matrix(n, n)\na, b : vector(n)\nL = a^T inv(X) b\ngrad L wrt X\n').dL_dX).toBe(
      '-inv(X)^T a (inv(X) b)^T',
    );
  });

  it('∂ tr(A inv(X) B)/∂X = -(inv(X) B A inv(X))^T (Cookbook eq. 63): a product of transposes printed as the transpose of the product', () => {
    expect(
      derive('A : matrix(m, n)\nB : matrix(n, m)\nX : matrix(n, n)\nf = tr(A inv(X) B)\ngrad f wrt X\n').df_dX,
    ).toBe('-(inv(X) B A inv(X))^T');
  });

  it('the GP negative log marginal likelihood: 1/2 tr((inv(K) - α αᵀ) ∂K/∂θ) (R&W eq. 5.9), K symmetric', () => {
    const d = derive(`
X : matrix(d, N)
y : vector(N)
ell, sf2, sn2 : scalar
G = X^T X
D = diag(G) ones(N)^T + ones(N) diag(G)^T - 2 G
K = sf2 exp(-D / (2 ell^2)) + sn2 eye(N)
nlml = 1/2 y^T inv(K) y + 1/2 logdet(K)
grad nlml wrt sf2, sn2
`);
    expect(d.dnlml_dsf2).toBe('0.5 sum((inv(K) - inv(K) y y^T inv(K)) .* exp(-D / (2 ell^2)))');
    expect(d.dnlml_dsn2).toBe('0.5 tr(inv(K) - inv(K) y y^T inv(K))');
  });
});
