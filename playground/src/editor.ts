/** The formula editor: CodeMirror with the formula language mode and gradc's diagnostics. */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { formulaLanguage } from './formula-language.js';
import type { Problem } from './protocol.js';

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
        // Diagnostics come from the worker (setProblems), not from a lint source run here.
        linter(null),
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

/** gradc's located errors as the editor's squiggles, with the message on hover. */
export function setProblems(view: EditorView, problems: readonly Problem[]): void {
  const length = view.state.doc.length;
  const diagnostics: Diagnostic[] = problems.map((p) => {
    const from = Math.min(p.from, length);
    return { from, to: Math.max(from, Math.min(p.to, length)), severity: 'error', source: 'gradc', message: p.message };
  });
  view.dispatch(setDiagnostics(view.state, diagnostics));
}
