/**
 * The derivatives of max and min as a textbook writes them (issue 28): indicators written with
 * sign, as relu' is (sign(relu(x))): (1 + sign(a - b)) / 2 for max(a, b), 1 where a is the
 * larger, 1/2 at a tie; for max(v), the indicator 1 + sign(v - max(v)) of the entries that attain
 * it, over their count.
 */
import { describe, expect, it } from 'vitest';
import { derive, latex as latexLines } from '../../src/from-text.js';

/** What `gradc latex` prints for the gradients and local names (the definitions' lines left out). */
const latex = (text: string) => latexLines(text).filter((l) => /\\partial|\\text\{where/.test(l));

const PAIR = 'x : vector(n)\ny : vector(n)\nw : vector(n)\nL = w^T max(x, y)\ngrad L wrt x, y\n';
const PAIR_MIN = 'x : vector(n)\ny : vector(n)\nw : vector(n)\nL = w^T min(x, y)\ngrad L wrt x\n';
const AGAINST_ZERO = 'x : vector(n)\nL = sum(max(x, 0))\ngrad L wrt x\n';
const LARGEST = 'x : vector(n)\nL = max(x)\ngrad L wrt x\n';
const SMALLEST = 'x : vector(n)\nL = min(x)\ngrad L wrt x\n';

describe('max(a, b) and min(a, b): the weights (1 ± sign(a - b)) / 2', () => {
  it('derive', () => {
    expect(derive(PAIR)).toEqual(['dL_dx = w .* ((1 + sign(x - y)) / 2)', 'dL_dy = w .* ((1 - sign(x - y)) / 2)']);
    expect(derive(PAIR_MIN)).toEqual(['dL_dx = w .* ((1 - sign(x - y)) / 2)']);
    expect(derive(AGAINST_ZERO)).toEqual(['dL_dx = (1 + sign(x)) / 2']);
  });

  it('LaTeX', () => {
    expect(latex(PAIR)).toEqual([
      '\\[ \\frac{\\partial L}{\\partial x} = w \\odot \\frac{1 + \\operatorname{sign}(x - y)}{2} \\]',
      '\\[ \\frac{\\partial L}{\\partial y} = w \\odot \\frac{1 - \\operatorname{sign}(x - y)}{2} \\]',
    ]);
    expect(latex(AGAINST_ZERO)).toEqual([
      '\\[ \\frac{\\partial L}{\\partial x} = \\frac{1 + \\operatorname{sign}(x)}{2} \\]',
    ]);
  });
});

describe('max(v) and min(v): the indicator of the entries that attain it, over their count', () => {
  it('derive', () => {
    expect(derive(LARGEST)).toEqual(['t = 1 + sign(x - L)', 'dL_dx = t / sum(t)']);
    expect(derive(SMALLEST)).toEqual(['t = 1 - sign(x - L)', 'dL_dx = t / sum(t)']);
  });

  it('LaTeX', () => {
    expect(latex(LARGEST)).toEqual([
      '\\[ \\frac{\\partial L}{\\partial x} = \\frac{t}{\\operatorname{sum}(t)} \\]',
      '\\[ \\text{where } t = 1 + \\operatorname{sign}(x - L) \\]',
    ]);
  });
});
