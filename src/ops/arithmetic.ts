/** Elementwise arithmetic with broadcasting (README, "The formula language"), and elementwise functions. */
import { constValue } from '../ir/constants.js';
import type { Node, OpName } from '../ir/node.js';
import { isScalar, sameShape } from '../ir/shape.js';
import { UNARY, unaryFn } from './elementwise.js';
import { diagonalScalingColumn, factor, fcall, fraction, sup, supBase } from './print-helpers.js';
import { elementwiseJvp } from './jvp.js';
import { anywhere, type OpDef, symmetricArguments } from './types.js';
import { broadcastReference } from './reference-types.js';
import { Prec, type PrintContext, type Printed } from './print-types.js';
import {
  addIdentities,
  addShape,
  divIdentities,
  divShape,
  mulIdentities,
  mulShape,
  powIdentities,
  powShape,
  unaryIdentities,
} from './arithmetic-identities.js';

/** The names of this file's primitives (see `OpNames`). */
declare module '../ir/node.js' {
  interface OpNames {
    add: true;
    mul: true;
    div: true;
    pow: true;
    unary: true;
  }
}

/** The term `n` with its sign taken off, when it is a negative multiple: `-c x` → `c x`. */
function negatedTerm(n: Node, ctx: PrintContext): Printed | undefined {
  if (n.op === 'const' && n.attrs.value! < 0) return { text: ctx.number(-n.attrs.value!), prec: Prec.Atom };
  if (n.op === 'mul') {
    const c = constValue(n.args[0]!);
    if (n.args[0]!.op === 'const' && c !== undefined && c < 0) {
      const rest = ctx.node(n.args[1]!);
      if (c === -1) return rest;
      return { text: `${ctx.number(-c)} ${factor(rest, ctx, Prec.Product)}`, prec: Prec.Product };
    }
  }
  return undefined;
}

function printSum(n: Node, a: readonly Printed[], ctx: PrintContext): Printed {
  const negated = negatedTerm(n.args[1]!, ctx);
  if (negated !== undefined) {
    // a - (-x) is a + x.
    if (negated.text.startsWith('-') && negated.prec >= Prec.Product && negated.prec < Prec.Atom) {
      return { text: `${ctx.wrap(a[0]!, Prec.Sum)} + ${negated.text.slice(1)}`, prec: Prec.Sum };
    }
    return { text: `${ctx.wrap(a[0]!, Prec.Sum)} - ${ctx.wrap(negated, Prec.Product)}`, prec: Prec.Sum };
  }
  // A product printed with a leading minus, `-c x y`, is -(c x y): subtract it instead.
  const right = a[1]!;
  if (right.text.startsWith('-') && right.prec >= Prec.Product && right.prec < Prec.Atom) {
    return { text: `${ctx.wrap(a[0]!, Prec.Sum)} - ${right.text.slice(1)}`, prec: Prec.Sum };
  }
  return { text: `${ctx.wrap(a[0]!, Prec.Sum)} + ${factor(a[1]!, ctx, Prec.Product)}`, prec: Prec.Sum };
}

/** In LaTeX a matrix product left of `\\odot` or `\\oslash` is grouped, `(V^\\top d) \\odot s`. */
function groupMatmul(n: Node, a: readonly Printed[]): readonly Printed[] {
  const [x, y] = n.args as [Node, Node];
  const matrices = !isScalar(x.shape) && !isScalar(y.shape);
  return matrices && x.op === 'matmul' && a[0]!.prec < Prec.Atom ? [{ text: a[0]!.text, prec: Prec.Sum }, a[1]!] : a;
}

