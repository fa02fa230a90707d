import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/import-cycles.mjs', import.meta.url));

// A cycle makes module initialisation order matter (an op table read before it is built).
it('no module of src/ imports itself through others at run time', () => {
  expect(execFileSync(process.execPath, [script], { encoding: 'utf8' })).toMatch(/^no run-time import cycles among \d+ modules of src\//);
});

// Nor through type-only imports: the op table is written against the Builder interface
// (src/ops/types.ts) that the graph implements, so the layers stay one-way for readers too.
it('no module of src/ imports itself through others, type-only imports included', () => {
  expect(execFileSync(process.execPath, [script, '--types'], { encoding: 'utf8' })).toMatch(/^no import cycles \(type-only imports included\) among \d+ modules of src\//);
});
