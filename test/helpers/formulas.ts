/**
 * A fast-check generator of random well-typed formula files over the whole language: every
 * operator (with its alternative spellings) and every function, symbolic and literal
 * dimensions with random sizes, broadcasting, indexing with literals and index variables,
 * transposes, intermediate definitions (each used by the loss, and some used by later
 * definitions), and grad lines with respect to variables and to definitions.
 *
 * Formulas are generated as small ASTs (so fast-check shrinks them structurally) and printed
 * with just the parentheses the grammar needs. Elementwise functions come from their table
 * (src/ops/elementwise.ts), by the `domain` and `kinkAtZero` of each entry, so a new function is
 * generated without a change here: functions of a positive argument (log, sqrt), fractional and
 * variable powers and divisors see positive expressions by construction (`1 + e .^ 2`,
 * `exp(e)`, `1 + softplus(e)`, `2 + cos(e)`); those of the open unit interval (asin, acos, tan)
 * see `0.5 tanh(e)`; those with a kink at 0 (relu, abs, sign) and norm1 are applied to
 * variables only, which the check's input sampler keeps away from 0 (src/check/check-module.ts
 * inferDomains), and the 2-norm to positive values, so no kink is ever near a sample.
 *
 * `renderFormula(spec, prefix)` prefixes every name, so many formulas can share one file (and
 * one generated module) without interfering: that is how the reliability test batches them.
 */
import fc from 'fast-check';
import { UNARY, type UnaryDef } from '../../src/ops/elementwise.js';

/** A dimension: `1`, the symbolic `n` and `m`, or the literal 3. */
export type Dim = '1' | 'n' | 'm' | '3';
export type ShapeKey = `${Dim}x${Dim}`;

const DIMS: readonly Dim[] = ['1', 'n', 'm', '3'];
const BIG: readonly Dim[] = ['n', 'm', '3'];
export const SHAPES: readonly ShapeKey[] = DIMS.flatMap((r) => DIMS.map((c) => `${r}x${c}` as ShapeKey));

export function dimsOf(s: ShapeKey): [Dim, Dim] {
  const [r, c] = s.split('x') as [Dim, Dim];
  return [r, c];
}
const key = (r: Dim, c: Dim): ShapeKey => `${r}x${c}`;
const isScalar = (s: ShapeKey) => s === '1x1';
const isRow = (s: ShapeKey) => dimsOf(s)[0] === '1' && dimsOf(s)[1] !== '1';

/** Variables of each declarable shape (base names; rows use transposed columns). */
const VARIABLES: Readonly<Record<string, readonly string[]>> = {
  '1x1': ['a', 'b'],
  nx1: ['x', 'y'],
  mx1: ['u'],
  '3x1': ['w'],
  nxm: ['A', 'B'],
  mxn: ['C'],
  nxn: ['Q'],
  mxm: ['P'],
  nx3: ['G'],
  '3xn': ['H'],
  mx3: ['E'],
  '3xm': ['F'],
  '3x3': ['R'],
};
/** Index variables, by the dimension they range over. */
const INDEX_VARIABLES: Readonly<Record<string, string>> = { n: 'k', m: 'l', '3': 'q' };

/** Every base name, in a fixed order (the display-name permutation maps these). */
export const BASE_NAMES: readonly string[] = [
  ...Object.values(VARIABLES).flat(),
  ...Object.values(INDEX_VARIABLES),
  'n',
  'm',
  't1',
  't2',
  't3',
  'L',
];
export const MAX_DEFINITIONS = 3;

/**
 * Display names: letters of several alphabets, digits and underscores; never a keyword,
 * function name or `pi`, and never ending in `Grad` (gradient function names).
 */
export const NAME_POOL: readonly string[] = [
  ...'abcdefgpqrsuvwxyzABCDEFGHMNPRSUVWXYZ'.split(''),
  'θ',
  'φ',
  'ŷ',
  'α',
  'β_2',
  'x_1',
  'W2',
  'h0',
  'μ',
  'Σ',
  'λ',
  'ψ_0',
  'loss',
  'z_out',
  'Δ',
  'ω',
];

/** Index argument: a literal (clamped to the extent when printed) or the index variable. */
export type Idx = { readonly lit: number } | { readonly ix: Dim };

/**
 * A node of a generated expression. `sh` is the shape the generator meant it to have (set on
 * every node drawn by `expr`), so a shrinker may replace a node by a descendant of its shape.
 */
export type F = Node & { readonly sh?: ShapeKey };

type Node =
  | { readonly k: 'var'; readonly s: ShapeKey; readonly i: number }
  | { readonly k: 'ref'; readonly s: ShapeKey; readonly i: number }
  | { readonly k: 'def'; readonly j: number }
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'dimval'; readonly d: 'n' | 'm' }
  | { readonly k: 'pi' }
  | { readonly k: 'ones'; readonly s: ShapeKey; readonly form: number }
  | { readonly k: 'eye'; readonly d: Dim }
  | { readonly k: 'onehot'; readonly d: Dim; readonly i: Idx }
  | { readonly k: 'sign'; readonly op: '-' | '+'; readonly a: F }
  | { readonly k: 'bin'; readonly op: BinOp; readonly a: F; readonly b: F }
  | { readonly k: 'T'; readonly style: number; readonly a: F }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly F[] }
  | { readonly k: 'norm'; readonly p: 1 | 2; readonly style: number; readonly a: F }
  | { readonly k: 'index'; readonly a: F; readonly s: ShapeKey; readonly i: Idx; readonly j?: Idx }
  /** A row `a[i, :]` or a column `a[:, i]` of the matrix `a` of shape `s`. */
  | { readonly k: 'slice'; readonly axis: 'row' | 'column'; readonly a: F; readonly s: ShapeKey; readonly i: Idx };

