/**
 * Issue 22, no miss: faults injected into the derivatives of generated modules (gradients,
 * Jacobians, Hessian blocks, HVPs) must all fail the check. One entry off by 1e-3 of its block's
 * largest entry, a block scaled by 1 + 1e-4, a square block transposed, and a dropped term (the
 * derivatives of the formula with one occurrence of a variable frozen) — over the bench models,
 * the examples and random formulas, at sizes where large blocks are probed along directions.
 * GRADC_MUTATION_FORMULAS sets how many random formulas join them (default 6),
 * GRADC_MUTATION_VARIANTS how many dropped-term variants each formula gets (default 2, or `all`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formulaArbitrary, renderFormula } from '../helpers/formulas.js';
import { blockMutants, compile, droppedTermMutants, timing, type Mutant } from '../helpers/mutations.js';
import { acceptedSecondOrder } from '../helpers/second-order.js';

const RANDOM = Number(process.env.GRADC_MUTATION_FORMULAS ?? 6);
/** Dropped-term variants per formula (each is one more compile); GRADC_MUTATION_VARIANTS=all for every occurrence of every variable. */
const VARIANTS =
  process.env.GRADC_MUTATION_VARIANTS === 'all' ? Infinity : Number(process.env.GRADC_MUTATION_VARIANTS ?? 2);

/** Bench models at sizes with blocks of more than 16 entries (probed along directions), and a few entry by entry. */
const BENCH: Record<string, Record<string, number>> = {
  mlp2: { d: 20, N: 12, K: 6, h: 24 },
  ds102: { h: 24, m: 20 },
  domke: { p: 30, M: 20, K: 5 },
  domkebatch: { p: 20, M: 12, K: 5, N: 8 },
  logreg: { N: 40, d: 24 },
  softmax: { p: 20, K: 5, N: 12 },
  gp: { N: 12, d: 2 },
  inf264: {},
  mlp16: { n: 5 },
};

/** Second-order formulas at sizes where Hessian blocks and Jacobians are probed along directions. */
const SECOND_ORDER: Record<string, { text: string; dims: Record<string, number> }> = {
  hessian: {
    text: 'x : vector(n)\nB : matrix(n, n)\nc : vector(n)\nL = sum(softplus(B x)) + c^T tanh(x) + 0.5 x^T B x\nhessian L wrt x, c\n',
    dims: { n: 20 },
  },
  hvp: {
    text: 'W : matrix(h, n)\nb : vector(h)\nx : vector(n)\na : scalar\nL = sum(softplus(a W x + b) .^ 2)\nhvp L wrt W, b, a\n',
    dims: { h: 6, n: 5 },
  },
  jacobian: {
    text: 'W : matrix(h, n)\nb : vector(h)\nx : vector(n)\nc : scalar\nf = sigma(c W x + b)\njacobian f wrt x, b, c\n',
    dims: { h: 18, n: 20 },
  },
};

interface Case {
  readonly name: string;
  readonly text: string;
  readonly dims: Record<string, number>;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [model, dims] of Object.entries(BENCH))
    out.push({ name: `bench/${model}`, text: readFileSync(`bench/models/${model}.formula`, 'utf8'), dims });
  for (const file of readdirSync('examples')
    .filter((f) => f.endsWith('.formula'))
    .sort()) {
    out.push({ name: `examples/${file}`, text: readFileSync(`examples/${file}`, 'utf8'), dims: {} });
  }
  for (const [name, c] of Object.entries(SECOND_ORDER)) out.push({ name: `second-order/${name}`, ...c });
  const specs = fc.sample(formulaArbitrary(), { seed: 22, numRuns: RANDOM });
  specs.forEach((spec, i) => {
    const { text, dims } = renderFormula(spec);
    const { lines } = acceptedSecondOrder(text);
    // Sizes where a matrix has more than 16 entries (probed along directions) while a Hessian block
    // with respect to a matrix, (entries)² in the vec convention, stays a few thousand entries.
    const bigger = Object.fromEntries(Object.keys(dims).map((d, k) => [d, 5 + k]));
    out.push({ name: `random #${i}`, text: `${text}${lines.map((l) => `${l}\n`).join('')}`, dims: bigger });
  });
  return out;
}

describe('the check fails every injected fault', () => {
  it('entry, scale, transpose and dropped-term faults in gradients, Jacobians, Hessians and HVPs: 100% detected', async () => {
    const all: Mutant[] = [];
    const list = cases();
    for (const c of list) {
      const compiled = await compile(c.text, `${c.name.replace(/\W/g, '_')}.formula`);
      all.push(...blockMutants(compiled, c.name, { dims: c.dims, seed: 1 }));
      all.push(...(await droppedTermMutants(compiled, c.text, c.name, { dims: c.dims, seed: 1 }, VARIANTS)));
    }
    console.log(`compile ${(timing.compile / 1000).toFixed(1)} s`);
    const missed = all.filter((m) => !m.detected).map((m) => `${m.formula} ${m.functionName} ${m.block}: ${m.fault}`);
    const byFault = (f: Mutant['fault']) => all.filter((m) => m.fault === f).length;
    console.log(
      `mutation suite: ${list.length} formulas, ${all.length} mutants (entry ${byFault('entry')}, scale ${byFault('scale')}, ` +
        `transpose ${byFault('transpose')}, dropped term ${byFault('dropped term')}), ${all.length - missed.length} detected`,
    );
    expect(list.length).toBeGreaterThanOrEqual(20);
    for (const kind of ['gradient', 'jacobian', 'hessian', 'hvp'] as const) {
      const of = all.filter((m) =>
        kind === 'gradient'
          ? /^[^.]+$/.test(m.block) && !m.functionName.match(/J|Hess|Hvp/)
          : m.block.startsWith({ jacobian: '', hessian: 'hess.', hvp: 'hvp.' }[kind]) &&
            m.functionName.includes({ jacobian: 'Jac', hessian: 'Hess', hvp: 'Hvp' }[kind]),
      );
      expect(of.length, `${kind} mutants`).toBeGreaterThan(0);
    }
    expect(byFault('dropped term')).toBeGreaterThan(0);
    expect(byFault('transpose')).toBeGreaterThan(0);
    expect(missed).toEqual([]);
  }, 600_000);
});
