import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFormula } from '../src/front.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

const files = readdirSync(EXAMPLES)
  .filter((name) => name.endsWith('.formula'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(EXAMPLES, name), 'utf8') }));

/**
 * The five handouts of the project's seed material, and the two references of the matrix
 * functions' examples (issue 13) and of the vec convention (issue 24), each recognised by how an example's first comment names it.
 */
const HANDOUTS: readonly { readonly handout: string; readonly pattern: RegExp }[] = [
  { handout: 'DS 102 Discussion 12', pattern: /\bDS 102\b/ },
  { handout: 'INF264 Homework 4', pattern: /\bINF264\b/ },
  { handout: 'CS 316/365 Activity 6', pattern: /\bCS 316\b/ },
  { handout: 'Domke, notes for HW2', pattern: /\bDomke\b/ },
  { handout: 'CS230 hands-on session 3', pattern: /\bCS230\b/ },
  { handout: 'Rasmussen & Williams, Gaussian Processes for Machine Learning', pattern: /\bRasmussen & Williams\b/ },
  { handout: 'The Matrix Cookbook', pattern: /\bMatrix Cookbook\b/ },
  { handout: 'Magnus & Neudecker, Matrix Differential Calculus (issue 24)', pattern: /\bMagnus & Neudecker\b/ },
];

/** The file's opening comment line (the one that names the handout and the part). */
function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}

describe('examples/*.formula', () => {
  it('the directory holds examples', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('$name parses and type-checks', ({ name, text }) => {
    const model = checkFormula(text, `examples/${name}`);
    expect(model.definitions.length).toBeGreaterThan(0);
    expect(model.requests.length).toBeGreaterThan(0);
  });

  it.each(files)('$name starts with a comment naming its handout', ({ text }) => {
    const line = firstLine(text);
    expect(line.startsWith('#')).toBe(true);
    expect(HANDOUTS.some((h) => h.pattern.test(line))).toBe(true);
  });

  it.each(HANDOUTS)('at least one example comes from $handout', ({ pattern }) => {
    const matching = files.filter((f) => pattern.test(firstLine(f.text)));
    expect(matching.map((f) => f.name)).not.toEqual([]);
  });
});