export type BinOp = '+' | '-' | '*' | 'juxt' | '/' | '.*' | '⊙' | './' | '^' | '.^';

export interface Definition {
  readonly s: ShapeKey;
  readonly e: F;
  /** How the loss uses the definition: a scalar expression in which `def` stands for it. */
  readonly use: F;
}

export interface FormulaSpec {
  readonly sizes: { readonly n: number; readonly m: number };
  /** Display names for BASE_NAMES (in order), or undefined for the base names themselves. */
  readonly names: readonly string[] | undefined;
  readonly defs: readonly Definition[];
  readonly loss: F;
  /** Which used variables the first grad line asks for (all of them if none is chosen). */
  readonly wrt: readonly boolean[];
  /** Which definitions the second grad line asks for. */
  readonly wrtDefs: readonly boolean[];
  /** For each scalar definition: whether it gets a grad line of its own. */
  readonly defGrads: readonly boolean[];
  /** Declare same-typed variables on one line (`a, b : scalar`). */
  readonly group: boolean;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const num = (v: number): F => ({ k: 'num', v });
const bin = (op: BinOp, a: F, b: F): F => ({ k: 'bin', op, a, b });
const call = (fn: string, ...args: F[]): F => ({ k: 'call', fn, args });

/** How the generator keeps an elementwise function's argument where the function is smooth. */
type ArgumentKind = 'anything' | 'positive' | 'open-unit' | 'variable';

function argumentKind(f: UnaryDef): ArgumentKind {
  // A kink at 0: variables only, which the check's sampler keeps away from 0.
  if (f.kinkAtZero) return 'variable';
  switch (f.domain) {
    case 'real':
      return 'anything';
    case 'positive':
      return 'positive';
    case 'open-unit':
      return 'open-unit';
  }
}

/** Every name (aliases too) of the elementwise functions whose arguments are of one kind, from the table. */
function functionNames(kind: ArgumentKind): string[] {
  return Object.entries(UNARY).flatMap(([fn, f]) => (argumentKind(f) === kind ? [fn, ...f.aliases] : []));
}

const SMOOTH = functionNames('anything');
const POSITIVE = functionNames('positive');
const OPEN_UNIT = functionNames('open-unit');
const KINKS = functionNames('variable');
const LITERALS = [0.5, 2, 3, 0.25, 1.5, 1e-1] as const;

type Weighted = { arbitrary: fc.Arbitrary<F>; weight: number };

/** Shapes that broadcast to `s` (LANGUAGE.md 1.4): itself, a scalar, its column, its row. */
function partners(s: ShapeKey): ShapeKey[] {
  const [r, c] = dimsOf(s);
  const out: ShapeKey[] = [s];
  if (!isScalar(s)) out.push('1x1');
  if (r !== '1' && c !== '1') out.push(key(r, '1'), key('1', c));
  return out;
}

const hasVariable = (s: ShapeKey) => VARIABLES[s] !== undefined;

function idxArb(d: Dim): fc.Arbitrary<Idx> {
  return fc.oneof(
    fc.nat(2).map((lit): Idx => ({ lit })),
    fc.constant<Idx>({ ix: d }),
  );
}

export class FormulaArbitraries {
  private readonly memo = new Map<string, fc.Arbitrary<F>>();

  /** A leaf of shape s: a variable, a reference to an earlier definition, a constant. */
  leaf(s: ShapeKey): fc.Arbitrary<F> {
    const [r, c] = dimsOf(s);
    const varCount = hasVariable(s) ? VARIABLES[s]!.length : isRow(s) ? VARIABLES[key(c, '1')]!.length : 0;
    const alts: Weighted[] = [];
    if (varCount > 0) alts.push({ arbitrary: fc.nat(varCount - 1).map((i): F => ({ k: 'var', s, i })), weight: 6 });
    alts.push({ arbitrary: fc.nat(MAX_DEFINITIONS - 1).map((i): F => ({ k: 'ref', s, i })), weight: 3 });
    if (isScalar(s)) {
      alts.push({ arbitrary: fc.constantFrom(...LITERALS).map(num), weight: 2 });
      alts.push({ arbitrary: fc.constantFrom<'n' | 'm'>('n', 'm').map((d): F => ({ k: 'dimval', d })), weight: 1 });
      alts.push({ arbitrary: fc.constant<F>({ k: 'pi' }), weight: 1 });
    } else {
      alts.push({ arbitrary: fc.nat(1).map((form): F => ({ k: 'ones', s, form })), weight: 1 });
      if (r === c) alts.push({ arbitrary: fc.constant<F>({ k: 'eye', d: r }), weight: 1 });
      if (c === '1') alts.push({ arbitrary: idxArb(r).map((i): F => ({ k: 'onehot', d: r, i })), weight: 1 });
    }
    return fc.oneof(...alts);
  }

