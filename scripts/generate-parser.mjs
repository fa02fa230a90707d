#!/usr/bin/env node
/**
 * Writes src/syntax/formula-parser.generated.ts: the statement parser peggy generates from
 * grammar/formula.peggy. It is committed, so nothing runs peggy when a formula is read (in Node
 * and in the playground alike), and test/syntax/formula-parser.test.ts keeps it fresh.
 *
 *   node scripts/generate-parser.mjs        (or: npm run generate:parser)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import peggy from 'peggy';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const GRAMMAR_PATH = join(root, 'grammar', 'formula.peggy');
export const PARSER_PATH = join(root, 'src', 'syntax', 'formula-parser.generated.ts');

/** The parser module's text for a grammar's text. */
export function parserSource(grammar) {
  const source = peggy.generate(grammar, {
    allowedStartRules: ['Statement', 'RequestStatement'],
    // No cache: the grammar never parses the same text twice in two ways (see Primary and
    // Norm), so parsing is linear, and the cache would only make it several times slower.
    cache: false,
    output: 'source',
    format: 'es',
  });
  // peggy's output is untyped JavaScript; src/syntax/statement-parser.ts gives it its type.
  return `// Generated from grammar/formula.peggy by scripts/generate-parser.mjs. Do not edit: change the grammar and run npm run generate:parser.\n// @ts-nocheck\n${source}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(PARSER_PATH, parserSource(readFileSync(GRAMMAR_PATH, 'utf8')));
  console.log(`wrote ${PARSER_PATH}`);
}
