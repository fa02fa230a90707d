/** gradc fixtures writes Jacobians, Hessians and HVPs (with their directions) beside the gradients. */
import { describe, expect, it } from 'vitest';
import { runCli, scratchDirectory } from '../cli/run-cli.js';

const scratch = scratchDirectory();

describe('fixtures of second-order requests', () => {
  it('hold jacobians, hessians and hvps keyed by function name', async () => {
    const file = scratch.file(
      'second.formula',
      'A : matrix(n, n)\nx : vector(n)\nf = tanh(A x)\nL = sum(f .* f)\njacobian f wrt x\nhessian L wrt x\nhvp L wrt A\n',
    );
    const r = await runCli(['fixtures', file, '--dims', 'n=2']);
    expect(r.stderr).toBe('');
    const c = (JSON.parse(r.stdout) as { cases: Record<string, Record<string, Record<string, unknown>>>[] }).cases[0]!;
    expect(Object.keys(c)).toEqual(['inputs', 'values', 'gradients', 'jacobians', 'hessians', 'hvps']);
    expect(Object.keys(c.jacobians!.fJac!)).toEqual(['value', 'x']);
    expect(c.jacobians!.fJac!.x).toMatchObject({ rows: 2, cols: 2 });
    expect(Object.keys(c.hessians!.LHess!)).toEqual(['value', 'grad', 'hess']);
    expect(c.hessians!.LHess!.hess).toMatchObject({ x: { x: { rows: 2, cols: 2 } } });
    expect(Object.keys(c.hvps!.LHvp!)).toEqual(['v', 'value', 'grad', 'hvp']);
    expect(c.hvps!.LHvp!.v).toMatchObject({ A: { rows: 2, cols: 2 } });
    expect(c.hvps!.LHvp!.hvp).toMatchObject({ A: { rows: 2, cols: 2 } });
  });
});