  /** An expression of shape s and depth at most d. */
  expr(s: ShapeKey, d: number): fc.Arbitrary<F> {
    const id = `${s}/${d}`;
    let a = this.memo.get(id);
    if (a === undefined) {
      const raw = d <= 0 ? this.leaf(s) : fc.oneof({ depthSize: 'small' }, ...this.compound(s, d));
      a = raw.map((f): F => ({ ...f, sh: s }));
      this.memo.set(id, a);
    }
    return a;
  }

  /** A positive expression of shape s: for divisors, logs, square roots, fractional powers. */
  positive(s: ShapeKey, d: number): fc.Arbitrary<F> {
    const e = this.expr(s, d);
    const power = isScalar(s) ? '^' : '.^';
    return fc.oneof(
      e.map((x) => bin('+', num(1), bin(power, x, num(2)))),
      e.map((x) => call('exp', x)),
      e.map((x) => bin('+', num(1), call('softplus', x))),
      e.map((x) => bin('+', num(2), call('cos', x))),
    );
  }

  /**
   * A well-conditioned square matrix of size n, for inv, det and logdet: a square variable
   * (sampled diagonally dominant, or positive definite, by the check), `eye(n) + tanh(e) / (n + 1)^2`
   * (diagonally dominant by construction), or `tanh(e) tanh(e)^T / (n + 1)^2 + eye(n)` (positive
   * definite). Their determinants stay below e, so exp(det(.)^3) stays finite.
   */
  wellConditioned(n: Dim, d: number): fc.Arbitrary<F> {
    const s = key(n, n);
    const e = this.expr(s, d);
    // (n + 1)^2: the perturbations of the identity are small, so determinants stay below e.
    const scale: F = n === '3' ? num(16) : bin('^', bin('+', { k: 'dimval', d: n as 'n' | 'm' }, num(1)), num(2));
    const alts: fc.Arbitrary<F>[] = [
      e.map((x) => bin('+', { k: 'eye', d: n }, bin('/', call('tanh', x), scale))),
      e.map((x) => {
        const t = call('tanh', x);
        return bin('+', bin('/', bin('juxt', t, { k: 'T', style: 0, a: t }), scale), { k: 'eye', d: n });
      }),
    ];
    if (hasVariable(s)) alts.push(fc.nat(VARIABLES[s]!.length - 1).map((i): F => ({ k: 'var', s, i })));
    return fc.oneof(...alts);
  }

