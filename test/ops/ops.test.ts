/**
 * Every op of the op table and every elementwise function, through every path a derivative
 * takes (the cases are in test/ops/cases.ts; adding an op means adding its case there):
 * (a) the derived gradient, evaluated by the mathjs reference, against central differences;
 * (b) the generated module, type-checked strictly and loaded, through `checkModel` (values
 *     against the reference, gradients against central differences, everything finite);
 * (c) second order: the Hessian-vector product by reverse mode through the gradient against
 *     central differences of the gradient;
 * (d) the derive output appended to the formula reads back to the same gradient.
 * test/check/ops.test.ts adds the language's other spellings, compositions and regressions.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { inferDomains } from '../../src/check/domains.js';
import { differentiate } from '../../src/diff/differentiate.js';
import { checkFormula } from '../../src/front.js';
import type { Node } from '../../src/ir/node.js';
import { reachable } from '../../src/ir/walk.js';
import { OPS } from '../../src/ops/index.js';
import { UNARY } from '../../src/ops/elementwise.js';
import { expectGradientsMatch, expectRoundTripMatches } from '../check/harness.js';
import { expectHvpsMatchDifferences } from '../helpers/hvp.js';
import { acceptedSecondOrder } from '../helpers/second-order.js';
import { allCases, OP_CASES, UNARY_CASES, type OpCase } from './cases.js';

const CASES = allCases();

/** The case's formula, with `grad L wrt` every non-index variable unless it has grad lines. */
function formulaOf(c: OpCase): string {
  if (/^grad /m.test(c.formula)) return c.formula;
  const wrt = checkFormula(c.formula).variables.filter((v) => v.kind !== 'index');
  return `${c.formula}grad L wrt ${wrt.map((v) => v.name).join(', ')}\n`;
}

describe('the op table has test cases', () => {
  it('for every op of OPS', () => {
    expect(Object.keys(OPS).filter((name) => !Object.hasOwn(OP_CASES, name))).toEqual([]);
  });

  it('for every elementwise function of UNARY', () => {
    expect(Object.keys(UNARY).filter((fn) => !Object.hasOwn(UNARY_CASES, fn))).toEqual([]);
  });

  it('and for nothing else', () => {
    expect(Object.keys(OP_CASES).filter((name) => !Object.hasOwn(OPS, name))).toEqual([]);
    expect(Object.keys(UNARY_CASES).filter((fn) => !Object.hasOwn(UNARY, fn))).toEqual([]);
  });

  // In the model, or in its gradients for an op that only differentiation builds (a slice's adjoint).
  it.each(CASES.map((c) => [c.key, c] as const))('%s uses its op', (_key, { op, fn, case: c }) => {
    const model = checkFormula(formulaOf(c));
    const gradients = differentiate(model).gradients.flatMap((g) => g.results.map((r) => r.node));
    const nodes = reachable([...model.definitions.map((d) => d.node), ...gradients]);
    const uses = (n: Node) => n.op === op && (fn === undefined || n.attrs.fn === fn);
    expect(nodes.some(uses), `no ${fn ?? op} node in\n${c.formula}`).toBe(true);
  });
});

describe('first order, reference evaluator: derived gradient = central differences', () => {
  it.each(CASES.map((c) => [c.key, c.case] as const))('%s', (_key, c) => {
    const text = formulaOf(c);
    expectGradientsMatch(text, { dims: c.dims, domains: inferDomains(checkFormula(text)) });
  });
});

describe('second order, reference evaluator: H v by reverse mode through the gradient = differences of the gradient', () => {
  it.each(CASES.map((c) => [c.key, c.case] as const))('%s', (_key, c) => {
    expectHvpsMatchDifferences(checkFormula(formulaOf(c)), c.dims);
  });
});

describe('derive: the printed gradient reads back to the same gradient', () => {
  it.each(CASES.map((c) => [c.key, c.case] as const))('%s', (_key, c) => {
    const text = formulaOf(c);
    expectRoundTripMatches(text, { dims: { ...c.dims }, domains: inferDomains(checkFormula(text)) });
  });
});

/** A name of the formula language: not inside a number (`1e-3`), not after a letter or digit. */
const NAME = /(?<![\p{L}\p{N}_])[\p{L}_][\p{L}\p{N}_]*/gu;

