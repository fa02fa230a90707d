/**
 * CS 316 Activity 6, Jacobian shapes: `gradc latex --steps --shapes --layout denominator` on
 * examples/cs316_jacobian_shapes.formula gives every factor of
 * dl/df0 = dh1/df0 df1/dh1 dh2/df1 df2/dh2 dh3/df2 df3/dh3 dl/df3 with the handout's size.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { latex } from '../../src/index.js';
import { rendered } from '../print/katex.js';

const text = readFileSync(new URL('../../examples/cs316_jacobian_shapes.formula', import.meta.url), 'utf8');
const lines = latex(text, 'cs316_jacobian_shapes.formula', { steps: true, shapes: true, layout: 'denominator' });

/** The size printed on the line of ∂of/∂wrt. */
function size(of: string, wrt: string): string {
  const lhs = `\\[ \\frac{\\partial ${of}}{\\partial ${wrt}} = `;
  const line = lines.find((l) => l.startsWith(lhs));
  if (line === undefined) throw new Error(`no line for d${of}/d${wrt}`);
  return /\\in \\mathbb\{R\}\^\{(.*)\} \\\]$/.exec(line)![1]!.replace(' \\times ', ' x ');
}

describe('the CS 316 chain of Jacobians, denominator layout', () => {
  it('gives each factor of dl/df0 the size the handout gives', () => {
    expect([
      size('l', 'f_0'),
      size('h_1', 'f_0'),
      size('f_1', 'h_1'),
      size('h_2', 'f_1'),
      size('f_2', 'h_2'),
      size('h_3', 'f_2'),
      size('f_3', 'h_3'),
      size('l', 'f_3'),
    ]).toEqual(['D_1 x 1', 'D_1 x D_1', 'D_1 x D_2', 'D_2 x D_2', 'D_2 x D_3', 'D_3 x D_3', 'D_3 x D_f', 'D_f x 1']);
  });

  it('writes each layer Jacobian as the handout does: a diagonal of the derivative, or a transposed weight', () => {
    expect(lines.filter((l) => /^\\\[ \\frac\{\\partial [hf]_/.test(l)).map((l) => l.replace(/ \\in .*$/, ''))).toEqual(
      [
        '\\[ \\frac{\\partial h_1}{\\partial f_0} = \\operatorname{diag}(\\cos(f_0))',
        '\\[ \\frac{\\partial f_1}{\\partial h_1} = \\Omega_1^\\top',
        '\\[ \\frac{\\partial h_2}{\\partial f_1} = \\operatorname{diag}(h_2)',
        '\\[ \\frac{\\partial f_2}{\\partial h_2} = \\Omega_2^\\top',
        '\\[ \\frac{\\partial h_3}{\\partial f_2} = \\operatorname{diag}(-\\sin(f_2))',
        '\\[ \\frac{\\partial f_3}{\\partial h_3} = \\Omega_3^\\top',
      ],
    );
  });

  it('numerator layout prints the same Jacobians untransposed', () => {
    const numerator = latex(text, 'cs316_jacobian_shapes.formula', { shapes: true });
    expect(numerator.find((l) => l.startsWith('\\[ \\frac{\\partial f_1}{\\partial h_1}'))).toBe(
      '\\[ \\frac{\\partial f_1}{\\partial h_1} = \\Omega_1 \\in \\mathbb{R}^{D_2 \\times D_1} \\]',
    );
  });
});

describe('LaTeX of second-order requests renders with KaTeX', () => {
  it('Jacobians, Hessian blocks and HVPs, with shapes, in both layouts', () => {
    const second =
      'W : matrix(h, n)\nb : vector(h)\nx : vector(n)\nc : scalar\nf = tanh(W x + b)\nL = sum(f .* f) + c^2\njacobian f wrt x, b\nhessian L wrt x, c\nhvp L wrt W, b\n';
    for (const options of [{}, { shapes: true }, { steps: true, shapes: true, layout: 'denominator' as const }]) {
      const out = rendered(latex(second, 'second.formula', options));
      expect(out.filter((l) => l.includes('\\partial^2 L') || l.includes('\\nabla^2'))).toHaveLength(6);
    }
    rendered(lines);
  });
});