export const add: OpDef = {
  name: 'add',
  functions: [],
  build: (g, args) => g.add(args[0]!, args[1]!),
  identities: addIdentities,
  shape: addShape,
  vjp: (n, adj, g, needed) => n.args.map((arg, i) => (needed[i] ? g.unbroadcast(adj, arg.shape) : undefined)),
  jvp: elementwiseJvp((n, g) => n.args.map(() => g.constant(1))),
  formula: printSum,
  latex: (n, a, ctx) => {
    // x + -y is x - y, and x - -y is x + y (LaTeX text that starts with a sign is `-` and a product).
    const negated = negatedTerm(n.args[1]!, ctx);
    let sign = negated === undefined ? '+' : '-';
    let term = ctx.wrap(negated ?? a[1]!, Prec.Product);
    if (term.startsWith('-')) {
      sign = sign === '+' ? '-' : '+';
      term = term.slice(1);
    }
    return { text: `${ctx.wrap(a[0]!, Prec.Sum)} ${sign} ${term}`, prec: Prec.Sum };
  },
  reference: broadcastReference((m, a, b) => m.add(a, b)),
  // S + T of symmetric S and T, and A + Aᵀ.
  symmetric: (n, q) => {
    const [a, b] = n.args as [Node, Node];
    return (q.argument(a) && q.argument(b)) || (sameShape(a.shape, b.shape) && q.transposeOf(b, a));
  },
  argumentDomains: anywhere,
  lower: {
    kind: 'elementwise',
    scalar: (n, [a, b]) => {
      // a + (-b) reads better, and runs no slower, as a - b.
      const right = n.args[1]!;
      if (
        right.op === 'mul' &&
        right.args[0]!.op === 'const' &&
        right.args[0]!.attrs.value === -1 &&
        b!.startsWith('(-')
      ) {
        return `(${a} - ${b!.slice(2, -1)})`;
      }
      return `(${a} + ${b})`;
    },
    scales: false,
  },
};

/**
 * Whether `n` is a Hadamard product whose printed form is a chain of `.*` between operands
 * that bind tighter than a product, so that it needs no parentheses right of another `.*`.
 */
function isHadamardChain(n: Node, ctx: PrintContext): boolean {
  if (n.op !== 'mul' || isScalar(n.args[0]!.shape) || isScalar(n.args[1]!.shape)) return false;
  if (ctx.node(n).prec > Prec.Product) return true; // printed by name
  // diag(c) M is a matrix product: on the right of .* it needs parentheses.
  if (ctx.diagonalScaling && diagonalScalingColumn(n) !== undefined) return false;
  const left = n.args[0]!;
  return ctx.node(left).prec > Prec.Product || isHadamardChain(left, ctx);
}

/** `1 / s` of a scalar s, as the smart constructors build it. */
function isReciprocal(n: Node): boolean {
  return n.op === 'div' && isScalar(n.shape) && n.args[0]!.op === 'const' && constValue(n.args[0]!) === 1;
}

/**
 * A number times a scalar quotient joins its fraction, as a book writes it: 2 (λ / σ) is
 * \frac{2 \lambda}{\sigma}, 0.5 (a / b) is \frac{a}{2 b}.
 */
function numberIntoFraction(n: Node, ctx: PrintContext): Printed | undefined {
  const [x, y] = n.args as [Node, Node];
  const c = constValue(x);
  if (
    x.op !== 'const' ||
    c === undefined ||
    c <= 0 ||
    c === 1 ||
    !isScalar(y.shape) ||
    y.op !== 'div' ||
    !ctx.node(y).text.startsWith('\\frac{')
  )
    return undefined;
  const ratio = Number.isInteger(c) ? ([c, 1] as [number, number]) : fraction(c);
  if (ratio === undefined) return undefined;
  const [p, q] = ratio;
  const top = y.args[0]!;
  const bottom = y.args[1]!;
  if (
    !isScalar(top.shape) ||
    !isScalar(bottom.shape) ||
    top.op === 'div' ||
    bottom.op === 'div' ||
    constValue(bottom) !== undefined
  )
    return undefined;
  if (constValue(top) !== undefined && constValue(top) !== 1) return undefined;
  const numerator =
    constValue(top) === 1
      ? String(p)
      : p === 1
        ? ctx.wrap(ctx.node(top), Prec.Sum)
        : `${p} ${factor(ctx.node(top), ctx, Prec.Product)}`;
  const denominator =
    q === 1 ? ctx.wrap(ctx.node(bottom), Prec.Sum) : `${q} ${factor(ctx.node(bottom), ctx, Prec.Product)}`;
  return { text: `\\frac{${numerator}}{${denominator}}`, prec: Prec.Atom };
}

