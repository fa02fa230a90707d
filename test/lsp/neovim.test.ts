/**
 * A real editor: Debian's Neovim (0.7, `vim.lsp.start_client`) run headless with neovim.lua, which
 * opens a formula, waits for gradc lsp's diagnostics, asks for a hover and a definition, and writes
 * what it got to a file read here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { positionOf } from './client.js';

const SCRIPT = fileURLToPath(new URL('./neovim.lua', import.meta.url));
const GRADC = fileURLToPath(new URL('../cli/gradc-from-source.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const FORMULA = `A : matrix(h, m)
x : vector(m)
b : vector(h)
z = A x + b
w = sigmod(z)
L = sum(z)
grad L wrt A
`;

const dir = mkdtempSync(join(tmpdir(), 'gradc-nvim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface Result {
  error?: string;
  uri: string;
  diagnostics: { range: Range; message: string }[];
  hover: { contents: { kind: string; value: string } };
  definition: { uri: string; range: Range } | { uri: string; range: Range }[];
}

function runNeovim(
  file: string,
  hover: { line: number; character: number },
  definition: { line: number; character: number },
): Result {
  const out = join(dir, 'result.json');
  const r = spawnSync('nvim', ['--headless', '--clean', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${SCRIPT}`], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      GRADC_FILE: file,
      GRADC_OUT: out,
      GRADC_CMD: JSON.stringify([process.execPath, '--import', TSX, GRADC, 'lsp']),
      GRADC_HOVER: `${hover.line},${hover.character}`,
      GRADC_DEFINITION: `${definition.line},${definition.character}`,
    },
  });
  if (r.error !== undefined) throw r.error;
  return JSON.parse(readFileSync(out, 'utf8')) as Result;
}

describe('Neovim as the client of gradc lsp', () => {
  it('shows the diagnostics, the hover and the definition the server gives', () => {
    const file = join(dir, 'layer.formula');
    writeFileSync(file, FORMULA);
    const result = runNeovim(file, positionOf(FORMULA, 'A x', 1), positionOf(FORMULA, '+ b', 2));
    expect(result.error).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.range, d.message])).toEqual([
      [
        { start: { line: 4, character: 4 }, end: { line: 4, character: 10 } },
        "unknown function 'sigmod'; did you mean 'sigmoid'?",
      ],
    ]);
    expect(result.hover.contents.value).toBe('```gradc\nA x : vector(h)\n```');
    const definition = Array.isArray(result.definition) ? result.definition[0]! : result.definition;
    expect(definition).toEqual({
      uri: result.uri,
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } },
    });
  }, 150_000);
});
