/**
 * Elementwise rational expressions, multiplied out: a sum of products and quotients is read as
 * monomials over atoms with integer exponents (`p / q` is p q^-1), multiplied out, cancelled and
 * combined; the result replaces the expression only when it has fewer nodes. This is the
 * algebra the chain rule leaves undone when a derivative divides by what a later factor
 * multiplies by, as cross-entropy through a sigmoid does:
 *   ((1 - y) / (1 - yhat) - y / yhat) yhat (1 - yhat)  →  yhat - y.
 * A sum that is a denominator stays whole (an atom) so it can cancel, and is multiplied out only
 * where it is left with a positive exponent. Atoms are everything else: functions, products of
 * matrices, transposes, the user's definitions (looked into only as such a leftover
 * denominator, so names stay wherever they do not cancel). Every atom is a scalar or
 * has the expression's shape, so products and sums of them in any order are well-shaped.
 */
import { constValue, isNumber } from '../ir/constants.js';
import type { Graph } from '../ir/graph.js';
import { ShapeError } from '../diagnostics/errors.js';
import type { Node } from '../ir/node.js';
import { broadcastShapes, isScalar, sameShape, type Shape } from '../ir/shape.js';

/** Exponent by atom id. */
type Monomial = ReadonlyMap<number, number>;
/** Coefficient and monomial by the monomial's key. */
type Polynomial = Map<string, { coefficient: number; monomial: Monomial }>;

/** Bounds that keep the rule cheap: nodes of the region read, terms of a polynomial. */
const MAX_REGION = 64;
const MAX_TERMS = 48;
const MAX_POWER = 4;

class TooLarge extends Error {}

/**
 * Whether anything cancelled while multiplying out (an atom against its inverse, or terms
 * against each other): without that, multiplying out only reshuffles (`1/m y / yhat` into
 * `y / (m yhat)`), and the rule leaves the user's grouping alone. Set by `plus` and `times`.
 */
let cancelled = false;

/** `cancelled` as it is now: set by the multiplications a read runs, which TypeScript's narrowing does not follow. */
const anythingCancelled = (): boolean => cancelled;

function keyOf(m: Monomial): string {
  return [...m.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, e]) => `${id}^${e}`)
    .join(' ');
}

function term(coefficient: number, monomial: Monomial): Polynomial {
  const p: Polynomial = new Map();
  if (coefficient !== 0) p.set(keyOf(monomial), { coefficient, monomial });
  return p;
}

function plus(a: Polynomial, b: Polynomial): Polynomial {
  const out: Polynomial = new Map(a);
  for (const [k, t] of b) {
    const c = (out.get(k)?.coefficient ?? 0) + t.coefficient;
    if (c === 0) {
      if (out.has(k)) cancelled = true;
      out.delete(k);
    } else out.set(k, { coefficient: c, monomial: t.monomial });
  }
  if (out.size > MAX_TERMS) throw new TooLarge();
  return out;
}

function times(a: Polynomial, b: Polynomial): Polynomial {
  let out: Polynomial = new Map();
  for (const x of a.values()) {
    for (const y of b.values()) {
      const m = new Map(x.monomial);
      for (const [id, e] of y.monomial) {
        const sum = (m.get(id) ?? 0) + e;
        if (sum === 0 && m.has(id)) cancelled = true;
        if (sum === 0) m.delete(id);
        else m.set(id, sum);
      }
      out = plus(out, term(x.coefficient * y.coefficient, m));
    }
  }
  return out;
}

/** A small integer exponent, or undefined. */
function smallInteger(n: Node): number | undefined {
  const c = isNumber(n) ? constValue(n) : undefined;
  return c !== undefined && Number.isInteger(c) && Math.abs(c) <= MAX_POWER ? c : undefined;
}

class Reader {
  readonly atoms = new Map<number, Node>();
  /** Sums that some quotient divides by: atoms, so that they can cancel. */
  readonly denominators = new Set<number>();
  private visited = 0;
  hasQuotient = false;

  constructor(
    private readonly g: Graph,
    private readonly shape: Shape,
  ) {}

  private fits(n: Node): boolean {
    // Also a row or a column that broadcasts to the shape (the 1ᵀ Y of a batch softmax): every
    // operation is entrywise, so any order of the factors computes the same entries.
    return (
      isScalar(n.shape) ||
      (broadcastShapes(n.shape, this.shape) !== undefined &&
        sameShape(broadcastShapes(n.shape, this.shape)!, this.shape))
    );
  }

