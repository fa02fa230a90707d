/** The checking tools themselves: the mathjs reference evaluator, the seeded inputs, central differences. */
import { describe, expect, it } from 'vitest';
import { compareValues, centralDifferences, numericGradient } from '../../src/check/numeric.js';
import { mulberry32, randomDims, randomInputs, sample } from '../../src/check/random.js';
import {
  EvaluationError,
  evaluateNodes,
  evaluateScalar,
  type InputValue,
  type Value,
} from '../../src/check/reference.js';
import { checkFormula } from '../../src/front.js';

/** The value of definition `name` of `text` on the given inputs and sizes. */
function value(
  text: string,
  name: string,
  values: Record<string, InputValue>,
  dims: Record<string, number> = {},
): Value {
  const model = checkFormula(text);
  const d = model.definitions.find((x) => x.name === name)!;
  return evaluateNodes([d.node], { values: new Map(Object.entries(values)), dims: new Map(Object.entries(dims)) })[0]!;
}

const col = (...v: number[]): Value => v.map((x) => [x]);

describe('reference evaluator', () => {
  it('matrix products, transposes and broadcasting', () => {
    const text =
      'A : matrix(m, n)\nx : vector(n)\nb : vector(m)\nr : vector(n)\nz = A x + b\nY = A + r^T\nZ = A .* b\nW = x^T A^T\n';
    const A = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const values = { A, x: col(1, -1), b: col(10, 20, 30), r: col(100, 200) };
    const dims = { m: 3, n: 2 };
    expect(value(text, 'z', values, dims)).toEqual(col(9, 19, 29));
    expect(value(text, 'Y', values, dims)).toEqual([
      [101, 202],
      [103, 204],
      [105, 206],
    ]);
    expect(value(text, 'Z', values, dims)).toEqual([
      [10, 20],
      [60, 80],
      [150, 180],
    ]);
    expect(value(text, 'W', values, dims)).toEqual([[-1, -1, -1]]);
  });

  it('softmax is per column and stable; logsumexp is stable', () => {
    const text = 'X : matrix(m, n)\nS = softmax(X)\nl = logsumexp(X)\n';
    const X = [
      [1000, 0],
      [1000, Math.log(3)],
    ];
    const S = value(text, 'S', { X }, { m: 2, n: 2 });
    expect(S[0]![0]).toBeCloseTo(0.5, 15);
    expect(S[1]![0]).toBeCloseTo(0.5, 15);
    expect(S[0]![1]).toBeCloseTo(0.25, 15);
    expect(S[1]![1]).toBeCloseTo(0.75, 15);
    expect(value(text, 'l', { X }, { m: 2, n: 2 })[0]![0]).toBeCloseTo(1000 + Math.log(2 + Math.exp(-1000) * 4), 10);
  });

  it('sigmoid and softplus are finite far from 0', () => {
    const text = 'x : vector(n)\ns = sigmoid(x)\np = softplus(x)\n';
    expect(value(text, 's', { x: col(-1000, 0, 1000) }, { n: 3 })).toEqual(col(0, 0.5, 1));
    expect(value(text, 'p', { x: col(-1000, 0, 1000) }, { n: 3 })).toEqual(col(0, Math.log(2), 1000));
  });

  it('outside their real domain, log, sqrt, asin give NaN (not complex numbers)', () => {
    const text = 'x : vector(n)\nl = log(x)\nq = sqrt(x)\na = asin(x)\n';
    expect(value(text, 'l', { x: col(-1) }, { n: 1 })[0]![0]).toBeNaN();
    expect(value(text, 'q', { x: col(-1) }, { n: 1 })[0]![0]).toBeNaN();
    expect(value(text, 'a', { x: col(2) }, { n: 1 })[0]![0]).toBeNaN();
  });

  it('reductions, norms, traces, diagonals, entries', () => {
    const text = [
      'A : matrix(n, n)',
      'x : vector(n)',
      'k : index(n)',
      's = sum(A)',
      'm = mean(A)',
      'f = ||A||',
      'o = norm1(x)',
      't = tr(A)',
      'd = diag(A)',
      'D = diag(x)',
      'e = A[1, 0] + x[k]',
      'h = onehot(k, n)',
      'N = n 1 + 0',
      '',
    ].join('\n');
    const values = {
      A: [
        [1, 2],
        [3, 4],
      ],
      x: col(-3, 4),
      k: 1,
    };
    const dims = { n: 2 };
    expect(value(text, 's', values, dims)).toEqual([[10]]);
    expect(value(text, 'm', values, dims)).toEqual([[2.5]]);
    expect(value(text, 'f', values, dims)[0]![0]).toBeCloseTo(Math.sqrt(30), 14);
    expect(value(text, 'o', values, dims)).toEqual([[7]]);
    expect(value(text, 't', values, dims)).toEqual([[5]]);
    expect(value(text, 'd', values, dims)).toEqual(col(1, 4));
    expect(value(text, 'D', values, dims)).toEqual([
      [-3, 0],
      [0, 4],
    ]);
    expect(value(text, 'e', values, dims)).toEqual([[7]]);
    expect(value(text, 'h', values, dims)).toEqual(col(0, 1));
    expect(value(text, 'N', values, dims)).toEqual([[2]]);
  });

  it('inv and solve come from a pivoted LU factorisation: exact on a matrix that needs row swaps', () => {
    // The first pivot is 0, so rows must be swapped; every entry of the result is exact.
    const text = 'A : matrix(n, n)\nB : matrix(n, k)\nI = inv(A)\nX = inv(A) B\n';
    // The pivots take the rows in the order 2, 3, 1: a cycle, which is not its own inverse.
    const A = [
      [0, 0, 4],
      [1, 0, 0],
      [0, 2, 0],
    ];
    const B = [
      [8, 0],
      [1, -1],
      [2, 4],
    ];
    const dims = { n: 3, k: 2 };
    expect(value(text, 'I', { A, B }, dims)).toEqual([
      [0, 1, 0],
      [0, 0, 0.5],
      [0.25, 0, 0],
    ]);
    expect(value(text, 'X', { A, B }, dims)).toEqual([
      [1, -1],
      [1, 2],
      [2, 0],
    ]);
  });

  it('inv and solve refuse a singular matrix with an EvaluationError', () => {
    const text = 'A : matrix(n, n)\nb : vector(n)\nx = inv(A) b\n';
    expect(() =>
      value(
        text,
        'x',
        {
          A: [
            [1, 2],
            [2, 4],
          ],
          b: col(1, 1),
        },
        { n: 2 },
      ),
    ).toThrow(EvaluationError);
  });

  it('rejects inputs of the wrong shape and indices out of range', () => {
    const text = 'x : vector(n)\nk : index(n)\ny = 2 x\nz = x[k]\n';
    expect(() => value(text, 'y', { x: col(1, 2) }, { n: 3 })).toThrow(EvaluationError);
    expect(() => value(text, 'z', { x: col(1, 2), k: 2 }, { n: 2 })).toThrow(/not an integer in \[0, 2\)/);
    expect(() => value(text, 'y', {}, { n: 2 })).toThrow(/no value given for variable x/);
  });

  it('evaluates each node once and handles deep graphs', () => {
    const lines = ['x : scalar', 'y0 = x'];
    for (let i = 1; i <= 3000; i++) lines.push(`y${i} = 0.5 y${i - 1} + 0.5 sin(y${i - 1})`);
    const model = checkFormula(lines.join('\n'));
    const last = model.definitions.at(-1)!.node;
    expect(Number.isFinite(evaluateScalar(last, { values: new Map([['x', 0.3]]), dims: new Map() }))).toBe(true);
  });
});

