/**
 * The random-formula harness itself: the shrinker's smaller formulas are well typed, a batch
 * finds its one bad formula and no other, and a failing formula shrinks to a small one that
 * fails the same way. (`inverse`, a function the language does not have, stands in for a bug: the front end refuses it.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFormula } from '../../src/front.js';
import { formulaArbitrary, renderFormula, simplerFormulas, type F, type FormulaSpec } from '../helpers/formulas.js';
import { checkBatch, checkOneFormula, minimizeFormula } from '../helpers/pipeline.js';

const specs = fc.sample(formulaArbitrary(), { seed: 99, numRuns: 40 });

/** A formula whose loss has `inverse(Q)` somewhere deep inside. */
function withInv(spec: FormulaSpec): FormulaSpec {
  const q: F = { k: 'var', s: 'nxn', i: 0, sh: 'nxn' };
  const inv: F = { k: 'call', fn: 'inverse', args: [q], sh: 'nxn' };
  const term: F = { k: 'call', fn: 'sum', args: [{ k: 'call', fn: 'sin', args: [inv], sh: 'nxn' }], sh: '1x1' };
  return {
    ...spec,
    loss: {
      k: 'bin',
      op: '+',
      a: spec.loss,
      b: { k: 'bin', op: '*', a: term, b: { k: 'num', v: 2 }, sh: '1x1' },
      sh: '1x1',
    },
  };
}

/** A formula whose loss adds `sum(sqrt(-1 - x .* x))`: NaN at every point. */
function withNaN(spec: FormulaSpec): FormulaSpec {
  const x: F = { k: 'var', s: 'nx1', i: 0, sh: 'nx1' };
  const minusOne: F = { k: 'sign', op: '-', a: { k: 'num', v: 1 }, sh: '1x1' };
  const negative: F = { k: 'bin', op: '-', a: minusOne, b: { k: 'bin', op: '.*', a: x, b: x, sh: 'nx1' }, sh: 'nx1' };
  const term: F = { k: 'call', fn: 'sum', args: [{ k: 'call', fn: 'sqrt', args: [negative], sh: 'nx1' }], sh: '1x1' };
  return { ...spec, loss: { k: 'bin', op: '+', a: spec.loss, b: term, sh: '1x1' } };
}

describe('the random-formula harness', () => {
  it('shrinks only to well-typed formulas', () => {
    for (const spec of specs.slice(0, 25)) {
      let n = 0;
      for (const smaller of simplerFormulas(spec)) {
        const { text } = renderFormula(smaller);
        expect(() => checkFormula(text, 'smaller.formula'), text).not.toThrow();
        if (++n >= 40) break;
      }
    }
  });

  it('finds the one failing formula of a batch', async () => {
    const batch = [specs[0]!, specs[1]!, withInv(specs[2]!), specs[3]!];
    const result = await checkBatch(batch, { seed: 1, typeCheck: true });
    expect(result.failures.map((f) => f.index)).toEqual([2]);
    expect(result.failures[0]!.failure.kind).toBe('rejected');
    expect(result.failures[0]!.failure.message).toMatch(/unknown function 'inverse'/);
    expect(result.batchFailure).toBeUndefined();
    expect(await checkBatch([specs[4]!, specs[5]!], { seed: 1, typeCheck: true })).toEqual({
      failures: [],
      typeChecked: true,
    });
  }, 60_000);

  it('fails a formula that is not finite at any sampled point (NaN does not agree with NaN)', async () => {
    const spec = withNaN(specs[0]!);
    expect(renderFormula(spec).text).toMatch(/sqrt\(-1 - x \.\* x\)/);
    const failure = await checkOneFormula(spec, 1, { typeCheck: false });
    expect(failure?.kind).toBe('mismatch');
    expect(failure?.message).toMatch(/^L is not finite at any sampled point \(tried seeds 1-20\): NaN$/m);
  }, 60_000);

  it('shrinks a failing formula to a small one failing the same way', async () => {
    const spec = withInv(specs.find((s) => s.defs.length >= 2)!);
    const failure = (await checkOneFormula(spec))!;
    expect(failure.kind).toBe('rejected');
    const { spec: small, failure: still } = await minimizeFormula(spec, failure, 1);
    expect(still.kind).toBe('rejected');
    const text = renderFormula(small).text;
    expect(small.defs).toHaveLength(0);
    expect(text.length).toBeLessThan(renderFormula(spec).text.length);
    expect(text).toMatch(/^L = .*inverse\(Q\)/m);
  }, 120_000);
});
