/**
 * The statement parser is peggy's output for grammar/formula.peggy, committed as
 * src/syntax/formula-parser.generated.ts (scripts/generate-parser.mjs) so that nothing runs
 * peggy when a formula is read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a script of the repository, plain JavaScript without declarations.
import { GRAMMAR_PATH, PARSER_PATH, parserSource } from '../../scripts/generate-parser.mjs';

describe('the generated statement parser', () => {
  it('is what peggy generates from the grammar today (after a grammar change: npm run generate:parser)', () => {
    const fresh = (parserSource as (grammar: string) => string)(readFileSync(GRAMMAR_PATH as string, 'utf8'));
    expect(readFileSync(PARSER_PATH as string, 'utf8') === fresh).toBe(true);
  });
});
