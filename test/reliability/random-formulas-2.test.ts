/**
 * The second half of the random-formula stream of random-formulas.test.ts, in its own file so
 * vitest runs the two halves on separate workers.
 */
import { describe } from 'vitest';
import { randomFormulaShard } from '../helpers/random-suite.js';

// Replaying one formula (GRADC_FC_PATH) happens in random-formulas.test.ts alone.
describe.skipIf(process.env.GRADC_FC_PATH !== undefined)(
  'random formulas through compile, strict type check, load and checkModel',
  () => {
    randomFormulaShard(1, 2);
  },
);
