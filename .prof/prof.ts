import fc from 'fast-check';
import { checkExports } from '../src/check/check-module.js';
import { typeCheckModule, loadModule } from '../src/check/load.js';
import { differentiate } from '../src/diff/differentiate.js';
import { generate } from '../src/codegen/module.js';
import { checkFormula } from '../src/front.js';
import { formulaArbitrary, renderFormula } from '../test/helpers/formulas.js';
import { acceptedSecondOrder } from '../test/helpers/second-order.js';
import { PIPELINE_TOLERANCE } from '../test/helpers/pipeline.js';
const SEED = 20_261_130, COUNT = Number(process.env.N ?? 36), BATCH = 12;
const specs = fc.sample(formulaArbitrary(), { seed: SEED, numRuns: COUNT });
const t = { accept: 0, diffgen: 0, type: 0, load: 0, check: 0 };
let req = 0, wm = 0;
const now = () => performance.now();
for (let from = 0; from < specs.length; from += BATCH) {
  const parts: string[] = []; let dims: Record<string, number> = {};
  for (const [i, spec] of specs.slice(from, from + BATCH).entries()) {
    const r = renderFormula(spec, `f${from + i}_`); dims = { ...dims, ...r.dims };
    let s = now(); const a = acceptedSecondOrder(r.text); t.accept += now() - s;
    req += a.lines.length; wm += a.withMatrices;
    parts.push(`${r.text}\n${a.lines.join('\n')}\n`);
  }
  const model = checkFormula(parts.join('\n'), 'batch.formula');
  let s = now(); const d = differentiate(model); const mod = await generate(model, d, { sourceName: 'b.formula' }); t.diffgen += now() - s;
  s = now(); const te = typeCheckModule(mod.code); t.type += now() - s;
  s = now(); const ex = await loadModule(mod.code); t.load += now() - s;
  s = now(); const rep = checkExports(model, ex, mod.manifest, { dims, seed: SEED + from, tol: PIPELINE_TOLERANCE }, { derived: d.gradients, higher: d.higher, typeErrors: te, typeChecked: true }); t.check += now() - s;
  if (!rep.ok) console.log('FAIL');
}
console.log(JSON.stringify(t), req, wm);
