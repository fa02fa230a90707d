#!/usr/bin/env node
/**
 * Lists the modules over MAX_FILE_LINES lines and the functions over MAX_FUNCTION_LINES lines
 * (ARCHITECTURE.md, "Sizes") in the given folders (src/ and playground/src/ by default), and
 * exits 1 when there is one. A function is a declaration, a method, an accessor, a constructor,
 * a function expression or an arrow function; its lines run from its first token (after its doc
 * comment) to its closing brace, nested functions included, as a reader sees it.
 *
 *   node scripts/sizes.mjs [--largest N] [folder ...]
 *
 * With --largest N, also prints the N longest functions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const MAX_FILE_LINES = 600;
export const MAX_FUNCTION_LINES = 100;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function modulesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...modulesUnder(path));
    // Declarations and generated code (peggy's parser) are not read as written by hand.
    else if (/\.(ts|mts)$/.test(entry.name) && !/\.(d|generated)\.ts$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** The name a reader would look for: `Class.method`, `name`, or `(anonymous)` with its line. */
function nameOf(node, source) {
  const own = node.name !== undefined ? node.name.getText(source) : undefined;
  let parent = node.parent;
  if (own === undefined && parent !== undefined && ts.isVariableDeclaration(parent)) return parent.name.getText(source);
  if (own === undefined && parent !== undefined && ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  if (ts.isConstructorDeclaration(node)) return `${node.parent.name?.getText(source) ?? '(class)'}.constructor`;
  if (own !== undefined && (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node))) {
    parent = node.parent;
    if (ts.isClassLike(parent) && parent.name !== undefined) return `${parent.name.getText(source)}.${own}`;
  }
  return own ?? '(anonymous)';
}

/** Every function of one module with its line count. */
export function functionLengths(path) {
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ name: nameOf(node, source), line: first + 1, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), functions: found };
}

function main() {
  const args = process.argv.slice(2);
  const largestAt = args.indexOf('--largest');
  const largest = largestAt >= 0 ? Number(args.splice(largestAt, 2)[1]) : 0;
  // Folders given are relative to the working directory; the default ones to the repository.
  const folders = args.length > 0 ? args : ['src', 'playground/src'];
  const base = args.length > 0 ? process.cwd() : root;
  const longFiles = [];
  const longFunctions = [];
  const all = [];
  let modules = 0;
  for (const folder of folders) {
    for (const path of modulesUnder(resolve(base, folder))) {
      modules++;
      const name = relative(base, path).split('\\').join('/');
      const { lines, functions } = functionLengths(path);
      if (lines > MAX_FILE_LINES) longFiles.push(`  ${name}: ${lines} lines`);
      for (const f of functions) {
        all.push({ ...f, where: `${name}:${f.line}` });
        if (f.lines > MAX_FUNCTION_LINES) longFunctions.push(`  ${f.name} (${name}:${f.line}): ${f.lines} lines`);
      }
    }
  }
  if (largest > 0) {
    console.log(`the ${largest} longest functions:`);
    for (const f of all.sort((a, b) => b.lines - a.lines).slice(0, largest))
      console.log(`  ${f.lines} ${f.name} (${f.where})`);
  }
  if (longFiles.length === 0 && longFunctions.length === 0) {
    console.log(
      `no module over ${MAX_FILE_LINES} lines and no function over ${MAX_FUNCTION_LINES} lines among ${modules} modules of ${folders.join(', ')}`,
    );
    return;
  }
  if (longFiles.length > 0)
    console.log(`${longFiles.length} modules over ${MAX_FILE_LINES} lines:\n${longFiles.join('\n')}`);
  if (longFunctions.length > 0)
    console.log(`${longFunctions.length} functions over ${MAX_FUNCTION_LINES} lines:\n${longFunctions.join('\n')}`);
  process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