describe('seeded inputs', () => {
  const model = checkFormula('A : matrix(h, m)\nx : vector(m)\nk : index(K)\nc : scalar\nL = sum(A x) + c\n');

  it('dimensions are small, distinct and deterministic; overrides win', () => {
    const dims = randomDims(model);
    expect([...dims.keys()]).toEqual(['h', 'm', 'K']);
    expect(new Set(dims.values()).size).toBe(3);
    expect(randomDims(model)).toEqual(dims);
    const over = randomDims(model, { m: 3 });
    expect(over.get('m')).toBe(3);
    expect(new Set(over.values()).size).toBe(3);
  });

  it('the same seed gives the same inputs; index variables are integers in range', () => {
    const dims = randomDims(model);
    const a = randomInputs(model, dims, mulberry32(7));
    const b = randomInputs(model, dims, mulberry32(7));
    expect(a).toEqual(b);
    const k = a.get('k') as number;
    expect(Number.isInteger(k) && k >= 0 && k < dims.get('K')!).toBe(true);
    expect((a.get('A') as Value).length).toBe(dims.get('h'));
    expect(randomInputs(model, dims, mulberry32(8))).not.toEqual(a);
  });

  it('domains', () => {
    const rng = mulberry32(1);
    for (let i = 0; i < 1000; i++) {
      expect(Math.abs(sample('real', rng))).toBeLessThanOrEqual(1);
      expect(sample('positive', rng)).toBeGreaterThanOrEqual(0.5);
      expect(Math.abs(sample('open-unit', rng))).toBeLessThan(0.81);
      expect(Math.abs(sample('nonzero', rng))).toBeGreaterThanOrEqual(0.2);
      const v = sample([3, 4], rng);
      expect(v >= 3 && v <= 4).toBe(true);
    }
    const values = randomInputs(model, randomDims(model), mulberry32(2), { domains: { A: 'positive' } });
    expect((values.get('A') as Value).flat().every((v) => v >= 0.5)).toBe(true);
  });
});

