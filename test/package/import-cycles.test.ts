import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/import-cycles.mjs', import.meta.url));

// A cycle makes module initialisation order matter (an op table read before it is built).
it('no module of src/ imports itself through others at run time', () => {
  expect(execFileSync(process.execPath, [script], { encoding: 'utf8' })).toMatch(
    /^no run-time import cycles among \d+ modules of src\//,
  );
});

// Nor through type-only imports: the op table is written against the Builder interface
// (src/ops/types.ts) that the graph implements, so the layers stay one-way for readers too.
it('no module of src/ imports itself through others, type-only imports included', () => {
  expect(execFileSync(process.execPath, [script, '--types'], { encoding: 'utf8' })).toMatch(
    /^no import cycles \(type-only imports included\) among \d+ modules of src\//,
  );
});

// Nor up the layers ARCHITECTURE.md declares (syntax below the op table, printers and code
// generation above the derivatives, ...), type-only imports included.
it('no module of src/ imports a module of a layer above its own', () => {
  expect(execFileSync(process.execPath, [script, '--layers'], { encoding: 'utf8' })).toMatch(
    /^no import goes up the layers \(type-only imports included\) among \d+ modules of src\//,
  );
});

it('the layer check fails on an import that goes up, and names it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradc-layers-'));
  try {
    mkdirSync(join(dir, 'scripts'));
    mkdirSync(join(dir, 'src', 'syntax'), { recursive: true });
    mkdirSync(join(dir, 'src', 'ops'));
    copyFileSync(script, join(dir, 'scripts', 'import-cycles.mjs'));
    writeFileSync(join(dir, 'src', 'ops', 'types.ts'), 'export interface OpDef { readonly name: string }\n');
    writeFileSync(
      join(dir, 'src', 'syntax', 'ast.ts'),
      "import type { OpDef } from '../ops/types.js';\nexport type Op = OpDef;\n",
    );
    const run = spawnSync(process.execPath, [join(dir, 'scripts', 'import-cycles.mjs'), '--layers'], {
      encoding: 'utf8',
    });
    expect({ status: run.status, out: run.stdout }).toEqual({
      status: 1,
      out: '1 imports go up the layers:\n  src/syntax/ast.ts (syntax) imports src/ops/types.ts (ops)\n',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('ARCHITECTURE.md lists the layers the check enforces', () => {
  const layers = execFileSync(process.execPath, [script, '--list-layers'], { encoding: 'utf8' }).trim().split('\n');
  const doc = readFileSync(fileURLToPath(new URL('../../ARCHITECTURE.md', import.meta.url)), 'utf8');
  expect(layers.length).toBeGreaterThan(10);
  for (const line of layers) expect(doc).toContain(line);
});
