/**
 * The statement parser, generated from grammar/formula.peggy (never edited by hand). In Node it
 * is generated when first needed; the playground's build generates it from the same grammar
 * with the same options ahead of time (playground/vite.config.ts replaces this module).
 */
import { readFileSync } from 'node:fs';
import peggy from 'peggy';
import type { Statement } from './ast.js';

/** What parse.ts calls: one statement (a line, or lines joined while a bracket is open). */
export interface StatementParser {
  parse(
    text: string,
    options: {
      startRule: 'Statement' | 'RequestStatement';
      base: number;
      closingBars: ReadonlySet<number>;
      functionNames: ReadonlySet<string>;
    },
  ): Statement;
}

/** The grammar file, beside src/ (and dist/) in the package. */
export const GRAMMAR_URL = new URL('../../grammar/formula.peggy', import.meta.url);

/** peggy's options for the statement parser, wherever it is generated. */
export const PARSER_OPTIONS = {
  allowedStartRules: ['Statement', 'RequestStatement'],
  // No cache: the grammar never parses the same text twice in two ways (see Primary and
  // Norm), so parsing is linear, and the cache would only make it several times slower.
  cache: false,
} as const;

let parser: StatementParser | undefined;

/** The parser, generated from the grammar file on the first call. */
export function statementParser(): StatementParser {
  parser ??= peggy.generate(readFileSync(GRAMMAR_URL, 'utf8'), {
    allowedStartRules: [...PARSER_OPTIONS.allowedStartRules],
    cache: PARSER_OPTIONS.cache,
    output: 'parser',
  }) as unknown as StatementParser;
  return parser;
}
