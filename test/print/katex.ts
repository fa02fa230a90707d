/** Every LaTeX string the print tests produce goes through here: KaTeX must render it. */
import katex from 'katex';
import { expect } from 'vitest';

/** Renders math with KaTeX in display mode; throws on any LaTeX error, and (strict) on input LaTeX itself would not take. */
export function render(math: string): string {
  return katex.renderToString(math, { throwOnError: true, displayMode: true, strict: 'error' });
}

/** The math of one `\[ ... \]` line: the whole line is one display, with nothing else on it. */
export function displayMath(line: string): string {
  const m = /^\\\[ (.*) \\\]$/s.exec(line);
  if (m === null || line.includes('\n')) throw new Error(`not one display on one line: ${JSON.stringify(line)}`);
  expect(m[1]!).not.toContain('\\[');
  expect(m[1]!).not.toContain('\\]');
  return m[1]!;
}

/** Each line is one display that KaTeX renders; returns the lines. */
export function rendered(lines: readonly string[]): readonly string[] {
  for (const line of lines) render(displayMath(line));
  return lines;
}
