import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/import-cycles.mjs', import.meta.url));

// A cycle makes module initialisation order matter (an op table read before it is built).
it('no module of src/ imports itself through others at run time', () => {
  expect(execFileSync(process.execPath, [script], { encoding: 'utf8' })).toMatch(/^no run-time import cycles among \d+ modules of src\//);
});
