import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

/** The oldest Node of each line that gradc's `engines` admits: where an install must be warning-free. */
const supported = ['20.19.0', '22.13.0', '24.0.0'];

describe('install on the supported Node versions', () => {
  it('engines admits exactly the Node lines the dependencies support', () => {
    expect(manifest.engines.node).toBe('^20.19.0 || ^22.13.0 || >=24');
    for (const v of supported) expect(semver.satisfies(v, manifest.engines.node)).toBe(true);
    expect(semver.satisfies('20.18.0', manifest.engines.node)).toBe(false);
  });

  // Only what npm installs here: optional packages for other platforms (wasm32, darwin) are skipped by npm too.
  it('every installed package accepts every supported Node version (npm prints no EBADENGINE warning)', () => {
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (path === '' || range === undefined || !existsSync(`${root}${path}/package.json`)) continue;
      for (const v of supported) if (!semver.satisfies(v, range)) refused.push(`${path} (${range}) refuses Node ${v}`);
    }
    expect(refused).toEqual([]);
  });
});
