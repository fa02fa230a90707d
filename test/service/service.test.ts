/**
 * The language service (src/service) in-process: what the protocol suite does not reach — text
 * offsets past characters outside the BMP, hovers in a line that has an error, completion by
 * context, second-order request lines, limits — and that it never reaches the code generator.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/from-text.js';
import { FormulaDocument } from '../../src/service/service.js';

const at = (text: string, needle: string, shift = 0) => {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`'${needle}' not found`);
  return i + shift;
};

describe('the language service', () => {
  it('works in UTF-16 offsets: names and comments outside the BMP shift nothing', () => {
    const text = '# 😀 a model\nθ_1 : vector(n)\nφ = θ_1^T θ_1 # 😀\ngrad φ wrt θ_1\n';
    const doc = new FormulaDocument(text);
    expect(doc.diagnostics()).toEqual([]);
    expect(doc.hover(at(text, '^T θ', 2))?.code).toEqual(['θ_1^T θ_1 : scalar']);
    expect(doc.definition(at(text, 'θ_1\n'))).toEqual({ start: at(text, 'θ_1 :'), end: at(text, 'θ_1 :') + 3 });
  });

  it('hovers a checked part of a line whose other part has an error', () => {
    const text = 'A : matrix(h, m)\nx : vector(m)\nz = A x + q\n';
    const doc = new FormulaDocument(text);
    expect(doc.diagnostics().map((d) => d.message)).toEqual([
      "unknown name 'q'; declare it first, for example 'q : vector(h)'",
    ]);
    expect(doc.hover(at(text, 'A x', 1))?.code).toEqual(['A x : vector(h)']);
    expect(doc.hover(at(text, '+ q'))).toBeUndefined();
  });

  it('a hessian line shows its blocks as gradc derive prints them', () => {
    const text = 'x : vector(n)\nA : matrix(n, n)\nL = x^T A x\nhessian L wrt x\n';
    expect(new FormulaDocument(text).hover(at(text, 'hessian'))?.code).toEqual(derive(text));
  });

  it('completes by context: types after a colon, dimensions in a type, definitions after grad, wrt after the target', () => {
    const text = 'A : matrix(h, m)\nL = sum(A)\nx : \ny : vector()\ngrad \ngrad L \n';
    const doc = new FormulaDocument(text);
    const labels = (offset: number) => doc.completion(offset).items.map((i) => i.label);
    expect(labels(at(text, 'x : ', 4))).toEqual(['scalar', 'vector', 'matrix', 'index', 'symmetric', 'spd']);
    expect(labels(at(text, 'vector()', 7))).toEqual(['h', 'm']);
    expect(labels(at(text, 'grad \n', 5))).toEqual(['L']);
    expect(labels(at(text, 'grad L \n', 7))).toEqual(['wrt']);
    expect(labels(at(text, 'sum(A)', 4))).toContain('A');
  });

  it('refuses to rename to something that is not a name', () => {
    const text = 'x : vector(n)\nL = x^T x\n';
    expect(new FormulaDocument(text).rename(0, '1x')).toEqual({
      error: "'1x' is not a name: letters, digits and _, not starting with a digit",
    });
  });

  it('says so when it stopped at the limit of errors', () => {
    const text = Array.from({ length: 30 }, (_, i) => `y${i} = q${i}`).join('\n');
    const list = new FormulaDocument(text).diagnostics();
    expect(list).toHaveLength(21);
    expect(list[20]!.message).toBe('stopped after 20 errors; fix these to see more');
  });

  it('never imports the code generator or the numeric check', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)\.js'/g))
        visit(normalize(join(dirname(file), `${m[1]}.ts`)));
    };
    visit('src/service/service.ts');
    expect([...seen].filter((f) => /src\/(codegen|check|cli)\//.test(f))).toEqual([]);
    expect(seen.size).toBeGreaterThan(20);
  });
});

describe('structured declarations', () => {
  it('a dimension of symmetric(n) and spd(n) is one of the file’s dimensions, renamed with the rest', () => {
    const text = 'S : symmetric(n)\nP : spd(n)\nx : vector(n)\nL = x^T S x + x^T P x\n';
    const doc = new FormulaDocument(text);
    expect(doc.diagnostics()).toEqual([]);
    expect(doc.references(at(text, 'n)'))).toHaveLength(3);
    expect(doc.hover(at(text, 'S :'))?.code).toEqual(['S : symmetric(n)']);
  });
});

describe('hover on a request line', () => {
  const text =
    'A : matrix(h, m)\nx : vector(m)\nb : vector(h)\nL = sum(exp(A x + b))\ngrad L wrt A, b\nhessian L wrt x\n';
  const doc = new FormulaDocument(text);
  const lines = derive(text);

  it('its keyword shows every derivative of the line', () => {
    expect(doc.hover(at(text, 'grad'))?.code).toEqual(lines.filter((l) => l.startsWith('dL_')));
  });

  it('a wrt name shows the name and the derivative with respect to it', () => {
    expect(doc.hover(at(text, 'b\nhessian'))?.code).toEqual([
      'b : vector(h)',
      ...lines.filter((l) => l.startsWith('dL_db')),
    ]);
    expect(doc.hover(text.lastIndexOf('x\n'))?.code).toEqual([
      'x : vector(m)',
      ...lines.filter((l) => l.startsWith('HL_x_x')),
    ]);
    expect(lines.filter((l) => l.startsWith('HL_x_x') || l.startsWith('dL_db'))).toHaveLength(2);
  });
});
