/**
 * README.md's Install section works as written: gradc is packed with `npm pack` and installed
 * into a scratch project from the tarball, where `npx gradc --version` and the library run.
 *
 * No network: the package is packed from a staging copy (package.json, bin, grammar and a fresh
 * build of src into dist, what the `prepare` script builds), so the checkout's dist/ is never
 * rebuilt under other tests; the scratch project gets gradc's dependencies copied from this
 * checkout's node_modules first, so `npm install --offline` finds every one of them installed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; files: string[] };
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The Install section's shell lines, comments dropped. */
function installLines(): string[] {
  const section = readme.slice(readme.indexOf('## Install'), readme.indexOf('\n## ', readme.indexOf('## Install') + 1));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '');
}

/** The packages a package directory needs at run time, found as Node resolves them from `dir`, transitively. */
function dependencyClosure(dir: string, seen = new Set<string>()): Set<string> {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
    let at = dir;
    let found: string | undefined;
    for (;;) {
      const candidate = join(at, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        found = candidate;
        break;
      }
      if (dirname(at) === at) break;
      at = dirname(at);
    }
    if (found === undefined || seen.has(found)) continue;
    seen.add(found);
    dependencyClosure(found, seen);
  }
  return seen;
}

const run = (cwd: string, command: string, args: readonly string[]) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

describe('installing from a packed tarball (README.md, Install)', () => {
  let work = '';
  let tarball = '';
  let project = '';
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gradc-install-'));
    const gradc = join(work, 'gradc');
    project = join(work, 'my-project');
    mkdirSync(gradc);
    mkdirSync(project);
    for (const f of ['package.json', 'README.md', 'bin', 'grammar'])
      cpSync(join(root, f), join(gradc, f), { recursive: true });
    run(root, process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      join(gradc, 'dist'),
    ]);
    writeFileSync(join(project, 'package.json'), '{ "name": "my-project", "version": "1.0.0", "type": "module" }\n');
    for (const dep of dependencyClosure(root))
      cpSync(dep, join(project, dep.slice(root.length)), { recursive: true, dereference: true });
    tarball = join(gradc, `gradc-${manifest.version}.tgz`);
  }, 180_000);
  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('the README gives the lines this test runs', () => {
    expect(installLines()).toEqual([
      'npm pack',
      `cd ../my-project && npm install ../gradc/gradc-${manifest.version}.tgz`,
      'npx gradc --version',
    ]);
  });

  it('npm pack, npm install ../gradc/gradc-<version>.tgz, npx gradc --version', () => {
    // `npm pack` with its prepare script already run (the staging copy's dist is fresh).
    run(join(work, 'gradc'), 'npm', ['pack', '--ignore-scripts', '--silent']);
    expect(existsSync(tarball)).toBe(true);
    run(project, 'npm', [
      'install',
      `../gradc/gradc-${manifest.version}.tgz`,
      '--offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
    ]);
    expect(run(project, 'npx', ['--offline', 'gradc', '--version'])).toBe(`${manifest.version}\n`);
  }, 120_000);

  it('ships what users need and nothing else: dist, bin, grammar, README, package.json', () => {
    expect(manifest.files).toEqual(['dist', 'bin', 'grammar']);
    const installed = join(project, 'node_modules/gradc');
    expect(readdirSync(installed).sort()).toEqual(['README.md', 'bin', 'dist', 'grammar', 'package.json']);
  });

  it('the installed library derives and compiles, and the command line derives', () => {
    const script = join(project, 'use.mjs');
    writeFileSync(
      script,
      `import { compile, derive } from 'gradc';
const text = 'A : matrix(m, n)\\nx : vector(n)\\nb : vector(m)\\nr = A x - b\\nL = 1/2 r^T r\\ngrad L wrt x\\n';
console.log(derive(text).join('\\n'));
console.log((await compile(text, 'lsq.formula')).includes('export function LGrad('));
`,
    );
    expect(run(project, process.execPath, [script])).toBe('dL_dx = A^T r\ntrue\n');
    writeFileSync(join(project, 'lsq.formula'), 'x : vector(n)\nL = x^T x\ngrad L wrt x\n');
    expect(run(project, 'npx', ['--offline', 'gradc', 'derive', 'lsq.formula'])).toBe('dL_dx = 2 x\n');
  });
});
