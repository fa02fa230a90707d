/**
 * Hessian and HVP rows difference a gradient. When the module has a gradient function of the
 * same definition and variable whose rows passed, the check differences it: it computes the
 * gradient without the Hessian's blocks. Otherwise it differences the Hessian or HVP function's
 * own gradient, as before.
 */
import { describe, expect, it } from 'vitest';
import { checkExports } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { loadModule } from '../../src/check/load.js';
import { generate } from '../../src/codegen/module.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';

type Fn = (...args: unknown[]) => unknown;

/** The module of `text`, its functions wrapped to count calls; `fault` may change a function's result. */
async function counted(text: string, fault?: (name: string, result: unknown) => void) {
  const model = checkFormula(text, 'model.formula');
  const module = await generate(model, differentiate(model), { sourceName: 'model.formula' });
  const raw = (await loadModule(module.code)) as Record<string, Fn>;
  const calls = new Map<string, number>();
  const exports = Object.fromEntries(
    Object.entries(raw).map(([name, f]) => [
      name,
      (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        const result = f(...args);
        fault?.(name, result);
        return result;
      },
    ]),
  );
  return { model, manifest: module.manifest, exports, calls };
}

const summary = (report: ReturnType<typeof checkExports>) =>
  report.rows.map((r) => `${r.functionName} ${r.variable} ${r.pass ? 'pass' : 'FAIL'}`);

const TEXT = 'W : matrix(h, d)\nx : vector(d)\nL = sum(tanh(W x))^2\ngrad L wrt W\nhessian L wrt W\nhvp L wrt W\n';

describe('what Hessian and HVP rows difference', () => {
  it('a gradient function of the same definition whose rows passed: the Hessian and HVP functions are called once each', async () => {
    const { model, manifest, exports, calls } = await counted(TEXT);
    const report = checkExports(model, exports, manifest, { dims: { h: 4, d: 3 }, seed: 1 });
    expect(report.ok, formatCheckReport(report)).toBe(true);
    expect(summary(report)).toContain('LHess hess.W.W pass');
    expect(summary(report)).toContain('LHvp hvp.W pass');
    expect(calls.get('LHess')).toBe(1);
    expect(calls.get('LHvp')).toBe(1);
    expect(calls.get('LGrad')!).toBeGreaterThan(10);
  });

  it("the Hessian function's own gradient when the gradient function's rows fail", async () => {
    // A wrong gradient function must not make a right Hessian fail: its rows fail alone.
    const { model, manifest, exports, calls } = await counted(TEXT, (name, result) => {
      if (name === 'LGrad') (result as { W: { data: Float64Array } }).W.data[0]! += 1;
    });
    const report = checkExports(model, exports, manifest, { dims: { h: 4, d: 3 }, seed: 1 });
    expect(summary(report)).toContain('LGrad W FAIL');
    expect(summary(report)).toContain('LHess hess.W.W pass');
    expect(summary(report)).toContain('LHvp hvp.W pass');
    expect(calls.get('LHess')!).toBeGreaterThan(10);
  });

  it("the Hessian function's own gradient when no gradient function gives it", async () => {
    const { model, manifest, exports, calls } = await counted(
      'W : matrix(h, d)\nx : vector(d)\nL = sum(tanh(W x))^2\nhessian L wrt W\n',
    );
    const report = checkExports(model, exports, manifest, { dims: { h: 4, d: 3 }, seed: 1 });
    expect(report.ok, formatCheckReport(report)).toBe(true);
    expect(calls.get('LHess')!).toBeGreaterThan(10);
  });

  it('a wrong Hessian fails when the gradient function is differenced', async () => {
    const { model, manifest, exports } = await counted(TEXT, (name, result) => {
      if (name === 'LHess') (result as { hess: { W: { W: { data: Float64Array } } } }).hess.W.W.data[5]! += 0.01;
    });
    const report = checkExports(model, exports, manifest, { dims: { h: 4, d: 3 }, seed: 1 });
    expect(summary(report)).toContain('LHess hess.W.W FAIL');
    expect(summary(report)).toContain('LGrad W pass');
  });
});
