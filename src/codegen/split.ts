/**
 * Large generated functions split into pieces V8 still optimises.
 *
 * V8 (Node 20) never optimises a function whose bytecode is over 60 KB
 * (`--max-optimized-bytecode-size`): such a function runs in the interpreter for good, 15 to
 * 25 times slower (the 16-layer MLP's Hessian-vector product). So a body whose estimated size
 * is over `SPLIT_ABOVE` is cut, between top-level statements, into segments of about
 * `SEGMENT` each: the first stays the function's body, and each later one becomes a function of
 * its own at module level (`LHvp$2`, `LHvp$3`, ...), which the segment before calls last and
 * returns from. The rest of the function runs inside that call, so a `let` reassigned in a later
 * segment is passed on with its new value, and a `return` or `throw` anywhere ends the whole
 * function, as before.
 *
 * A segment takes, as parameters of the same names, the locals of earlier segments (and the
 * function's own parameters) that it or a later segment reads. Their types come from their
 * declarations: an annotation, an array the function allocates (`Float64Array`), a number or a
 * string literal, a scalar or a dimension (`s$3`, `d$n`: numbers), or `typeHints`. A local read
 * from the inputs by a chain of properties (`const v$W1 = v$W1$m.data`) is not passed but read
 * again where it is needed, with the type TypeScript gives it there. A cut is made only where
 * every value that crosses it has a known type, and never after a statement that returns early
 * at its top level (`if (out$ === undefined) return ...` narrows what follows).
 *
 * Why functions of the module rather than closures called on the spot (which TypeScript would
 * type from their arguments): a closure is created anew by every call, and V8 shares its
 * optimised code among them; one that deoptimises on a path it had not seen (the `...Into` call
 * after plain ones) did so again in every new closure, and the gradient ran twice as slow.
 *
 * The estimate is the number of characters other than white space: over every generated
 * function of the examples and the bench's models, V8's bytecode came to 0.5 to 1.13 bytes per
 * such character (most where a function has hundreds of locals, whose registers take wider
 * operands). Bodies under `SPLIT_ABOVE` (at most about 41 KB at that rate, 1.5 times under the
 * limit) are left as they are, so smaller modules are unchanged; segments aim at half of it.
 * Splitting costs a little where it is not needed: the segment of input checks, without loops,
 * waits hundreds of calls to be optimised (the 16-layer MLP's gradient, 26,000 characters, was
 * 3-9% slower split in the bench's short runs).
 */

/** Bodies estimated above this are split (characters other than white space). */
export const SPLIT_ABOVE = 36_000;

/** The size a segment aims at, by the same estimate. */
export const SEGMENT = 16_000;

/** The estimated bytecode size of `text`: its characters other than white space. */
export function estimatedSize(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13) n++;
  }
  return n;
}

/** One top-level statement of a body: its text, and the names it declares and reads. */
export interface Statement {
  readonly text: string;
  readonly size: number;
  readonly declares: readonly string[];
  readonly reads: ReadonlySet<string>;
}

/** A function to split: its name, parameters (names and types), return type and body. */
export interface SplitFunction {
  readonly name: string;
  readonly parameters: readonly { readonly name: string; readonly type: string }[];
  readonly returnType: string;
  readonly statements: readonly string[];
  /** Types of locals the rules do not tell (the forward pass's `plan`). */
  readonly typeHints?: ReadonlyMap<string, string>;
  /** Names of the module's functions: segments take others, and are added. */
  readonly taken?: Set<string>;
  /**
   * How many statements read and check the inputs: the computation starts a segment of its own.
   * Checks run once a call, without loops, and V8 optimises such code only after hundreds of
   * calls (it counts bytecode run against bytecode size); loops beside them would wait as long.
   */
  readonly prologue?: number;
}

/** A segment after the first: a function of the module. */
export interface Segment {
  readonly name: string;
  readonly parameters: readonly { readonly name: string; readonly type: string }[];
  readonly returnType: string;
  readonly statements: readonly string[];
}

