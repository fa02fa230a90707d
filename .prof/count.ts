import fc from 'fast-check';
import { formulaArbitrary, renderFormula } from '../test/helpers/formulas.js';
import { acceptedSecondOrder } from '../test/helpers/second-order.js';
const specs = fc.sample(formulaArbitrary(), { seed: 20_261_130, numRuns: 168 });
let req = 0, wm = 0;
specs.forEach((spec, i) => { const a = acceptedSecondOrder(renderFormula(spec, `f${i}_`).text); req += a.lines.length; wm += a.withMatrices; });
console.log(req, wm);
