/**
 * Prints IR expressions in formula syntax (what `gradc derive` shows, and the parser reads
 * back) or in LaTeX, through each op's print rule, with only the parentheses needed.
 * Nodes that are the user's definitions print as their names.
 */
import type { Node } from '../ir/node.js';
import { dimFactors } from '../ir/shape.js';
import { OPS } from '../ops/index.js';
import { delimit } from '../ops/print-helpers.js';
import { Prec, type PrintContext, type Printed } from '../ops/print-types.js';
import { latexName } from './names.js';

export type Style = 'formula' | 'latex';

/** Shortest text that reads back as the same number. */
function formatNumber(v: number, style: Style): string {
  if (v === Math.PI) return style === 'latex' ? '\\pi' : 'pi';
  const text = String(v);
  if (style === 'latex') {
    const m = /^([0-9.]+)e([+-])([0-9]+)$/.exec(text);
    if (m !== null) return `${m[1]} \\cdot 10^{${m[2] === '-' ? '-' : ''}${m[3]}}`;
  }
  return text.replace('e+', 'e');
}

export class Printer {
  private readonly memo = new Map<number, Printed>();
  private readonly ctx: PrintContext;

  constructor(
    readonly style: Style,
    /** Nodes shown by name: usually the definitions (id → name). */
    private readonly names: ReadonlyMap<number, string> = new Map(),
    options: { readonly diagonalScaling?: boolean } = {},
  ) {
    const latex = style === 'latex';
    this.ctx = {
      diagonalScaling: options.diagonalScaling === true,
      wrap: (p, min) => (p.prec >= min ? p.text : latex ? delimit('(', ')', p.text) : `(${p.text})`),
      // A product of dimensions reads `m n` in LaTeX; formula rules write it with kron (never `m*n`).
      dim: (d) => {
        if (typeof d === 'number') return String(d);
        const { coefficient, names } = dimFactors(d);
        const parts = [
          ...(coefficient === 1 ? [] : [String(coefficient)]),
          ...names.map((x) => (latex ? latexName(x) : x)),
        ];
        return parts.join(latex ? ' ' : '*');
      },
      name: (n) => (latex ? latexName(n) : n),
      number: (v) => formatNumber(v, style),
      node: (n) => this.print(n),
    };
  }

  /** `n` printed; a named node prints as its name. */
  print(n: Node): Printed {
    // Leaves print as themselves: a definition `t = 1` is the same node as every literal 1,
    // and `onehot(t, n)` or `x[t]` would not read back.
    const name = n.args.length > 0 ? this.names.get(n.id) : undefined;
    if (name !== undefined) return { text: this.ctx.name(name), prec: Prec.Atom };
    return this.expand(n);
  }

  /** `n` printed from its definition even if it has a name (for `name = ...` lines). */
  expand(n: Node): Printed {
    const done = this.memo.get(n.id);
    if (done !== undefined) return done;
    this.prepare(n);
    const args = n.args.map((a) => this.print(a));
    const op = OPS[n.op];
    const printed = this.style === 'latex' ? op.latex(n, args, this.ctx) : op.formula(n, args, this.ctx);
    this.memo.set(n.id, printed);
    return printed;
  }

  /** Prints everything below `n` bottom-up first, so deep graphs do not recurse deeply. */
  private prepare(root: Node): void {
    const seen = new Set<number>();
    const order: Node[] = [];
    const stack = [...root.args];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n.id) || this.memo.has(n.id)) continue;
      seen.add(n.id);
      order.push(n);
      for (const a of n.args) stack.push(a);
    }
    order.sort((a, b) => a.id - b.id);
    for (const n of order) if (!this.memo.has(n.id)) this.memo.set(n.id, this.expandArgs(n));
  }

  private expandArgs(n: Node): Printed {
    const args = n.args.map((a) => this.print(a));
    const op = OPS[n.op];
    return this.style === 'latex' ? op.latex(n, args, this.ctx) : op.formula(n, args, this.ctx);
  }

  text(n: Node): string {
    return this.print(n).text;
  }
}
