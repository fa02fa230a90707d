/**
 * Every examples/*.formula (found at test time, none skipped): (b) each requested gradient,
 * evaluated by the mathjs reference, equals central differences of the forward on random
 * inputs; (c) the derive round trip of issue 3 item 4: the input without its grad lines, plus
 * the `dL_dx = ...` lines of `gradc derive`, is a valid formula whose dL_dx evaluate to the
 * same gradients.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InputOptions } from '../../src/check/random.js';
import { expectGradientsMatch, expectRoundTripMatches } from './harness.js';

const DIR = new URL('../../examples/', import.meta.url);
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.formula'))
  .sort();

/**
 * Input domains where the default, uniform in [-1, 1], leaves the formula's real domain or
 * lands near a kink. Keyed by file name without `.formula`.
 */
const DOMAINS: Readonly<Record<string, InputOptions>> = {
  // log(relu(w^T x + b)): positive inputs keep the argument of log positive.
  cs230_relu_log: { defaultDomain: 'positive' },
};

describe('examples: the files are there', () => {
  it('examples/ holds formula files', () => {
    expect(FILES.length).toBeGreaterThan(0);
  });
});

describe.each(FILES)('%s', (file) => {
  const text = readFileSync(new URL(file, DIR), 'utf8');
  const options = DOMAINS[file.replace(/\.formula$/, '')] ?? {};

  it('every requested gradient matches central differences (mathjs reference)', () => {
    expectGradientsMatch(text, { ...options, seeds: [1, 2, 3] });
  });

  it('derive round trip: the dL_dx lines read back and evaluate to the gradient', () => {
    expectRoundTripMatches(text, { ...options, seeds: [1, 2] });
  });
});
