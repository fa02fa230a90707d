/** Formula names as LaTeX: greek words and letters, subscripts from digits or `_`, hats. */

const GREEK = [
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta', 'iota', 'kappa',
  'lambda', 'mu', 'nu', 'xi', 'pi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'varphi', 'chi', 'psi', 'omega',
  'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Pi', 'Sigma', 'Upsilon', 'Phi', 'Psi', 'Omega',
];
const GREEK_WORDS = new Set(GREEK);

const GREEK_LETTERS: Readonly<Record<string, string>> = {
  α: 'alpha', β: 'beta', γ: 'gamma', δ: 'delta', ε: 'epsilon', ζ: 'zeta', η: 'eta', θ: 'theta', ι: 'iota',
  κ: 'kappa', λ: 'lambda', μ: 'mu', ν: 'nu', ξ: 'xi', π: 'pi', ρ: 'rho', σ: 'sigma', ς: 'sigma', τ: 'tau',
  υ: 'upsilon', φ: 'phi', ϕ: 'phi', χ: 'chi', ψ: 'psi', ω: 'omega', Γ: 'Gamma', Δ: 'Delta', Θ: 'Theta',
  Λ: 'Lambda', Ξ: 'Xi', Π: 'Pi', Σ: 'Sigma', Υ: 'Upsilon', Φ: 'Phi', Ψ: 'Psi', Ω: 'Omega',
};

/** Accents written as combining marks (after NFD) and the LaTeX command for each. */
const ACCENTS: Readonly<Record<string, string>> = {
  '\u0302': 'hat',
  '\u0303': 'tilde',
  '\u0304': 'bar',
  '\u0307': 'dot',
  '\u0308': 'ddot',
  '\u20d7': 'vec',
};

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\backslash{}',
  '{': '\\{',
  '}': '\\}',
  '#': '\\#',
  $: '\\$',
  '%': '\\%',
  '&': '\\&',
  '^': '\\hat{}',
  '~': '\\sim{}',
};

/** One letter (with any accents) as LaTeX. */
function letter(ch: string): string {
  const [base = '', ...marks] = [...ch.normalize('NFD')];
  let out = GREEK_LETTERS[base] !== undefined ? `\\${GREEK_LETTERS[base]}` : /[A-Za-z0-9]/.test(base) ? base : `\\text{${ESCAPES[base] ?? base}}`;
  for (const m of marks) {
    const accent = ACCENTS[m];
    if (accent !== undefined) out = `\\${accent}{${out}}`;
  }
  return out;
}

/** A name's base (no subscript) as LaTeX. */
function base(word: string): string {
  if (word === '') return '';
  if (GREEK_WORDS.has(word)) return `\\${word}`;
  const accented = /^(.+?)(hat|tilde|bar|dot|vec)$/.exec(word);
  if (accented !== null && accented[1]!.length <= 2) return `\\${accented[2]}{${base(accented[1]!)}}`;
  const letters = [...word.normalize('NFC')];
  if (letters.length === 1) return letter(letters[0]!);
  // A name of several letters reads as a word: \mathrm{loss}.
  const greekOrAccented = letters.some((c) => c.normalize('NFD').length > 1 || GREEK_LETTERS[c] !== undefined);
  if (greekOrAccented) return letters.map(letter).join('');
  return `\\mathrm{${letters.map((c) => ESCAPES[c] ?? c).join('')}}`;
}

/**
 * `theta01` → `\theta_{01}`, `θ_01` → `\theta_{01}`, `W_xh` → `W_{xh}`, `yhat` and `ŷ` →
 * `\hat{y}`, `z4` → `z_{4}`, `loss` → `\mathrm{loss}`.
 */
export function latexName(name: string): string {
  const underscore = name.indexOf('_');
  if (underscore > 0 && underscore < name.length - 1) {
    const sub = name.slice(underscore + 1);
    const subText = /^[0-9A-Za-z]+$/.test(sub) ? sub : latexName(sub);
    return `${base(name.slice(0, underscore))}_{${subText}}`;
  }
  const digits = /^(.*?[^0-9])([0-9]+)$/.exec(name);
  if (digits !== null) return `${base(digits[1]!)}_{${digits[2]}}`;
  return base(name.replace(/_+$/, ''));
}
