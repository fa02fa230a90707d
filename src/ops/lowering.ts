/**
 * How the code generator emits each op: the `lower` field of an op entry.
 *
 * An entry says what kind of loop its op is and supplies the op-specific pieces (a scalar
 * expression, a reduction's statements, a buffer's loops); src/codegen plans where values live,
 * fuses loops, and implements the `LowerContext` the pieces are written against. Data flows
 * from here to codegen only: nothing in src/ops imports src/codegen.
 */
import type { Node } from '../ir/node.js';
import type { Dim } from '../ir/shape.js';
import type { ElementwiseHelper } from './elementwise.js';

/**
 * The helper functions an op's lowering may call: the elementwise helpers (`HELPERS`,
 * src/ops/elementwise.ts); factorisations call their kernels through `ctx.factor`. The code
 * generator's helper registry (src/codegen/helpers.ts) must define every one, or it does not compile.
 */
export type OpHelper = ElementwiseHelper;

/** An element position inside a loop: its row and column, and its flat index when it has one. */
export interface Index {
  readonly row: string;
  readonly col: string;
  readonly flat?: string;
}

/** What the code generator offers an op's lowering. Every method returns TypeScript source. */
export interface LowerContext {
  /** The function name in error messages, as a TypeScript expression. */
  readonly nameExpr: string;
  /** Element `at` of `n`, inside a loop that provides the indices. */
  elem(n: Node, at: Index): string;
  /** The value of a scalar node. */
  scalar(n: Node): string;
  /** A dimension's size. */
  dim(d: Dim): string;
  rows(n: Node): string;
  cols(n: Node): string;
  /** The number of entries of `n`. */
  size(n: Node): string;
  /** A loop over every element of `over`: flat where nothing in it needs a row and a column. */
  loop(over: Node, body: (at: Index) => string[]): string[];
  /** `let acc = Σ_k term(k)` over k < extent, unrolled into four partial sums. */
  dotLoop(acc: string, extent: string, term: (k: string) => string): string[];
  /**
   * Whether the module computes in single precision (`--precision f32`): its arrays hold float32,
   * so a function may take a faster form accurate to float32 (the unary entry's `single`).
   */
  readonly single: boolean;
  /** Records that the emitted code calls a helper function (`OpHelper`): emitted once into the module. */
  useHelper(name: OpHelper): void;
  /** `throw new kind(parts joined by +);` */
  fail(kind: 'RangeError' | 'TypeError', parts: readonly string[]): string;
  /** A string literal for generated code. */
  quote(text: string): string;
  /** The statements of a matrix product `n` into array `into` (kernels where they apply, else loops). */
  product(n: Node, into: string): string[];
  /**
   * out = A B on the product kernels, for a stored matrix `a` (or a transposing view of one) and a
   * stored `b` read as a row-major `inner x cols` array (a reshaping costs nothing: (A ⊗ I_p) M is A
   * times M read as n x (p w)), from entry `offset`, written into `into` from entry `intoOffset`.
   * Undefined when an operand is not stored.
   */
  storedProduct(a: Node, b: Node, product: StoredProduct): string[] | undefined;
  /**
   * The factorisation of square matrix `m` (of its argument when `m` is a transpose), made once
   * per function: LU with partial pivoting, or Cholesky for a matrix declared spd (made by the
   * input checks). The first request's `statements` compute it (and throw a RangeError naming
   * the function and the matrix when it is singular); later requests get none.
   */
  factor(m: Node): Factorisation;
}

/** The operands' layout of `LowerContext.storedProduct`: A (rows(a) x inner) times b read as inner x cols. */
export interface StoredProduct {
  readonly inner: string;
  readonly cols: string;
  readonly into: string;
  /** Where b's entries start (default 0). */
  readonly offset?: string;
  /** Where the result's entries start in `into` (default 0). */
  readonly intoOffset?: string;
}

/**
 * A matrix's factorisation in generated code (kernels in src/codegen/lu.ts and cholesky.ts),
 * read through what it computes: an op's lowering never depends on which one it is.
 */
export interface Factorisation {
  /** Statements to emit before the others: empty when the matrix is factorised already. */
  readonly statements: readonly string[];
  /** The matrix's size. */
  readonly size: string;
  /** Statements solving X b' = b in place for the row-major array `b` with `cols` columns (Xᵀ for a transpose). */
  solve(b: string, cols: string): string[];
  /** Statements writing X⁻¹ (of the matrix asked for) into the n x n array `out`. */
  inverse(out: string): string[];
  /** Statements declaring `acc` as det X. */
  det(acc: string): string[];
  /** Statements declaring `acc` as log |det X|. */
  logAbsDet(acc: string): string[];
}

/** The array a buffer lowering fills. */
export interface BufferTarget {
  /** The array's local name. */
  readonly name: string;
  /** The statement that declares it (zeroed unless the lowering assigns every entry). */
  readonly allocation: string;
  /** Whether the array is reused (the caller's or a scratch array): it holds old values. */
  readonly reused: boolean;
}

