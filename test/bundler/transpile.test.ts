/**
 * Issue 17: every committed generated module (generated/, from examples/) has a declaration read
 * off its text alone, exporting what the module exports, and JavaScript that exports the same
 * functions: what the bundler plugins and `compile --dts` rely on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { moduleDeclaration, moduleJavaScript } from '../../src/bundler/transpile.js';

const generated = fileURLToPath(new URL('../../generated/', import.meta.url));
const modules = readdirSync(generated).filter((f) => f.endsWith('.ts'));

/** The names a text exports: `export function f`, `export declare function f`, `export interface I`, `export type T`. */
function exportedNames(text: string, kinds: RegExp): string[] {
  return [...text.matchAll(new RegExp(`^export (?:declare )?(${kinds.source}) ([\\w$]+)`, 'gm'))].map(
    (m) => `${m[1]} ${m[2]}`,
  );
}

describe('declarations and JavaScript of the generated modules', () => {
  it('there are modules to check', () => {
    expect(modules.length).toBeGreaterThan(10);
  });

  it.each(modules)('%s', (file) => {
    const code = readFileSync(`${generated}${file}`, 'utf8');
    const formula = file.replace(/\.ts$/, '.formula');
    const declaration = moduleDeclaration(code, formula);
    const exported = exportedNames(code, /function|interface|type/);
    expect(exported).toContain('interface Matrix');
    expect(exportedNames(declaration, /function|interface|type/)).toEqual(exported);
    expect(exportedNames(moduleJavaScript(code, formula), /function/)).toEqual(exportedNames(code, /function/));
  });
});
