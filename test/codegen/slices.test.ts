/**
 * The adjoint of a slice in generated code (issue 28): the gradient's own loop reads the adjoint
 * where it is at the sliced row or column, so no scratch matrix holds onehot(i, m) g and no outer
 * product is formed; the module still checks against the reference and central differences.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { compile } from '../../src/compile.js';
import { checkFormula } from '../../src/front.js';

const ROW = `W : matrix(m, n)
x : vector(n)
i : index(m)
L = tanh(W[i, :] x) + sum(W .* W)
grad L wrt W
`;

const COLUMN = `W : matrix(m, n)
w : vector(m)
j : index(n)
L = w^T tanh(W[:, j]) + 0.5 sum(W .* W)
grad L wrt W
`;

/** The body of the generated gradient function `LGrad$`. */
async function gradientBody(text: string): Promise<string> {
  const code = await compile(text, 'slices.formula');
  const start = code.indexOf('function LGrad$(');
  expect(start).toBeGreaterThanOrEqual(0);
  return code.slice(start, code.indexOf('\n}\n', start));
}

/** The scratch arrays a body allocates, as written (`scratch$(1, d$n)`). */
const scratch = (body: string) => body.match(/scratch\$\([^)]*\)/g) ?? [];

describe('the adjoint of a slice is added inside the gradient loop', () => {
  it('of a row slice: row i of dL/dW reads the adjoint, with no m x n scratch and no outer product', async () => {
    const body = await gradientBody(ROW);
    // The one scratch array is the forward pass's row W[i, :] (n entries).
    expect(scratch(body)).toEqual(['scratch$(1, d$n)']);
    expect(body).not.toContain('outer$');
    expect(body).toContain('      t$1[i * d$n + j] = 2 * v$W[i * d$n + j] + s$6 * (i === v$i ? v$x[j] : 0);\n');
  });

  it('of a column slice: column j of dL/dW reads the adjoint, with no m x n scratch and no outer product', async () => {
    const body = await gradientBody(COLUMN);
    // The forward pass's column W[:, j] and tanh of it (m entries each).
    expect(scratch(body)).toEqual(['scratch$(1, d$m)', 'scratch$(2, d$m)']);
    expect(body).not.toContain('outer$');
    expect(body).toContain(
      '      t$2[i * d$n + j] = v$W[i * d$n + j] + (j === v$j ? v$w[i] * (1 - sq$(t$1[i])) : 0);\n',
    );
  });

  it.each([
    ['row', ROW],
    ['column', COLUMN],
  ])(
    'the %s slice model checks: values against the reference, the gradient against central differences',
    async (_axis, text) => {
      const report = await checkModel(checkFormula(text), { dims: { m: 4, n: 3 }, seed: 1 });
      expect(report.rows.map((r) => [r.functionName, r.variable, r.pass])).toEqual([
        ['L', 'value', true],
        ['LGrad', 'value', true],
        ['LGrad', 'W', true],
      ]);
      expect(report.ok, formatCheckReport(report)).toBe(true);
    },
  );
});
