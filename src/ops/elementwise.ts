/**
 * Elementwise functions of one argument. Each entry holds everything about the function:
 * its value, its derivative (in terms of the input x and the output y, so the gradient
 * reuses forward values), its LaTeX, and the TypeScript the code generator emits.
 */
import type { Node } from '../ir/node.js';
import { delimit } from './print-helpers.js';
import { Prec, type PrintContext, type Printed } from './print-types.js';

/** The smart constructors a derivative of an elementwise function is written with (a part of ops/types.ts Builder). */
export interface UnaryBuilder {
  constant(value: number): Node;
  add(a: Node, b: Node): Node;
  sub(a: Node, b: Node): Node;
  neg(a: Node): Node;
  mul(a: Node, b: Node): Node;
  div(a: Node, b: Node): Node;
  pow(a: Node, b: Node): Node;
  unary(fn: UnaryFn, a: Node): Node;
}

/** Where a function is differentiable and finite: where test inputs under it are drawn (src/check/random.ts). */
export type UnaryDomain = 'real' | 'positive' | 'open-unit';

/** mathjs's scalar functions that the reference evaluator (src/check/reference.ts) may name. */
export type MathjsFunction =
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'tanh'
  | 'abs'
  | 'log1p'
  | 'expm1'
  | 'cosh'
  | 'sinh';

export interface UnaryDef {
  /** Other names users write for the function (README, "The formula language"); its own name is its key in UNARY. */
  readonly aliases: readonly string[];
  /** Scalar semantics (constant folding). */
  readonly eval: (x: number) => number;
  /** f'(x) as an IR expression, given x and y = f(x); undefined when f' is 0 everywhere. */
  readonly derivative: (g: UnaryBuilder, x: Node, y: Node) => Node | undefined;
  readonly latex: (arg: Printed, ctx: PrintContext, node: Node) => Printed;
  /** A TypeScript expression for f(x), with the helper functions it calls. */
  readonly ts: (x: string) => string;
  readonly helpers?: readonly ElementwiseHelper[];
  /**
   * f in a single-precision module, where it has a faster form accurate to float32 (a few units
   * in the last place of a float32, where `ts` is accurate to a float64's).
   */
  readonly single?: { readonly ts: (x: string) => string; readonly helpers: readonly ElementwiseHelper[] };
  /**
   * f as the reference evaluator computes it, independently of `eval` and `ts`: the name of a
   * mathjs function, or a plain definition where mathjs has none.
   */
  readonly reference: MathjsFunction | ((x: number) => number);
  /** Where f is differentiable and finite: test inputs read directly by f are drawn there. */
  readonly domain: UnaryDomain;
  /** f has a kink at 0 (relu, abs, sign): test inputs read directly by f are drawn away from 0. */
  readonly kinkAtZero: boolean;
}

const call =
  (op: string) =>
  (arg: Printed, ctx: PrintContext): Printed => ({
    text: `${op}${delimit('(', ')', ctx.wrap(arg, Prec.Sum))}`,
    prec: Prec.Atom,
  });

/** `1 + x` in LaTeX: `1 - y` when x prints with a leading minus (`-y`, `-2 y`), `1 + (-a + b)` for a sum that does. */
function onePlus(arg: Printed, ctx: PrintContext): string {
  const text = ctx.wrap(arg, Prec.Sum);
  if (!text.startsWith('-')) return `1 + ${text}`;
  return arg.prec >= Prec.Product && arg.prec < Prec.Atom ? `1 - ${text.slice(1)}` : `1 + (${text})`;
}

/**
 * Helper functions of generated modules; each is emitted once into a module that needs it.
 * Their names contain `$`, which formula names cannot, so they never collide.
 */
export const HELPERS = {
  sigmoid$: `function sigmoid$(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}`,
  softplus$: `function softplus$(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}`,
  // tanh to float32 accuracy (at most 3 units in the last place of a float32, measured over
  // [-20, 20]): a 13/6-degree rational function of x, with the coefficients of Eigen's float tanh
  // (a minimax fit on [-9, 9]; beyond, tanh is ±1 in float32).
  tanhf$: `function tanhf$(x: number): number {
  const c = x > 9 ? 9 : x < -9 ? -9 : x;
  const x2 = c * c;
  const p =
    c *
    (4.89352455891786e-3 +
      x2 *
        (6.37261928875436e-4 +
          x2 *
            (1.48572235717979e-5 +
              x2 * (5.12229709037114e-8 + x2 * (-8.60467152213735e-11 + x2 * (2.00018790482477e-13 + x2 * -2.76076847742355e-16))))));
  const q = 4.89352518554385e-3 + x2 * (2.268434632439e-3 + x2 * (1.18534705686654e-4 + x2 * 1.19825839466702e-6));
  return p / q;
}`,
  sq$: `function sq$(x: number): number {
  return x * x;
}`,
} satisfies Record<string, string>;

