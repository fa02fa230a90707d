/**
 * The VS Code extension (editors/vscode): packaged by `vsce package` into a .vsix that holds the
 * grammar, the language configuration and the entry that starts `gradc lsp`; the grammar colours
 * every function of the language.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../src/ops/functions.js';

const EXTENSION = resolve('editors/vscode');
const VSCE = resolve('node_modules/.bin/vsce');
const dir = mkdtempSync(join(tmpdir(), 'gradc-vsix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The files of a zip archive, by name, read through its central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip archive: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + size);
    files.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

const grammar = JSON.parse(readFileSync(join(EXTENSION, 'syntaxes/formula.tmLanguage.json'), 'utf8')) as {
  scopeName: string;
  repository: { expression: { patterns: { match?: string; name?: string }[] }; comment: { match: string } };
};

describe('the VS Code extension', () => {
  it('vsce package builds a .vsix (a zip) with the grammar, the language configuration and the entry', () => {
    const out = join(dir, 'gradc.vsix');
    // No network: the language client is a dependency of the published extension, not of this package.
    const r = spawnSync(VSCE, ['package', '--no-dependencies', '--out', out], {
      cwd: EXTENSION,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const zip = readFileSync(out);
    expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const files = unzip(zip);
    expect([...files.keys()].filter((f) => f.startsWith('extension/')).sort()).toEqual([
      'extension/LICENSE.txt',
      'extension/extension.js',
      'extension/language-configuration.json',
      'extension/package.json',
      'extension/readme.md',
      'extension/syntaxes/formula.tmLanguage.json',
    ]);
    expect(files.get('extension/syntaxes/formula.tmLanguage.json')!.toString('utf8')).toBe(
      readFileSync(join(EXTENSION, 'syntaxes/formula.tmLanguage.json'), 'utf8'),
    );
  }, 150_000);

  it('contributes the formula language for .formula files, with the grammar and the configuration', () => {
    const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8'));
    expect(manifest.contributes.languages).toEqual([
      {
        id: 'formula',
        aliases: ['gradc formula', 'formula'],
        extensions: ['.formula'],
        configuration: './language-configuration.json',
      },
    ]);
    expect(manifest.contributes.grammars).toEqual([
      { language: 'formula', scopeName: grammar.scopeName, path: './syntaxes/formula.tmLanguage.json' },
    ]);
    const configuration = JSON.parse(readFileSync(join(EXTENSION, 'language-configuration.json'), 'utf8'));
    expect(configuration.comments).toEqual({ lineComment: '#' });
    expect(configuration.brackets).toEqual([
      ['(', ')'],
      ['[', ']'],
    ]);
  });

  it('the entry starts gradc lsp over stdio', () => {
    const entry = readFileSync(join(EXTENSION, 'extension.js'), 'utf8');
    expect(entry).toContain("args: ['lsp'], transport: TransportKind.stdio");
  });

  it('the grammar colours every function of the language, and comments', () => {
    const pattern = grammar.repository.expression.patterns.find((p) => p.name === 'support.function.formula')!.match!;
    const fn = new RegExp(pattern, 'u');
    const missed = FUNCTION_NAMES.filter((name) => fn.exec(`${name}(x)`)?.[1] !== name);
    expect(missed).toEqual([]);
    expect(fn.test('expx(x)')).toBe(false);
    expect(new RegExp(grammar.repository.comment.match, 'u').exec('L = x # the loss')?.[0]).toBe('# the loss');
  });
});
