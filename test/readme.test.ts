/**
 * README.md's TypeScript examples are tests, so the documentation cannot drift from the code:
 * every ```ts block is type-checked with the repository's strict settings and run.
 *
 * A block is written to a temporary directory as it stands in the README, except for two import
 * specifiers pointed at this checkout: 'gradc' (the package, as a user imports it) becomes
 * src/index.ts, and './generated/...' (a module `gradc compile` wrote) becomes generated/.
 * Blocks run in this process, through vitest's TypeScript transform, so the library loads once.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Block {
  /** 1-based line of the opening fence in README.md. */
  readonly line: number;
  /** The `## ` heading of the section the block is in. */
  readonly section: string;
  readonly code: string;
}

/** Every ```ts block of a Markdown text, dedented to its fence (blocks in list items are indented). */
function typescriptBlocks(markdown: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const fence = /^( *)(`{3,})(\S*)/.exec(lines[i]!);
    if (fence === null) {
      const heading = /^## (.*)$/.exec(lines[i]!);
      if (heading !== null) section = heading[1]!;
      continue;
    }
    const [indent, ticks, language] = [fence[1]!, fence[2]!, fence[3]!];
    // Any fence's contents are skipped, so a `# comment` in a shell block is not a heading.
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== ticks) end++;
    if (language === 'ts') {
      const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
      blocks.push({ line: i + 1, section, code: `${body.join('\n')}\n` });
    }
    i = end;
  }
  return blocks;
}

/** The block's code with 'gradc' and './generated/...' imported from this checkout, as seen from `dir`. */
function pointImportsAtCheckout(code: string, dir: string): string {
  const specifier = (target: string) => {
    const path = relative(dir, target).split('\\').join('/');
    return path.startsWith('.') ? path : `./${path}`;
  };
  return code
    .replace(
      /(from\s+|import\s*\(\s*)(['"])gradc\2/g,
      (_, keyword: string, quote: string) => `${keyword}${quote}${specifier(join(root, 'src/index.js'))}${quote}`,
    )
    .replace(
      /(from\s+|import\s*\(\s*)(['"])\.\/generated\//g,
      (_, keyword: string, quote: string) => `${keyword}${quote}${specifier(join(root, 'generated'))}/`,
    );
}

/** TypeScript's complaints about each file, as `line:col message` (lines of the file as written). */
function typeCheck(files: readonly string[]): Map<string, string[]> {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(files, {
    ...options,
    noEmit: true,
    // An example may show a result it does not go on to use (`const { value, A, b } = LGrad(...)`).
    noUnusedLocals: false,
    noUnusedParameters: false,
    // Outside the repository, @types/node is not found by walking up: point at the repository's.
    typeRoots: [join(root, 'node_modules/@types')],
  });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  const byFile = new Map<string, string[]>();
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    const diagnostics = [
      ...global,
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    byFile.set(
      file,
      diagnostics.map((d) => {
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        if (d.file === undefined || d.start === undefined) return message;
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        return `${line + 1}:${character + 1} ${message}`;
      }),
    );
  }
  return byFile;
}

const blocks = typescriptBlocks(readFileSync(join(root, 'README.md'), 'utf8'));

/**
 * What the README once said: `compile(text, path)` returns the module text. It returns a promise,
 * and nothing throws when the promise is taken for text: only the type check can tell.
 */
const staleExample = `import { compile } from 'gradc';

const code: string = compile('x : vector(n)\\nL = x^T x\\n', 'square.formula');
`;

describe('README.md TypeScript blocks', () => {
  let dir: string;
  let files: string[];
  let staleFile: string;
  let typeErrors: Map<string, string[]>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gradc-readme-'));
    // The blocks are ES modules (they use top-level await), as in a package of "type": "module".
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const write = (name: string, code: string) => {
      const file = join(dir, name);
      writeFileSync(file, pointImportsAtCheckout(code, dir));
      return file;
    };
    files = blocks.map((b) => write(`readme-line-${b.line}.ts`, b.code));
    staleFile = write('stale-example.ts', staleExample);
    // One program for every block (and the stale example): the library's types are read once.
    typeErrors = typeCheck([...files, staleFile]);
  });

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('are found in A tour, Generated modules and The library', () => {
    expect(new Set(blocks.map((b) => b.section))).toEqual(new Set(['A tour', 'Generated modules', 'The library']));
  });

  test('fail the type check when they misstate a signature that would not throw', () => {
    expect(typeErrors.get(staleFile)).toEqual(["3:7 Type 'Promise<string>' is not assignable to type 'string'."]);
  });

  blocks.forEach((block, k) => {
    describe(`README.md:${block.line} (${block.section})`, () => {
      test('type-checks strictly', () => {
        expect(typeErrors.get(files[k]!)).toEqual([]);
      });

      test('runs', async () => {
        await import(pathToFileURL(files[k]!).href);
      });
    });
  });
});
