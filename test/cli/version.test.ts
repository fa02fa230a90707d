/** Issue 18, item 4: the version comes from package.json, found from src/cli/ and from dist/cli/ alike. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/cli/version.js';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A directory tree with the given files, and the file URL of a module at `modulePath` in it. */
function layout(files: Record<string, string>, modulePath: string): string {
  root = mkdtempSync(join(tmpdir(), 'gradc-version-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return pathToFileURL(join(root, modulePath)).href;
}

describe('packageVersion', () => {
  it('from src/cli (tsx, vitest)', () => {
    expect(packageVersion()).toBe(VERSION);
  });

  it('from dist/cli of the package', () => {
    const url = layout({ 'package.json': '{ "name": "gradc", "version": "9.8.7" }' }, 'dist/cli/version.js');
    expect(packageVersion(url)).toBe('9.8.7');
  });

  it('installed under an application: gradc’s package.json, not the nearest one of another package', () => {
    const url = layout(
      {
        'package.json': '{ "name": "app", "version": "1.0.0" }',
        'node_modules/gradc/package.json': '{ "name": "gradc", "version": "2.3.4" }',
        'node_modules/gradc/dist/package.json': '{ "type": "module" }',
      },
      'node_modules/gradc/dist/cli/version.js',
    );
    expect(packageVersion(url)).toBe('2.3.4');
  });

  it('undefined when there is none', () => {
    const url = layout({ 'package.json': '{ "name": "other", "version": "1.0.0" }' }, 'dist/cli/version.js');
    expect(packageVersion(url)).toBeUndefined();
  });
});