/** `-x`, `c x` (a scalar scales), or `a .* b` / `a \odot b`. */
function printProduct(hadamard: string) {
  return (n: Node, a: readonly Printed[], ctx: PrintContext): Printed => {
    const [x, y] = n.args as [Node, Node];
    if (x.op === 'const' && x.attrs.value === -1) {
      // -(a b) reads as -a b: a product is linear in its first factor.
      const y = a[1]!;
      if (y.prec === Prec.Product && !y.text.startsWith('-')) return { text: `-${y.text}`, prec: Prec.Product };
      return { text: `-${ctx.wrap(y, Prec.Unary)}`, prec: Prec.Unary };
    }
    if (isScalar(x.shape) || isScalar(y.shape)) {
      // (1 / s) x is x / s when x is a name or a call: x / f, b / (||a|| ||b||).
      if (isReciprocal(x) && !isScalar(y.shape) && a[0]!.prec === Prec.Product && a[1]!.prec >= Prec.Postfix) {
        return { text: `${a[1]!.text} / ${factor(ctx.node(x.args[1]!), ctx, Prec.Unary)}`, prec: Prec.Product };
      }
      return { text: `${ctx.wrap(a[0]!, Prec.Product)} ${factor(a[1]!, ctx, Prec.Product)}`, prec: Prec.Product };
    }
    // Hadamard products associate, so a Hadamard product on the right goes without
    // parentheses, but only if it reads as one when the line is read left to right: in
    // `P .* (ones(n) y^T .* Q)` they must stay, or it would read as `(P .* ones(n)) y^T .* Q`.
    const rightMin = isHadamardChain(y, ctx) ? Prec.Product : Prec.Unary;
    return { text: `${ctx.wrap(a[0]!, Prec.Product)} ${hadamard} ${factor(a[1]!, ctx, rightMin)}`, prec: Prec.Product };
  };
}

/**
 * A column times a matrix, broadcast across the matrix's columns, is the matrix scaled row by
 * row: written diag(c) M, as a textbook writes the Jacobian of an elementwise layer.
 */
function diagonalScaling(name: string) {
  return (n: Node, a: readonly Printed[], ctx: PrintContext): Printed | undefined => {
    const k = ctx.diagonalScaling ? diagonalScalingColumn(n) : undefined;
    if (k === undefined) return undefined;
    const rest = n.args[1 - k]!;
    return {
      text: `${name}(${ctx.wrap(a[k]!, Prec.Sum)}) ${factor(a[1 - k]!, ctx, rest.op === 'matmul' ? Prec.Product : Prec.Unary)}`,
      prec: Prec.Product,
    };
  };
}

export const mul: OpDef = {
  name: 'mul',
  functions: [],
  build: (g, args) => g.mul(args[0]!, args[1]!),
  identities: mulIdentities,
  shape: mulShape,
  vjp: (n, adj, g, needed) => {
    const [a, b] = n.args as [Node, Node];
    return [
      needed[0] ? g.unbroadcast(g.mul(adj, b), a.shape) : undefined,
      needed[1] ? g.unbroadcast(g.mul(adj, a), b.shape) : undefined,
    ];
  },
  jvp: elementwiseJvp((n) => [n.args[1]!, n.args[0]!]),
  formula: (n, a, ctx) => diagonalScaling('diag')(n, a, ctx) ?? printProduct('.*')(n, a, ctx),
  latex: (n, a, ctx) => {
    const x = n.args[0]!;
    if (x.op === 'const' && x.attrs.value === -1) {
      // -(y \sigma(z)) is (-y) \sigma(z): a product needs no parentheses after the sign;
      // and -(-x) is x (LaTeX text that starts with a sign is `-` and a product).
      const text = ctx.wrap(a[1]!, Prec.Product);
      return text.startsWith('-')
        ? { text: text.slice(1), prec: Prec.Product }
        : { text: `-${text}`, prec: Prec.Unary };
    }
    // \frac{1}{s} x is \frac{x}{s} when x is a name or a call: \frac{x}{\lVert x\rVert}.
    const y = n.args[1]!;
    if (isReciprocal(x) && !isScalar(y.shape) && a[0]!.text.startsWith('\\frac{1}{') && a[1]!.prec >= Prec.Postfix) {
      return { text: `\\frac{${a[1]!.text}}{${ctx.wrap(ctx.node(x.args[1]!), Prec.Sum)}}`, prec: Prec.Atom };
    }
    const joined = numberIntoFraction(n, ctx);
    if (joined !== undefined) return joined;
    if (isScalar(x.shape)) {
      // A number followed by a number would read as one: 2 \cdot 10^{-3}.
      const left = ctx.wrap(a[0]!, Prec.Product);
      const right = factor(a[1]!, ctx, Prec.Product);
      if (/[0-9.]$/.test(left) && /^[0-9.]/.test(right)) return { text: `${left} \\cdot ${right}`, prec: Prec.Product };
    }
    const scaled = diagonalScaling('\\operatorname{diag}')(n, a, ctx);
    return scaled ?? printProduct('\\odot')(n, groupMatmul(n, a), ctx);
  },
  reference: broadcastReference((m, a, b) => m.dotMultiply(a, b)),
  symmetric: symmetricArguments,
  argumentDomains: anywhere,
  lower: {
    kind: 'elementwise',
    scalar: (n, [a, b]) => (n.args[0]!.op === 'const' && n.args[0]!.attrs.value === -1 ? `(-${b})` : `(${a} * ${b})`),
    scales: true,
  },
};

