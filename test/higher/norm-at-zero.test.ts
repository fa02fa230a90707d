/**
 * The Jacobian of a squared norm where the vector is zero: d ||r||² = 2 vec(r)ᵀ dr is finite
 * there, though ||r|| is not differentiable. The norm's jvp divides by ||r|| after the product,
 * so the factor 2 ||r|| from the square cancels it, as in the gradient; it was
 * 2 ||r|| (vec(r) / ||r||)ᵀ J, NaN at r = 0 (found by the long random second-order suite:
 * `norm2(-u (Z - Z))^2`).
 */
import { describe, expect, it } from 'vitest';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { toFormula } from '../../src/print/formula.js';
import { compileAndLoad } from '../codegen/helpers.js';

const TEXT = 'A : matrix(m, n)\nx : vector(n)\ny : vector(m)\nL = norm2(A x - y)^2\njacobian L wrt x\n';
const A = { rows: 2, cols: 2, data: Float64Array.of(1, 2, 3, 4) };
type Jac = (i: Record<string, unknown>) => { value: number; x: { rows: number; cols: number; data: Float64Array } };

describe('the Jacobian of a squared norm', () => {
  it('is 0, not NaN, where the vector is zero (A x = y)', async () => {
    const { exports } = await compileAndLoad(TEXT);
    const r = (exports.LJac as unknown as Jac)({ A, x: Float64Array.of(1, 1), y: Float64Array.of(3, 7) });
    expect(r.value).toBe(0);
    expect([...r.x.data]).toEqual([0, 0]);
  });

  it('is 2 (A x - y)ᵀ A elsewhere', async () => {
    const { exports } = await compileAndLoad(TEXT);
    const r = (exports.LJac as unknown as Jac)({ A, x: Float64Array.of(1, 1), y: Float64Array.of(2, 5) });
    // A x - y = (1, 2); 2 (1, 2) A = 2 (1 + 6, 2 + 8) = (14, 20)
    expect([...r.x.data]).toEqual([14, 20]);
  });

  it('is written without the norm: 2 (A x - y)ᵀ A, as the gradient is', () => {
    const model = checkFormula(TEXT);
    const lines = toFormula(model, differentiate(model)).map((l) => l.text);
    const jacobian = lines.find((l) => l.startsWith('JL_x'))!;
    expect(jacobian).not.toContain('||');
  });
});
