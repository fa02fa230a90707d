/**
 * `gradc lsp`: the Language Server Protocol over stdio, a thin adapter over the language service
 * (src/service). Documents are synced incrementally; positions are converted between LSP's
 * line/character (UTF-16) and the service's offsets by the document. Every handler answers — a
 * result, null, or an error — and an exception in one is logged, never fatal.
 */
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  MarkupKind,
  ProposedFeatures,
  ResponseError,
  ErrorCodes,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic,
  type Range,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FormulaDocument, type CompletionKind, type NameKind } from '../service/service.js';
import type { Span } from '../diagnostics/source.js';
import { packageVersion } from './version.js';

const COMPLETION_KINDS: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  variable: CompletionItemKind.Variable,
  definition: CompletionItemKind.Field,
  dimension: CompletionItemKind.TypeParameter,
  function: CompletionItemKind.Function,
  keyword: CompletionItemKind.Keyword,
  type: CompletionItemKind.Class,
  constant: CompletionItemKind.Constant,
};

const SYMBOL_KINDS: Readonly<Record<NameKind | 'request', SymbolKind>> = {
  variable: SymbolKind.Variable,
  definition: SymbolKind.Function,
  dimension: SymbolKind.TypeParameter,
  request: SymbolKind.Event,
};

/** The service's view of each open document, created on demand from the synced text. */
class Workspace {
  readonly documents = new TextDocuments(TextDocument);
  private readonly services = new Map<string, { version: number; service: FormulaDocument }>();

  service(uri: string): { document: TextDocument; service: FormulaDocument } | undefined {
    const document = this.documents.get(uri);
    if (document === undefined) return undefined;
    let entry = this.services.get(uri);
    if (entry === undefined) {
      entry = { version: document.version, service: new FormulaDocument(document.getText(), uri) };
      this.services.set(uri, entry);
    } else if (entry.version !== document.version) {
      entry.service.setText(document.getText());
      entry.version = document.version;
    }
    return { document, service: entry.service };
  }

  close(uri: string): void {
    this.services.delete(uri);
  }
}

function range(document: TextDocument, span: Span): Range {
  return { start: document.positionAt(span.start), end: document.positionAt(span.end) };
}

/** Runs one handler; an exception is logged and answered with null, so the server stays up. */
function guarded<P, R>(connection: Connection, name: string, handler: (params: P) => R): (params: P) => R | null {
  return (params) => {
    try {
      return handler(params);
    } catch (e) {
      connection.console.error(`gradc lsp: ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return null;
    }
  };
}

function diagnosticsOf(document: TextDocument, service: FormulaDocument): Diagnostic[] {
  return service.diagnostics().map((d) => ({
    range: range(document, d.span),
    message: d.message,
    severity: DiagnosticSeverity.Error,
    source: 'gradc',
    ...(d.fix !== undefined ? { data: { fix: d.fix.title } } : {}),
  }));
}

/** Publishes each document's diagnostics after its edits. */
function publishDiagnostics(connection: Connection, workspace: Workspace): void {
  const { documents } = workspace;
  const pending = new Set<string>();
  const publish = (uri: string) => {
    if (pending.has(uri)) return;
    pending.add(uri);
    // Coalesce a burst of edits: diagnostics for the latest text, once the queue is drained.
    setImmediate(() => {
      pending.delete(uri);
      guarded(connection, 'diagnostics', () => {
        const open = workspace.service(uri);
        if (open === undefined) return;
        void connection.sendDiagnostics({
          uri,
          version: open.document.version,
          diagnostics: diagnosticsOf(open.document, open.service),
        });
      })(undefined);
    });
  };
  documents.onDidChangeContent((e) => {
    publish(e.document.uri);
  });
  documents.onDidClose((e) => {
    workspace.close(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
}

/** Hover, definition, references and highlights. */
function answerQuestions(connection: Connection, workspace: Workspace): void {
  connection.onHover(
    guarded(connection, 'hover', ({ textDocument, position }) => {
      const open = workspace.service(textDocument.uri);
      if (open === undefined) return null;
      const h = open.service.hover(open.document.offsetAt(position));
      if (h === undefined) return null;
      const code = h.code.length > 0 ? `\`\`\`gradc\n${h.code.join('\n')}\n\`\`\`` : '';
      const notes = h.notes.map((n) => (n.startsWith('    ') ? `\`${n.trim()}\`` : n)).join('  \n');
      return {
        contents: { kind: MarkupKind.Markdown, value: [code, notes].filter((s) => s !== '').join('\n\n') },
        range: range(open.document, h.span),
      };
    }),
  );
  connection.onDefinition(
    guarded(connection, 'definition', ({ textDocument, position }) => {
      const open = workspace.service(textDocument.uri);
      const span = open?.service.definition(open.document.offsetAt(position));
      return open === undefined || span === undefined
        ? null
        : { uri: textDocument.uri, range: range(open.document, span) };
    }),
  );
  connection.onReferences(
    guarded(connection, 'references', ({ textDocument, position, context }) => {
      const open = workspace.service(textDocument.uri);
      if (open === undefined) return null;
      return open.service
        .references(open.document.offsetAt(position), context.includeDeclaration)
        .map((s) => ({ uri: textDocument.uri, range: range(open.document, s) }));
    }),
  );
  connection.onDocumentHighlight(
    guarded(connection, 'highlight', ({ textDocument, position }) => {
      const open = workspace.service(textDocument.uri);
      if (open === undefined) return null;
      return open.service.references(open.document.offsetAt(position)).map((s) => ({ range: range(open.document, s) }));
    }),
  );
}