export const div: OpDef = {
  name: 'div',
  functions: [],
  build: (g, args) => g.div(args[0]!, args[1]!),
  identities: divIdentities,
  shape: divShape,
  vjp: (n, adj, g, needed) => {
    const [a, b] = n.args as [Node, Node];
    return [
      needed[0] ? g.unbroadcast(g.div(adj, b), a.shape) : undefined,
      // d(a/b)/db = -(a/b)/b, reusing the quotient.
      needed[1] ? g.unbroadcast(g.neg(g.div(g.mul(adj, n), b)), b.shape) : undefined,
    ];
  },
  jvp: elementwiseJvp((n, g, needed) => {
    const b = n.args[1]!;
    return [needed[0] ? g.div(g.constant(1), b) : undefined, needed[1] ? g.neg(g.div(n, b)) : undefined];
  }),
  formula: (n, a, ctx) => {
    const y = n.args[1]!;
    // A quotient of matrices is elementwise: written ./ as a book writes x ./ sqrt(1 + x .* x).
    const op = isScalar(y.shape) ? '/' : './';
    return { text: `${ctx.wrap(a[0]!, Prec.Product)} ${op} ${factor(a[1]!, ctx, Prec.Unary)}`, prec: Prec.Product };
  },
  latex: (n, a, ctx) => {
    if (isScalar(n.args[1]!.shape)) {
      // A negative numerator goes in front: -\frac{1}{m}, not \frac{-1}{m}.
      const negated = negatedTerm(n.args[0]!, ctx);
      const numerator = negated ?? a[0]!;
      // 0.5 / y is \frac{1}{2 y}, not a fraction over a fraction.
      const c = constValue(n.args[0]!);
      const f = c === undefined ? undefined : fraction(Math.abs(c));
      // (p / q) / y is \frac{p}{q y}: no fraction over a fraction.
      const inner = n.args[0]!;
      const nested =
        negated === undefined &&
        inner.op === 'div' &&
        isScalar(inner.args[1]!.shape) &&
        numerator.text.startsWith('\\frac');
      const text = nested
        ? `\\frac{${ctx.wrap(ctx.node(inner.args[0]!), Prec.Sum)}}{${factor(ctx.node(inner.args[1]!), ctx, Prec.Product)} ${factor(a[1]!, ctx, Prec.Product)}}`
        : f !== undefined && n.args[0]!.op === 'const'
          ? `\\frac{${f[0]}}{${f[1]} ${factor(a[1]!, ctx, Prec.Product)}}`
          : `\\frac{${ctx.wrap(numerator, Prec.Sum)}}{${ctx.wrap(a[1]!, Prec.Sum)}}`;
      return negated === undefined ? { text, prec: Prec.Atom } : { text: `-${text}`, prec: Prec.Unary };
    }
    return {
      text: `${ctx.wrap(groupMatmul(n, a)[0]!, Prec.Product)} \\oslash ${factor(a[1]!, ctx, Prec.Unary)}`,
      prec: Prec.Product,
    };
  },
  reference: broadcastReference((m, a, b) => m.dotDivide(a, b)),
  symmetric: symmetricArguments,
  // A divisor away from 0.
  argumentDomains: () => [undefined, 'nonzero'],
  lower: { kind: 'elementwise', scalar: (_n, [a, b]) => `(${a} / ${b})`, scales: false },
};

