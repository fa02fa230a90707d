/**
 * `gradc lsp` through the protocol: a vscode-jsonrpc client speaks JSON-RPC to the server's stdio
 * as an editor does — initialize, open, incremental changes, diagnostics, hover, definition,
 * references, rename, symbols, completion, signature help and quick fixes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derive } from '../../src/from-text.js';
import { LspClient, positionOf, type Diagnostic, type Range } from './client.js';

const MODEL = `# a two-layer network on a batch
W1 : matrix(h, d)
b1 : vector(h)
X : matrix(d, N)
w2 : vector(h)
y : vector(N)
H = relu(W1 X + b1)
f = H^T w2
L = 1/N ||f - y||^2
grad L wrt W1, b1
`;

interface Hover {
  contents: { kind: string; value: string };
  range: Range;
}
interface TextEdit {
  range: Range;
  newText: string;
}

let client: LspClient;
let uriCount = 0;
const freshUri = () => `file:///work/model${++uriCount}.formula`;

beforeAll(async () => {
  client = await LspClient.start();
}, 60_000);

afterAll(async () => {
  expect(await client.stop()).toBe(0);
});

/** Applies LSP text edits to a text (edits do not overlap). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

async function hover(uri: string, text: string, needle: string, shift = 0, nth = 0): Promise<string | null> {
  const h = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri },
    position: positionOf(text, needle, shift, nth),
  });
  return h === null ? null : h.contents.value;
}

const code = (...lines: string[]) => `\`\`\`gradc\n${lines.join('\n')}\n\`\`\``;

describe('gradc lsp: documents and diagnostics', () => {
  it('a formula that checks gets an empty list of diagnostics', async () => {
    expect(await client.open(freshUri(), MODEL)).toEqual([]);
  });

  it('every located error is published, with its range and message', async () => {
    const text = 'x : vector(n)\nA : matrix(m, k)\nz = A x\nw = sigmod(x)\n';
    const diagnostics = await client.open(freshUri(), text);
    expect(diagnostics.map((d) => [d.range, d.message, d.severity])).toEqual([
      [
        { start: { line: 2, character: 4 }, end: { line: 2, character: 7 } },
        'cannot multiply matrix(m, k) by vector(n): k != n',
        1,
      ],
      [
        { start: { line: 3, character: 4 }, end: { line: 3, character: 10 } },
        "unknown function 'sigmod'; did you mean 'sigmoid'?",
        1,
      ],
    ]);
  });

  it('incremental changes are applied where they are made, and diagnostics follow the text', async () => {
    const uri = freshUri();
    await client.open(uri, MODEL);
    // `b1` → `b1q` on line 7, an edit in the middle of a line.
    const broken = await client.change(uri, 2, [
      { range: { start: { line: 6, character: 18 }, end: { line: 6, character: 18 } }, text: 'q' },
    ]);
    expect(broken.map((d) => [d.range, d.message])).toEqual([
      [
        { start: { line: 6, character: 16 }, end: { line: 6, character: 19 } },
        "unknown name 'b1q'; did you mean 'b1'?",
      ],
    ]);
    // Two changes in one notification: delete the q, then add a line after the grad line.
    const fixed = await client.change(uri, 3, [
      { range: { start: { line: 6, character: 18 }, end: { line: 6, character: 19 } }, text: '' },
      { range: { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } }, text: 'g = w2^T b1\n' },
    ]);
    expect(fixed).toEqual([]);
    expect(await hover(uri, `${MODEL}g = w2^T b1\n`, 'w2^T b1', 4)).toBe(code('w2^T b1 : scalar'));
  });
});

describe('gradc lsp: hover', () => {
  const uri = freshUri();
  beforeAll(() => client.open(uri, `${MODEL}A : matrix(h, d)\nx : vector(d)\nz = A x\n`));
  const text = `${MODEL}A : matrix(h, d)\nx : vector(d)\nz = A x\n`;

  it('the space of a juxtaposition shows the shape of the product', async () => {
    expect(await hover(uri, text, 'A x', 1)).toBe(code('A x : vector(h)'));
    expect(await hover(uri, text, 'W1 X', 2)).toBe(code('W1 X : matrix(h, N)'));
  });

  it('an operator shows the shape of the expression it makes', async () => {
    expect(await hover(uri, text, '+ b1')).toBe(code('W1 X + b1 : matrix(h, N)'));
    expect(await hover(uri, text, '^T w2')).toBe(code('H^T : matrix(N, h)'));
    expect(await hover(uri, text, '- y')).toBe(code('f - y : vector(N)'));
  });

  it('a call shows its value’s shape', async () => {
    expect(await hover(uri, text, 'relu(', 1)).toBe(code('relu(W1 X + b1) : matrix(h, N)'));
  });

  it('a variable shows its declaration', async () => {
    expect(await hover(uri, text, 'b1)')).toBe(`${code('b1 : vector(h)')}\n\nvariable, declared on line 3`);
  });

  it('a definition shows its shape and its expression', async () => {
    expect(await hover(uri, text, 'H^T')).toBe(
      `${code('H : matrix(h, N)', 'H = relu(W1 X + b1)')}\n\ndefinition on line 7`,
    );
  });

  it('a dimension shows the lines that use it', async () => {
    const value = await hover(uri, text, 'N)');
    expect(value).toBe(
      `${code('N : dimension')}\n\ndimension used on lines 4, 6, 9:  \n\`X : matrix(d, N)\`  \n\`y : vector(N)\`  \n\`L = 1/N ||f - y||^2\``,
    );
  });

  it('a grad line shows its derivatives in formula syntax, as gradc derive prints them', async () => {
    expect(await hover(uri, text, 'grad')).toBe(code(...derive(MODEL)));
  });

  it('a comment or a blank line has no hover', async () => {
    expect(await hover(uri, text, 'two-layer')).toBeNull();
  });
});

describe('gradc lsp: navigation and rename', () => {
  const uri = freshUri();
  beforeAll(() => client.open(uri, MODEL));
  const at = (needle: string, shift = 0, nth = 0) => ({
    textDocument: { uri },
    position: positionOf(MODEL, needle, shift, nth),
  });
  const range = (needle: string, length: number, nth = 0): Range => {
    const start = positionOf(MODEL, needle, 0, nth);
    return { start, end: { line: start.line, character: start.character + length } };
  };

  it('go to definition of a use goes to the declaration', async () => {
    expect(await client.request('textDocument/definition', at('b1)'))).toEqual({ uri, range: range('b1 :', 2) });
  });

  it('go to definition of a definition’s use goes to its line', async () => {
    expect(await client.request('textDocument/definition', at('f - y'))).toEqual({ uri, range: range('f =', 1) });
  });

  it('references of a dimension are every use of it, in types and expressions', async () => {
    const refs = await client.request<{ range: Range }[]>('textDocument/references', {
      ...at('N)'),
      context: { includeDeclaration: true },
    });
    expect(refs.map((r) => r.range)).toEqual([range('N)', 1), range('N)', 1, 1), range('N ||', 1)]);
  });

  it('references without the declaration', async () => {
    const refs = await client.request<{ range: Range }[]>('textDocument/references', {
      ...at('W1 :'),
      context: { includeDeclaration: false },
    });
    expect(refs.map((r) => r.range)).toEqual([range('W1 X', 2), range('W1,', 2)]);
  });

  it('rename changes every use of a variable, and the result checks', async () => {
    const edit = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', {
      ...at('w2 :'),
      newName: 'v',
    });
    const renamed = applyEdits(MODEL, edit.changes[uri]!);
    expect(renamed).toBe(MODEL.replace('w2 :', 'v :').replace('H^T w2', 'H^T v'));
    expect(await client.open(freshUri(), renamed)).toEqual([]);
  });

  it('rename of a dimension changes it in every type and expression', async () => {
    const edit = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', {
      ...at('N)'),
      newName: 'batch',
    });
    expect(applyEdits(MODEL, edit.changes[uri]!)).toBe(
      MODEL.replace('d, N)', 'd, batch)').replace('vector(N)', 'vector(batch)').replace('1/N', '1/batch'),
    );
  });

  it('prepareRename gives the name’s range; rename to a reserved word is refused with a message', async () => {
    expect(await client.request('textDocument/prepareRename', at('H^T'))).toEqual(range('H^T', 1));
    await expect(client.request('textDocument/rename', { ...at('H^T'), newName: 'grad' })).rejects.toThrow(
      "'grad' is a reserved word",
    );
    await expect(client.request('textDocument/rename', { ...at('H^T'), newName: 'f' })).rejects.toThrow(
      "'f' is already used in this file",
    );
  });

  it('document symbols list dimensions, declarations, definitions and requests with their types and shapes', async () => {
    const symbols = await client.request<{ name: string; kind: number; detail: string }[]>(
      'textDocument/documentSymbol',
      { textDocument: { uri } },
    );
    expect(symbols.map((s) => [s.name, s.detail])).toEqual([
      ['W1', 'matrix(h, d)'],
      ['h', 'dimension'],
      ['d', 'dimension'],
      ['b1', 'vector(h)'],
      ['X', 'matrix(d, N)'],
      ['N', 'dimension'],
      ['w2', 'vector(h)'],
      ['y', 'vector(N)'],
      ['H', 'matrix(h, N)'],
      ['f', 'vector(N)'],
      ['L', 'scalar'],
      ['grad L wrt W1, b1', 'LGrad'],
    ]);
  });
});

describe('gradc lsp: completion, signature help and quick fixes', () => {
  interface Item {
    label: string;
    detail: string;
    textEdit: TextEdit;
  }

  it('completion in an expression offers the names above with their shapes, functions with signatures, and pi', async () => {
    const text = `${MODEL}g = W1 b1 + s`;
    const uri = freshUri();
    await client.open(uri, text);
    const items = await client.request<Item[]>('textDocument/completion', {
      textDocument: { uri },
      position: positionOf(text, '+ s', 3),
    });
    const byLabel = new Map(items.map((i) => [i.label, i]));
    expect(byLabel.get('W1')?.detail).toBe('matrix(h, d)');
    expect(byLabel.get('L')?.detail).toBe('scalar');
    expect(byLabel.get('N')?.detail).toBe('dimension');
    expect(byLabel.get('sum')?.detail).toBe('sum(x)');
    expect(byLabel.get('ones')?.detail).toBe('ones(x) | ones(a, b)');
    expect(byLabel.get('pi')?.detail).toBe('scalar');
    expect(byLabel.has('g')).toBe(false);
    // The typed prefix `s` is replaced.
    expect(byLabel.get('sum')?.textEdit).toEqual({
      range: { start: positionOf(text, '+ s', 2), end: positionOf(text, '+ s', 3) },
      newText: 'sum(',
    });
  });

  it('completion at the start of a line offers the request keywords; after wrt, the names', async () => {
    const text = `${MODEL}gr`;
    const uri = freshUri();
    await client.open(uri, text);
    const start = await client.request<Item[]>('textDocument/completion', {
      textDocument: { uri },
      position: positionOf(text, 'gr', 2, 1),
    });
    expect(start.map((i) => i.label)).toEqual(['grad', 'jacobian', 'hessian', 'hvp']);
    const wrt = await client.request<Item[]>('textDocument/completion', {
      textDocument: { uri },
      position: positionOf(MODEL, 'wrt ', 4),
    });
    expect(wrt.map((i) => i.label)).toEqual(['W1', 'b1', 'X', 'w2', 'y', 'H', 'f', 'L']);
  });

  it('signature help names the function and the argument under the cursor', async () => {
    const text = `${MODEL}g = dot(w2, b1)`;
    const uri = freshUri();
    await client.open(uri, text);
    const help = await client.request<{ signatures: { label: string }[]; activeParameter: number }>(
      'textDocument/signatureHelp',
      {
        textDocument: { uri },
        position: positionOf(text, '(w2, b1', 5),
      },
    );
    expect(help.signatures.map((s) => s.label)).toEqual(['dot(a, b)']);
    expect(help.activeParameter).toBe(1);
  });

  it.each([
    ['sigmod', 'x : vector(n)\ny = sum(sigmod(x))\n', 'y = sum(sigmoid(x))'],
    ['.T', 'A : matrix(m, n)\nx : vector(m)\ny = A.T x\n', 'y = A^T x'],
    ['norm', 'x : vector(n)\ny = norm(x)\n', 'y = norm2(x)'],
    ['@', 'A : matrix(m, n)\nx : vector(n)\ny = A @ x\n', 'y = A x'],
  ])('the quick fix for %s applies the suggestion, and the result checks', async (_name, text, fixedLine) => {
    const uri = freshUri();
    const diagnostics: Diagnostic[] = await client.open(uri, text);
    expect(diagnostics).toHaveLength(1);
    const actions = await client.request<
      { title: string; kind: string; edit: { changes: Record<string, TextEdit[]> } }[]
    >('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    });
    expect(actions).toHaveLength(1);
    expect(actions[0]!.kind).toBe('quickfix');
    const fixed = applyEdits(text, actions[0]!.edit.changes[uri]!);
    expect(fixed.split('\n')).toContain(fixedLine);
    expect(
      await client.change(uri, 2, [
        { range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } }, text: fixed },
      ]),
    ).toEqual([]);
  });

  it('requests about a document that is not open are answered with null', async () => {
    expect(
      await client.request('textDocument/hover', {
        textDocument: { uri: 'file:///nowhere.formula' },
        position: { line: 0, character: 0 },
      }),
    ).toBeNull();
  });
});

describe('gradc lsp: the end of a session', () => {
  it('exits when the client goes away without shutting it down (status 1, as the protocol says)', async () => {
    const orphan = await LspClient.start();
    const exited = new Promise<number | null>((resolve) => orphan.child.on('exit', (code) => resolve(code)));
    orphan.child.stdin!.end();
    expect(await exited).toBe(1);
    orphan.connection.dispose();
  }, 60_000);
});