  private compound(s: ShapeKey, d: number): Weighted[] {
    const [r, c] = dimsOf(s);
    const sub = (t: ShapeKey) => this.expr(t, d - 1);
    const pos = (t: ShapeKey) => this.positive(t, d - 1);
    const alts: Weighted[] = [{ arbitrary: this.leaf(s), weight: 4 }];
    const add = (arbitrary: fc.Arbitrary<F>, weight = 1) => alts.push({ arbitrary, weight });
    const swapped = (a: fc.Arbitrary<F>, b: fc.Arbitrary<F>, op: fc.Arbitrary<BinOp>) =>
      fc.tuple(a, b, op, fc.boolean()).map(([x, y, o, swap]) => (swap ? bin(o, y, x) : bin(o, x, y)));

    // Sums, differences, elementwise products and quotients, with broadcasting.
    const ps = partners(s);
    add(fc.oneof(...ps.map((p) => swapped(sub(s), sub(p), fc.constantFrom<BinOp>('+', '-')))), 6);
    add(fc.oneof(...ps.map((p) => swapped(sub(s), sub(p), fc.constantFrom<BinOp>('.*', '⊙')))), 3);
    add(fc.oneof(...ps.map((p) => fc.tuple(sub(s), pos(p)).map(([x, y]) => bin('./', x, y)))), 1);
    if (ps.length > 1)
      add(fc.oneof(...ps.slice(1).map((p) => fc.tuple(sub(p), pos(s)).map(([x, y]) => bin('./', x, y)))), 1);
    // A row of a matrix (a row result) or a column (a column result).
    const matrixDims = DIMS.filter((x) => x !== '1');
    if (r === '1' && c !== '1') {
      add(
        fc.oneof(
          ...matrixDims.map((k) =>
            fc.tuple(sub(key(k, c)), idxArb(k)).map(([a, i]): F => ({ k: 'slice', axis: 'row', a, s: key(k, c), i })),
          ),
        ),
        1,
      );
    }
    if (c === '1' && r !== '1') {
      add(
        fc.oneof(
          ...matrixDims.map((k) =>
            fc
              .tuple(sub(key(r, k)), idxArb(k))
              .map(([a, i]): F => ({ k: 'slice', axis: 'column', a, s: key(r, k), i })),
          ),
        ),
        1,
      );
    }
    // Elementwise max and min, with broadcasting (a tie splits the derivative; ties are rare at random inputs).
    add(
      fc.oneof(
        ...ps.map((p) => fc.tuple(fc.constantFrom('max', 'min'), sub(s), sub(p)).map(([fn, x, y]) => call(fn, x, y))),
      ),
      1,
    );
    // `/` divides by a scalar or between equal shapes.
    add(
      fc.tuple(sub(s), fc.oneof(pos('1x1'), pos(s))).map(([x, y]) => bin('/', x, y)),
      1,
    );
    // Scaling, and matrix products through every inner dimension.
    if (!isScalar(s)) add(swapped(sub('1x1'), sub(s), fc.constantFrom<BinOp>('*', 'juxt')), 2);
    add(
      fc.oneof(
        ...DIMS.map((k) =>
          fc
            .tuple(sub(key(r, k)), sub(key(k, c)), fc.constantFrom<BinOp>('*', 'juxt'))
            .map(([x, y, o]) => bin(o, x, y)),
        ),
      ),
      5,
    );
    // Transpose (^T, ' and ᵀ), signs.
    add(
      fc.tuple(sub(key(c, r)), fc.nat(2)).map(([a, style]): F => ({ k: 'T', style, a })),
      3,
    );
    add(
      fc.tuple(sub(s), fc.constantFrom<'-' | '+'>('-', '-', '+')).map(([a, op]): F => ({ k: 'sign', op, a })),
      2,
    );
    // Elementwise functions: smooth ones on anything, the others inside their domains.
    add(
      fc.tuple(fc.constantFrom(...SMOOTH), sub(s)).map(([fn, a]) => call(fn, a)),
      4,
    );
    add(
      fc.tuple(fc.constantFrom(...POSITIVE), pos(s)).map(([fn, a]) => call(fn, a)),
      2,
    );
    add(
      fc
        .tuple(fc.constantFrom(...OPEN_UNIT), sub(s))
        .map(([fn, a]) => call(fn, bin('juxt', num(0.5), call('tanh', a)))),
      2,
    );
    if (hasVariable(s)) {
      add(
        fc
          .tuple(fc.constantFrom(...KINKS), fc.nat(VARIABLES[s]!.length - 1))
          .map(([fn, i]) => call(fn, { k: 'var', s, i })),
        2,
      );
    }
    // Powers: integer powers of anything, others of positive bases; variable exponents.
    if (isScalar(s)) {
      add(
        fc.tuple(sub(s), fc.constantFrom(2, 3)).map(([a, p]) => bin('^', a, num(p))),
        2,
      );
      add(
        fc.tuple(pos(s), fc.constantFrom(0.5, -1, 1.5, -2)).map(([a, p]) => bin('^', a, num(p))),
        1,
      );
      add(
        fc.tuple(pos(s), sub(s)).map(([a, e]) => bin('^', a, call('atan', e))),
        1,
      );
      add(
        sub(s).map((e) => bin('^', num(2), call('sin', e))),
        1,
      );
    } else {
      add(
        fc.tuple(sub(s), fc.constantFrom(2, 3)).map(([a, p]) => bin('.^', a, num(p))),
        2,
      );
      add(
        fc.tuple(pos(s), fc.constantFrom(0.5, -1, 1.5)).map(([a, p]) => bin('.^', a, num(p))),
        1,
      );
      add(fc.oneof(...ps.map((p) => fc.tuple(pos(s), sub(p)).map(([a, e]) => bin('.^', a, call('atan', e))))), 1);
      add(
        fc.oneof(...ps.slice(1).map((p) => fc.tuple(pos(p), sub(s)).map(([a, e]) => bin('.^', a, call('sin', e))))),
        1,
      );
    }
    // Shape-changing functions.
    if (!isScalar(s) && !isRow(s))
      add(
        sub(s).map((a) => call('softmax', a)),
        2,
      );
    if (r === c && r !== '1') {
      add(
        fc.oneof(sub(key(r, '1')), sub(key('1', r))).map((a) => call('diag', a)),
        1,
      );
    }
    // The lower or upper triangle of a square matrix.
    if (r === c && r !== '1')
      add(
        fc.tuple(fc.constantFrom('tril', 'triu'), sub(s)).map(([fn, a]) => call(fn, a)),
        1,
      );
    // Matrix functions of well-conditioned matrices: the inverse (and, through products, solves).
    if (r === c && r !== '1')
      add(
        this.wellConditioned(r, d - 1).map((a) => call('inv', a)),
        3,
      );
    if (c === '1' && r !== '1') {
      add(
        sub(key(r, r)).map((a) => call('diag', a)),
        1,
      );
      add(
        fc.tuple(idxArb(r), sub(s)).map(([i, a]) => bin('+', { k: 'onehot', d: r, i }, a)),
        1,
      );
    }
    if (isScalar(s)) {
      const nonScalar = SHAPES.filter((t) => !isScalar(t));
      const anyShape = fc.constantFrom(...nonScalar);
      const of = <T>(f: (t: ShapeKey) => fc.Arbitrary<T>) => anyShape.chain(f);
      add(
        fc.tuple(fc.constantFrom('sum', 'mean'), of(sub)).map(([fn, a]) => call(fn, a)),
        3,
      );
      add(
        of((t) => fc.tuple(sub(t), sub(t))).map(([a, b]) => call('dot', a, b)),
        2,
      );
      // The 2-norm's kink is 0, where its gradient is NaN (`norm2(x - x)`): a positive argument.
      add(
        fc.tuple(of(pos), fc.nat(2)).map(([a, style]): F => ({ k: 'norm', p: 2, style, a })),
        2,
      );
      add(
        fc
          .tuple(
            fc.constantFrom(...(Object.keys(VARIABLES).filter((t) => t !== '1x1') as ShapeKey[])),
            fc.nat(1),
            fc.nat(1),
          )
          .map(([t, i, style]): F => {
            const v: F = { k: 'var', s: t, i: i % VARIABLES[t]!.length };
            return style === 0 ? call('norm1', v) : { k: 'norm', p: 1, style: 0, a: v };
          }),
        1,
      );
      add(
        of(sub).map((a) => call('logsumexp', a)),
        2,
      );
      add(
        fc.tuple(fc.constantFrom('max', 'min'), of(sub)).map(([fn, a]) => call(fn, a)),
        1,
      );
      add(
        fc
          .tuple(fc.constantFrom(...BIG), fc.constantFrom('tr', 'trace'))
          .chain(([n, fn]) => sub(key(n, n)).map((a) => call(fn, a))),
        1,
      );
      add(
        of((t) => {
          const [tr, tc] = dimsOf(t);
          return tr !== '1' && tc !== '1'
            ? fc.tuple(sub(t), idxArb(tr), idxArb(tc)).map(([a, i, j]): F => ({ k: 'index', a, s: t, i, j }))
            : fc.tuple(sub(t), idxArb(tr === '1' ? tc : tr)).map(([a, i]): F => ({ k: 'index', a, s: t, i }));
        }),
        3,
      );
      add(
        fc.tuple(fc.constantFrom<'n' | 'm'>('n', 'm'), sub(s)).map(([dim, a]) => bin('/', a, { k: 'dimval', d: dim })),
        1,
      );
      add(
        fc
          .tuple(fc.constantFrom('det', 'logdet'), fc.constantFrom(...BIG))
          .chain(([fn, n]) => this.wellConditioned(n, d - 1).map((a) => call(fn, a))),
        5,
      );
    }
    return alts;
  }

