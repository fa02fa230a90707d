/** The syntax tree the parser builds. Every node has the span of the text it came from. */
import type { Span } from '../diagnostics/source.js';

export interface NameRef {
  readonly name: string;
  readonly span: Span;
}

export type BinaryOp = '+' | '-' | '*' | 'juxt' | '/' | '.*' | './' | 'kron' | '^' | '.^';

export type Expr =
  | { readonly kind: 'num'; readonly value: number; readonly text: string; readonly span: Span }
  | { readonly kind: 'name'; readonly name: string; readonly span: Span }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly opSpan: Span;
      readonly span: Span;
    }
  | { readonly kind: 'unary'; readonly op: '-' | '+'; readonly arg: Expr; readonly span: Span }
  | { readonly kind: 'transpose'; readonly arg: Expr; readonly span: Span }
  /** `v[i]`, `M[i, j]`, and the slices `M[i, :]`, `M[:, j]` (a `:` is a colon item). */
  | { readonly kind: 'index'; readonly target: Expr; readonly indices: readonly IndexItem[]; readonly span: Span }
  | {
      readonly kind: 'call';
      readonly callee: string;
      readonly calleeSpan: Span;
      readonly args: readonly Expr[];
      readonly span: Span;
    }
  /** `||a||`, `||a||_2` (p = 2) or `||a||_1` (p = 1). */
  | { readonly kind: 'norm'; readonly p: 1 | 2; readonly arg: Expr; readonly span: Span };

/** The `:` of a slice, `M[i, :]`: every row or every column. */
export interface Colon {
  readonly kind: 'colon';
  readonly span: Span;
}

/** An index: an expression, or `:`. */
export type IndexItem = Expr | Colon;

/** The expressions among indices (a `:` is none). */
export function indexExprs(items: readonly IndexItem[]): Expr[] {
  return items.filter((i): i is Expr => i.kind !== 'colon');
}

export interface DimExpr {
  readonly kind: 'dim';
  /** A positive integer literal, or a dimension name. */
  readonly value: number | string;
  readonly text: string;
  readonly span: Span;
}

export type TypeExpr =
  | { readonly kind: 'scalar'; readonly span: Span }
  | { readonly kind: 'vector'; readonly n: DimExpr; readonly span: Span }
  | { readonly kind: 'matrix'; readonly rows: DimExpr; readonly cols: DimExpr; readonly span: Span }
  | { readonly kind: 'index'; readonly bound: DimExpr; readonly span: Span }
  /**
   * `symmetric(n)` or `spd(n)`: an n x n matrix with that structure. `extra` holds any further
   * dimensions written (`symmetric(n, m)`), which the elaborator reports.
   */
  | {
      readonly kind: 'structured';
      readonly structure: Structure;
      readonly n: DimExpr;
      readonly extra: readonly DimExpr[];
      readonly span: Span;
    };

/** A structured square matrix: symmetric, or symmetric positive definite. */
export type Structure = 'symmetric' | 'spd';

export type Statement =
  | { readonly kind: 'decl'; readonly names: readonly NameRef[]; readonly type: TypeExpr; readonly span: Span }
  | { readonly kind: 'def'; readonly name: NameRef; readonly expr: Expr; readonly span: Span }
  | {
      readonly kind: 'request';
      readonly request: 'grad' | 'jacobian' | 'hessian' | 'hvp';
      readonly target: NameRef;
      readonly wrt: readonly NameRef[];
      readonly span: Span;
    };

export interface Program {
  readonly statements: readonly Statement[];
  /** Names that statements with syntax errors seemed to declare or define (to avoid cascading errors). */
  readonly brokenNames: readonly string[];
}
