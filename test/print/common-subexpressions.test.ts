/** Shared subexpressions named once (issue 14, src/print/common-subexpressions.ts), in derive and latex output. */
import { describe, expect, it } from 'vitest';
import { derive, latex } from '../../src/from-text.js';
import { expectRoundTripMatches } from '../check/harness.js';

const LAYERNORM =
  'x, d : vector(n)\neps : scalar\nmu = mean(x)\nv = mean((x - mu) .^ 2)\nxhat = (x - mu) / sqrt(v + eps)\nL = d^T xhat\ngrad L wrt x\n';
/** Layer normalisation without the name xhat: the derivative divides by sqrt(v + eps) four times. */
const UNNAMED =
  'x, d : vector(n)\neps : scalar\nmu = mean(x)\nv = mean((x - mu) .^ 2)\nL = d^T ((x - mu) / sqrt(v + eps))\ngrad L wrt x\n';

describe('shared subexpressions', () => {
  it('layer normalisation without xhat: the repeated term is named once, before the gradient', () => {
    expect(derive(UNNAMED)).toEqual([
      't = sqrt(v + eps)',
      'dL_dx = d / t - mean(d .* ((x - mu) / t)) / t^2 (x - mu) - mean(d) / t',
    ]);
  });

  it('layer normalisation with xhat needs no local name: one fraction, as the book writes it', () => {
    expect(derive(LAYERNORM)).toEqual(['dL_dx = (d - mean(d .* xhat) xhat - mean(d)) / sqrt(v + eps)']);
  });

  it('latex defines the local name on a "where" line after the gradients', () => {
    const lines = latex(UNNAMED);
    expect(lines.at(-2)).toMatch(/^\\\[ \\frac\{\\partial L\}\{\\partial x\} = \\frac\{d\}\{t\} - /);
    expect(lines.at(-1)).toBe(String.raw`\[ \text{where } t = \sqrt{v + \mathrm{eps}} \]`);
  });

  it('never takes a name the formula uses', () => {
    const text = UNNAMED.replace(/\bx\b/g, 't').replace(/\bd\b/g, 'u').replace('grad L wrt t', 'grad L wrt t');
    const lines = derive(text);
    expect(lines[0]).toMatch(/^q = /);
    expect(lines[0]).toBe('q = sqrt(v + eps)');
    expect(lines[1]).toBe('dL_dt = u / q - mean(u .* ((t - mu) / q)) / q^2 (t - mu) - mean(u) / q');
  });

  it('a subexpression two gradients share once each stays written out in both', () => {
    expect(derive('a, b : vector(n)\ncs = a^T b / (||a|| ||b||)\ngrad cs wrt a, b\n')).toEqual([
      'dcs_da = b / (||a|| ||b||) - cs / ||a||^2 a',
      'dcs_db = a / (||a|| ||b||) - cs / ||b||^2 b',
    ]);
  });

  it('the local lines appended to the formula are definitions, and the gradients read back equal', () => {
    expectRoundTripMatches(UNNAMED, { domains: { eps: 'positive' }, seeds: [1, 2] });
  });
});