  /** How the loss consumes a definition of shape s (`def` is the hole). */
  use(s: ShapeKey, j: number): fc.Arbitrary<F> {
    const hole: F = { k: 'def', j };
    if (isScalar(s)) {
      return fc.oneof(
        fc.constant(hole),
        this.expr(s, 1).map((e) => bin('juxt', e, hole)),
        fc.constant(call('sin', hole)),
        fc.constant(bin('^', hole, num(2))),
      );
    }
    const [r, c] = dimsOf(s);
    const alts: fc.Arbitrary<F>[] = [
      fc.constant(call('sum', hole)),
      fc.constant(call('mean', hole)),
      fc.constant(bin('^', { k: 'norm', p: 2, style: 0, a: hole }, num(2))),
      this.expr(s, 1).map((e) => call('dot', hole, e)),
      fc.constant(call('logsumexp', hole)),
      this.expr(s, 1).map((e) => call('sum', bin('.*', hole, e))),
    ];
    if (r !== '1' && c !== '1')
      alts.push(fc.tuple(idxArb(r), idxArb(c)).map(([i, jj]): F => ({ k: 'index', a: hole, s, i, j: jj })));
    else alts.push(idxArb(r === '1' ? c : r).map((i): F => ({ k: 'index', a: hole, s, i })));
    if (r === c) alts.push(fc.constant(call('tr', hole)));
    if (c === '1') alts.push(this.expr(key('1', r), 1).map((e) => bin('juxt', e, hole)));
    return fc.oneof(...alts);
  }

  definition(j: number, depth: number): fc.Arbitrary<Definition> {
    return fc
      .constantFrom(...SHAPES)
      .chain((s) => fc.record({ s: fc.constant(s), e: this.expr(s, depth), use: this.use(s, j) }));
  }

  formula(options: { depth?: number; definitionDepth?: number } = {}): fc.Arbitrary<FormulaSpec> {
    const depth = options.depth ?? 3;
    const definitionDepth = options.definitionDepth ?? 2;
    const defs = fc
      .nat(MAX_DEFINITIONS)
      .chain((count) => fc.tuple(...Array.from({ length: count }, (_, j) => this.definition(j, definitionDepth))))
      .map((t): Definition[] => [...t]);
    return fc.record({
      sizes: fc.record({ n: fc.integer({ min: 1, max: 4 }), m: fc.integer({ min: 1, max: 4 }) }),
      names: fc.option(
        fc.shuffledSubarray([...NAME_POOL], { minLength: BASE_NAMES.length, maxLength: BASE_NAMES.length }),
        {
          nil: undefined,
          freq: 3,
        },
      ),
      defs,
      loss: this.expr('1x1', depth),
      wrt: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
      wrtDefs: fc.array(fc.boolean(), { minLength: MAX_DEFINITIONS, maxLength: MAX_DEFINITIONS }),
      defGrads: fc.array(fc.boolean(), { minLength: MAX_DEFINITIONS, maxLength: MAX_DEFINITIONS }),
      group: fc.boolean(),
    });
  }
}

/** The generator of whole formulas, with the default depths. */
export function formulaArbitrary(
  options: { depth?: number; definitionDepth?: number } = {},
): fc.Arbitrary<FormulaSpec> {
  return new FormulaArbitraries().formula(options);
}

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

export interface RenderedFormula {
  /** The formula file. */
  readonly text: string;
  /** Sizes of its symbolic dimensions, by display name. */
  readonly dims: Record<string, number>;
  /** Names of its definitions and of the loss (display names). */
  readonly definitions: readonly string[];
}

/** Binding levels: 0 sum, 1 product, 2 sign, 3 power, 4 postfix, 5 atom. */
type Printed = { readonly t: string; readonly level: number };

class FormulaPrinter {
  private readonly display: Map<string, string>;
  /** Variables used, by base name; index variables too. */
  readonly used = new Set<string>();
  /** Dimensions used as values (`1/n sum(x)`): they must appear in a declaration. */
  readonly dimValues = new Set<'n' | 'm'>();
  /** Variables each definition depends on (base names). */
  readonly dependsOn: Set<string>[] = [];
  /** Shapes of the definitions printed so far. */
  private readonly defined: ShapeKey[] = [];
  private current = new Set<string>();

