/** Small helpers the ops' print rules share (formula syntax and LaTeX alike). */
import { Prec, type PrintContext, type Printed } from './types.js';

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

/** `\operatorname{name}\left(arg\right)` in LaTeX. */
export function lcall(op: string, args: readonly Printed[], ctx: PrintContext): Printed {
  return atom(`${op}\\left(${args.map((a) => ctx.wrap(a, Prec.Sum)).join(', ')}\\right)`);
}
