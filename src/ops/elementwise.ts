/**
 * Elementwise functions of one argument. Each entry holds everything about the function:
 * its value, its derivative (in terms of the input x and the output y, so the gradient
 * reuses forward values), its LaTeX, and the TypeScript the code generator emits.
 */
import type { Graph } from '../ir/graph.js';
import type { Node, UnaryFn } from '../ir/node.js';
import { delimit } from './print.js';
import { Prec, type PrintContext, type Printed } from './types.js';

export interface UnaryDef {
  readonly fn: UnaryFn;
  /** Scalar semantics (constant folding). */
  readonly eval: (x: number) => number;
  /** f'(x) as an IR expression, given x and y = f(x); undefined when f' is 0 everywhere. */
  readonly derivative: (g: Graph, x: Node, y: Node) => Node | undefined;
  readonly latex: (arg: Printed, ctx: PrintContext, node: Node) => Printed;
  /** A TypeScript expression for f(x), with the helper functions it calls. */
  readonly ts: (x: string) => string;
  readonly helpers?: readonly string[];
  /** Where the function is differentiable and finite, for tests that sample inputs. */
  readonly domain: 'real' | 'positive' | 'open-unit';
}

const call = (op: string) => (arg: Printed, ctx: PrintContext): Printed => ({
  text: `${op}${delimit('(', ')', ctx.wrap(arg, Prec.Sum))}`,
  prec: Prec.Atom,
});

/**
 * Helper functions of generated modules; each is emitted once into a module that needs it.
 * Their names contain `$`, which formula names cannot, so they never collide.
 */
export const HELPERS: Record<string, string> = {
  sigmoid$: `function sigmoid$(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}`,
  softplus$: `function softplus$(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}`,
  sq$: `function sq$(x: number): number {
  return x * x;
}`,
};

const table: readonly UnaryDef[] = [
  {
    fn: 'exp',
    eval: Math.exp,
    derivative: (_g, _x, y) => y,
    latex: call('\\exp'),
    ts: (x) => `Math.exp(${x})`,
    domain: 'real',
  },
  {
    fn: 'log',
    eval: Math.log,
    derivative: (g, x) => g.div(g.constant(1), x),
    latex: call('\\log'),
    ts: (x) => `Math.log(${x})`,
    domain: 'positive',
  },
  {
    fn: 'sqrt',
    eval: Math.sqrt,
    derivative: (g, _x, y) => g.div(g.constant(0.5), y),
    latex: (arg, ctx) => ({ text: `\\sqrt{${ctx.wrap(arg, Prec.Sum)}}`, prec: Prec.Atom }),
    ts: (x) => `Math.sqrt(${x})`,
    domain: 'positive',
  },
  {
    fn: 'sin',
    eval: Math.sin,
    derivative: (g, x) => g.unary('cos', x),
    latex: call('\\sin'),
    ts: (x) => `Math.sin(${x})`,
    domain: 'real',
  },
  {
    fn: 'cos',
    eval: Math.cos,
    derivative: (g, x) => g.neg(g.unary('sin', x)),
    latex: call('\\cos'),
    ts: (x) => `Math.cos(${x})`,
    domain: 'real',
  },
  {
    fn: 'tan',
    eval: Math.tan,
    derivative: (g, _x, y) => g.add(g.constant(1), g.pow(y, g.constant(2))),
    latex: call('\\tan'),
    ts: (x) => `Math.tan(${x})`,
    domain: 'open-unit',
  },
  {
    fn: 'asin',
    eval: Math.asin,
    derivative: (g, x) => g.div(g.constant(1), g.unary('sqrt', g.sub(g.constant(1), g.pow(x, g.constant(2))))),
    latex: call('\\arcsin'),
    ts: (x) => `Math.asin(${x})`,
    domain: 'open-unit',
  },
  {
    fn: 'acos',
    eval: Math.acos,
    derivative: (g, x) =>
      g.neg(g.div(g.constant(1), g.unary('sqrt', g.sub(g.constant(1), g.pow(x, g.constant(2)))))),
    latex: call('\\arccos'),
    ts: (x) => `Math.acos(${x})`,
    domain: 'open-unit',
  },
  {
    fn: 'atan',
    eval: Math.atan,
    derivative: (g, x) => g.div(g.constant(1), g.add(g.constant(1), g.pow(x, g.constant(2)))),
    latex: call('\\arctan'),
    ts: (x) => `Math.atan(${x})`,
    domain: 'real',
  },
  {
    fn: 'tanh',
    eval: Math.tanh,
    derivative: (g, _x, y) => g.sub(g.constant(1), g.pow(y, g.constant(2))),
    latex: call('\\tanh'),
    ts: (x) => `Math.tanh(${x})`,
    domain: 'real',
  },
  {
    fn: 'sigmoid',
    eval: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    derivative: (g, _x, y) => g.mul(y, g.sub(g.constant(1), y)),
    latex: call('\\sigma'),
    ts: (x) => `sigmoid$(${x})`,
    helpers: ['sigmoid$'],
    domain: 'real',
  },
  {
    fn: 'relu',
    eval: (x) => (x > 0 ? x : 0),
    // relu'(0) = 0 (LANGUAGE.md 1.6): sign(relu(x)) is 1 where x > 0 and 0 elsewhere,
    // and reuses the forward value.
    derivative: (g, _x, y) => g.unary('sign', y),
    latex: call('\\operatorname{relu}'),
    ts: (x) => `Math.max(0, ${x})`,
    domain: 'real',
  },
  {
    fn: 'softplus',
    eval: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
    derivative: (g, x) => g.unary('sigmoid', x),
    latex: call('\\operatorname{softplus}'),
    ts: (x) => `softplus$(${x})`,
    helpers: ['softplus$'],
    domain: 'real',
  },
  {
    fn: 'abs',
    eval: Math.abs,
    // abs'(0) = 0 (LANGUAGE.md 1.6).
    derivative: (g, x) => g.unary('sign', x),
    latex: (arg, ctx) => ({ text: delimit('\\lvert ', '\\rvert', ctx.wrap(arg, Prec.Sum)), prec: Prec.Atom }),
    ts: (x) => `Math.abs(${x})`,
    domain: 'real',
  },
  {
    fn: 'sign',
    eval: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
    derivative: () => undefined,
    latex: (arg, ctx, node) => {
      // sign(relu(z)) is how relu' is written; show it as the indicator the handouts use.
      const inner = node.args[0]!;
      if (inner.op === 'unary' && inner.attrs.fn === 'relu') {
        return { text: `\\mathbb{1}${delimit('[', ']', `${ctx.wrap(ctx.node(inner.args[0]!), Prec.Sum)} > 0`)}`, prec: Prec.Atom };
      }
      return call('\\operatorname{sign}')(arg, ctx);
    },
    ts: (x) => `Math.sign(${x})`,
    domain: 'real',
  },
];

export const UNARY: Readonly<Record<UnaryFn, UnaryDef>> = Object.fromEntries(table.map((d) => [d.fn, d])) as Record<
  UnaryFn,
  UnaryDef
>;

/** Function names of the language that are elementwise, with their aliases (LANGUAGE.md 1.6). */
export const UNARY_NAMES: Readonly<Record<string, UnaryFn>> = {
  ...Object.fromEntries(table.map((d) => [d.fn, d.fn])),
  sigma: 'sigmoid',
  σ: 'sigmoid',
  ReLU: 'relu',
  arcsin: 'asin',
  arccos: 'acos',
  arctan: 'atan',
};