  constructor(
    private readonly spec: FormulaSpec,
    prefix: string,
  ) {
    this.display = new Map(BASE_NAMES.map((b, i) => [b, `${prefix}${spec.names?.[i] ?? b}`]));
  }

  name(base: string): string {
    return this.display.get(base)!;
  }

  dim(d: Dim): string {
    return d === 'n' || d === 'm' ? this.name(d) : d;
  }

  size(d: Dim): number {
    return d === 'n' || d === 'm' ? this.spec.sizes[d] : Number(d);
  }

  private useVariable(base: string): void {
    this.used.add(base);
    this.current.add(base);
  }

  private variable(s: ShapeKey, i: number): Printed {
    if (isRow(s)) {
      const [, c] = dimsOf(s);
      const names = VARIABLES[key(c, '1')]!;
      const base = names[i % names.length]!;
      this.useVariable(base);
      return { t: `${this.name(base)}^T`, level: 4 };
    }
    const names = VARIABLES[s]!;
    const base = names[i % names.length]!;
    this.useVariable(base);
    return { t: this.name(base), level: 5 };
  }

  private index(i: Idx, extent: Dim): string {
    if ('lit' in i) return String(Math.min(i.lit, this.size(extent) - 1));
    const base = INDEX_VARIABLES[i.ix]!;
    this.useVariable(base);
    return this.name(base);
  }

  /** Parenthesised unless it binds at least as tightly as `level`. */
  private at(f: F, level: number): string {
    const p = this.print(f);
    return p.level >= level ? p.t : `(${p.t})`;
  }

  print(f: F): Printed {
    switch (f.k) {
      case 'var':
        return this.variable(f.s, f.i);
      case 'ref': {
        // The i-th earlier definition of this shape (cyclically), else a variable.
        const candidates = this.defined.map((s, j) => (s === f.s ? j : -1)).filter((j) => j >= 0);
        if (candidates.length === 0) {
          if (hasVariable(f.s) || isRow(f.s)) return this.variable(f.s, f.i);
          const [r, c] = dimsOf(f.s);
          return { t: `ones(${this.dim(r)}, ${this.dim(c)})`, level: 5 };
        }
        return this.print({ k: 'def', j: candidates[f.i % candidates.length]! });
      }
      case 'def': {
        for (const v of this.dependsOn[f.j] ?? []) this.current.add(v);
        return { t: this.name(`t${f.j + 1}`), level: 5 };
      }
      case 'num':
        return { t: String(f.v), level: f.v < 0 ? 2 : 5 };
      case 'dimval':
        this.dimValues.add(f.d);
        return { t: this.name(f.d), level: 5 };
      case 'pi':
        return { t: 'pi', level: 5 };
      case 'ones': {
        const [r, c] = dimsOf(f.s);
        const t = c === '1' && f.form === 0 ? `ones(${this.dim(r)})` : `ones(${this.dim(r)}, ${this.dim(c)})`;
        return { t, level: 5 };
      }
      case 'eye':
        return { t: `eye(${this.dim(f.d)})`, level: 5 };
      case 'onehot':
        return { t: `onehot(${this.index(f.i, f.d)}, ${this.dim(f.d)})`, level: 5 };
      case 'sign':
        return { t: `${f.op}${this.at(f.a, 3)}`, level: 2 };
      case 'bin':
        return this.binary(f.op, f.a, f.b);
      case 'T': {
        const a = this.at(f.a, 4);
        return { t: f.style === 0 ? `${a}^T` : f.style === 1 ? `${a}'` : `${a}ᵀ`, level: 4 };
      }
      case 'call':
        return { t: `${f.fn}(${f.args.map((a) => this.print(a).t).join(', ')})`, level: 5 };
      case 'norm': {
        const a = this.print(f.a).t;
        if (f.p === 1) return { t: `(||${a}||_1)`, level: 5 };
        return { t: f.style === 0 ? `norm2(${a})` : f.style === 1 ? `(||${a}||)` : `(||${a}||_2)`, level: 5 };
      }
      case 'index': {
        const [r, c] = dimsOf(f.s);
        const target = this.at(f.a, 4);
        if (f.j !== undefined) return { t: `${target}[${this.index(f.i, r)}, ${this.index(f.j, c)}]`, level: 4 };
        return { t: `${target}[${this.index(f.i, r === '1' ? c : r)}]`, level: 4 };
      }
      case 'slice': {
        const [r, c] = dimsOf(f.s);
        const target = this.at(f.a, 4);
        return {
          t: f.axis === 'row' ? `${target}[${this.index(f.i, r)}, :]` : `${target}[:, ${this.index(f.i, c)}]`,
          level: 4,
        };
      }
      default: {
        const never: never = f;
        throw new Error(`unknown node ${JSON.stringify(never)}`);
      }
    }
  }