/** Sizes that decide a split (the defaults but in tests, which split small bodies). */
export interface SplitLimits {
  readonly above: number;
  readonly segment: number;
}

export const DEFAULT_LIMITS: SplitLimits = { above: SPLIT_ABOVE, segment: SEGMENT };

/**
 * The body of `f`, split where it is too large to be optimised: the first segment's statements
 * (the function's new body) and the functions of the later segments, in order. Unchanged, with
 * no segments, when the body is under `limits.above` or has nowhere to cut.
 */
export function splitBody(
  f: SplitFunction,
  limits: SplitLimits = DEFAULT_LIMITS,
): { statements: string[]; segments: Segment[] } {
  const unchanged = { statements: [...f.statements], segments: [] };
  const text = f.statements.join('\n');
  if (estimatedSize(text) <= limits.above) return unchanged;
  const parsed = topLevelStatements(text);
  const locals = new Locals(f, parsed);
  const lines = f.statements
    .slice(0, f.prologue ?? 0)
    .join('\n')
    .split('\n').length;
  const start = f.prologue === undefined || f.prologue === 0 ? 0 : firstAfter(parsed, lines);
  const cuts = cutsOf(parsed, locals, limits.segment, start);
  if (cuts.length === 0) return unchanged;
  const bounds = [0, ...cuts, parsed.length];
  // Segments are named after the function (LHvp$2, ...): names no other function of the module, nor the body, uses.
  const used = new Set([...(f.taken ?? []), ...parsed.flatMap((st) => [...st.reads, ...st.declares])]);
  let base = f.name.endsWith('$') ? f.name : `${f.name}$`;
  while (cuts.some((_, k) => used.has(`${base}${k + 2}`))) base += '$';
  const name = (k: number) => `${base}${k + 1}`;
  for (let k = 1; k <= cuts.length; k++) f.taken?.add(name(k));
  // Each segment's statements, less the chains it does not read itself (read again where needed).
  const own = bounds.slice(0, -1).map((from, k) => locals.kept(from, bounds[k + 1]!));
  const repeated = own.map((part, k) =>
    k === 0 ? [] : locals.repeated(bounds[k]!, new Set(part.flatMap((st) => [...st.reads]))),
  );
  // What each segment reads: its statements, and the roots of the chains it repeats.
  const reads = own.map(
    (part, k) => new Set([...part.flatMap((st) => [...st.reads]), ...repeated[k]!.map((d) => d.root)]),
  );
  const parts = own.map((part, k) => {
    const later = new Set(reads.slice(k).flatMap((r) => [...r]));
    return {
      own: part.map((st) => st.text),
      repeated: repeated[k]!,
      passed: k === 0 ? [] : locals.passed(bounds[k]!, later),
    };
  });
  const call = (k: number) => `return ${name(k)}(${parts[k]!.passed.map((p) => p.name).join(', ')});`;
  const statements = [...parts[0]!.own, call(1)];
  const segments = parts.slice(1).map((part, i) => ({
    name: name(i + 1),
    parameters: part.passed.map((p) => ({ name: p.name, type: p.type! })),
    returnType: f.returnType,
    statements: [...part.repeated.map((d) => d.text), ...part.own, ...(i + 2 < parts.length ? [call(i + 2)] : [])],
  }));
  return { statements, segments };
}

/** The index of the first statement that starts after `lines` lines of the body. */
function firstAfter(statements: readonly Statement[], lines: number): number {
  let line = 0;
  for (let i = 0; i < statements.length; i++) {
    if (line >= lines) return i;
    line += statements[i]!.text.split('\n').length;
  }
  return statements.length;
}

/**
 * Where to cut (statement indices), segments of about `segment` each, only where `locals`
 * allows; at `start` too (where the computation starts after the input checks), if it can.
 */
