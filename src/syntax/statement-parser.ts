/**
 * The statement parser: peggy's parser for grammar/formula.peggy, generated ahead of time into
 * formula-parser.generated.ts (scripts/generate-parser.mjs; never edited by hand), given its type
 * here. Nothing runs peggy when a formula is read, in Node or in a browser.
 */
import type { Statement } from './ast.js';
import { parse } from './formula-parser.generated.js';

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

const parser: StatementParser = { parse: parse as StatementParser['parse'] };

/** The statement parser. */
export function statementParser(): StatementParser {
  return parser;
}
