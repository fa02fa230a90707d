/** Issue 18, item 4: command-line conventions (parseArgs, --version, --help, --dims, value ranges). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, COMMAND_USAGE, USAGE } from '../../src/cli/usage.js';
import { DS102, runCli, scratchDirectory } from './run-cli.js';

const scratch = scratchDirectory();
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('--version', () => {
  it.each(['--version', '-v'])('%s prints the version of package.json', async (flag) => {
    expect(await runCli([flag])).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

describe('--help', () => {
  it.each(['--help', '-h', 'help'])('gradc %s prints the usage of every command', async (flag) => {
    expect(await runCli([flag])).toEqual({ status: 0, stdout: `${USAGE}\n`, stderr: '' });
  });

  it.each(COMMAND_NAMES)('gradc %s --help prints that command’s usage and exits 0', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r).toEqual({ status: 0, stdout: `${COMMAND_USAGE[command]}\n`, stderr: '' });
    // Every command but the language server takes formula files; the server gets them from the editor.
    expect(
      r.stdout.startsWith(command === 'lsp' ? 'usage: gradc lsp [--stdio]' : `usage: gradc ${command} <file.formula`),
    ).toBe(true);
  });

  it('gradc lsp takes no files', async () => {
    expect(await runCli(['lsp', 'model.formula'])).toEqual({
      status: 2,
      stdout: '',
      stderr: "gradc: lsp takes no files: the editor sends them over the protocol\nrun 'gradc lsp --help' for usage\n",
    });
  });

  it('-h and help <command> print the same text', async () => {
    expect((await runCli(['check', '-h'])).stdout).toBe(`${COMMAND_USAGE.check}\n`);
    expect((await runCli(['help', 'check'])).stdout).toBe(`${COMMAND_USAGE.check}\n`);
  });

  it('check --help says what --tol does to forward values', () => {
    expect(COMMAND_USAGE.check).toContain('The same T bounds each forward value against');
  });
});

describe('malformed command lines: one message and a one-line hint', () => {
  it('an unknown option of a command', async () => {
    expect(await runCli(['derive', 'x.formula', '--frob'])).toEqual({
      status: 2,
      stdout: '',
      stderr: "gradc: unknown option --frob\nrun 'gradc derive --help' for usage\n",
    });
  });

  it('an option of another command', async () => {
    expect((await runCli(['compile', 'x.formula', '--seed', '3'])).stderr).toBe(
      "gradc: compile does not take --seed\nrun 'gradc compile --help' for usage\n",
    );
  });

  it('an unknown option before any command', async () => {
    expect(await runCli(['--frob'])).toEqual({
      status: 2,
      stdout: '',
      stderr: "gradc: unknown option --frob\nrun 'gradc --help' for usage\n",
    });
  });

  it('a flag given a value', async () => {
    expect((await runCli(['derive', 'x.formula', '--json=yes'])).stderr).toBe(
      "gradc: --json does not take a value\nrun 'gradc derive --help' for usage\n",
    );
  });

  it('an option followed by another option instead of its value', async () => {
    expect((await runCli(['fixtures', 'x.formula', '-o', '--seed'])).stderr).toBe(
      "gradc: -o needs a value, and '--seed' looks like an option; write --output=--seed if it is the value\nrun 'gradc fixtures --help' for usage\n",
    );
  });

  it('files after -- are files, even when they start with -', async () => {
    expect(await runCli(['derive', '--', '--odd.formula'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'gradc: no such file: --odd.formula\n',
    });
  });
});

describe('--dims', () => {
  it('repeated, merges: --dims h=5 --dims m=4 is --dims h=5,m=4', async () => {
    const file = scratch.file('ds102.formula', DS102);
    const repeated = await runCli(['fixtures', file, '--dims', 'h=5', '--dims', 'm=4']);
    expect(JSON.parse(repeated.stdout).dims).toEqual({ h: 5, m: 4 });
    expect(repeated.stdout).toBe((await runCli(['fixtures', file, '--dims', 'h=5,m=4'])).stdout);
  });

  it('one name with two sizes is a usage error', async () => {
    expect(await runCli(['check', 'x.formula', '--dims', 'h=3', '--dims', 'm=2,h=4'])).toEqual({
      status: 2,
      stdout: '',
      stderr: "gradc: --dims gives h two sizes: h=3 and h=4\nrun 'gradc check --help' for usage\n",
    });
  });

  it('one name twice with one size is accepted', async () => {
    const file = scratch.file('ds102.formula', DS102);
    const r = await runCli(['fixtures', file, '--dims', 'h=2,m=3', '--dims', 'h=2']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).dims).toEqual({ h: 2, m: 3 });
  });
});

describe('numeric options: the message states the range that is accepted', () => {
  const COUNT = "run 'gradc fixtures --help' for usage\n";
  it.each(['0', '-1', '1.5', '10001', 'many'])('--count %s', async (count) => {
    expect(await runCli(['fixtures', 'x.formula', '--count', count])).toEqual({
      status: 2,
      stdout: '',
      stderr: `gradc: --count takes a whole number from 1 to 10000, not '${count}'\n${COUNT}`,
    });
  });

  it.each(['1', '10000'])('--count %s, at an end of the range, is accepted', async (count) => {
    const file = scratch.file('small.formula', 'x : vector(2)\nL = sum(x)\n');
    const r = await runCli(['fixtures', file, '--count', count]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).cases).toHaveLength(Number(count));
  });

  it.each(['-1', '4294967296', '2.5'])('--seed %s', async (seed) => {
    expect((await runCli(['check', 'x.formula', '--seed', seed])).stderr).toBe(
      `gradc: --seed takes a whole number from 0 to 4294967295, not '${seed}'\nrun 'gradc check --help' for usage\n`,
    );
  });

  it.each(['-1e-6', 'tight', 'Infinity'])('--tol %s', async (tol) => {
    expect((await runCli(['check', 'x.formula', '--tol', tol])).stderr).toBe(
      `gradc: --tol takes a non-negative number such as 1e-6, not '${tol}'\nrun 'gradc check --help' for usage\n`,
    );
  });
});
