/**
 * The editor's language mode for formula files (a CodeMirror stream parser): `#` comments,
 * the request keywords, the declaration types, function calls, numbers and operators.
 */
import { StreamLanguage, type StringStream } from '@codemirror/language';

const REQUESTS = new Set(['grad', 'jacobian', 'hessian', 'hvp', 'wrt']);
const TYPES = new Set(['scalar', 'vector', 'matrix', 'symmetric', 'spd']);
const NAME = /^[\p{L}_][\p{L}\p{M}\p{Nd}_]*/u;
const NUMBER = /^(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/;
const OPERATOR = /^(?:\.\*|\.\/|\.\^|\|\||[-+*/^'=:,⊙ᵀ|])/;

function token(stream: StringStream): string | null {
  if (stream.eatSpace()) return null;
  if (stream.peek() === '#') {
    stream.skipToEnd();
    return 'comment';
  }
  if (stream.match(NUMBER)) return 'number';
  const name = stream.match(NAME);
  if (name !== null && typeof name === 'object') {
    const word = name[0];
    if (REQUESTS.has(word)) return 'keyword';
    if (TYPES.has(word)) return 'typeName';
    // A name written before '(' is a call: a function of the language.
    if (stream.match(/^\s*\(/, false)) return 'variableName.function';
    return 'variableName';
  }
  if (stream.match(OPERATOR)) return 'operator';
  if (stream.match(/^[()[\]]/)) return 'bracket';
  stream.next();
  return null;
}

export const formulaLanguage = StreamLanguage.define<null>({
  name: 'formula',
  startState: () => null,
  token,
  languageData: { commentTokens: { line: '#' } },
});
