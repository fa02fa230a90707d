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
  (
    'Math Float64Array RangeError TypeError Number Array Object String JSON NaN Infinity eval arguments globalThis ' +
    'Error Symbol Function Boolean Reflect Proxy Promise Map Set'
  ).split(' '),
);

function isIdentifier(name: string): boolean {
  return /^[\p{ID_Start}_$][\p{ID_Continue}$\u200c\u200d]*$/u.test(name);
}

/** `name` as an identifier JavaScript reads as written: unchanged unless it would be misread. */
function identifierBase(name: string): string {
  let base = isIdentifier(name) ? name : name.replace(/[^\p{ID_Continue}]/gu, '_');
  if (!isIdentifier(base)) base = `_${base}`;
  if (RESERVED_WORDS.has(base) || GLOBALS.has(base) || base === '__proto__') base = `${base}_`;
  return base;
}

/** The exported name of a function or type: the formula's name unless JavaScript would misread it. */
export function exportedName(name: string, taken: Set<string>): string {
  const base = identifierBase(name);
  let candidate = base;
  for (let k = 2; taken.has(candidate); k++) candidate = `${base}${k}`;
  taken.add(candidate);
  return candidate;
}

function capitalize(name: string): string {
  const [first = '', ...rest] = [...name];
  return first.toLocaleUpperCase('en-US') + rest.join('');
}

/** One exported type, named after a definition or a gradient function: its owner. */
export interface TypeRequest {
  /** The owner's formula name, which the type's usual name capitalises: `l` for `LInputs` and `LGradient`. */
  readonly name: string;
  /** The owner's exported function name (`new_` for `new`): distinct owners have distinct ones. */
  readonly owner: string;
  /** `Inputs`, `Gradient`, `Gradient2`, ... */
  readonly suffix: string;
}

/**
 * The name of each requested type, in order. A type is usually `<Name><Suffix>` (`LInputs`,
 * `LGradient`). Names that differ only in the case of their first letter (`l` and `L`)
 * capitalise alike, so when two owners would share a type name, every type of each of them
 * is named after its owner as written, `<owner>_<Suffix>` (`l_Inputs`, `l_Gradient`,
 * `L_Gradient`): no function takes another's name, and no name depends on which owner comes
 * first. An owner one of whose `<owner>_<Suffix>` is another type's usual name (`L_Inputs`
 * when `l_` is defined too) has `<owner>$<Suffix>` instead, which no formula name can produce.
 */
export function typeNames(requests: readonly TypeRequest[], reserved: ReadonlySet<string>): string[] {
  const usual = requests.map((r) => identifierBase(`${capitalize(r.name)}${r.suffix}`));
  const owners = new Map<string, Set<string>>();
  requests.forEach((r, i) => owners.set(usual[i]!, (owners.get(usual[i]!) ?? new Set()).add(r.owner)));
  const sharing = new Set(
    requests.filter((_, i) => owners.get(usual[i]!)!.size > 1 || reserved.has(usual[i]!)).map((r) => r.owner),
  );
  const taken = new Set([...reserved, ...usual]);
  const dollar = new Set(
    requests
      .filter((r) => sharing.has(r.owner) && taken.has(`${identifierBase(r.owner)}_${r.suffix}`))
      .map((r) => r.owner),
  );
  return requests.map((r, i) => {
    if (!sharing.has(r.owner)) return usual[i]!;
    // Distinct owners give distinct names, so the numbering never applies to a formula's names.
    return exportedName(`${identifierBase(r.owner)}${dollar.has(r.owner) ? '$' : '_'}${r.suffix}`, taken);
  });
}

/** A property key in an object literal or a type: bare when safe, quoted otherwise. */
export function propertyKey(name: string): string {
  if (name === '__proto__') return '["__proto__"]';
  return isIdentifier(name) ? name : JSON.stringify(name);
}

/**
 * A property access: `.name` when safe, `["name"]` otherwise. A result key may be a path
 * `hess.x.y` (names never contain a dot): `.hess.x.y`, or with `optional`, `.hess?.x?.y`.
 */
export function propertyAccess(name: string, optional = false): string {
  const one = (part: string) => (isIdentifier(part) && part !== '__proto__' ? `.${part}` : `[${JSON.stringify(part)}]`);
  const parts = name.split('.').map(one);
  return parts.map((p, i) => (i > 0 && optional ? (p.startsWith('[') ? `?.${p}` : `?${p}`) : p)).join('');
}

/** A local for a user name: `prefix$name` when that is an identifier, else `prefix$index`. */
export function localName(prefix: string, name: string, index: number): string {
  const candidate = `${prefix}$${name}`;
  return isIdentifier(candidate) ? candidate : `${prefix}$${index}`;
}

/** Text of a string for a message inside generated code (a JS string literal's body). */
export function quoteForString(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(
      /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069`$]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

/** A string literal for generated code (quotes, control and bidi characters escaped). */
export function str(text: string): string {
  return `"${quoteForString(text)}"`;
}

/** Text safe inside a block comment: no `*\/`, no bidi controls or marks, no line separators. */
export function commentSafe(text: string): string {
  return text
    .replace(/\*\//g, '*\\/')
    .replace(
      /[\u0000-\u0008\u000b-\u001f\u007f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}
