/**
 * Issue 24: blocks with respect to matrices through the bundler. `gradc/esbuild` bundles a project
 * that asks for a Jacobian and a Hessian with respect to a matrix; the bundle runs, and the
 * declaration it writes types the blocks as matrices of entries(F) x entries(X) in vec order.
 */
import { describe, expect, it } from 'vitest';
import { esbuildBuild, makeFixture, runBundle, typeCheck } from './fixture.js';

/** F = A X (2 x 2 times 2 x 1): JF_X = kron(eye(1), A) = A; L = ||W x||^2 / 2: HL_W_W = kron(x x^T, eye(2)). */
const MODEL = `A : matrix(m, n)
X : matrix(n, k)
W : matrix(h, n)
x : vector(n)

F = A X
L = 1/2 ||W x||^2

jacobian F wrt X
hessian L wrt W
`;

const MAIN = `import { FJac, LHess } from './model.formula';

const A = { rows: 2, cols: 2, data: [1, 2, 3, 4] };
const X = { rows: 2, cols: 1, data: [5, 6] };
const J = FJac({ A, X }).X;
const W = { rows: 2, cols: 2, data: [1, 0, 0, 1] };
const H = LHess({ W, x: [1, 2] }).hess.W.W;
console.log(JSON.stringify({ J: { rows: J.rows, cols: J.cols, data: [...J.data] }, H: { rows: H.rows, cols: H.cols, data: [...H.data] } }));
`;

/** A block is a Matrix, not a number: tsc must refuse reading it as one. */
const WRONG = `import { LHess } from './model.formula';

const W = { rows: 2, cols: 2, data: [1, 0, 0, 1] };
const h: number = LHess({ W, x: [1, 2] }).hess.W.W;
`;

describe('gradc/esbuild: Jacobian and Hessian blocks with respect to matrices', () => {
  it('the bundle computes them in vec order, and the declaration types them as matrices (tsc, strict)', async () => {
    const fixture = makeFixture({ 'model.formula': MODEL, 'main.ts': MAIN, 'wrong.ts': WRONG });
    try {
      await esbuildBuild(fixture.dir);
      // kron(x x^T, eye(2)) with x = (1, 2): rows and columns in vec order of W (columns stacked).
      expect(runBundle(fixture.path('out.mjs'))).toEqual({
        J: { rows: 2, cols: 2, data: [1, 2, 3, 4] },
        H: { rows: 4, cols: 4, data: [1, 0, 2, 0, 0, 1, 0, 2, 2, 0, 4, 0, 0, 2, 0, 4] },
      });
      expect(typeCheck(fixture.dir, ['main.ts', 'wrong.ts'])).toEqual({
        'main.ts': [],
        'wrong.ts': ["4:7: Type 'Matrix' is not assignable to type 'number'."],
      });
    } finally {
      fixture.remove();
    }
  });
});
