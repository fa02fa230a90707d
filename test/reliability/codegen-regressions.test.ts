/**
 * Bugs the random formulas found in code generation, each as its shrunk formula: it must
 * compile to a module that type-checks strictly and whose values and gradients check.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { checkFormula } from '../../src/front.js';

const CASES: readonly [name: string, text: string][] = [
  // The loops of logsumexp read a transposed matrix (or eye) by flat index: `v$A[ * d$m + ]`.
  ['logsumexp of a transposed matrix', 'A : matrix(n, m)\nL = logsumexp(A^T)\ngrad L wrt A\n'],
  ['logsumexp of eye', 'x : vector(n)\nL = logsumexp(eye(n)) + sum(x)\ngrad L wrt x\n'],
  [
    'logsumexp of a transposed sum',
    'A : matrix(n, m)\nB : matrix(m, n)\nL = logsumexp((A + B^T)^T)\ngrad L wrt A, B\n',
  ],
  // Entries of eye and onehot at literal indices compared two literals: `(1 === 0 ? 1 : 0)`.
  ['an entry of eye at literal indices', 'u : scalar\nL = (u + eye(3))[1, 0] + u^2\ngrad L wrt u\n'],
  [
    'an entry of onehot at a literal index',
    'y : vector(n)\nL = (ones(3) .* onehot(0, 3) - y^T * y)[2]\ngrad L wrt y\n',
  ],
  [
    'an entry of onehot in a matrix',
    'H : matrix(3, n)\na : scalar\nt1 = (H + onehot(0, 3))[1, 0]\nL = a + sin(t1)\ngrad L wrt a, H\n',
  ],
  // A module whose definitions read no input never read the forward pass's parameter (noUnusedParameters).
  ['a formula of constants only', 'b = 3\nc = b + pi\n'],
  // A definition that is a constant or a size kept its value in a local that no later block read
  // ('value$0' is declared but its value is never read).
  ['a definition that is a size, read later', 'x : vector(n)\nt1 = n\nL = sum(ones(1, n)) + 0.5 t1\ngrad L wrt t1\n'],
  [
    'definitions that are constants, ones, eye and onehot, read later',
    'x : vector(n)\nk : index(n)\nt1 = 2\nt2 = onehot(k, n)\nt3 = ones(n)\nt4 = eye(n)\nt5 = n\nL = t1 sum(x) + dot(t2, x) + dot(t3, x .* x) + sum(t4 x) + t5 + t1^2\ngrad L wrt x, t2, t3, t4\n',
  ],
  // 1ᵀ diag(v) = vᵀ holds for one row of ones only: ones(3, n)ᵀ diag(v) was taken for vᵀ.
  [
    'a block of ones times the diagonal of an adjoint',
    'a : scalar\nH : matrix(3, n)\nt1 = diag(ones(n, 3) * H)\nL = a + (logsumexp(t1))\ngrad L wrt a, H\n',
  ],
];

describe('code generation regressions', () => {
  it.each(CASES)('%s', async (_name, text) => {
    const report = await checkModel(checkFormula(text, 'regression.formula'), { seed: 1 });
    expect(report.ok, formatCheckReport(report)).toBe(true);
  });
});
