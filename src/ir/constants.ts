/**
 * Known constant values of nodes. Kept apart from graph.ts so that the op table can read them
 * without importing the graph, which imports the op table.
 */
import type { Node } from './node.js';

/** The value of a node whose every entry is the same known number (a constant or a fill). */
export function constValue(n: Node): number | undefined {
  return (n.op === 'const' && n.attrs.name === undefined) || n.op === 'fill' ? n.attrs.value : undefined;
}

/**
 * Whether `n` is a number as written (`2`, `0.5`). A named constant (`pi`) is a const node too,
 * but it stays a symbol: it has no constValue, and arithmetic never folds it into digits.
 */
export function isNumber(n: Node): boolean {
  return n.op === 'const' && n.attrs.name === undefined;
}

export function isZero(n: Node): boolean {
  return constValue(n) === 0;
}

export function isOne(n: Node): boolean {
  return constValue(n) === 1;
}

/*
 * Exact arithmetic on the numbers a formula writes (README, "The formula language": constants stay as written).
 * A number is read as the decimal fraction its shortest text denotes (0.1 is 1/10, not the
 * nearest double); a sum, product, quotient or integer power is folded only when the exact
 * result is again a number with such a text: 2 * 0.5 is 1 and 0.1 + 0.2 is 0.3, but 1 / 3
 * and 2^0.5 stay as they are written.
 */

interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

const TEN = 10n;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function reduce(n: bigint, d: bigint): Rational {
  if (d < 0n) [n, d] = [-n, -d];
  const k = gcd(n, d);
  return k <= 1n ? { n, d } : { n: n / k, d: d / k };
}

/** The decimal fraction the shortest text of `x` denotes; undefined for NaN and infinities. */
function rational(x: number): Rational | undefined {
  if (!Number.isFinite(x)) return undefined;
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (m === null) return undefined;
  const fraction = m[3] ?? '';
  let n = BigInt(`${m[2]}${fraction}`);
  if (m[1] === '-') n = -n;
  const exponent = Number(m[4] ?? 0) - fraction.length;
  return exponent >= 0 ? reduce(n * TEN ** BigInt(exponent), 1n) : reduce(n, TEN ** BigInt(-exponent));
}

/** The number whose shortest text is exactly `r`, or undefined when there is none. */
function decimal(r: Rational): number | undefined {
  let d = r.d;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) [d, twos] = [d / 2n, twos + 1];
  while (d % 5n === 0n) [d, fives] = [d / 5n, fives + 1];
  if (d !== 1n) return undefined;
  const k = Math.max(twos, fives);
  if (k > 40) return undefined;
  const digits = r.n * (TEN ** BigInt(k) / r.d);
  const v = Number(`${digits}e-${k}`);
  const back = rational(v);
  if (back === undefined || back.n !== r.n || back.d !== r.d) return undefined;
  return Object.is(v, -0) ? 0 : v;
}

function both(a: number, b: number, f: (x: Rational, y: Rational) => Rational | undefined): number | undefined {
  const x = rational(a);
  const y = rational(b);
  if (x === undefined || y === undefined) return undefined;
  const r = f(x, y);
  return r === undefined ? undefined : decimal(r);
}

/** a + b, when exact. */
export function exactSum(a: number, b: number): number | undefined {
  return both(a, b, (x, y) => reduce(x.n * y.d + y.n * x.d, x.d * y.d));
}

/** a b, when exact. */
export function exactProduct(a: number, b: number): number | undefined {
  if (a === 0 || b === 0) return 0;
  return both(a, b, (x, y) => reduce(x.n * y.n, x.d * y.d));
}

/** a / b, when exact (b ≠ 0). */
export function exactQuotient(a: number, b: number): number | undefined {
  if (b === 0) return undefined;
  return both(a, b, (x, y) => reduce(x.n * y.d, x.d * y.n));
}

/** a^e for a small integer e, when exact. */
export function exactPower(a: number, e: number): number | undefined {
  if (!Number.isInteger(e) || Math.abs(e) > 64) return undefined;
  if (e === 0) return 1;
  const x = rational(a);
  if (x === undefined || (x.n === 0n && e < 0)) return undefined;
  const k = BigInt(Math.abs(e));
  const r = e > 0 ? reduce(x.n ** k, x.d ** k) : reduce(x.d ** k, x.n ** k);
  return decimal(r);
}

/** Whether a function's value at a constant may be folded: a number with a short text (exp(0) is 1; log(2) is not). */
export function exactValue(v: number): boolean {
  return Number.isFinite(v) && String(v).replace(/^-/, '').replace(/^0\./, '').length <= 8;
}
