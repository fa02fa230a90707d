/**
 * Completion and signature help: names in scope (declared or defined above the cursor),
 * functions with their signatures, types after `:`, request keywords at the start of a line.
 */
import { describeShape, shape, type Shape } from '../ir/shape.js';
import { FUNCTIONS } from '../ops/functions.js';
import type { SurfaceFunction } from '../ops/types.js';
import type { Span } from '../diagnostics/source.js';
import type { Analysis } from './analysis.js';

export type CompletionKind = 'variable' | 'definition' | 'dimension' | 'function' | 'keyword' | 'type' | 'constant';

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  /** A shape, a type or a signature. */
  readonly detail: string;
  /** The text to insert, when it is not the label (`vector()`). */
  readonly insert?: string;
}

export interface Completions {
  /** The text the chosen item replaces: the part of a name typed so far. */
  readonly span: Span;
  readonly items: readonly CompletionItem[];
}

export interface SignatureHelp {
  /** Every form of the function: `ones(n)`, `ones(m, n)`. */
  readonly signatures: readonly {
    readonly label: string;
    readonly parameters: readonly string[];
    readonly documentation: string;
  }[];
  readonly activeSignature: number;
  readonly activeParameter: number;
}

const REQUESTS = ['grad', 'jacobian', 'hessian', 'hvp'] as const;
const TYPES: readonly CompletionItem[] = [
  { label: 'scalar', kind: 'type', detail: 'a number' },
  { label: 'vector', kind: 'type', detail: 'vector(n): a column, n x 1', insert: 'vector()' },
  { label: 'matrix', kind: 'type', detail: 'matrix(m, n): m x n', insert: 'matrix()' },
  { label: 'index', kind: 'type', detail: 'index(K): an integer 0 <= k < K', insert: 'index()' },
  { label: 'symmetric', kind: 'type', detail: 'symmetric(n): a symmetric n x n matrix', insert: 'symmetric()' },
  { label: 'spd', kind: 'type', detail: 'spd(n): a symmetric positive definite n x n matrix', insert: 'spd()' },
];
const IDENT_CHAR = /[\p{L}\p{M}\p{Nd}_]/u;
/** Longest line prefix whose context (a declaration, a request) is looked at. */
const MAX_CONTEXT = 2000;

/** The identifier characters `s` ends with, scanned backwards (a regex anchored at the end would be quadratic). */
function wordBefore(s: string): string {
  let i = s.length;
  while (i > 0) {
    const unit = s.charCodeAt(i - 1);
    const width = unit >= 0xdc00 && unit <= 0xdfff && i >= 2 ? 2 : 1;
    if (!IDENT_CHAR.test(s.slice(i - width, i))) break;
    i -= width;
  }
  return s.slice(i);
}
const IDENT_AFTER = /^[\p{L}\p{M}\p{Nd}_]*/u;

/** Parameter names for a call of `count` arguments: x for one, a, b, ... for more. */
function parameters(count: number): string[] {
  if (count === 1) return ['x'];
  return ['a', 'b', 'c', 'd'].slice(0, count);
}

/** What a call returns, from the function's estimate on arguments named like its parameters. */
function returns(f: SurfaceFunction, params: readonly string[]): string {
  const probe: Shape = shape('m', 'n');
  const s = f.estimate({ count: params.length, shape: () => probe, dim: (i) => params[i] });
  if (s === undefined) return '';
  if (s.rows === probe.rows && s.cols === probe.cols && params.length === 1) return 'same shape as x';
  return describeShape(s);
}

function arities(f: SurfaceFunction): readonly number[] {
  return typeof f.arity === 'number' ? [f.arity] : f.arity;
}

/** The signatures of a function, one per number of arguments it takes. */
export function signatures(name: string): SignatureHelp['signatures'] {
  const f = FUNCTIONS.get(name);
  if (f === undefined) return [];
  return arities(f).map((n) => {
    const params = parameters(n);
    const result = returns(f, params);
    const aliases = f.names.length > 1 ? ` (also ${f.names.filter((x) => x !== name).join(', ')})` : '';
    return {
      label: `${name}(${params.join(', ')})`,
      parameters: params,
      documentation: `${result === '' ? '' : `→ ${result}`}${aliases}`.trim(),
    };
  });
}

