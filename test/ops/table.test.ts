/**
 * The op table is gathered from the families' tables (src/ops/index.ts), each keyed by the names
 * its file declares in `OpNames` (src/ir/node.ts); the compiler checks that every declared name
 * has an entry, and this test that each entry sits under its own name.
 */
import { describe, expect, it } from 'vitest';
import { OPS } from '../../src/ops/index.js';

describe('the op table', () => {
  it('files every entry under its own name', () => {
    const misfiled = Object.entries(OPS).filter(([key, def]) => def.name !== key);
    expect(misfiled.map(([key, def]) => `${key}: ${def.name}`)).toEqual([]);
  });
});
