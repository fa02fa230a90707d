/**
 * Vectors computed twice, as a column and as the row that is its transpose (src/codegen/twins.ts):
 * the graph pushes transposes to the leaves, so an HVP that needs a tangent ṙ and ṙᵀ holds two
 * nodes with the same numbers. Twins are found by canonical forms, so only true equalities match;
 * the later twin reads the earlier one's array, and the products only it needed are not emitted.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { transposeTwins } from '../../src/codegen/twins.js';
import { compile } from '../../src/compile.js';
import { checkFormula } from '../../src/front.js';

function definitions(text: string) {
  const model = checkFormula(text);
  return (name: string) => model.definitions.find((d) => d.name === name)!.node;
}

const HEADER = 'Z : matrix(h, n)\nU : matrix(h, n)\nv, b : vector(h)\nx : vector(n)\n';

describe('transpose twins', () => {
  it('a column and the row that is its transpose, written apart, are twins: the later reads the earlier', () => {
    const def = definitions(`${HEADER}c = Z^T v + U^T b\nr = v^T Z + b^T U\nL = sum(c) + sum(r)\n`);
    const [c, r] = [def('c'), def('r')];
    expect(r.id).toBeGreaterThan(c.id);
    expect(transposeTwins([c, r])).toEqual(new Map([[r.id, c]]));
  });

  it('elementwise functions of twins are twins', () => {
    const def = definitions(`${HEADER}c = tanh(Z^T v) .* x\nr = tanh(v^T Z) .* x^T\nL = sum(c) + sum(r)\n`);
    expect(transposeTwins([def('c'), def('r')]).get(def('r').id)).toBe(def('c'));
  });

  it('a row that is not the column transposed is no twin: Zᵀ v against (Zᵀ b)ᵀ, and Zᵀ v + Uᵀ b against vᵀ Z - bᵀ U', () => {
    const def = definitions(
      `${HEADER}c = Z^T v + U^T b\nr = b^T Z + b^T U\nd = v^T Z - b^T U\nL = sum(c) + sum(r) + sum(d)\n`,
    );
    expect(transposeTwins([def('c'), def('r'), def('d')]).size).toBe(0);
  });

  it('an HVP that needs the tangent of r as a column and as a row computes it once', async () => {
    const text = `A : matrix(h, m)
b : vector(h)
X : matrix(m, n)
y : vector(n)
Z = sigma(A X)
r = Z^T b - y
L = 1/2 sum(r .^ 2)
hvp L wrt A, b
`;
    const code = await compile(text, 'twins.formula');
    const start = code.indexOf('function LHvp$(');
    const hvp = code.slice(start, code.indexOf('\n}\n', start));
    // Zᵀ v_b, a term of ṙ, is computed once (beside Zᵀ b), and not again for ṙᵀ = v_bᵀ Z + ...
    expect(hvp.match(/matT?Vec2?\$\([^;]*v\$v_b[^;]*\);/g)).toHaveLength(1);
    const report = await checkModel(checkFormula(text, 'twins.formula'), { dims: { h: 4, m: 3, n: 5 }, seed: 2 });
    expect(report.rows.filter((row) => !row.pass)).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
