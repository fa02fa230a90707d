/** Elementwise arithmetic with broadcasting (LANGUAGE.md 1.4), and elementwise functions. */
import { constValue } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { broadcastShapes, describeShape, isScalar, sameShape, type Shape } from '../ir/shape.js';
import { ShapeError } from '../syntax/errors.js';
import { UNARY } from './elementwise.js';
import { factor, fcall } from './print.js';
import { Prec, type OpDef, type PrintContext, type Printed } from './types.js';

function elementwiseShape(verb: string) {
  return (args: readonly Shape[]): Shape => {
    const [a, b] = args as [Shape, Shape];
    const s = broadcastShapes(a, b);
    if (s === undefined) {
      throw new ShapeError(
        `cannot ${verb} ${describeShape(a)} and ${describeShape(b)}: the shapes differ and do not broadcast`,
      );
    }
    return s;
  };
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
  if (negated !== undefined) return { text: `${ctx.wrap(a[0]!, Prec.Sum)} - ${ctx.wrap(negated, Prec.Product)}`, prec: Prec.Sum };
  return { text: `${ctx.wrap(a[0]!, Prec.Sum)} + ${factor(a[1]!, ctx, Prec.Product)}`, prec: Prec.Sum };
}

export const add: OpDef = {
  name: 'add',
  build: (g, args) => g.add(args[0]!, args[1]!),
  shape: elementwiseShape('add'),
  vjp: (n, adj, g, needed) => n.args.map((arg, i) => (needed[i] ? g.unbroadcast(adj, arg.shape) : undefined)),
  formula: printSum,
  latex: printSum,
};

/** `-x`, `c x` (a scalar scales), or `a .* b` / `a \odot b`. */
function printProduct(hadamard: string) {
  return (n: Node, a: readonly Printed[], ctx: PrintContext): Printed => {
    const [x, y] = n.args as [Node, Node];
    if (x.op === 'const' && x.attrs.value === -1) return { text: `-${ctx.wrap(a[1]!, Prec.Unary)}`, prec: Prec.Unary };
    if (isScalar(x.shape) || isScalar(y.shape)) {
      return { text: `${ctx.wrap(a[0]!, Prec.Product)} ${factor(a[1]!, ctx, Prec.Product)}`, prec: Prec.Product };
    }
    // Hadamard products associate; anything else on the right needs parentheses.
    const rightMin = y.op === 'mul' && !isScalar(y.args[0]!.shape) ? Prec.Product : Prec.Unary;
    return { text: `${ctx.wrap(a[0]!, Prec.Product)} ${hadamard} ${factor(a[1]!, ctx, rightMin)}`, prec: Prec.Product };
  };
}

export const mul: OpDef = {
  name: 'mul',
  build: (g, args) => g.mul(args[0]!, args[1]!),
  shape: elementwiseShape('multiply elementwise'),
  vjp: (n, adj, g, needed) => {
    const [a, b] = n.args as [Node, Node];
    return [
      needed[0] ? g.unbroadcast(g.mul(adj, b), a.shape) : undefined,
      needed[1] ? g.unbroadcast(g.mul(adj, a), b.shape) : undefined,
    ];
  },
  formula: printProduct('.*'),
  latex: printProduct('\\odot'),
};

export const div: OpDef = {
  name: 'div',
  build: (g, args) => g.div(args[0]!, args[1]!),
  shape: elementwiseShape('divide'),
  vjp: (n, adj, g, needed) => {
    const [a, b] = n.args as [Node, Node];
    return [
      needed[0] ? g.unbroadcast(g.div(adj, b), a.shape) : undefined,
      // d(a/b)/db = -(a/b)/b, reusing the quotient.
      needed[1] ? g.unbroadcast(g.neg(g.div(g.mul(adj, n), b)), b.shape) : undefined,
    ];
  },
  formula: (n, a, ctx) => {
    const [x, y] = n.args as [Node, Node];
    const op = isScalar(y.shape) || sameShape(x.shape, y.shape) ? '/' : './';
    return { text: `${ctx.wrap(a[0]!, Prec.Product)} ${op} ${factor(a[1]!, ctx, Prec.Unary)}`, prec: Prec.Product };
  },
  latex: (n, a, ctx) => {
    if (isScalar(n.args[1]!.shape)) return { text: `\\frac{${ctx.wrap(a[0]!, Prec.Sum)}}{${ctx.wrap(a[1]!, Prec.Sum)}}`, prec: Prec.Atom };
    return { text: `${ctx.wrap(a[0]!, Prec.Product)} \\oslash ${factor(a[1]!, ctx, Prec.Unary)}`, prec: Prec.Product };
  },
};

export const pow: OpDef = {
  name: 'pow',
  build: (g, args) => g.pow(args[0]!, args[1]!),
  shape: elementwiseShape('raise'),
  vjp: (n, adj, g, needed) => {
    const [a, b] = n.args as [Node, Node];
    return [
      needed[0] ? g.unbroadcast(g.mul(adj, g.mul(b, g.pow(a, g.sub(b, g.constant(1))))), a.shape) : undefined,
      needed[1] ? g.unbroadcast(g.mul(adj, g.mul(n, g.unary('log', a))), b.shape) : undefined,
    ];
  },
  formula: (n, a, ctx) => {
    const op = isScalar(n.args[0]!.shape) ? '^' : ' .^ ';
    return { text: `${ctx.wrap(a[0]!, Prec.Postfix)}${op}${factor(a[1]!, ctx, Prec.Power)}`, prec: Prec.Power };
  },
  latex: (n, a, ctx) => {
    const hadamard = isScalar(n.args[0]!.shape) ? '' : '\\odot ';
    return { text: `${ctx.wrap(a[0]!, Prec.Postfix)}^{${hadamard}${ctx.wrap(a[1]!, Prec.Sum)}}`, prec: Prec.Power };
  },
};

export const unary: OpDef = {
  name: 'unary',
  build: (g, args, attrs) => g.unary(attrs.fn!, args[0]!),
  shape: (args) => args[0]!,
  vjp: (n, adj, g, needed) => {
    if (!needed[0]) return [undefined];
    const d = UNARY[n.attrs.fn!].derivative(g, n.args[0]!, n);
    return [d === undefined ? undefined : g.mul(adj, d)];
  },
  formula: (n, a, ctx) => fcall(n.attrs.fn!, a, ctx),
  latex: (n, a, ctx) => UNARY[n.attrs.fn!].latex(a[0]!, ctx, n),
};
