/** Runs the gradc command line in-process with captured streams, in a scratch directory per test. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `stdin` is what the command reads for `-`. */
export async function runCli(argv: readonly string[], stdin = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => stdin,
  });
  return { status, stdout, stderr };
}

/** A fresh directory for each test of the calling file, removed afterwards. */
export function scratchDirectory(): { readonly path: string; file(name: string, text: string): string } {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gradc-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get path() {
      return dir;
    },
    file(name: string, text: string): string {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

export { DS102 } from '../helpers/models.js';

export const SQUARES = 'x : vector(n)\nL = sum(x .* x)\ngrad L wrt x\n';
