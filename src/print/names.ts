/**
 * Formula names as LaTeX math, the way a handout writes them: greek words and letters
 * (`theta` and `θ` → `\theta`), subscripts from trailing digits or `_` (`theta01` →
 * `\theta_{01}`, `W_xh` → `W_{xh}`), accents (`yhat`, `y_hat` and `ŷ` → `\hat{y}`), and
 * longer words upright (`loss` → `\mathrm{loss}`). Every result is valid KaTeX on its own
 * and as the base of a sub- or superscript.
 */
import { sub } from '../ops/print-helpers.js';

const GREEK = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'varepsilon',
  'zeta',
  'eta',
  'theta',
  'vartheta',
  'iota',
  'kappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'pi',
  'varpi',
  'rho',
  'varrho',
  'sigma',
  'varsigma',
  'tau',
  'upsilon',
  'phi',
  'varphi',
  'chi',
  'psi',
  'omega',
  'Gamma',
  'Delta',
  'Theta',
  'Lambda',
  'Xi',
  'Pi',
  'Sigma',
  'Upsilon',
  'Phi',
  'Psi',
  'Omega',
];

/** Words that name a LaTeX symbol of their own. */
const SYMBOL_WORDS: ReadonlySet<string> = new Set([...GREEK, 'ell', 'hbar', 'nabla']);

const GREEK_LETTERS: Readonly<Record<string, string>> = {
  α: 'alpha',
  β: 'beta',
  γ: 'gamma',
  δ: 'delta',
  ε: 'epsilon',
  ϵ: 'epsilon',
  ζ: 'zeta',
  η: 'eta',
  θ: 'theta',
  ϑ: 'vartheta',
  ι: 'iota',
  κ: 'kappa',
  λ: 'lambda',
  μ: 'mu',
  ν: 'nu',
  ξ: 'xi',
  π: 'pi',
  ρ: 'rho',
  σ: 'sigma',
  ς: 'varsigma',
  τ: 'tau',
  υ: 'upsilon',
  φ: 'phi',
  ϕ: 'phi',
  χ: 'chi',
  ψ: 'psi',
  ω: 'omega',
  Γ: 'Gamma',
  Δ: 'Delta',
  Θ: 'Theta',
  Λ: 'Lambda',
  Ξ: 'Xi',
  Π: 'Pi',
  Σ: 'Sigma',
  Υ: 'Upsilon',
  Φ: 'Phi',
  Ψ: 'Psi',
  Ω: 'Omega',
  ℓ: 'ell',
};

/** Accents written as combining marks (after NFD), and the LaTeX command for each. */
const COMBINING_ACCENTS: Readonly<Record<string, string>> = {
  '\u0300': 'grave',
  '\u0301': 'acute',
  '\u0302': 'hat',
  '\u0303': 'tilde',
  '\u0304': 'bar',
  '\u0306': 'breve',
  '\u0307': 'dot',
  '\u0308': 'ddot',
  '\u030a': 'mathring',
  '\u030c': 'check',
  '\u20d7': 'vec',
};

/** Combining diacritics KaTeX would read as accents it does not know: left out. */
const OTHER_DIACRITICS = /[\u0300-\u036f]|[\u1ab0-\u1aff]|[\u1dc0-\u1dff]|[\u20d0-\u20ff]|[\ufe20-\ufe2f]/u;

/** A word's letters, each with the combining marks that follow it. */
const letters = (word: string): string[] => word.normalize('NFC').match(/\P{M}\p{M}*/gu) ?? [];

/**
 * The name with only the combining marks KaTeX can show: accents on letters, and vowel
 * signs on letters of other scripts. Marks on `_` or a digit, and diacritics KaTeX has no
 * accent for, are left out.
 */