/** Variables, constants and dimension sizes: their placement is special. */
export interface LeafLowering {
  readonly kind: 'leaf';
  /** `input`: read from the caller's arrays; else the value as an expression. */
  readonly value: 'input' | ((n: Node, ctx: LowerContext) => string);
  /** Dimensions the value reads beyond those of its shape (`dim` reads its own). */
  readonly dimensions: (n: Node) => readonly string[];
}

/** A scalar function of the arguments' elements at the same position (with broadcasting). */
export interface ElementwiseLowering {
  readonly kind: 'elementwise';
  /** The expression of one element, given the arguments' element expressions. */
  readonly scalar: (n: Node, args: readonly string[], ctx: LowerContext) => string;
  /** With a scalar first argument the op scales its second, which a matrix product folds into its loop. */
  readonly scales: boolean;
}

/** A scalar computed by loops over the argument: sums, norms, the trace. */
export interface ReductionLowering {
  readonly kind: 'reduction';
  /** Whether the statements read each element of the argument once, in loop order (an elementwise argument then fuses in). */
  readonly readsOnce: boolean;
  /** Statements that leave the result in a new local `acc`. */
  readonly emit: (n: Node, acc: string, ctx: LowerContext) => string[];
}

/**
 * A view of its arguments: each element reads one element of each argument (a transpose, vec, a
 * Kronecker product). Computed where it is read when its arguments are stored or cheap to read.
 */
export interface StructuralLowering {
  readonly kind: 'structural';
  readonly element: (n: Node, at: Index, ctx: LowerContext) => string;
  /** Element (i, j) reads the argument at (j, i): products walk the stored argument instead. */
  readonly transposes: boolean;
  /** Whether each element of an argument is read once over all the elements (not for A ⊗ B, which reads each many times). */
  readonly readsOnce: boolean;
}

/** A matrix known without reading arrays (ones, eye, onehot): computed where it is read. */
export interface ConstantLowering {
  readonly kind: 'constant';
  readonly element: (n: Node, at: Index, ctx: LowerContext) => string;
  /** The value when the matrix is 1 x 1. */
  readonly scalar: (n: Node, ctx: LowerContext) => string;
  /** Whether its elements depend on the row and the column (else one flat loop does). */
  readonly rowCol: boolean;
  /** Whether `buffer` writes every entry. */
  readonly assignsAll: boolean;
  /** Statements that declare and fill the array, when it must be stored (a result). */
  readonly buffer: (n: Node, target: BufferTarget, ctx: LowerContext) => string[];
}

/** A value computed into an array of its own by loops the entry writes (products, softmax, diag). */
export interface BufferLowering {
  readonly kind: 'buffer';
  /** Whether the loops read argument `position` once per element, in an order an inline expression can follow. */
  readonly readsOnce: (n: Node, position: number) => boolean;
  /** Whether `buffer` writes every entry. */
  readonly assignsAll: boolean;
  /** A product: the buffer comes from the context's product service, which folds in a scaling (`s (A B)`). */
  readonly product: boolean;
  /** For a product: whether this one is computed by `buffer`'s own loops instead (a Kronecker-structured factor). */
  readonly ownLoops?: (n: Node) => boolean;
  /** Statements that declare and fill the array. */
  readonly buffer: (n: Node, target: BufferTarget, ctx: LowerContext) => string[];
  /** Statements that leave a 1 x 1 result in a new local `acc`, for ops that can produce one. */
  readonly scalar?: (n: Node, acc: string, ctx: LowerContext) => string[];
  /**
   * For values cheap to compute entry by entry from stored arguments (an outer product u vᵀ:
   * u[i] v[j]): element `at` as an expression. The planner then computes the value inside the
   * loop of its one elementwise consumer instead of filling an array (HVP blocks are sums of
   * outer products, δ̇ hᵀ + δ ḣᵀ: one pass over the result instead of three).
   */
  readonly element?: {
    /** Whether `n` can be read this way. */
    readonly applies: (n: Node) => boolean;
    readonly read: (n: Node, at: Index, ctx: LowerContext) => string;
  };
}

/** One entry of a matrix or vector, by index values (checked against the extent where constant). */
export interface IndexLowering {
  readonly kind: 'index';
  /** Statements that declare `local` as the entry. */
  readonly emit: (n: Node, local: string, ctx: LowerContext) => string[];
}

export type Lowering =
  | LeafLowering
  | ElementwiseLowering
  | ReductionLowering
  | StructuralLowering
  | ConstantLowering
  | BufferLowering
  | IndexLowering;

/** A number as TypeScript source. */
export function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** `(a === b ? 1 : 0)`; folded when both are literals (TypeScript rejects comparing two literals). */
export function indicator(a: string, b: string): string {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? (a === b ? '1' : '0') : `(${a} === ${b} ? 1 : 0)`;
}

/** A reduction that folds every element of its argument into one accumulator, starting at 0. */
export function fold(
  step: (acc: string, element: string, ctx: LowerContext) => string,
  finish: (acc: string, n: Node, ctx: LowerContext) => string[] = () => [],
): ReductionLowering {
  return {
    kind: 'reduction',
    readsOnce: true,
    emit: (n, acc, ctx) => {
      const x = n.args[0]!;
      return [`let ${acc} = 0;`, ...ctx.loop(x, (at) => [step(acc, ctx.elem(x, at), ctx)]), ...finish(acc, n, ctx)];
    },
  };
}
