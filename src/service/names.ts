/**
 * Every occurrence of a user's name in a formula: where variables, definitions and dimensions
 * are introduced and where they are used, for go to definition, references, rename and hover.
 * A name means one thing in the whole file (redefinition is an error), so occurrences are
 * grouped by their text.
 */
import { indexExprs, type DimExpr, type Expr, type Program, type TypeExpr } from '../syntax/ast.js';
import type { Span } from '../diagnostics/source.js';
import { isFunctionName } from '../ops/functions.js';

export type NameKind = 'variable' | 'definition' | 'dimension';

export interface Occurrence {
  readonly name: string;
  readonly span: Span;
  /** The declaration, definition or first appearance in a type (a dimension's) of the name. */
  readonly introduces: boolean;
}

export interface NameTable {
  /** Each name's kind, from its first introduction. */
  readonly kinds: ReadonlyMap<string, NameKind>;
  /** Every occurrence, in text order. */
  readonly occurrences: readonly Occurrence[];
}

function typeDims(t: TypeExpr): { name: string; span: Span }[] {
  let dims: readonly DimExpr[];
  switch (t.kind) {
    case 'scalar':
      dims = [];
      break;
    case 'vector':
    case 'structured':
      dims = [t.n];
      break;
    case 'matrix':
      dims = [t.rows, t.cols];
      break;
    case 'index':
      dims = [t.bound];
      break;
    default: {
      const never: never = t;
      throw new Error(`internal: unknown type ${(never as TypeExpr).kind}`);
    }
  }
  return dims.flatMap((d) => (typeof d.value === 'string' ? [{ name: d.value, span: d.span }] : []));
}

function expressionNames(e: Expr, out: Occurrence[]): void {
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    switch (x.kind) {
      case 'num':
        break;
      case 'name':
        if (x.name !== 'pi') out.push({ name: x.name, span: x.span, introduces: false });
        break;
      case 'call':
        // `A(x + y)` multiplies by a value named A; a function's name is not the user's.
        if (!isFunctionName(x.callee)) out.push({ name: x.callee, span: x.calleeSpan, introduces: false });
        stack.push(...x.args);
        break;
      case 'unary':
      case 'transpose':
      case 'norm':
        stack.push(x.arg);
        break;
      case 'binary':
        stack.push(x.left, x.right);
        break;
      case 'index':
        stack.push(x.target, ...indexExprs(x.indices));
        break;
    }
  }
}

/** The names of a parsed program, with what each is. */
export function collectNames(program: Program): NameTable {
  const kinds = new Map<string, NameKind>();
  const occurrences: Occurrence[] = [];
  const introduce = (name: string, span: Span, kind: NameKind) => {
    const first = !kinds.has(name);
    if (first) kinds.set(name, kind);
    occurrences.push({ name, span, introduces: first });
  };
  for (const s of program.statements) {
    switch (s.kind) {
      case 'decl':
        for (const d of typeDims(s.type)) introduce(d.name, d.span, 'dimension');
        for (const n of s.names) introduce(n.name, n.span, 'variable');
        break;
      case 'def':
        introduce(s.name.name, s.name.span, 'definition');
        expressionNames(s.expr, occurrences);
        break;
      case 'request':
        for (const n of [s.target, ...s.wrt]) occurrences.push({ name: n.name, span: n.span, introduces: false });
        break;
    }
  }
  occurrences.sort((a, b) => a.span.start - b.span.start);
  return { kinds, occurrences };
}

/**
 * The occurrence of a name at `offset`: the name whose characters include the one at `offset`
 * (a hover), or with `touching`, also the name that ends there (a cursor right after a name).
 */
export function occurrenceAt(table: NameTable, offset: number, touching = false): Occurrence | undefined {
  return (
    table.occurrences.find((o) => o.span.start <= offset && offset < o.span.end) ??
    (touching ? table.occurrences.find((o) => o.span.end === offset) : undefined)
  );
}

/** Every occurrence of `name`, in text order. */
export function occurrencesOf(table: NameTable, name: string): Occurrence[] {
  return table.occurrences.filter((o) => o.name === name);
}
