import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';

const examples = readdirSync('examples')
  .filter((f) => f.endsWith('.formula'))
  .sort();

describe('generated/ holds the compiled examples, up to date', () => {
  it('has one module per example', () => {
    const modules = readdirSync('generated')
      .filter((f) => f.endsWith('.ts'))
      .sort();
    expect(modules).toEqual(examples.map((f) => f.replace(/\.formula$/, '.ts')));
  });

  for (const f of examples) {
    it(`generated/${f.replace(/\.formula$/, '.ts')} is what gradc compile writes today`, async () => {
      const fresh = await compile(readFileSync(join('examples', f), 'utf8'), join('examples', f));
      const committed = readFileSync(join('generated', f.replace(/\.formula$/, '.ts')), 'utf8');
      // When this fails, run: npx gradc compile examples/*.formula -o generated
      expect(committed).toBe(fresh);
    });
  }
});
