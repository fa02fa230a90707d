/**
 * Regressions found by the reliability tests in the check command itself
 * (src/check/check-module.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkExports, checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { makeFixtures } from '../../src/check/fixtures.js';
import { loadModule } from '../../src/check/load.js';
import { generate } from '../../src/codegen/module.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';

describe('checkModel', () => {
  it('reports a gradient with respect to a constant definition as not checked, instead of crashing', async () => {
    // `t = 2` is one node with every literal 2, so central differences cannot move t alone.
    const model = checkFormula('x : vector(n)\nt = 2\nL = t sum(x)\ngrad L wrt t, x\n', 'constant.formula');
    const report = await checkModel(model, { seed: 1, typeCheck: false });
    expect(report.rows.every((r) => r.pass)).toBe(true);
    const row = report.rows.find((r) => r.functionName === 'LGrad' && r.variable === 't');
    expect(row?.skipped).toMatch(/constant/);
    expect(report.rows.find((r) => r.functionName === 'LGrad' && r.variable === 'x')?.pass).toBe(true);
    expect(formatCheckReport(report)).toMatch(/LGrad\s+t\s+-\s+-\s+-\s+skipped/);
  });

  it('can leave the type check out (the caller type-checks the module another way)', async () => {
    const model = checkFormula('x : vector(n)\nL = sum(sin(x))\ngrad L wrt x\n', 'sin.formula');
    const report = await checkModel(model, { seed: 1, typeCheck: false });
    expect(report.ok).toBe(true);
    expect(report.typeChecked).toBe(false);
    expect((await checkModel(model, { seed: 1 })).typeChecked).toBe(true);
  });

  it('fails a module that runs but does not type-check, with TypeScript’s complaint (checked in its own thread)', async () => {
    const model = checkFormula('x : vector(n)\nL = sum(sin(x))\ngrad L wrt x\n', 'sin.formula');
    const derived = differentiate(model);
    const module = await generate(model, derived, { sourceName: 'sin.formula', format: false });
    const broken = { ...module, code: `${module.code}\nexport const answer: number = 'forty-two';\n` };
    const report = await checkModel(model, { seed: 1 }, broken);
    expect(report.rows.length).toBeGreaterThan(0);
    expect(report.rows.every((r) => r.pass)).toBe(true);
    expect(report.typeErrors).toEqual([
      expect.stringMatching(/^\d+:\d+ Type 'string' is not assignable to type 'number'/),
    ]);
    expect(report.ok).toBe(false);
  });
});

describe('a report proves only what it compared (issue 22, item 6)', () => {
  it('a check that compares nothing is not ok', async () => {
    const model = checkFormula('x : vector(n)\nL = sum(sin(x))\ngrad L wrt x\n', 'sin.formula');
    const report = await checkModel(model, { seed: 1, typeCheck: false, functions: [] });
    expect(report.rows).toEqual([]);
    expect(report.ok).toBe(false);
  });

  it('a check whose module has a requested function it compared nothing of is not ok', async () => {
    // The caller says it derived nothing (known.derived empty), so no row compares LGrad: the
    // definitions' rows pass, and the report is still not ok.
    const model = checkFormula('x : vector(n)\nL = sum(sin(x))\ngrad L wrt x\n', 'sin.formula');
    const derived = differentiate(model);
    const module = await generate(model, derived, { sourceName: 'sin.formula' });
    const report = checkExports(
      model,
      await loadModule(module.code),
      module.manifest,
      { seed: 1 },
      {
        derived: [],
        higher: derived.higher,
      },
    );
    expect(report.rows.map((r) => `${r.functionName} ${r.variable} ${r.pass ? 'pass' : 'fail'}`)).toEqual([
      'L value pass',
    ]);
    expect(report.ok).toBe(false);
  });

  it('a check of a gradient function whose every block is skipped still compares its value, and is ok by that row', async () => {
    const model = checkFormula('x : vector(n)\nt = 2\nL = t sum(x)\ngrad L wrt t\n', 'constant.formula');
    const report = await checkModel(model, { seed: 1, typeCheck: false });
    expect(
      report.rows.map((r) => `${r.functionName} ${r.variable} ${r.skipped === undefined ? 'compared' : 'skipped'}`),
    ).toEqual(['t value compared', 'L value compared', 'LGrad value compared', 'LGrad t skipped']);
    expect(report.ok).toBe(true);
  });
});

describe('checkModel tolerances', () => {
  it('allows for the rounding noise of central differences of a large value', async () => {
    // ε·|L| / step ≈ 2e-5 here: a correct gradient must not fail by that much.
    for (const text of [
      'a : scalar\nL = 1000000 + a^2\ngrad L wrt a\n',
      'x : vector(n)\nL = 1000000 + sum(x .* x)\ngrad L wrt x\n',
    ]) {
      const report = await checkModel(checkFormula(text, 'large.formula'), { seed: 1 });
      expect(report.ok, formatCheckReport(report)).toBe(true);
    }
  });

  it('still fails a wrong gradient of a large value', async () => {
    // The module of a slightly different loss (its gradient is off by 0.001 in every entry):
    // the rounding allowance must not hide that. Its forward is off by 0.001 sum(x) too, far
    // below --tol of 1000000, so the gradient agrees with differences of that forward: the
    // slope of the forward against the reference's is what catches it.
    const model = checkFormula('x : vector(n)\nL = 1000000 + sum(x .* x)\ngrad L wrt x\n', 'large.formula');
    const other = checkFormula(
      'x : vector(n)\nL = 1000000 + sum(x .* x) + 0.001 sum(x)\ngrad L wrt x\n',
      'large.formula',
    );
    const wrong = await generate(other, differentiate(other), { sourceName: 'large.formula' });
    const report = await checkModel(model, { seed: 1 }, wrong);
    expect(report.ok).toBe(false);
    expect(report.rows.find((r) => r.functionName === 'L' && r.variable === 'value')?.comparison.mismatch).toMatch(
      /^its slope along a random direction differs/,
    );
  });
});

describe('names that are properties of Object.prototype', () => {
  // Regression: domains and dimension sizes were looked up in plain objects, so a variable
  // named constructor got Object's constructor as its "domain" and NaN inputs, and every
  // gradient next to it was compared with NaN.
  it.each(['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'])(
    'checkModel samples a variable named %s like any other',
    async (name) => {
      const model = checkFormula(
        `${name}, x : vector(n)\nL = sum(sin(${name})) + 2 sum(sin(x))\ngrad L wrt ${name}, x\n`,
        'proto.formula',
      );
      const report = await checkModel(model, { seed: 1 });
      expect(report.ok, formatCheckReport(report)).toBe(true);
      // The first seed's inputs were finite: no retries.
      expect(report.seed).toBe(1);
    },
  );

  it.each(['constructor', '__proto__', 'toString'])(
    'a dimension named %s takes the size given for it',
    async (name) => {
      const model = checkFormula(`x : vector(${name})\nL = sum(x .* x)\ngrad L wrt x\n`, 'proto.formula');
      const report = await checkModel(model, { seed: 1, dims: JSON.parse(`{"${name}": 5}`) as Record<string, number> });
      expect(report.ok, formatCheckReport(report)).toBe(true);
      expect(report.dims.get(name)).toBe(5);
      const defaults = await checkModel(model, { seed: 1 });
      expect(defaults.ok, formatCheckReport(defaults)).toBe(true);
      expect(defaults.dims.get(name)).toBe(3);
    },
  );

  it('fixtures keep inputs and values named __proto__ as data', async () => {
    const model = checkFormula(
      '__proto__ : vector(n)\nconstructor = sum(__proto__ .* __proto__)\ngrad constructor wrt __proto__\n',
      'proto.formula',
    );
    const fixtures = await makeFixtures(model, { seed: 1, dims: { n: 2 } });
    const json = JSON.parse(JSON.stringify(fixtures)) as {
      cases: { inputs: Record<string, number[]>; values: Record<string, number> }[];
    };
    const [c] = json.cases;
    expect(Object.keys(c!.inputs)).toEqual(['__proto__']);
    expect(c!.inputs['__proto__']).toHaveLength(2);
    expect(c!.values.constructor).toBeCloseTo(
      c!.inputs['__proto__']!.reduce((s, v) => s + v * v, 0),
      12,
    );
  });
});