  private binary(op: BinOp, a: F, b: F): Printed {
    switch (op) {
      case '+':
      case '-':
        return { t: `${this.at(a, 0)} ${op} ${this.at(b, 1)}`, level: 0 };
      case 'juxt': {
        // The right operand of juxtaposition is a power (`a -b` would be a difference).
        const left = this.at(a, 1);
        const right = this.at(b, 3);
        // Two numbers side by side read as one product, but print them with `*` for clarity.
        return {
          t: /[0-9.]$/.test(left) && /^[0-9.]/.test(right) ? `${left} * ${right}` : `${left} ${right}`,
          level: 1,
        };
      }
      case '*':
      case '/':
      case '.*':
      case '⊙':
      case './':
        return { t: `${this.at(a, 1)} ${op} ${this.at(b, 2)}`, level: 1 };
      case '^':
      case '.^': {
        // A negative literal exponent keeps its sign: x^-1.
        const exponent = b.k === 'num' && b.v < 0 ? String(b.v) : this.at(b, 4);
        return { t: `${this.at(a, 4)}${op === '^' ? '^' : ' .^ '}${exponent}`, level: 3 };
      }
      default: {
        const never: never = op;
        throw new Error(`unknown operator ${String(never)}`);
      }
    }
  }

  /** Prints a definition's expression and records the variables it depends on. */
  definition(s: ShapeKey, e: F): string {
    this.current = new Set();
    const t = this.print(e).t;
    this.dependsOn.push(this.current);
    this.defined.push(s);
    return t;
  }