/** The names usable at `offset`: those introduced on lines above it, with their shapes. */
function namesInScope(a: Analysis, offset: number): CompletionItem[] {
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const o of a.names.occurrences) {
    if (!o.introduces || o.span.start >= offset || seen.has(o.name)) continue;
    const kind = a.names.kinds.get(o.name)!;
    if (a.source.lineIndex(o.span.start) === a.source.lineIndex(offset) && kind !== 'dimension') continue;
    seen.add(o.name);
    const s =
      kind === 'variable'
        ? a.model?.variables.find((v) => v.name === o.name)?.shape
        : kind === 'definition'
          ? a.model?.definitions.find((d) => d.name === o.name)?.node.shape
          : undefined;
    items.push({
      label: o.name,
      kind,
      detail: kind === 'dimension' ? 'dimension' : s === undefined ? kind : describeShape(s),
    });
  }
  return items;
}

function functionItems(): CompletionItem[] {
  return [...FUNCTIONS.keys()].sort().map((name) => ({
    label: name,
    kind: 'function',
    detail: signatures(name)
      .map((s) => s.label)
      .join(' | '),
    insert: `${name}(`,
  }));
}

/** Completions at `offset`. */
export function completeAt(a: Analysis, offset: number): Completions {
  const text = a.source.text;
  const line = a.source.lineIndex(offset);
  const lineStart = a.source.lineStart(line);
  // The contexts below are read off the start of the line: a long line is an expression's.
  const before = text.slice(lineStart, offset);
  const typed = wordBefore(before);
  const span = {
    start: offset - typed.length,
    end: offset + IDENT_AFTER.exec(text.slice(offset, offset + 1000))![0].length,
  };
  const head = before.length > MAX_CONTEXT ? 'x = ' : before.slice(0, before.length - typed.length);
  const scope = () => namesInScope(a, span.start);
  let items: CompletionItem[];
  if (/#/.test(head)) items = [];
  else if (/^\s*$/.test(head))
    items = REQUESTS.map((k) => ({ label: k, kind: 'keyword', detail: `${k} f wrt x`, insert: `${k} ` }));
  else if (/^\s*[\p{L}_][\p{L}\p{M}\p{Nd}_]*(\s*,\s*[\p{L}_][\p{L}\p{M}\p{Nd}_]*)*\s*:\s*$/u.test(head))
    items = [...TYPES];
  else if (/^\s*[\p{L}_][\p{L}\p{M}\p{Nd}_]*(\s*,\s*[\p{L}_][\p{L}\p{M}\p{Nd}_]*)*\s*:\s*\w+\s*\([^)]*$/u.test(head))
    items = scope().filter((i) => i.kind === 'dimension');
  else if (/^\s*(grad|jacobian|hessian|hvp)\s+$/.test(head)) items = scope().filter((i) => i.kind === 'definition');
  else if (/^\s*(grad|jacobian|hessian|hvp)\s+\S+\s+$/.test(head))
    items = [{ label: 'wrt', kind: 'keyword', detail: 'with respect to' }];
  else if (/^\s*(grad|jacobian|hessian|hvp)\s+\S+\s+wrt\b/.test(head))
    items = scope().filter((i) => i.kind !== 'dimension');
  else items = [...scope(), ...functionItems(), { label: 'pi', kind: 'constant', detail: 'scalar' }];
  return { span, items };
}

/** Signature help at `offset`: the innermost open call of a function around it, and which argument the cursor is in. */
export function signatureAt(a: Analysis, offset: number): SignatureHelp | undefined {
  const text = a.source.text;
  let depth = 0;
  let commas = 0;
  // Scan back through the statement (a line, or lines while a bracket is open), at most 2000 characters.
  for (let i = offset - 1; i >= 0 && i >= offset - 2000; i--) {
    const c = text[i]!;
    if (c === ')' || c === ']') depth++;
    else if (c === '[') depth--;
    else if (c === ',' && depth === 0) commas++;
    else if (c === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const name = wordBefore(text.slice(Math.max(0, i - 40), i).trimEnd());
      const sigs = signatures(name);
      if (sigs.length === 0) {
        commas = 0;
        continue;
      }
      const active = Math.max(
        0,
        sigs.findIndex((s) => s.parameters.length > commas),
      );
      return { signatures: sigs, activeSignature: active, activeParameter: commas };
    } else if (c === '\n') break;
    if (depth < 0) return undefined;
  }
  return undefined;
}
