/**
 * The op table is gathered from the families' tables (src/ops/index.ts), each keyed by the names
 * its file declares in `OpNames` (src/ir/node.ts); the compiler checks that every declared name
 * has an entry, and this test that each entry sits under its own name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPS } from '../../src/ops/index.js';

const OPS_DIR = fileURLToPath(new URL('../../src/ops/', import.meta.url));

describe('the op table', () => {
  it('files every entry under its own name', () => {
    const misfiled = Object.entries(OPS).filter(([key, def]) => def.name !== key);
    expect(misfiled.map(([key, def]) => `${key}: ${def.name}`)).toEqual([]);
  });

  // A reference rule computes with what the evaluator passes in (ReferenceContext), so the op
  // table needs no numeric library; src/check is above it (the layers test).
  it('imports no package: its reference rules get their arithmetic from the evaluator', () => {
    const packages = readdirSync(OPS_DIR)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        [...readFileSync(OPS_DIR + f, 'utf8').matchAll(/^(?:import|export)\b[^;]*?from '([^.][^']*)'/gms)].map(
          (m) => `${f}: ${m[1]}`,
        ),
      );
    expect(packages).toEqual([]);
  });
});
