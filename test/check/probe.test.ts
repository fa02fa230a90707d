/**
 * The block check of probe.ts on functions whose values round far above their own size: the
 * allowance must cover how coarsely F's values are resolved, not only ε · |F| (issue 22, no false alarm).
 */
import { describe, expect, it } from 'vitest';
import { checkBlock } from '../../src/check/probe.js';
import { mulberry32 } from '../../src/check/random.js';

/**
 * 1 − tanh(x)² as code computes it: near saturation tanh(x) rounds to a grid of spacing ε/2 close
 * to 1, so the difference moves in steps of about ε while its value is 1e-8 or less.
 */
const sech2 = (x: number) => 1 - Math.tanh(x) ** 2;
/** Its derivative, −2 tanh(x) sech²(x), from sech² without the cancellation (4 / (eˣ + e⁻ˣ)²). */
const exactSlope = (x: number) => (-2 * Math.tanh(x) * 4) / (Math.exp(x) + Math.exp(-x)) ** 2;

describe('the block check allows for the rounding grid of F', () => {
  it('passes the exact derivative of 1 − tanh(x)² at 400 points where tanh saturates (x from 8 to 12)', () => {
    const failures: string[] = [];
    for (let k = 0; k < 400; k++) {
      const x = 8 + k / 100 + 0.000123;
      const check = checkBlock((p) => [sech2(p[0]!)], Float64Array.of(x), [exactSlope(x)], 1, mulberry32(k + 1));
      if (!check.pass) failures.push(`x = ${x}: error ${check.error}, allowance ${check.allowance}`);
    }
    expect(failures).toEqual([]);
  });

  it('still fails a derivative off by 1e-3 where F is resolved finer than that (x from 1 to 6)', () => {
    const passed: number[] = [];
    for (let k = 0; k < 400; k++) {
      const x = 1 + k / 80 + 0.000123;
      const check = checkBlock(
        (p) => [sech2(p[0]!)],
        Float64Array.of(x),
        [(1 + 1e-3) * exactSlope(x)],
        1,
        mulberry32(k + 1),
      );
      if (check.pass) passed.push(x);
    }
    expect(passed).toEqual([]);
  });
});