/** Rename, symbols, completion, signature help and quick fixes. */
function answerEdits(connection: Connection, workspace: Workspace): void {
  connection.onPrepareRename(
    guarded(connection, 'prepareRename', ({ textDocument, position }) => {
      const open = workspace.service(textDocument.uri);
      const span = open?.service.renameRange(open.document.offsetAt(position));
      return open === undefined || span === undefined ? null : range(open.document, span);
    }),
  );
  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const open = workspace.service(textDocument.uri);
    if (open === undefined) return null;
    const edits = open.service.rename(open.document.offsetAt(position), newName);
    if ('error' in edits) return new ResponseError(ErrorCodes.InvalidParams, edits.error);
    return {
      changes: { [textDocument.uri]: edits.map((e) => ({ range: range(open.document, e.span), newText: e.text })) },
    };
  });
  connection.onDocumentSymbol(
    guarded(connection, 'symbols', ({ textDocument }) => {
      const open = workspace.service(textDocument.uri);
      if (open === undefined) return null;
      return open.service.symbols().map((s) => ({
        name: s.name,
        kind: SYMBOL_KINDS[s.kind],
        detail: s.detail,
        range: range(open.document, s.span),
        selectionRange: range(open.document, s.nameSpan),
      }));
    }),
  );
  connection.onCompletion(
    guarded(connection, 'completion', ({ textDocument, position }) => {
      const open = workspace.service(textDocument.uri);
      if (open === undefined) return null;
      const c = open.service.completion(open.document.offsetAt(position));
      const replace = range(open.document, c.span);
      return c.items.map((item, i): CompletionItem => ({
        label: item.label,
        kind: COMPLETION_KINDS[item.kind],
        detail: item.detail,
        sortText: String(i).padStart(4, '0'),
        textEdit: { range: replace, newText: item.insert ?? item.label },
      }));
    }),
  );
  connection.onSignatureHelp(
    guarded(connection, 'signatureHelp', ({ textDocument, position }) => {
      const open = workspace.service(textDocument.uri);
      const help = open?.service.signatureHelp(open.document.offsetAt(position));
      if (help === undefined) return null;
      return {
        signatures: help.signatures.map((s) => ({
          label: s.label,
          documentation: s.documentation,
          parameters: s.parameters.map((p) => ({ label: p })),
        })),
        activeSignature: help.activeSignature,
        activeParameter: help.activeParameter,
      };
    }),
  );
  connection.onCodeAction(
    guarded(connection, 'codeAction', ({ textDocument, range: wanted, context }) => {
      const open = workspace.service(textDocument.uri);
      if (open === undefined) return null;
      const [from, to] = [open.document.offsetAt(wanted.start), open.document.offsetAt(wanted.end)];
      const actions: CodeAction[] = [];
      for (const d of open.service.diagnostics()) {
        if (d.fix === undefined || d.span.end < from || d.span.start > to) continue;
        const r = range(open.document, d.span);
        const diagnostic = context.diagnostics.find(
          (c) =>
            c.message === d.message &&
            c.range.start.line === r.start.line &&
            c.range.start.character === r.start.character,
        );
        actions.push({
          title: d.fix.title,
          kind: CodeActionKind.QuickFix,
          isPreferred: true,
          ...(diagnostic !== undefined ? { diagnostics: [diagnostic] } : {}),
          edit: { changes: { [textDocument.uri]: [{ range: range(open.document, d.fix.span), newText: d.fix.text }] } },
        });
      }
      return actions;
    }),
  );
}

/** Starts the server on standard input and output; resolves when the client closes the connection. */
export function runLanguageServer(): Promise<0> {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  // Nothing else may write to stdout: it carries the protocol.
  console.log = (...args: unknown[]) => {
    connection.console.log(args.map(String).join(' '));
  };
  const workspace = new Workspace();
  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      completionProvider: { triggerCharacters: [' ', '(', ','] },
      signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'gradc', version: packageVersion() ?? 'unknown' },
  }));
  publishDiagnostics(connection, workspace);
  answerQuestions(connection, workspace);
  answerEdits(connection, workspace);
  workspace.documents.listen(connection);
  return new Promise((resolve) => {
    connection.onExit(() => {
      resolve(0);
    });
    connection.listen();
  });
}