function cutsOf(statements: readonly Statement[], locals: Locals, segment: number, start: number): number[] {
  const total = statements.reduce((n, s) => n + s.size, 0);
  const target = Math.ceil(total / Math.ceil(total / segment));
  const cuts: number[] = [];
  let size = 0;
  statements.forEach((s, i) => {
    if (i > 0 && (size + s.size > target || i === start) && locals.canCut(i)) {
      cuts.push(i);
      size = 0;
    }
    size += s.size;
  });
  return cuts;
}

/** A local's declaration: where, its type when known, and for a chain of properties, the declaration to repeat. */
interface Declaration {
  readonly at: number;
  readonly type: string | undefined;
  /** `const x = a.b.c;`: repeated in a segment that reads x, rather than passed. */
  readonly chain?: { readonly text: string; readonly root: string };
}

/** The locals of a body: where each is declared and read, its type, and what crosses a cut. */
class Locals {
  private readonly declarations = new Map<string, Declaration>();
  /** The last statement that reads each name. */
  private readonly lastRead = new Map<string, number>();
  /** The first statement that returns at its top level. */
  private readonly firstReturn: number;

  constructor(
    f: SplitFunction,
    private readonly statements: readonly Statement[],
  ) {
    for (const p of f.parameters) this.declarations.set(p.name, { at: -1, type: p.type });
    statements.forEach((s, i) => {
      for (const name of s.declares) {
        if (this.declarations.has(name)) continue;
        const chain = chainOf(s.text, name);
        const type = f.typeHints?.get(name) ?? typeOf(s.text, name);
        this.declarations.set(name, { at: i, type, ...(chain !== undefined ? { chain } : {}) });
      }
      for (const name of s.reads) this.lastRead.set(name, i);
    });
    const early = statements.findIndex((s) => returnsEarly(s.text));
    this.firstReturn = early < 0 ? statements.length : early;
  }

  /** Whether a cut before statement `i` is possible: no early return before it, every value crossing typed. */
  canCut(i: number): boolean {
    if (i > this.firstReturn) return false;
    const later = new Set([...this.lastRead].filter(([, at]) => at >= i).map(([name]) => name));
    return this.passed(i, later).every((p) => p.type !== undefined);
  }

  /**
   * The parameters of a segment that starts at statement `i` and, with the segments after it,
   * reads `later`: the names declared before it that it reads, in order of declaration; for a
   * chain, its root instead.
   */
  passed(i: number, later: ReadonlySet<string>): { name: string; type: string | undefined }[] {
    const passed = new Set<string>();
    for (const name of later) {
      const d = this.declarations.get(name);
      if (d !== undefined && d.at < i) passed.add(this.root(name, i));
    }
    return [...this.declarations].filter(([name]) => passed.has(name)).map(([name, d]) => ({ name, type: d.type }));
  }

  /** The statements `from` to `to`, less chains none of the others reads (the segment that reads one repeats it). */
  kept(from: number, to: number): Statement[] {
    const kept: Statement[] = [];
    const read = new Set<string>();
    for (let j = to - 1; j >= from; j--) {
      const st = this.statements[j]!;
      const declared = st.declares[0];
      if (declared !== undefined && this.declarations.get(declared)?.chain !== undefined && !read.has(declared))
        continue;
      kept.unshift(st);
      for (const r of st.reads) read.add(r);
    }
    return kept;
  }

  /** The chain declarations a segment starting at `from` repeats: those it reads, with the chains they read, in order. */
  repeated(from: number, reads: ReadonlySet<string>): { text: string; root: string }[] {
    const repeat = new Set<string>();
    const add = (name: string) => {
      const d = this.declarations.get(name);
      if (d?.chain === undefined || d.at >= from || repeat.has(name)) return;
      repeat.add(name);
      add(d.chain.root);
    };
    for (const r of reads) add(r);
    return [...this.declarations]
      .filter(([name]) => repeat.has(name))
      .sort(([, a], [, b]) => a.at - b.at)
      .map(([, d]) => d.chain!);
  }

