/**
 * `max` and `min` (README, "The formula language"): elementwise of two arguments, with broadcasting, and
 * reductions of one argument to a scalar. The derivatives are indicators written with `sign`, as
 * relu's is (relu'(x) = sign(relu(x))): elementwise, the weights (1 ± sign(a - b)) / 2, 1 where
 * the argument is the larger (the smaller for min), 0 where it is not, and half each at a tie; a
 * reduction m = max(a) shares its adjoint equally among the entries that attain it, with the
 * indicator 1 + sign(a - m) (1 - sign(a - m) for min: a - m never has the other sign) over its sum.
 */
import { constValue } from '../ir/constants.js';
import type { Node, OpName } from '../ir/node.js';
import { broadcastShapes, isScalar, SCALAR, shape, type Shape } from '../ir/shape.js';
import { elementwiseShape } from './arithmetic-identities.js';
import { column, elementwiseJvp, weighted } from './jvp.js';
import { fcall, lcall } from './print-helpers.js';
import {
  neverSymmetric,
  symmetricArguments,
  type ArgumentDomain,
  type Builder,
  type OpDef,
  type SurfaceFunction,
} from './types.js';
import { scalarReference, tabulate } from './reference-types.js';

/** The names of this file's primitives (see `OpNames`). */
declare module '../ir/node.js' {
  interface OpNames {
    max: true;
    min: true;
    maximum: true;
    minimum: true;
  }
}

type Extremum = 'max' | 'min';

/** The weights of the elementwise `max(a, b)` (sign +1) or `min(a, b)` (sign -1) on a and on b. */
function pairWeights(n: Node, g: Builder, sign: 1 | -1): [Node, Node] {
  const [a, b] = n.args as [Node, Node];
  const s = g.unary('sign', g.sub(a, b));
  const one = g.constant(1);
  const two = g.constant(2);
  const [larger, smaller] = [g.div(g.add(one, s), two), g.div(g.sub(one, s), two)];
  return sign === 1 ? [larger, smaller] : [smaller, larger];
}

/** The weights of `max(a)` or `min(a)` (the node `m`) on the entries of a: 1 / count where an entry attains it. */
function attainWeights(m: Node, g: Builder, kind: Extremum): Node {
  const a = m.args[0]!;
  // a - m <= 0 for max (>= 0 for min), so 1 + sign(a - m) (1 - sign(a - m)) is 1 where a = m, else 0.
  const s = g.unary('sign', g.sub(a, m));
  const attains = kind === 'max' ? g.add(g.constant(1), s) : g.sub(g.constant(1), s);
  return g.div(attains, g.sum(attains));
}

/** A kink where the arguments meet: against the constant 0, a variable is sampled away from 0. */
function pairDomains(n: Node): readonly (ArgumentDomain | undefined)[] {
  return n.args.map((_a, k) => (constValue(n.args[1 - k]!) === 0 ? 'nonzero' : undefined));
}

function surface(kind: Extremum): SurfaceFunction {
  return {
    names: [kind],
    arity: [1, 2],
    build: (a, g) => {
      if (a.count === 1) return kind === 'max' ? g.max(a.value(0)) : g.min(a.value(0));
      const [x, y] = a.values() as [Node, Node];
      return kind === 'max' ? g.maximum(x, y) : g.minimum(x, y);
    },
    estimate: (a): Shape | undefined => {
      if (a.count === 1) return SCALAR;
      const [x, y] = [a.shape(0), a.shape(1)];
      return x === undefined || y === undefined ? undefined : broadcastShapes(x, y);
    },
  };
}

/** The elementwise op: `maximum` for max(a, b), `minimum` for min(a, b). */
function pairwise(kind: Extremum): OpDef {
  const sign = kind === 'max' ? 1 : -1;
  return {
    name: kind === 'max' ? 'maximum' : 'minimum',
    functions: [], // written max(a, b): see the reduction's entry
    build: (g, args) => (kind === 'max' ? g.maximum(args[0]!, args[1]!) : g.minimum(args[0]!, args[1]!)),
    shape: elementwiseShape(`take the elementwise ${kind} of`),
    // max(a, a) is a; of two constants, the constant.
    identities: ([a, b], g) => {
      if (a === b) return a;
      const [x, y] = [constValue(a!), constValue(b!)];
      if (a!.op !== 'const' || b!.op !== 'const' || x === undefined || y === undefined) return undefined;
      return g.constant(kind === 'max' ? Math.max(x, y) : Math.min(x, y));
    },
    vjp: (n, adj, g, needed) => {
      const w = pairWeights(n, g, sign);
      return n.args.map((arg, k) => (needed[k] ? g.unbroadcast(g.mul(adj, w[k]!), arg.shape) : undefined));
    },
    jvp: elementwiseJvp((n, g) => pairWeights(n, g, sign)),
    formula: (_n, a, ctx) => fcall(kind, a, ctx),
    latex: (_n, a, ctx) => lcall(`\\${kind}`, a, ctx),
    reference: ([a, b], cx) => {
      const [x, y] = [cx.broadcast(a!), cx.broadcast(b!)];
      return tabulate(cx.rows, cx.cols, (i, j) => Math[kind](x[i]![j]!, y[i]![j]!));
    },
    symmetric: symmetricArguments,
    argumentDomains: pairDomains,
    lower: { kind: 'elementwise', scalar: (_n, [a, b]) => `Math.${kind}(${a}, ${b})`, scales: false },
  };
}

/** The reduction to a scalar: max(a), min(a) over every entry. */
function reduction(kind: Extremum): OpDef {
  const better = kind === 'max' ? '>' : '<';
  return {
    name: kind,
    functions: [surface(kind)],
    build: (g, args) => (kind === 'max' ? g.max(args[0]!) : g.min(args[0]!)),
    shape: () => shape(1, 1),
    // Of a scalar, the scalar itself.
    identities: ([a]) => (isScalar(a!.shape) ? a : undefined),
    vjp: (n, adj, g, needed) => [needed[0] ? g.mul(adj, attainWeights(n, g, kind)) : undefined],
    jvp: (n, [j], g) => (j === undefined ? undefined : weighted(g, column(g, attainWeights(n, g, kind)), j)),
    formula: (_n, a, ctx) => fcall(kind, a, ctx),
    latex: (_n, a, ctx) => lcall(`\\${kind}`, a, ctx),
    reference: scalarReference((m, a) => (kind === 'max' ? m.max(a) : m.min(a))),
    symmetric: neverSymmetric,
    argumentDomains: () => [],
    lower: {
      kind: 'reduction',
      readsOnce: true,
      // NaN wins, as in Math.max: once the accumulator is NaN no comparison replaces it.
      emit: (n, acc, ctx) => {
        const x = n.args[0]!;
        return [
          `let ${acc} = ${kind === 'max' ? '-Infinity' : 'Infinity'};`,
          ...ctx.loop(x, (at) => [
            `const x = ${ctx.elem(x, at)};`,
            `if (x ${better} ${acc} || Number.isNaN(x)) ${acc} = x;`,
          ]),
        ];
      },
    },
  };
}

export const maximum = pairwise('max');
export const minimum = pairwise('min');
export const max = reduction('max');
export const min = reduction('min');

/** This file's primitives, gathered into `OPS` by src/ops/index.ts. */
export const EXTREMUM_OPS = { max, min, maximum, minimum } satisfies Partial<Record<OpName, OpDef>>;
