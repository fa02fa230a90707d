/**
 * gradc's language service off the page's thread: diagnostics with quick fixes, hovers with
 * shapes and completions for the editor, from the same service as `gradc lsp`. One document;
 * the front end runs again only when the text changed.
 */
import { FormulaDocument } from '../../src/service/service.js';
import type { LanguageReply, LanguageRequest } from './language-protocol.js';

const document = new FormulaDocument('', 'playground.formula');

function answer(request: LanguageRequest): LanguageReply {
  document.setText(request.text);
  switch (request.question) {
    case 'diagnostics':
      return { id: request.id, question: 'diagnostics', diagnostics: document.diagnostics() };
    case 'hover':
      return { id: request.id, question: 'hover', hover: document.hover(request.offset) };
    case 'completion':
      return { id: request.id, question: 'completion', completions: document.completion(request.offset) };
  }
}

self.onmessage = (event: MessageEvent<LanguageRequest>) => {
  let reply: LanguageReply;
  try {
    reply = answer(event.data);
  } catch (e) {
    reply = { id: event.data.id, question: 'failure', message: e instanceof Error ? e.message : String(e) };
  }
  self.postMessage(reply);
};