/** The case with its variables, definitions and dimensions prefixed, so that many share one formula file. */
function prefixed(c: OpCase, prefix: string): { text: string; dims: Record<string, number> } {
  const text = formulaOf(c);
  const model = checkFormula(text);
  const names = new Set([
    ...model.variables.map((v) => v.name),
    ...model.definitions.map((d) => d.name),
    ...model.dims,
  ]);
  const dims: Record<string, number> = {};
  for (const d of model.dims) if (Object.hasOwn(c.dims, d)) dims[prefix + d] = c.dims[d]!;
  return { text: text.replace(NAME, (name) => (names.has(name) ? prefix + name : name)), dims };
}

/** Cases per generated module: one prettier run, one strict type check and one import serve them all. */
const BATCH = 16;
const batches: (typeof CASES)[] = [];
for (let i = 0; i < CASES.length; i += BATCH) batches.push(CASES.slice(i, i + BATCH));

describe('generated code: checkModel (strict type check, values against the reference, gradients against central differences)', () => {
  it.each(batches.map((b) => [`${b[0]!.key} … ${b.at(-1)!.key}`, b] as const))(
    '%s',
    async (_name, batch) => {
      const parts = batch.map((c, i) => prefixed(c.case, `c${i}_`));
      const model = checkFormula(parts.map((p) => p.text).join('\n'), 'ops.formula');
      const report = await checkModel(model, {
        dims: Object.assign({}, ...parts.map((p) => p.dims)) as Record<string, number>,
        seed: 1,
      });
      const failing = new Set(
        report.rows.filter((r) => !r.pass).map((r) => batch[Number(/^c(\d+)_/.exec(r.functionName)![1])]!.key),
      );
      expect(report.typeErrors).toEqual([]);
      expect([...failing], formatCheckReport(report)).toEqual([]);
      expect(report.ok, formatCheckReport(report)).toBe(true);
    },
    120_000,
  );
});

/**
 * Second order through each op's `jvp` rule in the vec convention: every case also asks for the
 * Hessian of L with respect to all its variables (matrices included), an HVP with respect to
 * all, and a Jacobian of its last non-scalar definition (test/helpers/second-order.ts), all
 * through the generated code and checked against differences. Nothing is refused.
 */
const secondOrder = CASES.map((c) => ({ ...c, ...acceptedSecondOrder(formulaOf(c.case)) }));

describe('second order, generated code: Jacobians, Hessian blocks and HVPs against differences', () => {
  it('every op takes part in a Jacobian or Hessian with a matrix on its path or as its variable', () => {
    const exercised = new Set<string>();
    for (const c of secondOrder) if (c.withMatrices > 0) exercised.add(c.op);
    // The cases of constants, sizes and one-hot vectors are about vectors and scalars only.
    expect(Object.keys(OPS).filter((op) => !exercised.has(op))).toEqual(['const', 'dim', 'onehot']);
  });

  const secondBatches: (typeof secondOrder)[] = [];
  for (let i = 0; i < secondOrder.length; i += BATCH) secondBatches.push(secondOrder.slice(i, i + BATCH));
  it.each(secondBatches.map((b) => [`${b[0]!.key} … ${b.at(-1)!.key}`, b] as const))(
    '%s',
    async (_name, batch) => {
      const parts = batch.map((c, i) => {
        const p = prefixed(c.case, `c${i}_`);
        return { text: `${p.text}${prefixLines(c.lines, formulaOf(c.case), `c${i}_`).join('\n')}\n`, dims: p.dims };
      });
      const model = checkFormula(parts.map((p) => p.text).join('\n'), 'ops.formula');
      const report = await checkModel(model, {
        dims: Object.assign({}, ...parts.map((p) => p.dims)) as Record<string, number>,
        seed: 1,
      });
      expect(report.typeErrors).toEqual([]);
      expect(report.ok, formatCheckReport(report)).toBe(true);
    },
    180_000,
  );
});

/** Request lines with the case's names prefixed, as `prefixed` does to the formula. */
function prefixLines(lines: readonly string[], text: string, prefix: string): string[] {
  const model = checkFormula(text);
  const names = new Set([...model.variables.map((v) => v.name), ...model.definitions.map((d) => d.name)]);
  return lines.map((l) => l.replace(NAME, (name) => (names.has(name) ? prefix + name : name)));
}
