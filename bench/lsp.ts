/**
 * `npm run bench:lsp`: how fast gradc lsp answers on a 500-line formula file. Starts the built
 * server (`node bin/gradc.js lsp`, so `npm run build` first), opens the file, then times
 *   - diagnostics: from sending an incremental edit (a character typed into a definition in the
 *     middle of the file, then deleted) to receiving the diagnostics for that version;
 *   - hover: from a hover request on an expression to its answer;
 * and prints medians and 95th percentiles in milliseconds; also the language service's own time for
 * the diagnostics of the whole file, in this process (no protocol, no server). BENCH_LSP_ROUNDS sets the count (default 100).
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { FormulaDocument } from '../src/service/service.js';

const ROUNDS = Number(process.env.BENCH_LSP_ROUNDS ?? 100);

/** A 500-line file: blocks of a layer (declarations, definitions) and a loss with its grad line. */
export function fiveHundredLines(): string {
  const lines = ['# 500 lines: a deep network, layer by layer', 'X : matrix(d0, N)', 'Y : matrix(d40, N)'];
  for (let i = 1; lines.length < 480; i++) {
    lines.push(`W${i} : matrix(d${i}, d${i - 1})`, `b${i} : vector(d${i})`);
    const input = i === 1 ? 'X' : `H${i - 1}`;
    lines.push(`Z${i} = W${i} ${input} + b${i}`, `H${i} = tanh(Z${i})`, `# layer ${i}`, '');
  }
  const last = lines.filter((l) => l.startsWith('H')).length;
  lines.push(`L = 1/N sum((H${last} - Y) .^ 2)`, 'grad L wrt W1, b1');
  while (lines.length < 500) lines.push('# padding');
  // The output must fit Y: its rows are d<last>.
  return lines.join('\n').replace('Y : matrix(d40, N)', `Y : matrix(d${last}, N)`) + '\n';
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['bin/gradc.js', 'lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const waiting = new Map<number, () => void>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { version?: number }) =>
    waiting.get(p.version ?? -1)?.(),
  );
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await connection.sendNotification('initialized', {});
  const text = fiveHundredLines();
  const lines = text.split('\n');
  const uri = 'file:///bench/deep.formula';
  const published = (version: number) => new Promise<void>((resolve) => waiting.set(version, resolve));
  let version = 1;
  let ready = published(version);
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'formula', version, text },
  });
  await ready;
  const middle = lines.findIndex((l, i) => i > 240 && l.startsWith('Z'));
  const column = lines[middle]!.indexOf('+') - 1;
  const diagnostics: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Type a character (an error: an unknown name), then delete it (the file checks again).
    for (const change of [
      { range: { start: { line: middle, character: column }, end: { line: middle, character: column } }, text: 'q' },
      { range: { start: { line: middle, character: column }, end: { line: middle, character: column + 1 } }, text: '' },
    ]) {
      version++;
      ready = published(version);
      const start = performance.now();
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [change],
      });
      await ready;
      diagnostics.push(performance.now() - start);
    }
  }
  const hover: number[] = [];
  const targets = lines.flatMap((l, line) => (l.startsWith('Z') ? [{ line, character: l.indexOf(' +') }] : []));
  for (let i = 0; i < ROUNDS; i++) {
    const position = targets[(i * 7) % targets.length]!;
    const start = performance.now();
    const h = await connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position,
    });
    hover.push(performance.now() - start);
    if (h === null) throw new Error('no hover');
  }
  const inProcess: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    new FormulaDocument(i % 2 === 0 ? text : `${text}# ${i}\n`).diagnostics();
    inProcess.push(performance.now() - start);
  }
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`${lines.length - 1}-line file, ${ROUNDS * 2} edits, ${ROUNDS} hovers (node ${process.version})`);
  console.log(
    `diagnostics after an edit: median ${ms(percentile(diagnostics, 0.5))}, p95 ${ms(percentile(diagnostics, 0.95))}`,
  );
  console.log(`hover: median ${ms(percentile(hover, 0.5))}, p95 ${ms(percentile(hover, 0.95))}`);
  console.log(
    `the service alone, diagnostics of the whole file: median ${ms(percentile(inProcess, 0.5))}, p95 ${ms(percentile(inProcess, 0.95))}`,
  );
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
}

// Run when started as a script, not when imported for its file.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
