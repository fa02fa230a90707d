/** Shared subexpressions named once (issue 14, src/print/shared.ts), in derive and latex output. */
import { describe, expect, it } from 'vitest';
import { derive, latex } from '../../src/from-text.js';
import { expectRoundTripMatches } from '../check/harness.js';

const LAYERNORM = 'x, d : vector(n)\neps : scalar\nmu = mean(x)\nv = mean((x - mu) .^ 2)\nxhat = (x - mu) / sqrt(v + eps)\nL = d^T xhat\ngrad L wrt x\n';

describe('shared subexpressions', () => {
  it('layer normalisation: the repeated term is named once, before the gradient', () => {
    expect(derive(LAYERNORM)).toEqual(['t = d / sqrt(v + eps) - mean(d .* xhat) / sqrt(v + eps)^2 (x - mu)', 'dL_dx = t - mean(t)']);
  });

  it('latex defines the local name on a "where" line after the gradients', () => {
    const lines = latex(LAYERNORM);
    expect(lines.at(-2)).toBe(String.raw`\[ \frac{\partial L}{\partial x} = t - \operatorname{mean}(t) \]`);
    expect(lines.at(-1)).toMatch(/^\\\[ \\text\{where \} t = \\frac\{d\}\{\\sqrt\{v \+ \\mathrm\{eps\}\}\} - /);
  });

  it('never takes a name the formula uses', () => {
    const text = LAYERNORM.replace(/\bx\b/g, 't').replace(/\bd\b/g, 'u').replace('grad L wrt t', 'grad L wrt t');
    const lines = derive(text);
    expect(lines[0]).toMatch(/^q = /);
    expect(lines[1]).toBe('dL_dt = q - mean(q)');
  });

  it('a subexpression two gradients share once each stays written out in both', () => {
    expect(derive('a, b : vector(n)\ncs = a^T b / (||a|| ||b||)\ngrad cs wrt a, b\n')).toEqual([
      'dcs_da = b / (||a|| ||b||) - cs / ||a||^2 a',
      'dcs_db = a / (||a|| ||b||) - cs / ||b||^2 b',
    ]);
  });

  it('the local lines appended to the formula are definitions, and the gradients read back equal', () => {
    expectRoundTripMatches(LAYERNORM, { domains: { eps: 'positive' }, seeds: [1, 2] });
  });
});
