/** docs/examples.md runs as written: at least 15 models from practice, each command with the output it shows. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { consoleDocument, matchesWithEllipses } from '../helpers/console-blocks.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const doc = consoleDocument(readFileSync(join(root, 'docs/examples.md'), 'utf8'));

describe('docs/examples.md', () => {
  let dir = '';
  const cwd = process.cwd();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gradc-examples-'));
    for (const f of doc.files) writeFileSync(join(dir, f.name), f.text);
    process.chdir(dir);
  });
  afterAll(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  test('has at least 15 models, each with a derive command', () => {
    expect(doc.files.length).toBeGreaterThanOrEqual(15);
    const derived = doc.commands.filter((c) => c.argv[0] === 'derive').map((c) => c.argv[1]);
    expect(derived).toEqual(doc.files.map((f) => f.name));
  });

  test('an output that differs from the page fails: ... stands for lines, not for differences', () => {
    expect(matchesWithEllipses(['dL_dw = 2 w', 'extra'], ['dL_dw = 2 w'])).toBe(false);
    expect(matchesWithEllipses(['a', 'b', 'c'], ['a', '...', 'c'])).toBe(true);
    expect(matchesWithEllipses(['a', 'b', 'd'], ['a', '...', 'c'])).toBe(false);
  });

  for (const command of doc.commands) {
    test(`docs/examples.md:${command.line}: gradc ${command.argv.join(' ')}`, async () => {
      const { status, stdout, stderr } = await runCli(command.argv);
      const actual = `${stdout}${stderr}`.replace(/\n$/, '').split('\n');
      expect(status).toBe(0);
      expect(matchesWithEllipses(actual, command.expected), actual.join('\n')).toBe(true);
    });
  }
});
