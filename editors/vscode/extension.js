// The extension's whole code: start `gradc lsp` for .formula files with VS Code's language client.
// Everything the editor shows (diagnostics, hover, completion, ...) comes from the server.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  const command = vscode.workspace.getConfiguration('gradc').get('path') || 'gradc';
  const run = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient(
    'gradc',
    'gradc',
    { run, debug: run },
    { documentSelector: [{ language: 'formula', scheme: 'file' }, { language: 'formula', scheme: 'untitled' }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client === undefined ? undefined : client.stop();
}

module.exports = { activate, deactivate };
