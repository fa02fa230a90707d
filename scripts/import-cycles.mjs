#!/usr/bin/env node
/**
 * Lists the import cycles among the modules of src/ (run-time imports; `import type` and
 * `export type` are erased by the compiler, so they are listed apart with --types).
 * Exits 1 when there is a run-time cycle. No dependencies: it reads import statements.
 *
 *   node scripts/import-cycles.mjs [--types]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const withTypes = process.argv.includes('--types');

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
    const typeOnly = m[2] !== undefined || /^\{[^}]*\}$/s.test(m[3]) && m[3].slice(1, -1).split(',').every((s) => s.trim() === '' || s.trim().startsWith('type '));
    if (typeOnly && !withTypes) continue;
    out.push(resolve(dirname(file), m[4].replace(/\.js$/, '.ts')));
  }
  for (const m of text.matchAll(/^import\s+'(\.[^']+)'/gm)) out.push(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
  return out;
}

const files = sources(join(root, 'src'));
const edges = new Map(files.map((f) => [f, imports(f)]));

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
  for (const c of components) console.log(`  ${c.map((f) => relative(root, f)).sort().join(' <-> ')}`);
}
process.exitCode = components.length > 0 && !withTypes ? 1 : 0;
