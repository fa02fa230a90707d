/**
 * Markdown with runnable command lines: ```formula blocks whose first line is `# <name>.formula`
 * are files, and ```console blocks hold `$ npx gradc ...` commands, each followed by what it prints
 * (stdout, then stderr). A line `...` in the expected output stands for any number of lines.
 */

export interface FormulaFile {
  readonly name: string;
  readonly text: string;
}

export interface Command {
  /** 1-based line of the command in the Markdown text. */
  readonly line: number;
  readonly argv: readonly string[];
  readonly expected: readonly string[];
}

export interface ConsoleDocument {
  readonly files: readonly FormulaFile[];
  readonly commands: readonly Command[];
}

/** The formula files and commands of a Markdown text, or of a part of one that starts on line `firstLine`. */
export function consoleDocument(markdown: string, firstLine = 1): ConsoleDocument {
  const lines = markdown.split(/\r?\n/);
  const files: FormulaFile[] = [];
  const commands: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(`{3,})(\S*)/.exec(lines[i]!);
    if (fence === null) continue;
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== fence[1]) end++;
    const body = lines.slice(i + 1, end);
    if (fence[2] === 'formula') {
      const name = /^# (\S+\.formula)\b/.exec(body[0] ?? '')?.[1];
      if (name !== undefined) files.push({ name, text: `${body.join('\n')}\n` });
    } else if (fence[2] === 'console') {
      body.forEach((l, k) => {
        if (!l.startsWith('$ ')) return;
        const words = l.slice(2).split(/\s+/);
        if (words[0] !== 'npx' || words[1] !== 'gradc')
          throw new Error(`line ${firstLine + i + 1 + k}: not a gradc command: ${l}`);
        const next = body.findIndex((m, j) => j > k && m.startsWith('$ '));
        commands.push({
          line: firstLine + i + 1 + k,
          argv: words.slice(2),
          expected: body.slice(k + 1, next < 0 ? undefined : next),
        });
      });
    }
    i = end;
  }
  return { files, commands };
}

/** Whether `actual` matches `expected`, where a line `...` matches any number of lines. */
export function matchesWithEllipses(actual: readonly string[], expected: readonly string[]): boolean {
  const match = (a: number, e: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (expected[e] === '...') {
      for (let k = a; k <= actual.length; k++) if (match(k, e + 1)) return true;
      return false;
    }
    return a < actual.length && actual[a] === expected[e] && match(a + 1, e + 1);
  };
  return match(0, 0);
}