function showable(name: string): string {
  let out = '';
  let on = '';
  for (const c of name.normalize('NFD')) {
    if (/\p{M}/u.test(c)) {
      // On a latin or greek letter (printed as math), only accents; on other letters (text), also vowel signs.
      const math = /^[A-Za-z]$/.test(on) || GREEK_LETTERS[on] !== undefined;
      if (/^\p{L}$/u.test(on) && (COMBINING_ACCENTS[c] !== undefined || (!math && !OTHER_DIACRITICS.test(c)))) out += c;
      continue;
    }
    on = c;
    out += c;
  }
  return out.normalize('NFC');
}

/** Accents written as a suffix word: `yhat`, `y_hat`, `xbar`, `vvec`. */
const ACCENT_WORDS = ['hat', 'tilde', 'bar', 'vec', 'dot', 'ddot', 'check'];
const ACCENT_SUFFIX = new RegExp(`^(.+?)_?(${ACCENT_WORDS.join('|')})$`);

/** Characters that mean something to TeX, as text. */
const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '#': '\\#',
  $: '\\$',
  '%': '\\%',
  '&': '\\&',
  _: '\\_',
  '^': '\\textasciicircum{}',
  '~': '\\textasciitilde{}',
};

const escapeText = (s: string): string => [...s].map((c) => TEXT_ESCAPES[c] ?? c).join('');

/** One letter (with any combining marks) as LaTeX math: accents as accent commands. */
function letter(ch: string): string {
  const [first = '', ...marks] = [...ch.normalize('NFD')];
  const accents = marks.filter((m) => COMBINING_ACCENTS[m] !== undefined);
  // Marks that are not accents (vowel signs of other scripts) stay with their letter.
  const kept = marks.filter((m) => COMBINING_ACCENTS[m] === undefined).join('');
  const greek = GREEK_LETTERS[first];
  let out =
    greek !== undefined && kept === ''
      ? `\\${greek}`
      : /^[A-Za-z0-9]$/.test(first) && kept === ''
        ? first
        : `\\text{${escapeText(first + kept)}}`;
  for (const m of accents) out = `\\${COMBINING_ACCENTS[m]}{${out}}`;
  return out;
}

/** One letter, or a word that is a symbol: what an accent suffix may sit on. */
function isSymbol(word: string): boolean {
  return SYMBOL_WORDS.has(word) || letters(word).length === 1;
}

/** A name part without subscripts as LaTeX. */
function base(word: string): string {
  if (word === '') return '';
  if (SYMBOL_WORDS.has(word)) return `\\${word}`;
  const accented = ACCENT_SUFFIX.exec(word);
  if (accented !== null && isSymbol(accented[1]!)) return `\\${accented[2]}{${base(accented[1]!)}}`;
  const chars = letters(word);
  if (chars.length === 1) return letter(chars[0]!);
  // A word of several letters reads as a word: \mathrm{loss}.
  if (/^[A-Za-z0-9]+$/.test(word)) return `\\mathrm{${word}}`;
  // Greek or accented latin letters among others: each letter as math, side by side.
  const mathLetter = (c: string): boolean => {
    const first = [...c.normalize('NFD')][0]!;
    return GREEK_LETTERS[first] !== undefined || /^[A-Za-z0-9]$/.test(first);
  };
  if (chars.every(mathLetter)) return chars.map(letter).join(' ');
  // Letters of other scripts as text, a run at a time: \text{größe}, \theta \text{ж}.
  const parts: string[] = [];
  let run = '';
  for (const c of chars) {
    if (GREEK_LETTERS[[...c.normalize('NFD')][0]!] !== undefined) {
      if (run !== '') parts.push(`\\text{${run}}`);
      run = '';
      parts.push(letter(c));
    } else {
      run += escapeText(c);
    }
  }
  if (run !== '') parts.push(`\\text{${run}}`);
  return parts.join(' ');
}

/** A subscript written after `_`: short index letters and digits stay as they are (`W_xh`, `x_i1`). */
function subscriptText(text: string): string {
  if (/^[A-Za-z]{0,2}[0-9]*$/.test(text)) return text;
  return latexName(text);
}

