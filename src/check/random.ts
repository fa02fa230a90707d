/** Seeded random sizes and inputs for numeric checks: the same seed gives the same numbers everywhere. */
import type { Model } from '../ir/model.js';
import type { ArgumentDomain } from '../ops/types.js';
import { dimSize, tabulate, type InputValue } from './reference.js';

/** A random number generator: uniform in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast, seeded 32-bit generator (good enough for test inputs). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `record[key]` if the record has it as its own property: names from a formula may be
 * `constructor` or `__proto__`, which a plain object would answer from Object.prototype.
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Small sizes, distinct for the first names so that a transposed shape cannot pass by accident. */
const DEFAULT_SIZES = [3, 4, 2, 5, 6, 7, 8, 9];

/**
 * A size for every dimension name of the model, in order of first appearance: 3, 4, 2, 5, ...
 * skipping sizes that the overrides already use, then the overrides themselves.
 */
export function randomDims(model: Model, overrides: Readonly<Record<string, number>> = {}): Map<string, number> {
  const dims = new Map<string, number>();
  const used = new Set(Object.values(overrides));
  const sizes = DEFAULT_SIZES.filter((s) => !used.has(s));
  let next = 0;
  for (const name of model.dims) {
    const given = own(overrides, name);
    if (given !== undefined) {
      dims.set(name, given);
    } else {
      dims.set(name, sizes[next % sizes.length]!);
      next++;
    }
  }
  return dims;
}

/**
 * Where a variable's entries are drawn from: the domains of elementwise functions (their
 * table entries' `domain`, so a new kind of domain must be sampled here to compile), and more:
 * - `real`: uniform in [-1, 1];
 * - `positive`: uniform in [0.5, 2] (for log, sqrt, a power with a variable exponent);
 * - `open-unit`: uniform in [-0.8, 0.8] (asin, acos, tan: well inside their domains);
 * - `nonzero`: magnitude in [0.2, 1] with a random sign (away from a kink at 0: relu, abs);
 * - `invertible` (a square matrix read by inv, det or logdet): diagonally dominant, entries of
 *   magnitude in [0.2, 1] / n with random signs off the diagonal, ±(1 + one of them) on it;
 * - `positive-definite` (a matrix whose determinant must be positive): B Bᵀ / n + I, symmetric
 *   with every eigenvalue at least 1 and positive entries, B's entries uniform in [0.2, 1];
 * - `[min, max]`: uniform in that interval.
 * A scalar or vector sampled as a matrix is away from 0 (`invertible`) or positive.
 */
export type Domain = ArgumentDomain | readonly [number, number];

/** What `check` says of a matrix sampled with a structure (the line `sampled: K diagonally dominant`). */
export const MATRIX_DOMAINS = {
  invertible: 'diagonally dominant',
  'positive-definite': 'symmetric positive definite',
} as const;

/** A domain that gives a square matrix a structure. */
export type MatrixDomain = keyof typeof MATRIX_DOMAINS;

/** The structure each domain gives a square matrix, if any: a new domain must say. */
const STRUCTURE: Readonly<Record<ArgumentDomain, MatrixDomain | undefined>> = {
  real: undefined,
  positive: undefined,
  'open-unit': undefined,
  nonzero: undefined,
  invertible: 'invertible',
  'positive-definite': 'positive-definite',
};

/** The structure a domain gives a square matrix: undefined for entries drawn one by one. */
export function structureOf(domain: Domain): MatrixDomain | undefined {
  return typeof domain === 'string' ? STRUCTURE[domain] : undefined;
}

/** How one entry is drawn, by domain (a structured matrix's scalars and vectors included). */
const SAMPLERS: Readonly<Record<ArgumentDomain, (uniform: (lo: number, hi: number) => number, rng: Rng) => number>> = {
  real: (uniform) => uniform(-1, 1),
  positive: (uniform) => uniform(0.5, 2),
  'open-unit': (uniform) => uniform(-0.8, 0.8),
  'positive-definite': (uniform) => uniform(0.5, 2),
  invertible: awayFromZero,
  nonzero: awayFromZero,
};

function awayFromZero(uniform: (lo: number, hi: number) => number, rng: Rng): number {
  const m = uniform(0.2, 1);
  return rng() < 0.5 ? -m : m;
}

export interface InputOptions {
  /** Domains by variable name; the others use `defaultDomain`. */
  readonly domains?: Readonly<Record<string, Domain>>;
  readonly defaultDomain?: Domain;
}

export function sample(domain: Domain, rng: Rng): number {
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng();
  if (typeof domain !== 'string') return uniform(domain[0], domain[1]);
  return SAMPLERS[domain](uniform, rng);
}

/**
 * A value for every variable of the model: numbers for scalars, rows for vectors (n x 1) and
 * matrices, integers in [0, K) for index(K) variables, drawn in declaration order.
 */
export function randomInputs(
  model: Model,
  dims: ReadonlyMap<string, number>,
  rng: Rng,
  options: InputOptions = {},
): Map<string, InputValue> {
  const values = new Map<string, InputValue>();
  for (const v of model.variables) {
    if (v.kind === 'index') {
      const bound = dimSize(v.bound!, dims);
      values.set(v.name, Math.min(bound - 1, Math.floor(rng() * bound)));
      continue;
    }
    const domain = own(options.domains, v.name) ?? options.defaultDomain ?? 'real';
    const rows = dimSize(v.shape.rows, dims);
    const cols = dimSize(v.shape.cols, dims);
    if (v.structure !== undefined) {
      values.set(v.name, structuredMatrix(v.structure, domain, rows, rng));
      continue;
    }
    const structure = v.kind === 'matrix' && rows === cols ? structureOf(domain) : undefined;
    values.set(
      v.name,
      v.kind === 'scalar'
        ? sample(domain, rng)
        : structure !== undefined
          ? squareMatrix(structure, rows, rng)
          : tabulate(rows, cols, () => sample(domain, rng)),
    );
  }
  return values;
}

/**
 * A matrix declared `spd(n)` (always sampled symmetric positive definite, B Bᵀ / n + I) or
 * `symmetric(n)`: its domain's entries on and above the diagonal, mirrored below (a diagonally
 * dominant one stays diagonally dominant, so invertible).
 */
function structuredMatrix(structure: 'symmetric' | 'spd', domain: Domain, n: number, rng: Rng): number[][] {
  if (structure === 'spd') return squareMatrix('positive-definite', n, rng);
  const m =
    domain === 'invertible' || domain === 'positive-definite'
      ? squareMatrix(domain, n, rng)
      : tabulate(n, n, () => sample(domain, rng));
  return m.map((row, i) => row.map((x, j) => (j < i ? m[j]![i]! : x)));
}

/**
 * A well-conditioned n x n matrix whose entries are away from 0, with a determinant of at most
 * 2^n: diagonally dominant (entries of magnitude in [0.2, 1] / n with random signs, and on the
 * diagonal 1 plus one of them), or
 * symmetric positive definite with positive entries (B Bᵀ / n + I, B's entries in [0.2, 1]).
 */
function squareMatrix(domain: MatrixDomain, n: number, rng: Rng): number[][] {
  if (domain === 'invertible') {
    return tabulate(n, n, (i, j) => {
      const x = sample('nonzero', rng) / n;
      return i !== j ? x : Math.sign(x) * (1 + Math.abs(x));
    });
  }
  const b = tabulate(n, n, () => sample([0.2, 1], rng));
  return tabulate(n, n, (i, j) => b[i]!.reduce((s, x, k) => s + x * b[j]![k]!, 0) / n + (i === j ? 1 : 0));
}