  expression(e: F): { text: string; depends: Set<string> } {
    this.current = new Set();
    const text = this.print(e).t;
    return { text, depends: this.current };
  }
}

function declaration(base: string): string {
  for (const [s, names] of Object.entries(VARIABLES)) {
    if (!names.includes(base)) continue;
    const [r, c] = dimsOf(s as ShapeKey);
    if (s === '1x1') return 'scalar';
    if (c === '1') return `vector(${r})`;
    return `matrix(${r}, ${c})`;
  }
  for (const [d, name] of Object.entries(INDEX_VARIABLES)) if (name === base) return `index(${d})`;
  throw new Error(`no declaration for ${base}`);
}

/** The formula file of a spec; every name gets `prefix` (for batching several formulas in one file). */
export function renderFormula(spec: FormulaSpec, prefix = ''): RenderedFormula {
  const p = new FormulaPrinter(spec, prefix);
  const definitionLines = spec.defs.map((d, j) => `${p.name(`t${j + 1}`)} = ${p.definition(d.s, d.e)}`);
  const terms = [p.expression(spec.loss)];
  for (const d of spec.defs) terms.push(p.expression(d.use));
  // Each term is a sum operand: parenthesise all but the first.
  const lossText = terms.map((t, i) => (i === 0 ? t.text : `(${t.text})`)).join(' + ');
  const lossDepends = new Set(terms.flatMap((t) => [...t.depends]));
  const loss = p.name('L');

  // A dimension used as a value is introduced by a declaration, even of an unused variable.
  for (const d of p.dimValues) {
    if (
      ![...p.used].some(
        (b) => !Object.values(INDEX_VARIABLES).includes(b) && new RegExp(`\\b${d}\\b`).test(declaration(b)),
      )
    )
      p.used.add(d === 'n' ? 'x' : 'u');
  }
  // Declarations of the variables used, in BASE_NAMES order, grouped by type when asked.
  const used = BASE_NAMES.filter((b) => p.used.has(b));
  const declarations: string[] = [];
  const typeOf = (b: string) => declaration(b).replace(/\b(n|m)\b/g, (d) => p.name(d));
  if (spec.group) {
    const byType = new Map<string, string[]>();
    for (const b of used) byType.set(typeOf(b), [...(byType.get(typeOf(b)) ?? []), p.name(b)]);
    for (const [t, names] of byType) declarations.push(`${names.join(', ')} : ${t}`);
  } else {
    for (const b of used) declarations.push(`${p.name(b)} : ${typeOf(b)}`);
  }

  const differentiable = (b: string) => !Object.values(INDEX_VARIABLES).includes(b);
  const lossVariables = used.filter((b) => lossDepends.has(b) && differentiable(b));
  const grads: string[] = [];
  let wrt = lossVariables.filter((_, i) => spec.wrt[i % spec.wrt.length]);
  if (wrt.length === 0) wrt = lossVariables;
  if (wrt.length > 0) grads.push(`grad ${loss} wrt ${wrt.map((b) => p.name(b)).join(', ')}`);
  const defs = spec.defs.map((_, j) => j).filter((j) => spec.wrtDefs[j]);
  if (defs.length > 0) grads.push(`grad ${loss} wrt ${defs.map((j) => p.name(`t${j + 1}`)).join(', ')}`);
  spec.defs.forEach((d, j) => {
    const vars = [...p.dependsOn[j]!].filter(differentiable);
    if (d.s === '1x1' && spec.defGrads[j] && vars.length > 0) {
      grads.push(
        `grad ${p.name(`t${j + 1}`)} wrt ${BASE_NAMES.filter((b) => vars.includes(b))
          .map((b) => p.name(b))
          .join(', ')}`,
      );
    }
  });

  const text = [...declarations, ...definitionLines, `${loss} = ${lossText}`, ...grads].join('\n') + '\n';
  const dims: Record<string, number> = { [p.name('n')]: spec.sizes.n, [p.name('m')]: spec.sizes.m };
  return { text, dims, definitions: [...spec.defs.map((_, j) => p.name(`t${j + 1}`)), loss] };
}

// ---------------------------------------------------------------------------------------------
// Structural shrinking
// ---------------------------------------------------------------------------------------------

/** The children of a node, with a function that rebuilds the node from new children. */
function children(f: F): { kids: readonly F[]; rebuild: (kids: readonly F[]) => F } {
  switch (f.k) {
    case 'sign':
    case 'T':
    case 'norm':
    case 'index':
    case 'slice':
      return { kids: [f.a], rebuild: ([a]) => ({ ...f, a: a! }) };
    case 'bin':
      return { kids: [f.a, f.b], rebuild: ([a, b]) => ({ ...f, a: a!, b: b! }) };
    case 'call':
      return { kids: f.args, rebuild: (args) => ({ ...f, args }) };
    default:
      return { kids: [], rebuild: () => f };
  }
}

/** Every node of a tree, with a function that replaces it in the whole tree. */
function* positions(root: F): Generator<{ node: F; replace: (by: F) => F }> {
  const stack: { node: F; replace: (by: F) => F }[] = [{ node: root, replace: (by) => by }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    yield top;
    const { kids, rebuild } = children(top.node);
    kids.forEach((kid, i) => {
      stack.push({ node: kid, replace: (by) => top.replace(rebuild(kids.map((k, j) => (j === i ? by : k)))) });
    });
  }
}

function* descendants(f: F): Generator<F> {
  for (const { node } of positions(f)) if (node !== f) yield node;
}

function size(f: F): number {
  let n = 0;
  for (const _ of positions(f)) n++;
  return n;
}

/** The tree with every `def` hole above `removed` renumbered after removing that definition. */
function renumber(f: F, removed: number): F {
  if (f.k === 'def') return f.j > removed ? { ...f, j: f.j - 1 } : f;
  const { kids, rebuild } = children(f);
  return kids.length === 0 ? f : rebuild(kids.map((k) => renumber(k, removed)));
}

/**
 * Smaller variants of a formula, most promising first: without a definition; an expression
 * node replaced by a descendant of the same shape, or by a variable; fewer gradients; base
 * names; smaller sizes. Each is well typed (shapes are kept), so a shrinker can try them all.
 */
export function* simplerFormulas(spec: FormulaSpec): Generator<FormulaSpec> {
  for (let j = spec.defs.length - 1; j >= 0; j--) {
    const defs = spec.defs.filter((_, i) => i !== j).map((d) => ({ ...d, use: renumber(d.use, j) }));
    yield { ...spec, defs };
  }
  const trees: { get: (s: FormulaSpec) => F; set: (s: FormulaSpec, f: F) => FormulaSpec }[] = [
    { get: (s) => s.loss, set: (s, loss) => ({ ...s, loss }) },
    ...spec.defs.flatMap((_, j) => [
      {
        get: (s: FormulaSpec) => s.defs[j]!.e,
        set: (s: FormulaSpec, e: F) => ({ ...s, defs: s.defs.map((d, i) => (i === j ? { ...d, e } : d)) }),
      },
      {
        get: (s: FormulaSpec) => s.defs[j]!.use,
        set: (s: FormulaSpec, use: F) => ({ ...s, defs: s.defs.map((d, i) => (i === j ? { ...d, use } : d)) }),
      },
    ]),
  ];
  for (const t of trees) {
    const candidates: { by: F; replace: (by: F) => F; saved: number }[] = [];
    for (const { node, replace } of positions(t.get(spec))) {
      if (node.sh === undefined) continue;
      for (const d of descendants(node))
        if (d.sh === node.sh) candidates.push({ by: d, replace, saved: size(node) - size(d) });
      const leaf: F = { k: 'var', s: node.sh, i: 0, sh: node.sh };
      if (node.k !== 'var' && (VARIABLES[node.sh] !== undefined || isRow(node.sh)))
        candidates.push({ by: leaf, replace, saved: size(node) - 1 });
    }
    candidates.sort((a, b) => b.saved - a.saved);
    for (const c of candidates) yield t.set(spec, c.replace(c.by));
  }
  const flips = (mask: readonly boolean[], field: 'wrt' | 'wrtDefs' | 'defGrads') =>
    mask.flatMap((on, i) =>
      on ? [{ ...spec, [field]: mask.map((x, j) => (j === i ? false : x)) } as FormulaSpec] : [],
    );
  yield* flips(spec.defGrads, 'defGrads');
  yield* flips(spec.wrtDefs, 'wrtDefs');
  yield* flips(spec.wrt, 'wrt');
  if (spec.names !== undefined) yield { ...spec, names: undefined };
  if (spec.group) yield { ...spec, group: false };
  for (const d of ['n', 'm'] as const)
    if (spec.sizes[d] > 1) yield { ...spec, sizes: { ...spec.sizes, [d]: spec.sizes[d] - 1 } };
}
