/**
 * gradc lsp never goes down: random edits (insertions and deletions, sent as incremental changes)
 * to the example files, each followed by a request at a random position. Every request is
 * answered (a result, null or an LSP error), diagnostics keep coming for the latest version, the
 * server stays up, and its memory stays flat. GRADC_LSP_EDITS sets the count (default 2000).
 * Deterministic: a seeded PRNG (mulberry32) drives every choice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/check/random.js';
import { LspClient, type Position } from './client.js';

const EDITS = Number(process.env.GRADC_LSP_EDITS ?? 2000);

const EXAMPLES = readdirSync('examples')
  .filter((f) => f.endsWith('.formula'))
  .sort()
  .map((f) => readFileSync(`examples/${f}`, 'utf8'));

/** What a random insertion types: pieces of the language, its mistakes, and odd characters. */
// prettier-ignore
const PIECES = [
  ' ', '\n', '(', ')', '[', ']', '||', '^T', "'", ' x', 'A ', '+', '-', '*', '/', '.*', '^', '2', '0.5', ',', ':', '=', '#',
  'grad ', ' wrt ', 'sum(', 'sigmoid(', 'sigmod(', '.T', '@', 'norm(', 'vector(n)', 'matrix(h, m)', 'hessian L wrt ', 'é', 'σ',
  '😀', '\t', 'ᵀ',
];

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** The server's resident memory in MB (Linux: /proc). */
function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
}, 60_000);
afterAll(async () => {
  if (client.running) await client.stop();
});

describe('gradc lsp under random edits', () => {
  it(`answers every request through ${EDITS} random edits, stays up, and its memory stays flat`, async () => {
    const random = mulberry32(27);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const texts = EXAMPLES.slice();
    const versions = texts.map(() => 1);
    const uri = (i: number) => `file:///fuzz/example${i}.formula`;
    for (let i = 0; i < texts.length; i++) await client.open(uri(i), texts[i]!);
    const answered: Record<string, number> = {};
    let errors = 0;
    const refusals = new Map<string, number>();
    const memory: number[] = [];
    for (let edit = 0; edit < EDITS; edit++) {
      const doc = Math.floor(random() * texts.length);
      const text = texts[doc]!;
      const from = Math.floor(random() * (text.length + 1));
      let change: { start: number; end: number; insert: string };
      if (random() < 0.5 || text.length === 0) {
        // Snippets of the file itself too, so edits keep it formula-like.
        const at = Math.floor(random() * text.length);
        const insert = random() < 0.7 ? pick(PIECES) : text.slice(at, at + 1 + Math.floor(random() * 12));
        change = { start: from, end: from, insert };
      } else {
        change = { start: from, end: Math.min(text.length, from + 1 + Math.floor(random() * 8)), insert: '' };
      }
      // Never split a surrogate pair: an editor does not.
      const lone = (o: number) => o > 0 && o < text.length && /[\udc00-\udfff]/.test(text[o]!);
      if (lone(change.start) || lone(change.end)) continue;
      const range = { start: positionAt(text, change.start), end: positionAt(text, change.end) };
      texts[doc] = text.slice(0, change.start) + change.insert + text.slice(change.end);
      versions[doc]! += 1;
      const published = edit % 100 === 0 ? client.diagnostics(uri(doc), versions[doc]) : undefined;
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: uri(doc), version: versions[doc] },
        contentChanges: [{ range, text: change.insert }],
      });
      const now = texts[doc]!;
      const position = positionAt(now, Math.floor(random() * (now.length + 1)));
      const at = { textDocument: { uri: uri(doc) }, position };
      const method = pick([
        'textDocument/hover',
        'textDocument/definition',
        'textDocument/references',
        'textDocument/completion',
        'textDocument/signatureHelp',
        'textDocument/documentSymbol',
        'textDocument/prepareRename',
        'textDocument/rename',
        'textDocument/codeAction',
      ]);
      const params =
        method === 'textDocument/references'
          ? { ...at, context: { includeDeclaration: true } }
          : method === 'textDocument/rename'
            ? { ...at, newName: pick(['q', 'grad', '1x', 'W']) }
            : method === 'textDocument/codeAction'
              ? {
                  textDocument: at.textDocument,
                  range: { start: position, end: position },
                  context: { diagnostics: [] },
                }
              : at;
      try {
        await client.request(method, params);
        answered[method] = (answered[method] ?? 0) + 1;
      } catch (e) {
        // An LSP error is an answer (a refused rename); a dead connection is not.
        if (!client.running) throw e;
        errors++;
        const key = `${method}: ${e instanceof Error ? e.message.replace(/'[^']*'/g, "'…'") : String(e)}`;
        refusals.set(key, (refusals.get(key) ?? 0) + 1);
      }
      if (published !== undefined) expect(Array.isArray(await published)).toBe(true);
      if (edit === Math.floor(EDITS / 4) || edit === EDITS - 1) memory.push(residentMb(client.child.pid!));
    }
    expect(client.running).toBe(true);
    // A handler that threw logs 'gradc lsp: <request> failed' and answers null: none did.
    expect(client.logs).toEqual([]);
    expect(client.stderr.join('')).toBe('');
    const total = Object.values(answered).reduce((a, b) => a + b, 0) + errors;
    expect(total).toBeGreaterThan(EDITS * 0.9);
    expect(Object.keys(answered)).toHaveLength(9);
    // Flat: after the first quarter (caches warm), the rest of the run adds less than 60 MB.
    const [warm, last] = memory as [number, number];
    console.log(
      `gradc lsp fuzz: ${total} requests over ${EDITS} edits, ${errors} answered with an error; memory ${warm.toFixed(0)} MB → ${last.toFixed(0)} MB`,
    );
    expect(last - warm).toBeLessThan(60);
    // The only errors are renames refused with a reason.
    expect([...refusals.keys()].filter((k) => !k.startsWith('textDocument/rename: '))).toEqual([]);
  }, 300_000);
});
