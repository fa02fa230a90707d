/** The formula editor: CodeMirror with the formula language mode and gradc's language service (language.ts). */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { formulaLanguage } from './formula-language.js';
import { languageFeatures } from './language.js';

/** The formula editor; `onChange` is called with the new text after every edit. */
export function formulaEditor(parent: HTMLElement, text: string, onChange: (text: string) => void): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        EditorView.lineWrapping,
        highlightActiveLineGutter(),
        highlightActiveLine(),
        history(),
        bracketMatching(),
        formulaLanguage,
        syntaxHighlighting(defaultHighlightStyle),
        // Squiggles with quick fixes, hover shapes and completion: the language service, as gradc lsp.
        languageFeatures(),
        lintGutter(),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
}

/** Replaces the editor's text (an example chosen from the menu). */
export function replaceText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}