/**
 * A formula name as the LaTeX printers write it: Greek letter names become commands, trailing
 * digits and `_` parts subscripts, `hat`, `bar`, `tilde`, `vec`, `dot`, `ddot`, `check` accents,
 * other words `\mathrm`. `theta01` → `\theta_{01}`, `θ_01` → `\theta_{01}`, `W_xh` → `W_{xh}`,
 * `yhat`, `y_hat` and `ŷ` → `\hat{y}`, `z4` → `z_4`, `x1_2` → `x_{1,2}`, `loss` → `\mathrm{loss}`.
 *
 * @param name - A variable or definition name of a formula.
 * @returns Its LaTeX, for math mode.
 * @example
 * ```ts
 * latexName('theta01'); // '\\theta_{01}'
 * ```
 */
export function latexName(name: string): string {
  // Mathematical alphanumerics (𝑥, 𝜃) are the letters they style.
  const plain = showable(name.replace(/[\u{1d400}-\u{1d7ff}]/gu, (c) => c.normalize('NFKC')));
  const trimmed = plain.replace(/_+$/, '');
  if (trimmed === '') return plain === '' ? '' : `\\mathrm{${escapeText(plain)}}`;
  // Trailing underscores tell x_ from x: kept, as \_.
  if (trimmed !== plain) return `${latexName(trimmed)}${escapeText(plain.slice(trimmed.length))}`;
  // A leading underscore is part of the word, not a subscript.
  const underscore = trimmed.indexOf('_', /^_+/.exec(trimmed)?.[0].length ?? 0);
  if (underscore > 0) {
    const head = trimmed.slice(0, underscore);
    const tail = trimmed.slice(underscore + 1).replace(/^_+/, '');
    const accent = ACCENT_WORDS.includes(tail) ? tail : undefined;
    if (accent !== undefined && !/[0-9]$/.test(head)) return `\\${accent}{${latexName(head)}}`;
    const digits = /^(.*?[^0-9_])([0-9]+)$/.exec(head);
    // x1_2 → x_{1,2}: one subscript, never a double one.
    if (digits !== null) return `${base(digits[1]!)}${sub(`${digits[2]},${subscriptText(tail)}`)}`;
    return `${base(head)}${sub(subscriptText(tail))}`;
  }
  const digits = /^(.*?[^0-9_])([0-9]+)$/.exec(trimmed);
  if (digits !== null) return `${base(digits[1]!)}${sub(digits[2]!)}`;
  return base(trimmed);
}

/** A name printed as an upright word (`\mathrm{lam}`, `\mathrm{lr}_{2}`), with any subscript and superscript. */
const WORD = String.raw`\\mathrm\{[^{}]{2,}\}(?:_\{[^{}]*\}|_[A-Za-z0-9])?(?:\^(?:\{[^{}]*\}|\\top|[A-Za-z0-9]))?`;
/** What may follow a factor in a product: a letter, digit, group, or a command that is not an operator. */
const NEXT_FACTOR = String.raw`(?=[A-Za-z0-9(]|\\(?!odot|oslash|otimes|cdot|quad|qquad|in\b|right|times|le\b|ge\b|text\b|\]|,|;|!))`;
const AFTER_WORD = new RegExp(`(${WORD}) ${NEXT_FACTOR}`, 'g');
const BEFORE_WORD = new RegExp(String.raw`(?<=[A-Za-z})])(?<!\\[A-Za-z]*) (?=${WORD})`, 'g');

/**
 * Thin spaces around upright words in a product: `\mathrm{lam} w` renders as "lamw" in math
 * mode (spaces are ignored), so it is written `\mathrm{lam}\, w`, as a book sets it.
 */
export function spaceWords(latex: string): string {
  return latex.replace(AFTER_WORD, '$1\\, ').replace(BEFORE_WORD, '\\, ');
}
