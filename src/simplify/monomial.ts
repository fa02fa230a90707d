/**
 * Canonical scalar products (issue 14): a scalar product or quotient is read as a coefficient
 * times atoms with exponents, `c Π aᵢ^eᵢ`, and rebuilt in one canonical form, so that
 *   - numeric factors multiply wherever they stand: 2 (0.5 / f) → 1 / f, 2 (1 / N) → 2 / N;
 *   - powers of one base combine: a / b / b → a / b^2, s^2 s → s^3;
 *   - common factors cancel across quotients: 2 k / (2 s^2) → k / s^2.
 * Atoms are everything that is not a product, a quotient, or a power with a numeric exponent:
 * sums, functions, reductions, and the user's definitions (never looked into).
 */
import { constValue, isNumber } from '../ir/constants.js';
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { isScalar } from '../ir/shape.js';

/** Nodes read at most: keeps the rule linear on long chains. */
const MAX_REGION = 48;

class Abort extends Error {}

interface Monomial {
  coefficient: number;
  /** Exponent by atom id, in first-seen order. */
  readonly exponents: Map<number, number>;
  readonly atoms: Map<number, Node>;
  nodes: number;
  /** Numbers read, and atoms read more than once: what the canonical form has to merge. */
  constants: number;
  repeats: number;
}

function structural(n: Node, g: Graph): boolean {
  if (g.isSealed(n) || !isScalar(n.shape)) return false;
  if (n.op === 'mul' || n.op === 'div') return true;
  return n.op === 'pow' && isNumber(n.args[1]!) && Number.isFinite(constValue(n.args[1]!));
}

function read(n: Node, g: Graph, exponent: number, m: Monomial): void {
  if (++m.nodes > MAX_REGION) throw new Abort();
  if (isNumber(n)) {
    const c = constValue(n)!;
    if (exponent < 0 && c === 0) throw new Abort();
    m.coefficient *= c ** exponent;
    m.constants++;
    return;
  }
  if (!structural(n, g)) {
    if (m.atoms.has(n.id)) m.repeats++;
    m.atoms.set(n.id, n);
    m.exponents.set(n.id, (m.exponents.get(n.id) ?? 0) + exponent);
    return;
  }
  const [a, b] = n.args as [Node, Node];
  if (n.op === 'mul') {
    read(a, g, exponent, m);
    read(b, g, exponent, m);
  } else if (n.op === 'div') {
    read(a, g, exponent, m);
    read(b, g, -exponent, m);
  } else {
    read(a, g, exponent * constValue(b)!, m);
  }
}

/** `[p, q]` with c = p / q for small q, else [c, 1]. */
function ratio(c: number): [number, number] {
  if (Number.isInteger(c)) return [c, 1];
  for (let q = 2; q <= 16; q++) {
    const p = Math.round(c * q);
    if (Math.abs(p / q - c) <= 1e-15 * Math.abs(c)) return [p, q];
  }
  return [c, 1];
}

function product(g: Graph, factors: readonly Node[]): Node | undefined {
  return factors.reduce<Node | undefined>((acc, x) => (acc === undefined ? x : g.mul(acc, x)), undefined);
}

/**
 * sum(x) / n → mean(x) when n is the number of entries of x (a dimension of a vector): the
 * mean a book writes for the average over a vector. Edits the monomial in place.
 */
function meanOfSums(g: Graph, exponents: Map<number, number>, atoms: Map<number, Node>): void {
  for (const [id, atom] of [...atoms]) {
    if (atom.op !== 'sum' || exponents.get(id) !== 1) continue;
    const x = atom.args[0]!;
    const length = x.shape.cols === 1 ? x.shape.rows : x.shape.rows === 1 ? x.shape.cols : undefined;
    if (length === undefined || typeof length === 'number') continue;
    const count = [...atoms.values()].find(
      (a) => a.op === 'dim' && a.attrs.name === length && exponents.get(a.id) === -1,
    );
    if (count === undefined) continue;
    const mean = g.mean(x);
    exponents.delete(id);
    exponents.delete(count.id);
    atoms.set(mean.id, mean);
    exponents.set(mean.id, (exponents.get(mean.id) ?? 0) + 1);
  }
}

