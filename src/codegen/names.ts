/**
 * Names in generated modules. Every identifier gradc invents contains `$`, which formula
 * names cannot, so generated locals never collide with the user's names. Exported names come
 * from the formula and are mangled only where JavaScript would misread them.
 */

/** Reserved words of JavaScript/TypeScript, which cannot name a function. */
const RESERVED_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'implements interface let package private protected public static yield await abstract any boolean ' +
    'declare get is keyof module namespace never readonly require number object set string symbol type undefined ' +
    'unique unknown from global bigint of as async constructor'
  ).split(' '),
);

/** Globals that generated code uses, or whose shadowing would confuse readers and tools. */
const GLOBALS = new Set(
  'Math Float64Array RangeError TypeError Number Array Object String JSON NaN Infinity eval arguments globalThis Error Symbol Function Boolean Reflect Proxy Promise Map Set'.split(
    ' ',
  ),
);

export function isIdentifier(name: string): boolean {
  return /^[\p{ID_Start}_$][\p{ID_Continue}$\u200c\u200d]*$/u.test(name);
}

/** The exported name of a function or type: the formula's name unless JavaScript would misread it. */
export function exportedName(name: string, taken: Set<string>): string {
  let base = isIdentifier(name) ? name : name.replace(/[^\p{ID_Continue}]/gu, '_');
  if (!isIdentifier(base)) base = `_${base}`;
  if (RESERVED_WORDS.has(base) || GLOBALS.has(base) || base === '__proto__') base = `${base}_`;
  let candidate = base;
  for (let k = 2; taken.has(candidate); k++) candidate = `${base}${k}`;
  taken.add(candidate);
  return candidate;
}

/** A property key in an object literal or a type: bare when safe, quoted otherwise. */
export function propertyKey(name: string): string {
  if (name === '__proto__') return '["__proto__"]';
  return isIdentifier(name) ? name : JSON.stringify(name);
}

/** A property access: `.name` when safe, `["name"]` otherwise. */
export function propertyAccess(name: string): string {
  return isIdentifier(name) && name !== '__proto__' ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** A local for a user name: `prefix$name` when that is an identifier, else `prefix$index`. */
export function localName(prefix: string, name: string, index: number): string {
  const candidate = `${prefix}$${name}`;
  return isIdentifier(candidate) ? candidate : `${prefix}$${index}`;
}

/** Text of a string for a message inside generated code (a JS string literal's body). */
export function quoteForString(text: string): string {
  return JSON.stringify(text).slice(1, -1).replace(/[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069`$]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text safe inside a block comment: no `*\/`, no bidi controls or marks, no line separators. */
export function commentSafe(text: string): string {
  return text
    .replace(/\*\//g, '*\\/')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