  /**
   * Whether an atom divided by may cancel: a scalar or a vector always (as before); a matrix only
   * when it cannot be zero by construction (softmax, sigmoid and exp outputs), so that
   * `P .* (Y ./ P)` → `Y` does not turn a division by zero into a number.
   */
  nonzero(n: Node): boolean {
    // Scalars and vectors as before (a chain rule that divides by them has divided already).
    if (n.shape.rows === 1 || n.shape.cols === 1) return true;
    if (n.op === 'softmax') return true;
    if (n.op === 'unary') return n.attrs.fn === 'exp' || n.attrs.fn === 'sigmoid';
    if (n.op === 'fill') return n.attrs.value !== 0;
    return false;
  }

  private structural(n: Node): boolean {
    return !this.g.isSealed(n) && (n.op === 'add' || n.op === 'mul' || n.op === 'div' || n.op === 'pow');
  }

  /** First pass: the sums that are divided by. */
  collectDenominators(n: Node): void {
    if (++this.visited > MAX_REGION) throw new TooLarge();
    if (!this.fits(n)) throw new TooLarge();
    if (!this.structural(n)) return;
    if (n.op === 'div') {
      const q = n.args[1]!;
      if (!isNumber(q)) this.hasQuotient = true;
      if (q.op === 'add') this.denominators.add(q.id);
    }
    for (const a of n.args) this.collectDenominators(a);
  }

  atom(n: Node, exponent: number): Polynomial {
    this.atoms.set(n.id, n);
    return term(1, new Map([[n.id, exponent]]));
  }

  /**
   * `n` as a polynomial; `whole` sums are kept as atoms. `open` reads into `n` itself even when
   * it is a definition: a denominator left over is multiplied out by its value (the user's
   * `q = 1 - yhat` cancels against the `1 - yhat` of σ').
   */
  read(n: Node, whole: ReadonlySet<number> = this.denominators, open = false): Polynomial {
    if (isNumber(n)) return term(constValue(n)!, new Map());
    if (!(open && n.op === 'add') && (!this.structural(n) || whole.has(n.id))) return this.atom(n, 1);
    const [a, b] = n.args as [Node, Node];
    switch (n.op) {
      case 'add':
        return plus(this.read(a, whole), this.read(b, whole));
      case 'mul':
        return times(this.read(a, whole), this.read(b, whole));
      case 'div':
        return times(this.read(a, whole), this.inverse(b));
      default: {
        const k = smallInteger(b);
        if (k === undefined) return this.atom(n, 1);
        if (k < 0) return this.power(this.inverse(a), -k);
        return this.power(this.read(a, whole), k);
      }
    }
  }

  private power(p: Polynomial, k: number): Polynomial {
    let out = term(1, new Map());
    for (let i = 0; i < k; i++) out = times(out, p);
    return out;
  }

  /** 1 / n: constants inverted, products and powers taken apart, anything else an atom to the -1. */
  private inverse(n: Node): Polynomial {
    if (isNumber(n)) {
      const c = constValue(n)!;
      if (c === 0) throw new TooLarge();
      return term(1 / c, new Map());
    }
    if (!this.g.isSealed(n) && n.op === 'mul') return times(this.inverse(n.args[0]!), this.inverse(n.args[1]!));
    if (!this.g.isSealed(n) && n.op === 'pow') {
      const k = smallInteger(n.args[1]!);
      if (k !== undefined && k > 0) return this.power(this.inverse(n.args[0]!), k);
    }
    if (!this.nonzero(n)) throw new TooLarge();
    return this.atom(n, -1);
  }

  /** Denominator sums left with a positive exponent, multiplied out. */
  expandLeftovers(p: Polynomial): Polynomial {
    let out: Polynomial = new Map();
    for (const t of p.values()) {
      let product = term(t.coefficient, new Map());
      for (const [id, e] of t.monomial) {
        const factor =
          e > 0 && this.denominators.has(id)
            ? this.power(this.read(this.atoms.get(id)!, new Set(), true), e)
            : term(1, new Map([[id, e]]));
        product = times(product, factor);
      }
      out = plus(out, product);
    }
    return out;
  }
}

/** Distinct nodes from `n` down to (and counting) the atoms. */
function size(n: Node, atoms: ReadonlyMap<number, Node>, seen = new Set<number>()): number {
  if (seen.has(n.id)) return 0;
  seen.add(n.id);
  if (atoms.has(n.id)) return 1;
  let count = 1;
  for (const a of n.args) count += size(a, atoms, seen);
  return count;
}

