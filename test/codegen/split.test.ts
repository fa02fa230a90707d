/**
 * Large generated functions split into functions V8 optimises (src/codegen/split.ts): a body
 * over the size limit goes on in functions of the module, which give the same results, bit for
 * bit; smaller bodies are left as they were.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModule, typeCheckModule } from '../../src/check/load.js';
import { inferDomains } from '../../src/check/domains.js';
import { mulberry32, randomDims, randomInputs } from '../../src/check/random.js';
import { moduleInputs } from '../../src/check/run-module.js';
import { generate } from '../../src/codegen/module.js';
import { estimatedSize, splitBody, topLevelStatements } from '../../src/codegen/split.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';

const read = (path: string) => readFileSync(new URL(`../../${path}.formula`, import.meta.url), 'utf8');

/** Every segment as small as the split allows: each top-level statement where a cut is possible. */
const EVERYWHERE = { above: 0, segment: 1 };

describe('top-level statements of a body', () => {
  it('end at a line that closes every bracket, and an else or a continued expression joins the statement', () => {
    const statements = topLevelStatements(
      ['const a = f(1,', '2);', 'if (a > 0) {', 'b = "}";', '} else {', 'b = `${a}`;', '}', 'const c = a', '+ 1;'].join(
        '\n',
      ),
    );
    expect(statements.map((s) => s.text.split('\n').length)).toEqual([2, 5, 2]);
    expect(statements.map((s) => s.declares)).toEqual([['a'], [], ['c']]);
    expect([...statements[1]!.reads].sort()).toEqual(['a', 'b']);
  });

  it('estimate size by the characters other than white space', () => {
    expect(estimatedSize('const a = 1;\n  b(a);')).toBe(14);
  });
});

describe('splitting a body', () => {
  const body = [
    'const v$x = input$.x;',
    'const d$n = v$x.length;',
    'const t$0 = scratch$(0, d$n);',
    'let s$0 = 0;',
    'for (let i = 0; i < d$n; i++) s$0 += v$x[i] * t$0[i];',
    'if (out$ === undefined) return { value: s$0 };',
    'out$.value = s$0;',
    'return out$;',
  ];
  const f = {
    name: 'LGrad$',
    parameters: [
      { name: 'input$', type: 'LInputs' },
      { name: 'out$', type: 'LGradient | undefined' },
    ],
    returnType: 'LGradient',
    statements: body,
  };

  it('leaves a body under the limit as it is', () => {
    expect(splitBody(f)).toEqual({ statements: body, segments: [] });
  });

  it('passes typed locals on, reads chains of properties again, and never cuts after an early return', () => {
    const { statements, segments } = splitBody(f, EVERYWHERE);
    // The chains (x, n) are read again where they are read; the first statements read none.
    expect(statements).toEqual(['return LGrad$2(input$, out$);']);
    expect(segments.map((s) => s.name)).toEqual(['LGrad$2', 'LGrad$3', 'LGrad$4', 'LGrad$5', 'LGrad$6']);
    expect(segments[3]!.parameters).toEqual([
      { name: 'input$', type: 'LInputs' },
      { name: 'out$', type: 'LGradient | undefined' },
      { name: 't$0', type: 'Float64Array' },
      { name: 's$0', type: 'number' },
    ]);
    expect(segments[3]!.statements).toEqual([
      'const v$x = input$.x;',
      'const d$n = v$x.length;',
      'for (let i = 0; i < d$n; i++) s$0 += v$x[i] * t$0[i];',
      'return LGrad$6(out$, s$0);',
    ]);
    // The early return narrows out$ for what follows: they stay together.
    expect(segments[4]!.statements).toEqual(body.slice(5));
  });
});

describe('the input checks of a split body', () => {
  it('end a segment: the computation starts one of its own', () => {
    const statements = [
      'const v$x = input$.x;',
      'if (!isVector$(v$x)) notVector$("f", "x", "n", v$x);',
      'const t$0 = scratch$(0, v$x.length);',
      'for (let i = 0; i < v$x.length; i++) t$0[i] = v$x[i];',
      'return t$0;',
    ];
    const f = { name: 'f$', parameters: [{ name: 'input$', type: 'FInputs' }], returnType: 'Float64Array', statements };
    const split = splitBody({ ...f, prologue: 2 }, { above: 0, segment: 1_000_000 });
    expect(split.statements).toEqual([...statements.slice(0, 2), 'return f$2(input$);']);
    expect(split.segments.map((s) => s.statements)).toEqual([['const v$x = input$.x;', ...statements.slice(2)]]);
    expect(splitBody(f, { above: 0, segment: 1_000_000 }).segments).toEqual([]);
  });
});

/** Loads the module of `text` split everywhere and as generated, and expects the same results from every function. */
async function expectSameResults(text: string, seed: number): Promise<void> {
  const model = checkFormula(text, 'split.formula');
  const derived = differentiate(model);
  const whole = await generate(model, derived, { sourceName: 'split.formula', format: false });
  const split = await generate(model, derived, { sourceName: 'split.formula', format: false, split: EVERYWHERE });
  expect(split.code).toMatch(/continued \(part 2 of/);
  expect(await typeCheckModule(split.code)).toEqual([]);
  const [a, b] = [await loadModule(whole.code), await loadModule(split.code)];
  const dims = randomDims(model);
  const inputs = moduleInputs(
    model,
    randomInputs(model, dims, mulberry32(seed), { domains: inferDomains(model) }),
    dims,
  );
  // An HVP's direction: the values of its variables themselves.
  const direction = (fn: string) => {
    const h = whole.manifest.higher.find((x) => x.functionName === fn);
    return h?.kind === 'hvp' ? [Object.fromEntries(h.directions.map((d) => [d.of, inputs[d.of]]))] : [];
  };
  const names = [
    ...whole.manifest.definitions.map((d) => d.functionName),
    ...whole.manifest.gradients.map((g) => g.functionName),
    ...whole.manifest.higher.map((h) => h.functionName),
  ];
  expect(names.length).toBeGreaterThan(1);
  for (const name of names) {
    const call = (m: Record<string, unknown>) =>
      (m[name] as (...args: unknown[]) => unknown)(inputs, ...direction(name));
    expect(call(b), name).toEqual(call(a));
  }
}

describe('a module split everywhere', () => {
  it.each([
    ['a batch MLP (products on WebAssembly, in one frame)', 'bench/models/mlp2'],
    ['a forward pass of several definitions', 'examples/ds102_dataset'],
    ['a Gaussian process (spd input, Cholesky factor)', 'examples/gp_hyperparameters'],
    ['Jacobians', 'examples/cs316_jacobian_shapes'],
    ['a Hessian', 'examples/newton_logistic'],
  ])(
    'type-checks and gives the results of the whole: %s',
    async (_, path) => {
      await expectSameResults(read(path), 1);
    },
    60_000,
  );

  it('type-checks and gives the results of the whole: an HVP', async () => {
    await expectSameResults(
      [
        'X : matrix(d, N)',
        'y : vector(N)',
        'w : vector(d)',
        'L = sum(log(1 + exp(-y .* (X^T w)))) + 0.5 w^T w',
        'grad L wrt w',
        'hvp L wrt w',
        '',
      ].join('\n'),
      2,
    );
  }, 60_000);
});