  /** The name a chain declared before `i` reads in the end: a parameter or a local that is no chain. */
  private root(name: string, i: number): string {
    const d = this.declarations.get(name)!;
    return d.chain !== undefined && d.at < i ? this.root(d.chain.root, i) : name;
  }
}

/** Whether a statement returns at its top level (`if (...) return ...;`), which narrows the types of what follows. */
function returnsEarly(text: string): boolean {
  const scan = new Scanner();
  for (const line of text.split('\n')) scan.line(line);
  return scan.topLevelReturn;
}

/** `const name = a.b.c;` (a chain of properties, nothing called): its text and the name it starts from. */
function chainOf(text: string, name: string): { text: string; root: string } | undefined {
  const m = /^const ([\p{L}\p{N}_$]+) = ([\p{L}\p{N}_$]+)((?:\.[\p{L}\p{N}_$]+)+);$/u.exec(text.trim());
  if (m === null || m[1] !== name) return undefined;
  return { text: text.trim(), root: m[2]! };
}

/** The type of local `name` from its declaration in `text`, where the declaration tells it. */
function typeOf(text: string, name: string): string | undefined {
  const escaped = name.replace(/\$/g, '\\$');
  const annotated = new RegExp(`(?:const|let|,) ${escaped}!?: ([^=;]+?) ?[=;]`).exec(text);
  if (annotated !== null) return annotated[1]!.trim();
  if (/^[sd]\$/.test(name) && !name.endsWith('$from')) return 'number';
  const init = new RegExp(`(?:const|let|,) ${escaped} = ([^\n]*)`).exec(text)?.[1];
  if (init === undefined) return undefined;
  if (/^(?:-?(?:\d[\d.e+-]*|Infinity))[,;]/.test(init)) return 'number';
  if (/^"(?:[^"\\]|\\.)*"[,;]/.test(init)) return 'string';
  if (/^(?:new Float64Array\(|scratch\$\(|heap\$\(|cholesky\$\(|out\$ === undefined \? new Float64Array\()/.test(init))
    return 'Float64Array';
  return undefined;
}

const KEYWORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'let of as undefined'
  ).split(' '),
);

/** Words that continue a statement on the next line: a line before one of them ends no statement. */
const CONTINUATIONS = new Set(['else', 'catch', 'finally', 'while']);

/**
 * The top-level statements of a body of generated code, one or more whole lines each: a
 * statement ends at the end of a line that closes every bracket it opened and ends in `;` or
 * `}`, unless the next line continues it (`else`, an operator, a closing bracket).
 */
export function topLevelStatements(text: string): Statement[] {
  const lines = text.split('\n');
  const out: Statement[] = [];
  let pending: string[] = [];
  const scan = new Scanner();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    pending.push(line);
    scan.line(line);
    const last = line.trimEnd().slice(-1);
    if (scan.depth !== 0 || scan.inString() || (last !== ';' && last !== '}')) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    if (next !== undefined && continues(next.trim())) continue;
    out.push(scan.statement(pending.join('\n')));
    pending = [];
  }
  if (pending.length > 0) out.push(scan.statement(pending.join('\n')));
  return out;
}

function continues(next: string): boolean {
  const word = /^[\p{L}_$][\p{L}\p{N}_$]*/u.exec(next)?.[0];
  if (word !== undefined) return CONTINUATIONS.has(word);
  return !/^[{[("'`!~]/.test(next) && !/^[-+]\d/.test(next);
}

/**
 * A scanner of generated code, line by line: bracket depth (through strings, template
 * literals and comments), the identifiers each statement reads (not property names), and the
 * names it declares at its top level (`const`, `let`, `var`, `function`).
 */
class Scanner {
  depth = 0;
  /** The brackets open, innermost last; a template literal's `${` is a `$`. */
  private readonly open: string[] = [];
  /** Inside a template literal's text (not its `${}`) or a block comment, across lines. */
  private mode: 'code' | 'template' | 'comment' = 'code';
  private reads = new Set<string>();
  private declares: string[] = [];
  /** The previous token, for telling property names and declarations. */
  private previous = '';
  /** A `return` outside every bracket has been seen. */
  topLevelReturn = false;
  /** In a declaration list at the statement's top level (after `const`, until its `;`). */
  private declaring = false;

  inString(): boolean {
    return this.mode !== 'code';
  }

  statement(text: string): Statement {
    const s = { text, size: estimatedSize(text), declares: this.declares, reads: this.reads };
    this.reads = new Set();
    this.declares = [];
    this.previous = '';
    this.declaring = false;
    return s;
  }

  line(line: string): void {
    let i = 0;
    while (i < line.length) i = this.step(line, i);
  }

  /** Scans one token of `line` at `i`; returns where the next starts. */
  private step(line: string, i: number): number {
    if (this.mode === 'comment') {
      const end = line.indexOf('*/', i);
      if (end < 0) return line.length;
      this.mode = 'code';
      return end + 2;
    }
    if (this.mode === 'template') return this.templateText(line, i);
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') return i + 1;
    if (line.startsWith('//', i)) return line.length;
    if (line.startsWith('/*', i)) {
      this.mode = 'comment';
      return i + 2;
    }
    if (c === '"' || c === "'") return this.quoted(line, i, c);
    if (c === '`') {
      this.mode = 'template';
      return i + 1;
    }
    const word = /^[\p{L}_$][\p{L}\p{N}_$]*/u.exec(line.slice(i))?.[0];
    if (word !== undefined) {
      this.word(word);
      return i + word.length;
    }
    const number = /^\d[\p{L}\p{N}_.]*/u.exec(line.slice(i))?.[0];
    if (number !== undefined) {
      this.previous = number;
      return i + number.length;
    }
    this.punctuation(line, i);
    return i + (line.startsWith('?.', i) ? 2 : 1);
  }

  private quoted(line: string, i: number, quote: string): number {
    let j = i + 1;
    while (j < line.length && line[j] !== quote) j += line[j] === '\\' ? 2 : 1;
    this.previous = '""';
    return j + 1;
  }

  /** Template text up to its end or to a `${`. */
  private templateText(line: string, i: number): number {
    let j = i;
    while (j < line.length) {
      if (line[j] === '\\') j += 2;
      else if (line[j] === '`') {
        this.mode = 'code';
        this.previous = '""';
        return j + 1;
      } else if (line.startsWith('${', j)) {
        this.mode = 'code';
        this.open.push('$');
        this.depth++;
        return j + 2;
      } else j++;
    }
    return j;
  }

  private word(word: string): void {
    const previous = this.previous;
    this.previous = word;
    if (previous === '.' || previous === '?.') return;
    if (this.depth === 0 && (word === 'const' || word === 'let' || word === 'var')) {
      this.declaring = true;
      return;
    }
    if (word === 'return' && this.depth === 0) this.topLevelReturn = true;
    if (KEYWORDS.has(word)) return;
    if (
      this.depth === 0 &&
      (previous === 'function' ||
        (this.declaring && (previous === 'const' || previous === 'let' || previous === 'var' || previous === ',')))
    ) {
      this.declares.push(word);
      return;
    }
    this.reads.add(word);
  }

  private punctuation(line: string, i: number): void {
    const c = line[i]!;
    this.previous = line.startsWith('?.', i) ? '?.' : c;
    if (c === '(' || c === '[' || c === '{') {
      this.open.push(c);
      this.depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      const opened = this.open.pop();
      this.depth--;
      // The `}` that ends a template literal's `${`: back in its text.
      if (opened === '$') this.mode = 'template';
    } else if (c === ';' && this.depth === 0) {
      this.declaring = false;
    }
  }
}