/** `atom^e` for e ≠ 0: a power, or 1 / atom^-e. */
function powerOf(g: Graph, atom: Node, e: number): Node {
  const magnitude = Math.abs(e) === 1 ? atom : g.pow(atom, g.constant(Math.abs(e)));
  return e > 0 ? magnitude : g.div(g.constant(1), magnitude);
}

/**
 * The polynomial as an expression: scalar atoms every term shares, and a coefficient every term
 * shares, in front (`1 / m (yhat - y)`); then the terms, positive first (`yhat - y`).
 */
function build(g: Graph, p: Polynomial, atoms: ReadonlyMap<number, Node>, shape: Shape): Node {
  const all = [...p.values()];
  if (all.length === 0) return g.zeros(shape);
  const common = new Map<number, number>();
  for (const [id, e] of all[0]!.monomial) {
    if (!isScalar(atoms.get(id)!.shape)) continue;
    const shared = all.map((t) => t.monomial.get(id) ?? 0);
    if (shared.every((x) => Math.sign(x) === Math.sign(e)))
      common.set(id, Math.sign(e) * Math.min(...shared.map(Math.abs)));
  }
  const magnitudes = all.map((t) => Math.abs(t.coefficient));
  const shift = all.length > 1 && magnitudes.every((x) => x === magnitudes[0]) ? magnitudes[0]! : 1;
  const terms = all.map(({ coefficient, monomial }) => {
    // Atoms of the full shape first, so that a row or column broadcasts against them.
    const partial = (id: number) => (isScalar(atoms.get(id)!.shape) || sameShape(atoms.get(id)!.shape, shape) ? 0 : 1);
    const ids = [...monomial.keys()].sort((a, b) => partial(a) - partial(b) || a - b);
    const exponent = (id: number) => monomial.get(id)! - (common.get(id) ?? 0);
    const factor = (positive: boolean): Node | undefined =>
      ids
        .filter((id) => exponent(id) !== 0 && exponent(id) > 0 === positive)
        .map((id) =>
          Math.abs(exponent(id)) === 1 ? atoms.get(id)! : g.pow(atoms.get(id)!, g.constant(Math.abs(exponent(id)))),
        )
        .reduce<Node | undefined>((acc, x) => (acc === undefined ? x : g.mul(acc, x)), undefined);
    const numerator = factor(true);
    const denominator = factor(false);
    const c = Math.abs(coefficient) / shift;
    let value = numerator === undefined ? g.constant(c) : c === 1 ? numerator : g.mul(g.constant(c), numerator);
    if (denominator !== undefined) value = g.div(value, denominator);
    return { value, negative: coefficient < 0 };
  });
  // Positive terms first: yhat - y rather than -y + yhat.
  terms.sort((a, b) => Number(a.negative) - Number(b.negative));
  let sum = terms.map((t) => (t.negative ? g.neg(t.value) : t.value)).reduce((acc, t) => g.add(acc, t));
  for (const [id, e] of [...common].sort((a, b) => b[0] - a[0])) sum = g.mul(powerOf(g, atoms.get(id)!, e), sum);
  return shift === 1 ? sum : g.mul(g.constant(shift), sum);
}

/**
 * The rule: for a sum, product or quotient that divides by something, its multiplied-out form
 * when that has fewer nodes.
 */
export function multiplyOut(n: Node, g: Graph): Node | undefined {
  if (n.op !== 'add' && n.op !== 'mul' && n.op !== 'div') return undefined;
  if (g.isSealed(n)) return undefined;
  cancelled = false;
  try {
    const reader = new Reader(g, n.shape);
    reader.collectDenominators(n);
    if (!reader.hasQuotient) return undefined;
    const p = reader.expandLeftovers(reader.read(n));
    if (!anythingCancelled()) return undefined;
    let result: Node;
    try {
      result = build(g, p, reader.atoms, n.shape);
    } catch (e) {
      // A term of only rows and columns would not broadcast: leave the expression.
      if (e instanceof ShapeError) return undefined;
      throw e;
    }
    if (!sameShape(result.shape, n.shape)) return undefined;
    return size(result, reader.atoms) < size(n, reader.atoms) ? result : undefined;
  } catch (e) {
    if (e instanceof TooLarge) return undefined;
    throw e;
  }
}
