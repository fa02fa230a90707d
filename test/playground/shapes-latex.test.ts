import { describe, expect, it } from 'vitest';
import { shapeDisplays, space } from '../../playground/src/shapes-latex.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { SCALAR, shape } from '../../src/ir/shape.js';
import { DS102 } from '../helpers/models.js';

describe("the playground's shapes view", () => {
  it('writes each shape as a real space', () => {
    expect(space(SCALAR)).toBe('\\mathbb{R}');
    expect(space(shape('n', 1))).toBe('\\mathbb{R}^{n}');
    expect(space(shape(1, 'n'))).toBe('\\mathbb{R}^{1 \\times n}');
    expect(space(shape('h', 3))).toBe('\\mathbb{R}^{h \\times 3}');
  });

  it('lists the variables, then each definition and gradient with its space (DS 102)', () => {
    const model = checkFormula(DS102);
    expect(shapeDisplays(model, differentiate(model))).toEqual([
      'A \\in \\mathbb{R}^{h \\times m}, \\quad b \\in \\mathbb{R}^{h}, \\quad x \\in \\mathbb{R}^{m}, \\quad y \\in \\mathbb{R}',
      'z_1 \\in \\mathbb{R}^{h}',
      'z_2 \\in \\mathbb{R}^{h}',
      'z_3 \\in \\mathbb{R}',
      'z_4 \\in \\mathbb{R}',
      'L \\in \\mathbb{R}',
      '\\frac{\\partial L}{\\partial A} \\in \\mathbb{R}^{h \\times m}',
      '\\frac{\\partial L}{\\partial b} \\in \\mathbb{R}^{h}',
    ]);
  });
});
