#!/usr/bin/env node
/**
 * Lists the import cycles among the modules of src/ (run-time imports; `import type` and
 * `export type` are erased by the compiler, so they are listed apart with --types).
 * Exits 1 when there is a run-time cycle. No dependencies: it reads import statements.
 *
 * With --layers, lists instead every import (type-only ones included) that goes up the layer
 * order of ARCHITECTURE.md, declared in LAYERS below, and exits 1 when there is one; with
 * --list-layers, prints that order.
 *
 *   node scripts/import-cycles.mjs [--types | --layers | --list-layers]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const layersMode = process.argv.includes('--layers');
const withTypes = process.argv.includes('--types') || layersMode;

/**
 * The layers of src/, bottom first: a module may import modules of its own layer and of the
 * layers below it, never above. Each layer is a list of paths under src/ (a folder ends in /);
 * a module belongs to the layer of the longest path that contains it.
 */
const LAYERS = [
  ['diagnostics', ['diagnostics/']],
  ['syntax', ['syntax/']],
  ['ir vocabulary', ['ir/node.ts', 'ir/shape.ts', 'ir/constants.ts', 'ir/walk.ts']],
  ['ops', ['ops/']],
  ['ir', ['ir/']],
  ['simplify', ['simplify/']],
  ['diff', ['diff/']],
  ['print', ['print/']],
  ['codegen', ['codegen/']],
  ['check', ['check/']],
  ['pipeline', ['front.ts', 'compile.ts', 'from-text.ts']],
  ['service', ['service/']],
  ['bundler', ['bundler/']],
  ['cli', ['cli/']],
  ['library', ['index.ts']],
];

if (process.argv.includes('--list-layers')) {
  LAYERS.forEach(([name, paths], i) => console.log(`${i + 1}. ${name}: ${paths.map((p) => `src/${p}`).join(', ')}`));
  process.exit(0);
}

/** The index in LAYERS of a module of src/, or -1 for a module no layer holds. */
function layerOf(file) {
  const path = relative(join(root, 'src'), file).split('\\').join('/');
  let best = -1;
  let bestLength = -1;
  LAYERS.forEach(([, paths], i) => {
    for (const p of paths) {
      const holds = p.endsWith('/') ? path.startsWith(p) : path === p;
      if (holds && p.length > bestLength) {
        best = i;
        bestLength = p.length;
      }
    }
  });
  return best;
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The relative modules a file imports or re-exports at run time (or at all, with types). */
function imports(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  const statement = /^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(\.[^']+)'/gms;
  for (const m of text.matchAll(statement)) {
    const typeOnly =
      m[2] !== undefined ||
      (/^\{[^}]*\}$/s.test(m[3]) &&
        m[3]
          .slice(1, -1)
          .split(',')
          .every((s) => s.trim() === '' || s.trim().startsWith('type ')));
    if (typeOnly && !withTypes) continue;
    out.push(resolve(dirname(file), m[4].replace(/\.js$/, '.ts')));
  }
  for (const m of text.matchAll(/^import\s+'(\.[^']+)'/gm))
    out.push(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
  return out;
}

const files = sources(join(root, 'src'));
const edges = new Map(files.map((f) => [f, imports(f)]));

if (layersMode) {
  const problems = [];
  for (const f of files) {
    const from = layerOf(f);
    if (from < 0) {
      problems.push(`${relative(root, f)} is in no layer`);
      continue;
    }
    for (const to of edges.get(f)) {
      const l = layerOf(to);
      if (l > from)
        problems.push(`${relative(root, f)} (${LAYERS[from][0]}) imports ${relative(root, to)} (${LAYERS[l][0]})`);
    }
  }
  if (problems.length === 0) {
    console.log(`no import goes up the layers (type-only imports included) among ${files.length} modules of src/`);
  } else {
    console.log(`${problems.length} imports go up the layers:`);
    for (const p of problems.sort()) console.log(`  ${p}`);
  }
  process.exit(problems.length > 0 ? 1 : 0);
}

// Tarjan's strongly connected components: every component of more than one module is a cycle.
let next = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function connect(v) {
  index.set(v, next);
  low.set(v, next);
  next++;
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!edges.has(w)) continue;
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(low.get(v), index.get(w)));
    }
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) components.push(component);
  }
}
for (const f of files) if (!index.has(f)) connect(f);

const kind = withTypes ? 'import cycles (type-only imports included)' : 'run-time import cycles';
if (components.length === 0) {
  console.log(`no ${kind} among ${files.length} modules of src/`);
} else {
  console.log(`${components.length} ${kind}:`);
  for (const c of components)
    console.log(
      `  ${c
        .map((f) => relative(root, f))
        .sort()
        .join(' <-> ')}`,
    );
}
process.exitCode = components.length > 0 && !withTypes ? 1 : 0;
