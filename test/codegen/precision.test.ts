/**
 * Issue 29: `gradc compile --precision f32` modules (Float32Array storage and results, f32x4
 * WebAssembly kernels) check against the f64 reference with single precision's criterion, and a
 * fault in them is still found.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExports, checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { makeFixtures } from '../../src/check/fixtures.js';
import { loadModule, typeCheckModule } from '../../src/check/load.js';
import { generate } from '../../src/codegen/module.js';
import { moduleDeclaration } from '../../src/bundler/transpile.js';
import { compile } from '../../src/compile.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import { esbuildBuild } from '../bundler/fixture.js';
import { runCli } from '../cli/run-cli.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const MLP = read('bench/models/mlp2.formula');

describe('f32 modules pass check', () => {
  // d = h = N = 32: W1 X has 32768 multiply-adds, so it runs on the f32x4 WebAssembly kernel.
  const cases: { name: string; text: string; dims: Record<string, number> }[] = [
    { name: 'the bench MLP', text: MLP, dims: { d: 32, h: 32, N: 32, K: 4 } },
    { name: 'softmax regression', text: read('bench/models/softmax.formula'), dims: { p: 6, N: 5, K: 3 } },
    {
      name: 'a Gaussian likelihood (inv, logdet)',
      text: read('examples/covariance_mle.formula'),
      dims: { d: 4, N: 5 },
    },
    {
      name: 'logistic regression with its Hessian',
      text: read('examples/newton_logistic.formula'),
      dims: { N: 6, d: 3 },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const model = checkFormula(c.text, 'model.formula');
      const report = await checkModel(model, { dims: c.dims, precision: 'f32' });
      expect(report.typeErrors).toEqual([]);
      expect(report.rows.filter((r) => r.probes !== undefined).length).toBeGreaterThan(0);
      expect(report.ok, formatCheckReport(report)).toBe(true);
      expect(formatCheckReport(report).split('\n')[1]).toBe(
        'precision: f32 (float32 inputs; derivatives against differences of the f64 module)',
      );
    });
  }
});

describe('f32 module text', () => {
  it('stores and returns Float32Array, names its precision, and type-checks strictly', async () => {
    const code = await compile(MLP, 'mlp2.formula', { precision: 'f32' });
    expect(code).not.toContain('Float64Array');
    expect(code).toContain('data: Float32Array;');
    expect(code).toContain('Single precision (--precision f32)');
    expect(await typeCheckModule(code)).toEqual([]);
  });

  it('declares Float32Array in its .d.ts', async () => {
    const code = await compile(MLP, 'mlp2.formula', { precision: 'f32' });
    const dts = moduleDeclaration(code, 'mlp2.formula');
    expect(dts).toContain('Float32Array');
    expect(dts).not.toContain('Float64Array');
  });

  it('is byte-identical on every run, and the default is f64', async () => {
    expect(await compile(MLP, 'mlp2.formula', { precision: 'f32' })).toBe(
      await compile(MLP, 'mlp2.formula', { precision: 'f32' }),
    );
    expect(await compile(MLP, 'mlp2.formula')).toBe(await compile(MLP, 'mlp2.formula', { precision: 'f64' }));
  });

  it('records its precision in the manifest', async () => {
    const model = checkFormula(MLP);
    const { manifest } = await generate(model, differentiate(model), { sourceName: 'm', precision: 'f32' });
    expect(manifest.precision).toBe('f32');
  });
});

describe('f32 results', () => {
  it('are float32 numbers, the same on every call, close to the f64 module', async () => {
    const model = checkFormula(MLP);
    const derived = differentiate(model);
    const f32 = await loadModule((await generate(model, derived, { sourceName: 'm', precision: 'f32' })).code);
    const f64 = await loadModule((await generate(model, derived, { sourceName: 'm' })).code);
    const [d, h, K, N] = [40, 36, 5, 20];
    let s = 7;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const m = (rows: number, cols: number) => ({ rows, cols, data: Float32Array.from({ length: rows * cols }, rand) });
    const inputs = { X: m(d, N), Y: m(K, N), W1: m(h, d), b1: m(h, 1).data, W2: m(K, h), b2: m(K, 1).data };
    type Grad = { value: number; W1: { data: Float32Array }; b1: Float32Array };
    const run = (mod: Record<string, unknown>) => (mod.LGrad as (i: unknown) => Grad)(inputs);
    const first = run(f32);
    const second = run(f32);
    expect(first.W1.data).toBeInstanceOf(Float32Array);
    expect(first.b1).toBeInstanceOf(Float32Array);
    expect(Math.fround(first.value)).toBe(first.value);
    expect(second.value).toBe(first.value);
    expect(second.W1.data).toEqual(first.W1.data);
    const exact = run(f64);
    const scale = Math.max(...exact.W1.data.map(Math.abs));
    const error = Math.max(...first.W1.data.map((x, i) => Math.abs(x - exact.W1.data[i]!)));
    expect(error / scale).toBeLessThan(1e-5);
    expect(error).toBeGreaterThan(0); // single precision, not double
  });
});

describe('a fault in an f32 module', () => {
  it('fails check: one gradient entry off by one part in a thousand', async () => {
    const model = checkFormula(read('bench/models/softmax.formula'));
    const derived = differentiate(model);
    const module = await generate(model, derived, { sourceName: 'm', precision: 'f32' });
    const exports = await loadModule(module.code);
    const differenced = await loadModule((await generate(model, derived, { sourceName: 'm' })).code);
    const options = { dims: { p: 6, N: 5, K: 3 } };
    const known = { derived: derived.gradients, higher: derived.higher, differenced };
    expect(checkExports(model, exports, module.manifest, options, known).ok).toBe(true);
    const grad = exports.LGrad as (i: unknown) => { W: { data: Float32Array } };
    const faulty = (inputs: unknown) => {
      const result = grad(inputs);
      result.W.data[1] = result.W.data[1]! * 1.001;
      return result;
    };
    const report = checkExports(model, { ...exports, LGrad: faulty }, module.manifest, options, known);
    expect(report.rows.find((r) => r.variable === 'W')!.pass).toBe(false);
    expect(report.ok).toBe(false);
  });
});

describe('f32 fixtures', () => {
  it('record their precision and float32 inputs', async () => {
    const model = checkFormula(read('bench/models/softmax.formula'), 'softmax.formula');
    const fixtures = await makeFixtures(model, { dims: { p: 3, N: 2, K: 2 }, precision: 'f32' });
    expect(fixtures.precision).toBe('f32');
    const W = fixtures.cases[0]!.inputs.W as { data: number[] };
    expect(W.data.every((x) => Math.fround(x) === x)).toBe(true);
    expect((await makeFixtures(model, { dims: { p: 3, N: 2, K: 2 } })).precision).toBe('f64');
  });
});

describe('--precision on the command line and in the bundler plugin', () => {
  it('compile --precision f32 writes the f32 module, and --dts its Float32Array declaration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradc-f32-'));
    try {
      const file = join(dir, 'softmax.formula');
      const text = read('bench/models/softmax.formula');
      writeFileSync(file, text);
      const r = await runCli(['compile', file, '-o', join(dir, 'out'), '--dts', '--precision', 'f32']);
      expect(r.status).toBe(0);
      const module = await compile(text, 'softmax.formula', { precision: 'f32' });
      expect(readFileSync(join(dir, 'out', 'softmax.ts'), 'utf8')).toBe(module);
      const declaration = readFileSync(join(dir, 'softmax.d.formula.ts'), 'utf8');
      expect(declaration).toBe(moduleDeclaration(module, 'softmax.formula'));
      expect(declaration).toContain('data: Float32Array;');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a precision it does not know, with exit status 2', async () => {
    const r = await runCli(['compile', 'model.formula', '--precision', 'f16']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--precision takes f64 or f32, not 'f16'");
  });

  it('the bundler plugin compiles with the precision it is given, and declares Float32Array', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradc-f32-'));
    try {
      writeFileSync(join(dir, 'model.formula'), read('bench/models/softmax.formula'));
      writeFileSync(join(dir, 'main.ts'), "import { LGrad } from './model.formula';\nexport { LGrad };\n");
      await esbuildBuild(dir, { precision: 'f32' });
      const bundle = readFileSync(join(dir, 'out.mjs'), 'utf8');
      expect(bundle).toContain('new Float32Array');
      expect(bundle).not.toContain('Float64Array');
      expect(readFileSync(join(dir, 'model.d.formula.ts'), 'utf8')).toContain('data: Float32Array;');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
