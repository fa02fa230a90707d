/**
 * Declarations: what each name in a file is (a variable, a definition, a dimension), where it is
 * first introduced, the reserved words, and the checking of declaration statements and dimensions.
 * The elaborator (elaborate.ts) checks expressions, definitions and requests against this table.
 */
import type { Program, Statement, TypeExpr } from '../syntax/ast.js';
import type { Diagnostics, Fix } from '../diagnostics/errors.js';
import type { Source, Span } from '../diagnostics/source.js';
import { FUNCTION_NAMES } from '../ops/functions.js';
import type { Graph } from './graph.js';
import type { Variable } from './model.js';
import type { Structure } from './node.js';
import type { Entity } from './requests.js';
import { shape, type Dim, type Shape } from './shape.js';

const KEYWORDS = [
  'grad',
  'wrt',
  'jacobian',
  'hessian',
  'hvp',
  'scalar',
  'vector',
  'matrix',
  'symmetric',
  'spd',
  'index',
  'pi',
];
export const RESERVED = new Set([...KEYWORDS, ...FUNCTION_NAMES]);

export function isReserved(name: string): boolean {
  return RESERVED.has(name);
}

/** Thrown inside checking after the error has been reported; unwinds one statement. */
export class Reported extends Error {}

/** A number as the user wrote it, cut short if it is long. */
export function shortNumber(text: string): string {
  return text.length > 20 ? `${text.slice(0, 20)}…` : text;
}

/** Where a name is first declared or defined in the file, for "used before" messages. */
export interface Introduction {
  readonly span: Span;
  readonly kind: 'declared' | 'defined' | 'dimension';
}

/** The names of a file as checking proceeds, and the declarations that add variables and dimensions. */
export class Declarations {
  readonly names = new Map<string, Entity>();
  readonly dims: string[] = [];
  readonly variables: Variable[] = [];
  readonly introduced = new Map<string, Introduction>();

  constructor(
    private readonly source: Source,
    private readonly diagnostics: Diagnostics,
    private readonly graph: Graph,
  ) {}

  /** Records where every name is first introduced, and poisons the names the parser could not read. */
  introduce(program: Program): void {
    for (const name of program.brokenNames) if (!this.names.has(name)) this.names.set(name, { kind: 'poisoned' });
    for (const s of program.statements) {
      if (s.kind === 'decl') {
        for (const n of s.names)
          if (!this.introduced.has(n.name)) this.introduced.set(n.name, { span: n.span, kind: 'declared' });
        const t = s.type;
        const dims =
          t.kind === 'vector'
            ? [t.n]
            : t.kind === 'matrix'
              ? [t.rows, t.cols]
              : t.kind === 'index'
                ? [t.bound]
                : t.kind === 'structured'
                  ? [t.n]
                  : [];
        for (const d of dims) {
          if (typeof d.value === 'string' && !this.introduced.has(d.value))
            this.introduced.set(d.value, { span: d.span, kind: 'dimension' });
        }
      } else if (s.kind === 'def' && !this.introduced.has(s.name.name)) {
        this.introduced.set(s.name.name, { span: s.name.span, kind: 'defined' });
      }
    }
  }

  fail(message: string, span: Span, fix?: Fix): never {
    this.diagnostics.report(message, span, fix);
    throw new Reported();
  }

  private text(span: Span): string {
    return this.source.text.slice(span.start, span.end);
  }

  describeEntity(name: string): string {
    const e = this.names.get(name);
    switch (e?.kind) {
      case 'variable':
        return `a variable`;
      case 'definition':
      case 'poisoned':
        return `a definition`;
      case 'dim':
        return `a dimension`;
      default:
        return 'a name';
    }
  }

  /** A dimension in a type or a dimension argument: a positive integer or a name. */
  dimension(value: number | string, span: Span): Dim {
    if (typeof value === 'number') {
      const text = this.text(span);
      if (/^[0-9]+$/.test(text) && !Number.isSafeInteger(value))
        this.fail(`the dimension ${shortNumber(text)} is too large`, span);
      if (!/^[0-9]+$/.test(text) || value < 1)
        this.fail(`a dimension must be a positive integer, not ${shortNumber(text)}`, span);
      return value;
    }
    if (isReserved(value)) this.fail(`'${value}' is a reserved word and cannot name a dimension`, span);
    const existing = this.names.get(value);
    if (existing === undefined) {
      this.names.set(value, { kind: 'dim' });
      this.dims.push(value);
    } else if (existing.kind !== 'dim') {
      this.fail(`'${value}' is ${this.describeEntity(value)}, so it cannot also name a dimension`, span);
    }
    return value;
  }

  private declaredShape(type: TypeExpr): { kind: Variable['kind']; shape: Shape; bound?: Dim; structure?: Structure } {
    switch (type.kind) {
      case 'scalar':
        return { kind: 'scalar', shape: shape(1, 1) };
      case 'vector':
        return { kind: 'vector', shape: shape(this.dimension(type.n.value, type.n.span), 1) };
      case 'matrix':
        return {
          kind: 'matrix',
          shape: shape(
            this.dimension(type.rows.value, type.rows.span),
            this.dimension(type.cols.value, type.cols.span),
          ),
        };
      case 'index':
        return { kind: 'index', shape: shape(1, 1), bound: this.dimension(type.bound.value, type.bound.span) };
      case 'structured': {
        const extra = type.extra[0];
        if (extra !== undefined) {
          const last = type.extra[type.extra.length - 1]!;
          const what = type.structure === 'spd' ? 'a symmetric positive definite' : 'a symmetric';
          this.fail(
            `${type.structure}(n) takes one dimension: ${what} matrix is square, n x n` +
              (type.extra.length === 1 ? `; for a rectangular matrix write matrix(${type.n.text}, ${extra.text})` : ''),
            { start: type.n.span.end, end: last.span.end },
          );
        }
        const n = this.dimension(type.n.value, type.n.span);
        return { kind: 'matrix', shape: shape(n, n), structure: type.structure };
      }
      default: {
        const never: never = type;
        throw new Error(`internal: unknown type ${(never as TypeExpr).kind}`);
      }
    }
  }

  declare(s: Extract<Statement, { kind: 'decl' }>): void {
    let declared: ReturnType<Declarations['declaredShape']>;
    try {
      declared = this.declaredShape(s.type);
    } catch (e) {
      // The type was reported; its names exist, so later uses are not reported again.
      if (e instanceof Reported)
        for (const n of s.names) if (!this.names.has(n.name)) this.names.set(n.name, { kind: 'poisoned' });
      throw e;
    }
    for (const n of s.names) {
      if (isReserved(n.name)) {
        this.diagnostics.report(`'${n.name}' is a reserved word and cannot name a variable`, n.span);
        continue;
      }
      if (this.names.has(n.name) && this.names.get(n.name)!.kind !== 'poisoned') {
        this.diagnostics.report(`'${n.name}' is already ${this.describeEntity(n.name)}; choose another name`, n.span);
        continue;
      }
      this.graph.span = n.span;
      const node = this.graph.variable(n.name, declared.kind, declared.shape, declared.structure);
      const variable: Variable = {
        name: n.name,
        kind: declared.kind,
        shape: declared.shape,
        node,
        span: n.span,
        ...(declared.bound !== undefined ? { bound: declared.bound } : {}),
        ...(declared.structure !== undefined ? { structure: declared.structure } : {}),
      };
      this.variables.push(variable);
      this.names.set(n.name, { kind: 'variable', variable });
    }
  }
}