/** Whether `sum(x) / n` of an n-vector is among the factors (see meanOfSums). */
function hasMean(m: Monomial): boolean {
  for (const [id, atom] of m.atoms) {
    if (atom.op !== 'sum' || m.exponents.get(id) !== 1) continue;
    const x = atom.args[0]!;
    const length = x.shape.cols === 1 ? x.shape.rows : x.shape.rows === 1 ? x.shape.cols : undefined;
    if (
      typeof length === 'string' &&
      [...m.atoms.values()].some((a) => a.op === 'dim' && a.attrs.name === length && m.exponents.get(a.id) === -1)
    )
      return true;
  }
  return false;
}

/** The canonical form: `c num / den`, atoms in order of id, with `c = p / q` split over the line. */
export function buildMonomial(
  g: Graph,
  coefficient: number,
  exponents: Map<number, number>,
  atoms: Map<number, Node>,
): Node {
  if (coefficient === 0) return g.constant(0);
  meanOfSums(g, exponents, atoms);
  // Names first (k ||x - c||^2, n sqrt(v)), then the rest, each in order of creation.
  const simple = (id: number) => {
    const a = atoms.get(id)!;
    return a.op === 'var' || a.op === 'dim' || g.isSealed(a) ? 0 : 1;
  };
  const ids = [...exponents.keys()]
    .filter((id) => exponents.get(id) !== 0)
    .sort((a, b) => simple(a) - simple(b) || a - b);
  const power = (id: number, e: number) => (e === 1 ? atoms.get(id)! : g.pow(atoms.get(id)!, g.constant(e)));
  const numerator = product(
    g,
    ids.filter((id) => exponents.get(id)! > 0).map((id) => power(id, exponents.get(id)!)),
  );
  const denominator = product(
    g,
    ids.filter((id) => exponents.get(id)! < 0).map((id) => power(id, -exponents.get(id)!)),
  );
  const [p, q] = ratio(Math.abs(coefficient));
  const sign = coefficient < 0 ? -1 : 1;
  const den = q === 1 ? denominator : denominator === undefined ? g.constant(q) : g.mul(g.constant(q), denominator);
  let value: Node;
  if (numerator === undefined) value = den === undefined ? g.constant(p) : g.div(g.constant(p), den);
  else {
    const top = p === 1 ? numerator : g.mul(g.constant(p), numerator);
    value = den === undefined ? top : g.div(top, den);
  }
  return sign < 0 ? g.neg(value) : value;
}

/**
 * A scalar `n` read as `coefficient Π atom^exponent` (raised to `exponent`), or undefined when
 * it is too large to read.
 */
export function readMonomial(
  n: Node,
  g: Graph,
  exponent = 1,
): Pick<Monomial, 'coefficient' | 'exponents' | 'atoms'> | undefined {
  const m: Monomial = { coefficient: 1, exponents: new Map(), atoms: new Map(), nodes: 0, constants: 0, repeats: 0 };
  try {
    read(n, g, exponent, m);
  } catch (e) {
    if (e instanceof Abort) return undefined;
    throw e;
  }
  return Number.isFinite(m.coefficient) ? m : undefined;
}

/** The rule: a scalar product, quotient or power in canonical form, when that differs. */
export function canonicalMonomial(n: Node, g: Graph): Node | undefined {
  if (!structural(n, g)) return undefined;
  const m: Monomial = { coefficient: 1, exponents: new Map(), atoms: new Map(), nodes: 0, constants: 0, repeats: 0 };
  try {
    read(n, g, 1, m);
  } catch (e) {
    if (e instanceof Abort) return undefined;
    throw e;
  }
  if (!Number.isFinite(m.coefficient)) return undefined;
  // Only when something merges: numbers, powers of one base, or a sum over its count. A product
  // that would only be reordered keeps its shape, so that chains the derivative shares
  // (((a b) c) d, then ((a b) c) d e) stay shared in the generated code.
  if (m.constants < 2 && m.repeats === 0 && !hasMean(m)) return undefined;
  const result = buildMonomial(g, m.coefficient, m.exponents, m.atoms);
  return result === n ? undefined : result;
}
