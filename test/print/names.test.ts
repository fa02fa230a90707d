import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latexName } from '../../src/index.js';
import { render } from './katex.js';

/** latexName(name), after checking that KaTeX renders it alone and as a base of scripts. */
function name(n: string): string {
  const text = latexName(n);
  render(text);
  render(`${text}^\\top`);
  render(`${text}^2 + {${text}}_{0}`);
  return text;
}

describe('latexName', () => {
  it.each([
    // greek words and letters
    ['theta', '\\theta'],
    ['phi', '\\phi'],
    ['Sigma', '\\Sigma'],
    ['θ', '\\theta'],
    ['φ', '\\phi'],
    ['ϕ', '\\phi'],
    ['Ω', '\\Omega'],
    ['ell', '\\ell'],
    ['ℓ', '\\ell'],
    // trailing digits and _x are subscripts
    ['theta01', '\\theta_{01}'],
    ['θ_01', '\\theta_{01}'],
    ['theta_01', '\\theta_{01}'],
    ['z4', 'z_4'],
    ['z_4', 'z_4'],
    ['Omega0', '\\Omega_0'],
    ['psi21', '\\psi_{21}'],
    ['x_i', 'x_i'],
    ['W_xh', 'W_{xh}'],
    ['x_i1', 'x_{i1}'],
    ['w_alpha', 'w_{\\alpha}'],
    ['x_train', 'x_{\\mathrm{train}}'],
    ['x1_2', 'x_{1,2}'],
    ['W_h_1', 'W_{h_1}'],
    // accents
    ['yhat', '\\hat{y}'],
    ['y_hat', '\\hat{y}'],
    ['ŷ', '\\hat{y}'],
    ['y\u0302', '\\hat{y}'],
    ['x\u0302', '\\hat{x}'],
    ['yhat1', '\\hat{y}_1'],
    ['thetahat', '\\hat{\\theta}'],
    ['alpha_hat', '\\hat{\\alpha}'],
    ['xbar', '\\bar{x}'],
    ['x̄', '\\bar{x}'],
    ['xtilde', '\\tilde{x}'],
    ['xdot', '\\dot{x}'],
    ['xddot', '\\ddot{x}'],
    ['vvec', '\\vec{v}'],
    // one letter, words
    ['x', 'x'],
    ['A', 'A'],
    ['L', 'L'],
    ['loss', '\\mathrm{loss}'],
    ['loss2', '\\mathrm{loss}_2'],
    ['hat', '\\mathrm{hat}'],
    ['θx', '\\theta x'],
    // other scripts, odd underscores
    ['𝑥', 'x'],
    ['𝜃', '\\theta'],
    ['größe', '\\text{größe}'],
    ['ж', '\\text{ж}'],
    ['x_', 'x\\_'],
    ['_x', '\\text{\\_x}'],
    ['_', '\\mathrm{\\_}'],
  ])('%s → %s', (input, expected) => {
    expect(name(input)).toBe(expected);
  });

  it('renders every identifier the grammar accepts', () => {
    const start = fc.constantFrom(...'abxyzALWθφψΩŷжé_𝑥'.match(/./gu)!);
    const rest = fc.constantFrom(...'abhatbarxy0123456789_θωŷé\u0302\u0330ж'.match(/./gu)!);
    const identifier = fc.tuple(start, fc.array(rest, { maxLength: 8 })).map(([s, r]) => s + r.join(''));
    const words = fc.constantFrom('theta', 'alpha', 'hat', 'bar', 'loss', 'x', 'W', '_', '1', '01', 'ŷ');
    const composed = fc
      .array(words, { minLength: 1, maxLength: 4 })
      .map((w) => w.join(''))
      .filter((s) => !/^[0-9]/.test(s));
    fc.assert(
      fc.property(fc.oneof(identifier, composed), (n) => {
        name(n);
      }),
      { numRuns: 3000 },
    );
  });
});
