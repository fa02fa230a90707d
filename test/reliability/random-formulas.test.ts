/**
 * Random well-typed formulas over the whole language (test/helpers/formulas.ts) through the
 * whole product: each is compiled to TypeScript, loaded, and checked by checkModel (forward
 * values against the mathjs reference evaluator, gradients against central differences); the
 * generated modules are type-checked strictly. Formulas are batched, 8 to a module, so one
 * prettier run, one type check and one import serve 8 formulas. This file runs the first half
 * of the stream, random-formulas-2.test.ts the second (see test/helpers/random-suite.ts for the
 * environment variables that set the count, seed and depth).
 *
 * GRADC_FC_PATH replays one formula of the stream (its index), shrinking it if it fails, with
 * GRADC_CHECK_SEED, the seed of checkModel's inputs (a failure prints the whole command).
 *
 * A failure prints the seed, the replay command, the formula as generated and as shrunk
 * (fast-check's shrinking, then parts replaced by smaller parts of the same shape).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formulaArbitrary, renderFormula } from '../helpers/formulas.js';
import { replayFormula } from '../helpers/pipeline.js';
import {
  RANDOM_FORMULA_BATCH,
  RANDOM_FORMULA_DEPTH,
  RANDOM_FORMULA_SEED,
  randomFormulaShard,
} from '../helpers/random-suite.js';

const PATH = process.env.GRADC_FC_PATH;
const CHECK_SEED = process.env.GRADC_CHECK_SEED === undefined ? undefined : Number(process.env.GRADC_CHECK_SEED);

describe('random formulas through compile, strict type check, load and checkModel', () => {
  if (PATH === undefined) {
    randomFormulaShard(0, 2);
  } else {
    it(`replays formula ${PATH} of the stream ${RANDOM_FORMULA_SEED}`, async () => {
      const index = Number(PATH.split(':')[0]);
      const depth = RANDOM_FORMULA_DEPTH;
      const arbitrary =
        depth === undefined ? formulaArbitrary() : formulaArbitrary({ depth, definitionDepth: Math.max(1, depth - 1) });
      const spec = fc.sample(arbitrary, { seed: RANDOM_FORMULA_SEED, numRuns: index + 1 })[index]!;
      console.log(renderFormula(spec).text);
      const checkSeed = CHECK_SEED ?? RANDOM_FORMULA_SEED + Math.floor(index / RANDOM_FORMULA_BATCH);
      expect(await replayFormula(RANDOM_FORMULA_SEED, index, checkSeed, depth)).toBe('');
    }, 600_000);
  }
});

describe('the formula generator', () => {
  const texts = fc.sample(formulaArbitrary(), { seed: 1, numRuns: 1500 }).map((s) => renderFormula(s).text);
  const all = texts.join('\n');

  // Every function, operator and spelling of LANGUAGE.md 1.5-1.6.
  const FEATURES: readonly [string, RegExp][] = [
    ...'exp log sqrt sin cos tan asin acos atan tanh sigmoid sigma σ relu ReLU softplus abs sign arcsin arccos arctan sum mean dot norm2 norm1 logsumexp tr trace softmax onehot ones eye diag inv det logdet'
      .split(' ')
      .map((f): [string, RegExp] => [`${f}(`, new RegExp(`(^|[^\\p{L}\\p{N}_])${f}\\(`, 'u')]),
    ['a + b', / \+ /],
    ['a - b', / - /],
    ['a * b', / \* /],
    ['a b (juxtaposition)', /[\p{L}\p{N})] [\p{L}(]/u],
    ['a / b', / \/ /],
    ['a .* b', / \.\* /],
    ['a ⊙ b', / ⊙ /],
    ['a ./ b', / \.\/ /],
    ['-a', /(^|[ (])-[\p{L}(]/mu],
    ['+a', /(^|[ (])\+[\p{L}(]/mu],
    ['a^p', /[^.]\^[0-9(a-zA-Z-]/],
    ['a^-1 (signed exponent)', /\^-\d/],
    ['a .^ p', / \.\^ /],
    ['a^T', /\^T/],
    ["a'", /'/],
    ['aᵀ', /ᵀ/],
    ['v[i] with a literal', /\[\d\]/],
    ['M[i, j]', /\[[^\]]+, [^\]]+\]/],
    ['index variable', /: index\(/],
    ['||a||', /\(\|\|[^|]+\|\|\)/],
    ['||a||_2', /\|\|_2/],
    ['||a||_1', /\|\|_1/],
    ['pi', /\bpi\b/],
    ['a literal dimension', /vector\(3\)|matrix\(3,|, 3\)/],
    ['several names in one declaration', /^[^:\n]+, [^:\n]+ : /m],
    ['grad with respect to a definition', /^grad \S+ wrt /m],
    ['a non-ASCII name', /[θφŷαβμΣλψΔω]/],
  ];

  it.each(FEATURES)('uses %s', (_name, pattern) => {
    expect(pattern.test(all)).toBe(true);
  });

  it('uses dimension sizes 1 to 4, scalars, rows, columns and matrices, and up to three definitions', () => {
    const specs = fc.sample(formulaArbitrary(), { seed: 1, numRuns: 1500 });
    const sizes = new Set(specs.flatMap((s) => [s.sizes.n, s.sizes.m]));
    expect([...sizes].sort()).toEqual([1, 2, 3, 4]);
    const shapes = new Set(specs.flatMap((s) => s.defs.map((d) => d.s)));
    for (const s of ['1x1', 'nx1', '1xn', 'nxm', '3x3', 'mxn']) expect(shapes.has(s as never), s).toBe(true);
    const counts = new Set(specs.map((s) => s.defs.length));
    expect([...counts].sort()).toEqual([0, 1, 2, 3]);
  });
});
