/**
 * The random-formula run, split into shards so vitest runs them in parallel (one test file
 * per shard, on separate workers). Every shard is a slice of one fast-check stream, so a
 * formula's index, its replay command and its check seed are the same whatever the sharding.
 *
 * Environment:
 * - GRADC_RANDOM_FORMULAS: how many in all (default 2,000: about 65 ms a formula on one core,
 *   so about 70 s a shard on this 2-core machine);
 * - GRADC_FC_SEED: the fast-check seed of the formula stream (default fixed, so CI is
 *   reproducible; `random` picks one, printed);
 * - GRADC_TYPECHECK_EVERY: type-check one module in this many (default 1: all);
 * - GRADC_FORMULA_DEPTH: depth of the loss expression (default 3; definitions get one less).
 */
import { expect, it } from 'vitest';
import { runRandomFormulas } from './pipeline.js';

export const RANDOM_FORMULA_COUNT = Number(process.env.GRADC_RANDOM_FORMULAS ?? 2000);
export const RANDOM_FORMULA_SEED =
  process.env.GRADC_FC_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.GRADC_FC_SEED ?? 20_261_122);
export const RANDOM_FORMULA_DEPTH =
  process.env.GRADC_FORMULA_DEPTH === undefined ? undefined : Number(process.env.GRADC_FORMULA_DEPTH);
/** Formulas per module: the type checker's flow analysis of the shared forward pass grows faster than its length. */
export const RANDOM_FORMULA_BATCH = 8;
const TYPECHECK_EVERY = Number(process.env.GRADC_TYPECHECK_EVERY ?? 1);

/** Declares the test of shard `shard` (0-based) of `shards`; shard boundaries fall on whole batches. */
export function randomFormulaShard(shard: number, shards: number): void {
  const batches = Math.ceil(RANDOM_FORMULA_COUNT / RANDOM_FORMULA_BATCH);
  const firstBatch = Math.floor((batches * shard) / shards);
  const endBatch = Math.floor((batches * (shard + 1)) / shards);
  const start = firstBatch * RANDOM_FORMULA_BATCH;
  const count = Math.min(RANDOM_FORMULA_COUNT, endBatch * RANDOM_FORMULA_BATCH) - start;
  it(
    `formulas ${start}..${start + count - 1} of ${RANDOM_FORMULA_COUNT} (fast-check seed ${RANDOM_FORMULA_SEED}) pass`,
    async () => {
      const result = await runRandomFormulas({
        seed: RANDOM_FORMULA_SEED,
        start,
        count,
        batchSize: RANDOM_FORMULA_BATCH,
        typeCheckEvery: TYPECHECK_EVERY,
        ...(RANDOM_FORMULA_DEPTH !== undefined ? { depth: RANDOM_FORMULA_DEPTH } : {}),
      });
      const seconds = (result.milliseconds / 1000).toFixed(1);
      console.log(
        `random formulas ${start}..${start + count - 1}: ${result.formulas} compiled, loaded and checked in ${result.batches} modules, ${result.typeCheckedFormulas} type-checked, in ${seconds} s (fast-check seed ${RANDOM_FORMULA_SEED})`,
      );
      expect(result.report, `fast-check seed ${RANDOM_FORMULA_SEED}\n${result.report}`).toBe('');
      expect(result.formulas).toBe(count);
    },
    // A bound against a hang, not a speed target: about 105 ms a formula beside the other test
    // files on two cores, several times that when other work shares the machine, and shrinking a
    // failure takes up to a minute.
    Math.max(300_000, count * 1_200),
  );
}