export const pow: OpDef = {
  name: 'pow',
  functions: [],
  build: (g, args) => g.pow(args[0]!, args[1]!),
  identities: powIdentities,
  shape: powShape,
  vjp: (n, adj, g, needed) => {
    const [a, b] = n.args as [Node, Node];
    return [
      needed[0] ? g.unbroadcast(g.mul(adj, g.mul(b, g.pow(a, g.sub(b, g.constant(1))))), a.shape) : undefined,
      needed[1] ? g.unbroadcast(g.mul(adj, g.mul(n, g.unary('log', a))), b.shape) : undefined,
    ];
  },
  jvp: elementwiseJvp((n, g, needed) => {
    const [a, b] = n.args as [Node, Node];
    return [
      needed[0] ? g.mul(b, g.pow(a, g.sub(b, g.constant(1)))) : undefined,
      needed[1] ? g.mul(n, g.unary('log', a)) : undefined,
    ];
  }),
  formula: (n, a, ctx) => {
    // `^` only between scalars: a scalar base with a vector exponent is elementwise too.
    const op = isScalar(n.shape) ? '^' : ' .^ ';
    // `s^T` always reads as a transpose (README, "The formula language"), so an exponent named T is parenthesised.
    const e = factor(a[1]!, ctx, Prec.Power);
    const exponent = op === '^' && /^T(?![\p{L}\p{M}\p{Nd}_])/u.test(e) ? `(${e})` : e;
    return { text: `${ctx.wrap(a[0]!, Prec.Postfix)}${op}${exponent}`, prec: Prec.Power };
  },
  latex: (n, a, ctx) => {
    // Elementwise powers of matrices are Hadamard powers: h^{\odot 2}.
    const hadamard = isScalar(n.shape) ? '' : '\\odot ';
    return { text: `${supBase(a[0]!)}${sup(`${hadamard}${ctx.wrap(a[1]!, Prec.Sum)}`)}`, prec: Prec.Power };
  },
  reference: broadcastReference((m, a, b) => m.dotPow(a, b)),
  // A base under a fractional or variable exponent is positive (negative bases give NaN).
  symmetric: symmetricArguments,
  argumentDomains: (n) => {
    const e = n.args[1]!;
    return e.op === 'const' && Number.isInteger(e.attrs.value) ? [] : ['positive', undefined];
  },
  lower: {
    kind: 'elementwise',
    scalar: (n, [a, b], ctx) => {
      const exponent = n.args[1]!;
      if (exponent.op === 'const' && exponent.attrs.value === 2) {
        ctx.useHelper('sq$');
        return `sq$(${a})`;
      }
      if (exponent.op === 'const' && exponent.attrs.value === 0.5) return `Math.sqrt(${a})`;
      return `Math.pow(${a}, ${b})`;
    },
    scales: false,
  },
};

export const unary: OpDef = {
  name: 'unary',
  functions: [], // elementwise functions are declared in UNARY (elementwise.ts)
  build: (g, args, attrs) => g.unary(unaryFn(attrs.fn), args[0]!),
  identities: unaryIdentities,
  shape: (args) => args[0]!,
  vjp: (n, adj, g, needed) => {
    if (!needed[0]) return [undefined];
    const d = UNARY[unaryFn(n.attrs.fn)].derivative(g, n.args[0]!, n);
    return [d === undefined ? undefined : g.mul(adj, d)];
  },
  jvp: elementwiseJvp((n, g) => [UNARY[unaryFn(n.attrs.fn)].derivative(g, n.args[0]!, n)]),
  formula: (n, a, ctx) => fcall(n.attrs.fn!, a, ctx),
  latex: (n, a, ctx) => UNARY[unaryFn(n.attrs.fn)].latex(a[0]!, ctx, n),
  // The entry's `reference`: a mathjs function by name, or its own plain definition.
  reference: ([x], { node, math }) => {
    const reference = UNARY[unaryFn(node.attrs.fn)].reference;
    return math.map(x!, typeof reference === 'string' ? math.scalarFunction(reference) : reference);
  },
  // The function's own domain, or away from its kink at 0.
  symmetric: symmetricArguments,
  argumentDomains: (n) => {
    const f = UNARY[unaryFn(n.attrs.fn)];
    return [f.kinkAtZero ? 'nonzero' : f.domain === 'real' ? undefined : f.domain];
  },
  lower: {
    kind: 'elementwise',
    // The function's own entry holds its TypeScript and the helpers that calls.
    scalar: (n, [a], ctx) => {
      const def = UNARY[unaryFn(n.attrs.fn)];
      const form = ctx.single && def.single !== undefined ? def.single : def;
      for (const h of form.helpers ?? []) ctx.useHelper(h);
      return form.ts(a!);
    },
    scales: false,
  },
};

/** This file's primitives, gathered into `OPS` by src/ops/index.ts. */
export const ARITHMETIC_OPS = { add, mul, div, pow, unary } satisfies Partial<Record<OpName, OpDef>>;
