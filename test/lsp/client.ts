/**
 * A Language Server Protocol client for tests: starts `gradc lsp` from the TypeScript sources in
 * its own process and speaks JSON-RPC to its stdio with vscode-jsonrpc, as an editor does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

const GRADC = fileURLToPath(new URL('../cli/gradc-from-source.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface Diagnostic {
  range: Range;
  message: string;
  severity?: number;
}
interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export class LspClient {
  readonly connection: MessageConnection;
  private readonly waiting = new Map<string, { version: number | undefined; resolve: (d: Diagnostic[]) => void }[]>();
  readonly stderr: string[] = [];
  /** The server's window/logMessage notifications (a handler that threw logs here). */
  readonly logs: string[] = [];
  private exited: number | null | undefined;

  private constructor(readonly child: ChildProcess) {
    this.connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    child.on('exit', (code) => (this.exited = code));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      const list = this.waiting.get(p.uri) ?? [];
      const ready = list.filter((w) => w.version === undefined || p.version === w.version);
      this.waiting.set(
        p.uri,
        list.filter((w) => !ready.includes(w)),
      );
      for (const w of ready) w.resolve(p.diagnostics);
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.connection.listen();
  }

  /** Starts the server and completes the initialize handshake. */
  static async start(): Promise<LspClient> {
    const child = spawn(process.execPath, ['--import', TSX, GRADC, 'lsp', '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const client = new LspClient(child);
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  get running(): boolean {
    return this.exited === undefined && this.child.exitCode === null;
  }

  /** The next diagnostics published for `uri` (for `version`, if given). */
  diagnostics(uri: string, version?: number): Promise<Diagnostic[]> {
    return new Promise((resolve) => {
      const list = this.waiting.get(uri) ?? [];
      list.push({ version, resolve });
      this.waiting.set(uri, list);
    });
  }

  async open(uri: string, text: string, version = 1): Promise<Diagnostic[]> {
    const published = this.diagnostics(uri, version);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'formula', version, text },
    });
    return published;
  }

  async change(uri: string, version: number, changes: { range: Range; text: string }[]): Promise<Diagnostic[]> {
    const published = this.diagnostics(uri, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return published;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) =>
      this.running ? this.child.on('exit', (code) => resolve(code)) : resolve(this.exited ?? null),
    );
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

/** The position of the `nth` occurrence (0-based) of `needle` in `text`, plus `shift` characters. */
export function positionOf(text: string, needle: string, shift = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' not found`);
  }
  const offset = at + shift;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}
