/**
 * Issue 26, must-have 3: printed derivatives take common factors out of matrix products
 * (A C - B C → (A - B) C, C A + C B → C (A + B)), and the code generator keeps the form it
 * evaluates faster. Random formulas with second-order requests: the derive lines, factored,
 * read back to the derived blocks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareValues, describeComparison } from '../../src/check/numeric.js';
import { mulberry32, randomDims, randomInputs } from '../../src/check/random.js';
import { ReferenceEvaluator } from '../../src/check/reference.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { derive } from '../../src/index.js';
import { toFormula } from '../../src/print/formula.js';
import { toFormulaHigher } from '../../src/print/higher.js';
import { Printer } from '../../src/print/printer.js';
import { formulaArbitrary, renderFormula } from '../helpers/formulas.js';
import { secondOrderRequests } from '../helpers/second-order.js';

const ATTENTION =
  'q : vector(d)\nK : matrix(d, n)\nu : vector(n)\na = softmax(K^T q / sqrt(d))\nL = u^T a\ngrad L wrt q, K\njacobian a wrt q\n';

describe('common factors of matrix products', () => {
  it('A C x - B C x: the Jacobian is (A - B) C', () => {
    expect(derive('A, B, C : matrix(n, n)\nx : vector(n)\ny = A C x - B C x\njacobian y wrt x\n')).toEqual([
      'Jy_x = (A - B) C',
    ]);
  });

  it('C A x + C B x: the Jacobian is C (A + B)', () => {
    expect(derive('A, B, C : matrix(n, n)\nx : vector(n)\ny = C A x + C B x\njacobian y wrt x\n')).toEqual([
      'Jy_x = C (A + B)',
    ]);
  });

  it('single-query attention: (diag(a) - a a^T) K^T, and the block dL_dq and dL_dK share named once', () => {
    expect(derive(ATTENTION)).toEqual([
      't = a .* (u - L) / sqrt(d)',
      'dL_dq = K t',
      'dL_dK = q t^T',
      'Ja_q = 1 / sqrt(d) (diag(a) - a a^T) K^T',
    ]);
  });

  it('tr(inv(X) A): the transpose outside the product, as the Cookbook (124) writes it', () => {
    expect(derive('X, A : matrix(n, n)\nf = tr(inv(X) A)\ngrad f wrt X\n')).toEqual(['df_dX = -(inv(X) A inv(X))^T']);
  });

  it('the code generator keeps the unfactored Jacobian (a row scaling and a rank-one product, no n x n matrix)', () => {
    const model = checkFormula(ATTENTION);
    const derived = differentiate(model);
    expect(toFormulaHigher(model, derived.higher).map((l) => l.text)).toEqual([
      'Ja_q = 1 / sqrt(d) (diag(a) K^T - a a^T K^T)',
    ]);
  });
});

describe('found by the random round trip', () => {
  it('a scalar over a vector as the first factor of a product on the right is parenthesised', () => {
    const text = 'A : matrix(p, p)\nG, w : vector(p)\ns : scalar\nM = A ((s ./ (1 + G .^ 2)) w^T)\n';
    const model = checkFormula(text);
    const printed = new Printer('formula').text(model.definitions.at(-1)!.node);
    expect(printed).toBe('A (s ./ (1 + G .^ 2)) w^T');
    expect(() => checkFormula(`${text}M2 = ${printed}\n`)).not.toThrow();
  });
});

describe('random formulas with second-order requests: the factored derive lines read back', () => {
  const COUNT = Number(process.env.GRADC_FACTOR_FORMULAS ?? 24);
  it(`${COUNT} formulas (fast-check seed 20261203)`, () => {
    const specs = fc.sample(formulaArbitrary(), { seed: 20_261_203, numRuns: COUNT });
    let printedDiffers = 0;
    for (const spec of specs) {
      const rendered = renderFormula(spec);
      const base = rendered.text.replace(/\s*$/, '');
      const text = `${base}\n${secondOrderRequests(rendered.text).join('\n')}\n`;
      const model = checkFormula(text);
      const derived = differentiate(model);
      if (derived.printed !== undefined) printedDiffers += derived.printed.size;
      const lines = toFormula(model, derived, { share: true });
      const kept = base
        .split('\n')
        .filter((l) => !/^\s*grad\b/.test(l))
        .join('\n');
      const appended = `${kept}\n${lines.map((l) => l.text).join('\n')}\n`;
      let reread: ReturnType<typeof checkFormula>;
      try {
        reread = checkFormula(appended, 'derived.formula');
      } catch (e) {
        throw new Error(`the derive lines do not read back:\n${appended}\n${String(e)}`);
      }
      const blocks = derived.higher.flatMap((h) => h.blocks);
      const blockLines = lines.filter((l) => l.kind !== undefined && l.kind !== 'direction');
      expect(blockLines).toHaveLength(blocks.length);
      const dims = randomDims(reread, rendered.dims);
      const values = randomInputs(reread, dims, mulberry32(3));
      const before = new ReferenceEvaluator({ values, dims });
      const after = new ReferenceEvaluator({ values, dims });
      blockLines.forEach((line, i) => {
        const node = reread.definitions.find((d) => d.name === line.name)!.node;
        const c = compareValues(after.value(node), before.value(blocks[i]!.node));
        expect(
          c.mismatch === undefined && c.maxRel <= 1e-9,
          `${line.text}: ${describeComparison(c)}\n${appended}`,
        ).toBe(true);
      });
    }
    // The suite exercises the factoring: some printed forms differ from the derived nodes.
    expect(printedDiffers).toBeGreaterThan(0);
  });
});
