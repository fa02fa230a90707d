/**
 * The derive lines of jacobian, hessian and hvp requests read back: appended to the formula
 * (without its request lines), each `Jf_x`, `HL_x_y`, `HvL_W` is a definition whose value, by the
 * reference evaluator, is the derived block.
 */
import { describe, expect, it } from 'vitest';
import { compareValues } from '../../src/check/numeric.js';
import { mulberry32, randomDims, randomInputs } from '../../src/check/random.js';
import { ReferenceEvaluator } from '../../src/check/reference.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { toFormulaHigher } from '../../src/print/higher.js';

const FORMULAS: readonly [string, string][] = [
  ['a layer Jacobian', 'W : matrix(h, n)\nb : vector(h)\nx : vector(n)\nf = tanh(W x + b)\njacobian f wrt x, b\n'],
  ['softmax', 'z : vector(K)\np = softmax(z)\njacobian p wrt z\n'],
  [
    'Hessian blocks of two vectors',
    'x : vector(n)\ny : vector(m)\nB : matrix(n, m)\nL = tanh(x)^T B sigma(y) + sum(exp(x))\nhessian L wrt x, y\n',
  ],
  [
    'HVPs of a matrix and a vector',
    'W : matrix(h, n)\nb : vector(h)\nx : vector(n)\nL = sum(softplus(W x + b) .^ 2)\nhvp L wrt W, b\n',
  ],
  [
    'a Jacobian of A X B with respect to matrices (kron)',
    'A : matrix(m, n)\nX : matrix(n, q)\nB : matrix(q, p)\nF = A X B\njacobian F wrt X, A, B\n',
  ],
  [
    'a Jacobian of a transpose and an inverse (commutation)',
    'X : matrix(n, n)\nY : matrix(n, m)\nF = inv(X) + X^T\nG = Y^T\njacobian F wrt X\njacobian G wrt Y\n',
  ],
  [
    'Hessian blocks of a layer, weights and bias',
    'W : matrix(h, n)\nb : vector(h)\nx : vector(n)\nL = sum(tanh(W x + b) .^ 2)\nhessian L wrt W, b\n',
  ],
  [
    'Hessian of a softmax cross-entropy of a batch',
    'W : matrix(K, p)\nX : matrix(p, N)\nY : matrix(K, N)\nL = -sum(Y .* log(softmax(W X)))\nhessian L wrt W\n',
  ],
  [
    'written vec, kron, ⊗ and commutation',
    'A : matrix(m, n)\nB : matrix(p, q)\nX : matrix(m, q)\nF = kron(A, B) + (A ⊗ B)\nv = commutation(m, q) vec(X) + vec(X^T)\njacobian F wrt A, B\njacobian v wrt X\n',
  ],
];

describe('derive lines of second-order requests read back to the same blocks', () => {
  it.each(FORMULAS)('%s', (_name, text) => {
    const model = checkFormula(text);
    const higher = differentiate(model).higher;
    const lines = toFormulaHigher(model, higher);
    const withoutRequests = text
      .split('\n')
      .filter((l) => !/^(jacobian|hessian|hvp) /.test(l))
      .join('\n');
    const reread = checkFormula(`${withoutRequests}\n${lines.map((l) => l.text).join('\n')}\n`, 'derived.formula');
    const dims = randomDims(reread);
    const values = randomInputs(reread, dims, mulberry32(5));
    // One evaluator per graph: values are kept by node id.
    const rereadValues = new ReferenceEvaluator({ values, dims });
    const derivedValues = new ReferenceEvaluator({ values, dims });
    const blocks = lines.filter((l) => l.kind !== 'direction');
    const derivedBlocks = higher.flatMap((h) => h.blocks);
    expect(blocks).toHaveLength(derivedBlocks.length);
    blocks.forEach((line, i) => {
      const definition = reread.definitions.find((d) => d.name === line.name)!;
      const comparison = compareValues(
        rereadValues.value(definition.node),
        derivedValues.value(derivedBlocks[i]!.node),
      );
      expect(comparison.mismatch, line.text).toBeUndefined();
      expect(comparison.maxRel, line.text).toBeLessThan(1e-12);
    });
  });
});