describe('central differences', () => {
  it('differentiate smooth functions to ~1e-10', () => {
    const g = centralDifferences((x) => Math.sin(x[0]![0]!) * Math.exp(x[0]![1]!), [[0.3, -0.2]]);
    expect(g[0]![0]).toBeCloseTo(Math.cos(0.3) * Math.exp(-0.2), 10);
    expect(g[0]![1]).toBeCloseTo(Math.sin(0.3) * Math.exp(-0.2), 10);
  });

  it('with respect to one named input, leaving the inputs unchanged', () => {
    const inputs = new Map<string, InputValue>([
      ['a', 2],
      ['v', [[1], [2]]],
    ]);
    const f = (m: ReadonlyMap<string, InputValue>) => (m.get('a') as number) ** 3 * (m.get('v') as Value)[1]![0]!;
    expect(numericGradient(f, inputs, 'a')[0]![0]).toBeCloseTo(24, 8);
    expect(numericGradient(f, inputs, 'v')).toEqual([[0], [expect.closeTo(8, 8)]]);
    expect(inputs.get('v')).toEqual([[1], [2]]);
  });

  it('comparison: relative with a floor, shapes and NaN reported', () => {
    // 1e-7 relative on the first entry; 1e-9 against the floor 1e-3 on the second.
    expect(compareValues([[1, 1e-9]], [[1 + 1e-7, 0]]).maxRel).toBeCloseTo(1e-6, 12);
    expect(compareValues([[1, 1e-9]], [[1 + 1e-7, 0]], { floor: 1 }).maxRel).toBeCloseTo(1e-7, 12);
    expect(compareValues([[1, 2]], [[1], [2]]).mismatch).toMatch(/shapes differ/);
    expect(compareValues([[NaN]], [[1]]).mismatch).toMatch(/entry \(0, 0\)/);
    expect(compareValues([[1.5]], [[1]], { noise: 0.6 }).maxRel).toBe(0);
  });

  it('comparison: an entry that is not finite is a mismatch, even when both sides agree on it', () => {
    expect(compareValues([[1, NaN]], [[1, NaN]]).mismatch).toBe('not finite: NaN at entry (0, 1)');
    expect(compareValues([[Infinity]], [[Infinity]]).mismatch).toBe('not finite: Infinity at entry (0, 0)');
    expect(compareValues([[NaN]], [[0.5]]).mismatch).toBe('not finite at entry (0, 0): NaN vs 0.5');
    expect(compareValues([[2], [-Infinity]], [[2], [7]]).mismatch).toBe('not finite at entry (1, 0): -Infinity vs 7');
    expect(compareValues([[0.5]], [[Infinity]]).mismatch).toBe('not finite at entry (0, 0): 0.5 vs Infinity');
  });
});
