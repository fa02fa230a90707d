/**
 * What a generated HVP computes, counted in its code (issue 29: an HVP costs at most three
 * gradients). The HVP is the tangent of the gradient along v (forward over reverse): it evaluates
 * the forward matrix products once, like the gradient, adds one tangent product per forward and
 * backward product and one product per result, and builds no dense intermediate.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';

/** A bench model with an hvp line of its gradient's variables, as the bench compiles it. */
async function withHvp(file: string): Promise<string> {
  const source = readFileSync(new URL(`../../bench/models/${file}`, import.meta.url), 'utf8');
  const wrt = /^grad L wrt (.+)$/m.exec(source)![1]!;
  return compile(`${source.trimEnd()}\nhvp L wrt ${wrt}\n`, file);
}

/** The text of one generated function, with the functions it goes on in where it is split (fn2, fn3, ...: src/codegen/split.ts). */
function body(code: string, fn: string): string {
  const parts: string[] = [];
  for (let k = 1; ; k++) {
    const start = code.indexOf(`function ${fn}${k === 1 ? '' : k}(`);
    if (start < 0) break;
    parts.push(code.slice(start, code.indexOf('\n}\n', start)));
  }
  expect(parts.length).toBeGreaterThan(0);
  return parts.join('\n');
}

/** Every call of a matrix-product kernel, as written (a two-vector call, one pass over its matrix, counts once). */
const products = (text: string): string[] =>
  text.match(/\b(?:matVec|matTVec|matVec2|matTVec2|outer|matMul|matMulT)\$\([^;]*;/g) ?? [];

describe('the cost of a generated HVP', () => {
  it('DS 102: A x once, v_A x once, an outer product per matrix result, and no h x m scratch array', async () => {
    const code = await withHvp('ds102.formula');
    const hvp = body(code, 'LHvp$');
    expect(products(hvp).filter((c) => c.startsWith('matVec$(v$A, v$x,'))).toHaveLength(1);
    expect(products(hvp).filter((c) => c.startsWith('matVec$(v$v_A, v$x,'))).toHaveLength(1);
    expect(products(hvp).filter((c) => c.startsWith('outer$('))).toHaveLength(2);
    expect(products(hvp)).toHaveLength(4);
    expect(hvp).not.toMatch(/scratch\$\(\d+, d\$h \* d\$m\)/);
    // The gradient alone: the same forward product and one outer product.
    expect(products(body(code, 'LGrad$'))).toHaveLength(2);
  });

  it('the 16-layer MLP: one rank-two loop per weight block (split over several functions), no outer product into scratch', async () => {
    const hvp = body(await withHvp('mlp16.formula'), 'LHvp$');
    // δ̇ hᵀ + δ ḣᵀ is computed into the result, four rows at a time (the first layer's is one outer product).
    expect(hvp).toContain('LHvp$2(');
    expect(hvp.match(/\[o\$0 \+ j\] = 2 \* \(t\$\d+\$r0 \* t\$\d+\$c \+ t\$\d+\$r0 \* t\$\d+\$c\);/g)).toHaveLength(15);
    const scratch = new Set([...hvp.matchAll(/const (t\$\d+) = scratch\$\(/g)].map((m) => m[1]));
    const outer = products(hvp).filter((c) => c.startsWith('outer$('));
    expect(outer).toHaveLength(17); // 16 gradient blocks and the first layer's HVP block
    expect(outer.filter((c) => scratch.has(/(t\$\d+)\);$/.exec(c)![1]))).toEqual([]);
  });

  it('the 16-layer MLP: each of W2 ... W16 read by one call forward (W h, W ḣ) and one backward (Wᵀ δ, Wᵀ δ̇)', async () => {
    const hvp = body(await withHvp('mlp16.formula'), 'LHvp$');
    const calls = products(hvp);
    for (let k = 2; k <= 16; k++) {
      const on = (kernel: string) => calls.filter((c) => c.startsWith(`${kernel}(v$W${k},`));
      expect(on('matVec2$')).toHaveLength(1);
      expect(on('matTVec2$')).toHaveLength(1);
      expect([...on('matVec$'), ...on('matTVec$')]).toEqual([]);
    }
  });

  const models = readdirSync(new URL('../../bench/models/', import.meta.url))
    .filter((f) => f.endsWith('.formula'))
    .sort();
  it.each(models)('%s: each product once, and at most 3 times the gradient’s products', async (file) => {
    const code = await withHvp(file);
    const grad = products(body(code, 'LGrad$'));
    const hvp = products(body(code, 'LHvp$'));
    // No product evaluated twice (the same kernel call on the same operands).
    const calls = hvp.map((c) => c.replace(/, t\$\d+\);$/, ''));
    expect(new Set(calls).size).toBe(calls.length);
    expect(hvp.length).toBeLessThanOrEqual(3 * grad.length);
  });
});
