/**
 * The exported type names of a generated module: `FInputs` and `FGradient` for a definition
 * `f`, and for names that capitalise alike (`l` and `L`), names after each owner as written,
 * so every function's types are its own whatever the order of the lines.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { compileAndLoad } from './helpers.js';

/** Each exported function's signature, by name: `(input$: LInputs): LGradient`. */
async function signatures(formula: string): Promise<Record<string, string>> {
  const code = await compile(formula);
  const found: Record<string, string> = {};
  for (const m of code.matchAll(/^export function ([\p{L}\p{N}_$]+)(\(.*\): [^ ]+) \{$/gmu)) found[m[1]!] = m[2]!;
  return found;
}

const CASE_PAIR = `x : vector(n)
l = sum(x)
L = sum(x .* x)
grad l wrt x
grad L wrt x
`;

describe('type names', () => {
  it('a formula without names that capitalise alike gets <Name>Inputs and <Name>Gradient', async () => {
    expect(await signatures('x : vector(n)\nl = sum(x)\ngrad l wrt x\ngrad l wrt x\n')).toEqual({
      l: '(input$: LInputs): number',
      lGrad: '(input$: LInputs): LGradient',
      lGradInto: '(input$: LInputs, out$: LGradient): LGradient',
      lGrad2: '(input$: LInputs): LGradient2',
      lGrad2Into: '(input$: LInputs, out$: LGradient2): LGradient2',
    });
  });

  it('l and L each get types named after themselves as written', async () => {
    expect(await signatures(CASE_PAIR)).toEqual({
      l: '(input$: l_Inputs): number',
      L: '(input$: L_Inputs): number',
      lGrad: '(input$: l_Inputs): l_Gradient',
      lGradInto: '(input$: l_Inputs, out$: l_Gradient): l_Gradient',
      LGrad: '(input$: L_Inputs): L_Gradient',
      LGradInto: '(input$: L_Inputs, out$: L_Gradient): L_Gradient',
    });
  });

  it('the names of l and L do not depend on which is defined first', async () => {
    const swapped = 'x : vector(n)\nL = sum(x .* x)\nl = sum(x)\ngrad L wrt x\ngrad l wrt x\n';
    expect(await signatures(swapped)).toEqual(await signatures(CASE_PAIR));
  });

  it('the module with l and L type-checks, and each gradient function returns its own gradient', async () => {
    const { exports } = await compileAndLoad(CASE_PAIR);
    expect(exports.lGrad!({ x: [1, 2] })).toEqual({ value: 3, x: new Float64Array([1, 1]) });
    expect(exports.LGrad!({ x: [1, 2] })).toEqual({ value: 5, x: new Float64Array([2, 4]) });
  });

  it('a later gradient of l is l_Gradient2 too, not the LGradient2 that reads as the second of L', async () => {
    expect((await signatures(`${CASE_PAIR}grad l wrt x\n`)).lGrad2).toBe('(input$: l_Inputs): l_Gradient2');
  });

  it('a definition LGrad and the gradient function lGrad, whose inputs would both be LGradInputs, get LGrad_Inputs and lGrad_Inputs', async () => {
    // lGrad reads y, which l does not, so its inputs get an interface of their own.
    const formula = 'x : vector(n)\ny : scalar\nl = sum(x)\nLGrad = 2 l\ngrad l wrt x, y\n';
    expect(await signatures(formula)).toMatchObject({
      LGrad: '(input$: LGrad_Inputs): number',
      lGrad: '(input$: LInputs): LGradient',
    });
  });

  it("a name after its owner never takes another type's usual name: with l_ defined, L's types use $", async () => {
    const formula = `${CASE_PAIR}l_ = 2 l\n`;
    expect(await signatures(formula)).toMatchObject({
      l_: '(input$: L_Inputs): number',
      L: '(input$: L$Inputs): number',
      LGrad: '(input$: L$Inputs): L$Gradient',
      l: '(input$: l_Inputs): number',
    });
  });
});
