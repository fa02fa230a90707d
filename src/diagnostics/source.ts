/** A formula file's text with a line table, so spans (offsets) can be turned into line:col. */

/** A half-open range [start, end) of UTF-16 offsets into a source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in characters (code points), as editors show it. */
  readonly column: number;
}

/**
 * A formula file's text and the path shown in messages, with a line table that turns offsets
 * (spans) into 1-based lines and columns (columns count characters, as editors show them).
 *
 * @example
 * ```ts
 * const source = new Source('model.formula', 'x : vector(n)\nz = A x\n');
 * source.position(18); // { line: 2, column: 5 }
 * ```
 */
export class Source {
  private readonly lineStarts: number[];

  constructor(
    /** The path shown in messages. */
    readonly path: string,
    readonly text: string,
  ) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  /** 0-based index of the line holding `offset`. */
  lineIndex(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  position(offset: number): Position {
    const line = this.lineIndex(offset);
    const start = this.lineStarts[line]!;
    return { line: line + 1, column: [...this.text.slice(start, offset)].length + 1 };
  }

  /** The text of the 0-based line `index`, without its line break. */
  lineText(index: number): string {
    const start = this.lineStarts[index]!;
    const next = this.lineStarts[index + 1];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  lineStart(index: number): number {
    return this.lineStarts[index]!;
  }
}
