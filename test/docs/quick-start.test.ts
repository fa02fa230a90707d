/** README.md's quick start runs as written: its formula, and every command with the output it shows. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { consoleDocument, matchesWithEllipses } from '../helpers/console-blocks.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('## Quick start'),
  readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
);
const doc = consoleDocument(section, readme.slice(0, readme.indexOf('## Quick start')).split('\n').length);

describe('README.md quick start', () => {
  let dir = '';
  const cwd = process.cwd();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gradc-quick-start-'));
    for (const f of doc.files) writeFileSync(join(dir, f.name), f.text);
    process.chdir(dir);
  });
  afterAll(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  test('fits one screen: at most 50 lines', () => {
    expect(section.split('\n').length).toBeLessThanOrEqual(50);
  });

  test('has a formula and derive, compile and check commands', () => {
    expect(doc.files.map((f) => f.name)).toEqual(['lsq.formula']);
    expect(doc.commands.map((c) => c.argv[0])).toEqual(['derive', 'compile', 'check']);
  });

  for (const command of doc.commands) {
    test(`README.md:${command.line}: gradc ${command.argv.join(' ')}`, async () => {
      const { status, stdout, stderr } = await runCli(command.argv);
      const actual = `${stdout}${stderr}`.replace(/\n$/, '').split('\n');
      expect(status).toBe(0);
      expect(matchesWithEllipses(actual, command.expected), actual.join('\n')).toBe(true);
    });
  }
});