/** A helper function of HELPERS. */
export type ElementwiseHelper = keyof typeof HELPERS;

/**
 * The reference evaluator's σ and softplus (mathjs has neither), written apart from the
 * generated code's helpers: stable forms that never take exp of a large positive number.
 */
function referenceSigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function referenceSoftplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * Every elementwise function, by name. `UnaryFn` is its key type, so a function is added here
 * and nowhere else; `satisfies` makes a missing field a compile error. A derivative that builds
 * another elementwise function declares its return type (`: Node`): TypeScript cannot infer a
 * type through the table whose type it is inferring.
 */
const table = {
  exp: {
    aliases: [],
    eval: Math.exp,
    derivative: (_g, _x, y) => y,
    latex: call('\\exp'),
    ts: (x) => `Math.exp(${x})`,
    reference: 'exp',
    domain: 'real',
    kinkAtZero: false,
  },
  expm1: {
    aliases: [],
    eval: Math.expm1,
    derivative: (g, x): Node => g.unary('exp', x),
    // exp(x) - 1, accurate where x is near 0: written as a textbook writes it.
    latex: (arg, ctx) => ({ text: `${call('\\exp')(arg, ctx).text} - 1`, prec: Prec.Sum }),
    ts: (x) => `Math.expm1(${x})`,
    reference: 'expm1',
    domain: 'real',
    kinkAtZero: false,
  },
  log: {
    aliases: [],
    eval: Math.log,
    derivative: (g, x) => g.div(g.constant(1), x),
    latex: call('\\log'),
    ts: (x) => `Math.log(${x})`,
    reference: 'log',
    domain: 'positive',
    kinkAtZero: false,
  },
  log1p: {
    aliases: [],
    eval: Math.log1p,
    derivative: (g, x) => g.div(g.constant(1), g.add(g.constant(1), x)),
    // log(1 + x), accurate where x is near 0: written as a textbook writes it.
    latex: (arg, ctx) => call('\\log')({ text: onePlus(arg, ctx), prec: Prec.Sum }, ctx),
    ts: (x) => `Math.log1p(${x})`,
    reference: 'log1p',
    // Defined for x > -1; test inputs under it are drawn positive.
    domain: 'positive',
    kinkAtZero: false,
  },
  sqrt: {
    aliases: [],
    eval: Math.sqrt,
    derivative: (g, _x, y) => g.div(g.constant(0.5), y),
    latex: (arg, ctx) => ({ text: `\\sqrt{${ctx.wrap(arg, Prec.Sum)}}`, prec: Prec.Atom }),
    ts: (x) => `Math.sqrt(${x})`,
    reference: 'sqrt',
    domain: 'positive',
    kinkAtZero: false,
  },
  sin: {
    aliases: [],
    eval: Math.sin,
    derivative: (g, x): Node => g.unary('cos', x),
    latex: call('\\sin'),
    ts: (x) => `Math.sin(${x})`,
    reference: 'sin',
    domain: 'real',
    kinkAtZero: false,
  },
  cos: {
    aliases: [],
    eval: Math.cos,
    derivative: (g, x): Node => g.neg(g.unary('sin', x)),
    latex: call('\\cos'),
    ts: (x) => `Math.cos(${x})`,
    reference: 'cos',
    domain: 'real',
    kinkAtZero: false,
  },
  tan: {
    aliases: [],
    eval: Math.tan,
    derivative: (g, _x, y) => g.add(g.constant(1), g.pow(y, g.constant(2))),
    latex: call('\\tan'),
    ts: (x) => `Math.tan(${x})`,
    reference: 'tan',
    domain: 'open-unit',
    kinkAtZero: false,
  },
  asin: {
    aliases: ['arcsin'],
    eval: Math.asin,
    derivative: (g, x): Node => g.div(g.constant(1), g.unary('sqrt', g.sub(g.constant(1), g.pow(x, g.constant(2))))),
    latex: call('\\arcsin'),
    ts: (x) => `Math.asin(${x})`,
    reference: 'asin',
    domain: 'open-unit',
    kinkAtZero: false,
  },
  acos: {
    aliases: ['arccos'],
    eval: Math.acos,
    derivative: (g, x): Node =>
      g.neg(g.div(g.constant(1), g.unary('sqrt', g.sub(g.constant(1), g.pow(x, g.constant(2)))))),
    latex: call('\\arccos'),
    ts: (x) => `Math.acos(${x})`,
    reference: 'acos',
    domain: 'open-unit',
    kinkAtZero: false,
  },
  atan: {
    aliases: ['arctan'],
    eval: Math.atan,
    derivative: (g, x) => g.div(g.constant(1), g.add(g.constant(1), g.pow(x, g.constant(2)))),
    latex: call('\\arctan'),
    ts: (x) => `Math.atan(${x})`,
    reference: 'atan',
    domain: 'real',
    kinkAtZero: false,
  },
  tanh: {
    aliases: [],
    eval: Math.tanh,
    derivative: (g, _x, y) => g.sub(g.constant(1), g.pow(y, g.constant(2))),
    latex: call('\\tanh'),
    ts: (x) => `Math.tanh(${x})`,
    // Math.tanh is a call into the engine (36 ns an entry on the bench machine): most of an f32
    // MLP gradient's JavaScript time; the rational form is a quarter of that.
    single: { ts: (x) => `tanhf$(${x})`, helpers: ['tanhf$'] },
    reference: 'tanh',
    domain: 'real',
    kinkAtZero: false,
  },
  cosh: {
    aliases: [],
    eval: Math.cosh,
    derivative: (g, x): Node => g.unary('sinh', x),
    latex: call('\\cosh'),
    ts: (x) => `Math.cosh(${x})`,
    reference: 'cosh',
    domain: 'real',
    kinkAtZero: false,
  },
  sinh: {
    aliases: [],
    eval: Math.sinh,
    derivative: (g, x): Node => g.unary('cosh', x),
    latex: call('\\sinh'),
    ts: (x) => `Math.sinh(${x})`,
    reference: 'sinh',
    domain: 'real',
    kinkAtZero: false,
  },
  sigmoid: {
    aliases: ['sigma', 'σ'],
    eval: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    derivative: (g, _x, y) => g.mul(y, g.sub(g.constant(1), y)),
    latex: call('\\sigma'),
    ts: (x) => `sigmoid$(${x})`,
    helpers: ['sigmoid$'],
    reference: referenceSigmoid,
    domain: 'real',
    kinkAtZero: false,
  },
  relu: {
    aliases: ['ReLU'],
    eval: (x) => (x > 0 ? x : 0),
    // relu'(0) = 0 (README, "The formula language"): sign(relu(x)) is 1 where x > 0 and 0 elsewhere,
    // and reuses the forward value.
    derivative: (g, _x, y): Node => g.unary('sign', y),
    latex: call('\\operatorname{relu}'),
    ts: (x) => `Math.max(0, ${x})`,
    reference: (x) => (x > 0 ? x : 0),
    domain: 'real',
    kinkAtZero: true,
  },
  softplus: {
    aliases: [],
    eval: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
    derivative: (g, x): Node => g.unary('sigmoid', x),
    latex: call('\\operatorname{softplus}'),
    ts: (x) => `softplus$(${x})`,
    helpers: ['softplus$'],
    reference: referenceSoftplus,
    domain: 'real',
    kinkAtZero: false,
  },
  abs: {
    aliases: [],
    eval: Math.abs,
    // abs'(0) = 0 (README, "The formula language").
    derivative: (g, x): Node => g.unary('sign', x),
    latex: (arg, ctx) => ({ text: delimit('\\lvert ', '\\rvert', ctx.wrap(arg, Prec.Sum)), prec: Prec.Atom }),
    ts: (x) => `Math.abs(${x})`,
    reference: 'abs',
    domain: 'real',
    kinkAtZero: true,
  },
  sign: {
    aliases: [],
    eval: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
    derivative: () => undefined,
    // One notation for relu' everywhere (issue 26): sign(h) of h = relu(z), in LaTeX as in
    // `gradc derive` and the playground, rather than an indicator the formula language cannot write.
    latex: call('\\operatorname{sign}'),
    ts: (x) => `Math.sign(${x})`,
    reference: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
    domain: 'real',
    kinkAtZero: true,
  },
} satisfies Record<string, UnaryDef>;

/** An elementwise function of the language. */
export type UnaryFn = keyof typeof table;

export const UNARY: Readonly<Record<UnaryFn, UnaryDef>> = table;

/** The elementwise function a `unary` node applies (its `attrs.fn`), typed. */
export function unaryFn(fn: string | undefined): UnaryFn {
  if (fn === undefined || !Object.hasOwn(UNARY, fn))
    throw new Error(`internal: ${String(fn)} is not an elementwise function`);
  return fn as UnaryFn;
}
