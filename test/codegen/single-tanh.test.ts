/**
 * tanh in single-precision modules (`--precision f32`): a rational function accurate to float32
 * (the `single` form of tanh's entry, helper tanhf$), where f64 modules call Math.tanh. On the
 * bench machine Math.tanh takes about 36 ns an entry and was most of the f32 MLP gradient's
 * JavaScript time.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { HELPERS } from '../../src/ops/elementwise.js';

function tanhf(): (x: number) => number {
  const js = ts.transpileModule(HELPERS.tanhf$, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  return new Function(`${js}\nreturn tanhf$;`)() as (x: number) => number;
}

/** Distance in float32 units in the last place (ordered so that it counts across zero). */
function ulps(a: number, b: number): number {
  const f = new Float32Array(2);
  const i = new Int32Array(f.buffer);
  f[0] = a;
  f[1] = b;
  const ordered = (k: number) => (i[k]! < 0 ? -2147483648 - i[k]! : i[k]!);
  return Math.abs(ordered(0) - ordered(1));
}

describe('tanh in single precision', () => {
  const f = tanhf();

  it('is within 3 float32 units in the last place of Math.tanh, rounded, over [-20, 20]', () => {
    let worst = 0;
    for (let k = -400000; k <= 400000; k++) {
      const x = Math.fround(k / 20000);
      worst = Math.max(worst, ulps(Math.fround(f(x)), Math.fround(Math.tanh(x))));
    }
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('is odd, exactly 0 at 0, and ±1 in float32 far out, where Math.tanh is', () => {
    for (const x of [1e-30, 1e-7, 0.3, 2.5, 8.9]) expect(Math.fround(f(-x))).toBe(-Math.fround(f(x)));
    expect(f(0)).toBe(0);
    for (const x of [9, 12, 1e10, Infinity]) {
      expect(Math.fround(f(x))).toBe(1);
      expect(Math.fround(f(-x))).toBe(-1);
    }
  });

  it('keeps small arguments to float32 accuracy (no cancellation near 0)', () => {
    for (const x of [1e-30, 1e-12, 1e-6, 3e-4]) expect(ulps(Math.fround(f(x)), Math.fround(x))).toBeLessThanOrEqual(2);
  });

  const NET = 'W : matrix(h, d)\nx : vector(d)\nL = sum(tanh(W x))\ngrad L wrt W\n';

  it('an f32 module calls tanhf$, in its gradient and its forward functions alike', async () => {
    const code = await compile(NET, 'net.formula', { precision: 'f32' });
    expect(code).toContain('function tanhf$(');
    expect(code).not.toContain('Math.tanh(');
  });

  it('an f64 module calls Math.tanh and has no tanhf$', async () => {
    const code = await compile(NET, 'net.formula');
    expect(code).toContain('Math.tanh(');
    expect(code).not.toContain('tanhf$');
  });
});
