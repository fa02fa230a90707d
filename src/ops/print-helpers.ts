/** Small helpers the ops' print rules share (formula syntax and LaTeX alike). */
import type { Node } from '../ir/node.js';
import type { Shape } from '../ir/shape.js';
import { Prec, type PrintContext, type Printed } from './print-types.js';

export const atom = (text: string): Printed => ({ text, prec: Prec.Atom });

/** A right-hand factor of a product: parenthesised if it binds looser or starts with a sign. */
export function factor(p: Printed, ctx: PrintContext, min: Prec): string {
  const text = ctx.wrap(p, min);
  return text.startsWith('-') || text.startsWith('+') ? `(${text})` : text;
}

/** `name(arg, ...)` in formula syntax. */
export function fcall(name: string, args: readonly Printed[], ctx: PrintContext): Printed {
  return atom(`${name}(${args.map((a) => ctx.wrap(a, Prec.Sum)).join(', ')})`);
}

/** LaTeX taller than a line of text (fractions, big operators): delimiters around it should grow. */
function isTall(text: string): boolean {
  return /\\(?:frac|dfrac|left|sum|prod|int|binom|begin)(?![A-Za-z])/.test(text);
}

/** `(x)` around one-line LaTeX, `\left( ... \right)` around tall LaTeX. */
export function delimit(open: string, close: string, text: string): string {
  return isTall(text) ? `\\left${open}${text}\\right${close}` : `${open}${text}${close}`;
}

/** `\operatorname{name}(arg)` in LaTeX. */
export function lcall(op: string, args: readonly Printed[], ctx: PrintContext): Printed {
  return atom(`${op}${delimit('(', ')', args.map((a) => ctx.wrap(a, Prec.Sum)).join(', '))}`);
}

/**
 * A LaTeX base for a superscript (`^\top`, `^2`): as is when it is a plain atom (`z_4`,
 * `\sigma(z)`), in parentheses when it binds looser, is a fraction, or already carries a
 * superscript (`x^\top`), which would otherwise make a double superscript.
 */
export function supBase(p: Printed): string {
  const plain = p.prec >= Prec.Atom && !p.text.startsWith('\\frac') && !hasTopLevel(p.text, '^');
  return plain ? p.text : delimit('(', ')', p.text);
}

/** `^2`, `^{10}`: braces unless the superscript is one plain character. */
export function sup(text: string): string {
  return /^[A-Za-z0-9]$/.test(text) ? `^${text}` : `^{${text}}`;
}

/** `_i`, `_{n \\times m}`: braces unless the subscript is one plain character. */
export function sub(text: string): string {
  return /^[A-Za-z0-9]$/.test(text) ? `_${text}` : `_{${text}}`;
}

/**
 * An entry of a LaTeX value: `f_y` when the value prints as a plain symbol, else
 * `[\operatorname{softmax}(f)]_y`, `[z_1]_0` (a subscript on a subscript would mislead).
 */
export function entry(p: Printed, indices: string): string {
  const plain =
    p.prec >= Prec.Atom && !p.text.startsWith('\\frac') && ![...'_^([ '].some((c) => hasTopLevel(p.text, c));
  return `${plain ? p.text : delimit('[', ']', p.text)}${sub(indices)}`;
}

/** `[p, q]` when `v` is exactly the simple proper fraction p/q (q ≤ 8): 0.5 → [1, 2]. */
export function fraction(v: number): [number, number] | undefined {
  if (!(v > 0 && v < 1)) return undefined;
  for (let q = 2; q <= 8; q++) {
    const p = Math.round(v * q);
    if (p / q === v) return [p, q];
  }
  return undefined;
}

/** Whether `ch` occurs in LaTeX `text` outside every brace group. */
function hasTopLevel(text: string, ch: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ch && depth === 0) return true;
  }
  return false;
}

/**
 * Which argument of an elementwise product is a column broadcast across a matrix (0 or 1), so
 * that the product is diag(c) M, printed as such; undefined for other products.
 */
export function diagonalScalingColumn(n: Node): 0 | 1 | undefined {
  if (n.op !== 'mul') return undefined;
  const [x, y] = n.args as [Node, Node];
  const matrix = (s: Shape) => s.rows !== 1 && s.cols !== 1;
  const column = (s: Shape) => s.cols === 1 && s.rows !== 1;
  return column(x.shape) && matrix(y.shape) ? 0 : column(y.shape) && matrix(x.shape) ? 1 : undefined;
}
