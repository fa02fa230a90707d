/** What a caller asks the lowering for (a function, or a block of the shared forward pass), and how values cross the module boundary. */
import type { HelperName } from './helpers.js';
import type { Variable } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { isScalar } from '../ir/shape.js';
import type { Precision } from './precision.js';

/** How a value crosses the module boundary. */
export type ValueKind = 'scalar' | 'vector' | 'matrix';

export function valueKindOfShape(n: Node): ValueKind {
  if (isScalar(n.shape)) return 'scalar';
  return n.shape.cols === 1 ? 'vector' : 'matrix';
}

export function valueKindOfVariable(v: Variable): ValueKind {
  return v.kind === 'index' ? 'scalar' : v.kind;
}

export function typeOfKind(kind: ValueKind): string {
  return kind === 'scalar' ? 'number' : kind === 'vector' ? 'Float64Array' : 'Matrix';
}

export interface FunctionOutput {
  /** The result's key (`value`, a wrt name), or undefined for a forward function's bare value. */
  readonly key: string | undefined;
  readonly node: Node;
  readonly kind: ValueKind;
  /** A gradient (or HVP) with respect to a symmetric matrix: returned exactly symmetric. */
  readonly symmetric?: boolean;
}

export interface FunctionSpec {
  /** The exported name, used in error messages too. */
  readonly name: string;
  readonly outputs: readonly FunctionOutput[];
  /**
   * The function takes a second argument `out$` (the result type, or undefined): when given,
   * results are written into it instead of allocated: arrays are filled in place (their
   * lengths checked), numbers assigned.
   */
  readonly into?: boolean;
  /** Slots of the module's scratch arrays (see ScratchSlots); without it, every buffer is allocated per call. */
  readonly scratch?: ScratchSlots;
  /** The module's number format: f32 rounds scalar results to single precision (default f64). */
  readonly precision?: Precision;
  /**
   * Results whose size is checked once the dimensions are known, before anything is computed:
   * over `limit` entries the function throws a RangeError with `message` (text before the sizes)
   * and `advice` (after them). Jacobian and Hessian blocks (README, "Generated modules").
   */
  readonly sizeLimits?: readonly {
    readonly node: Node;
    readonly message: string;
    readonly advice: string;
    readonly limit: number;
  }[];
}

/**
 * The module-wide numbering of scratch arrays (the `scratch$` kernel): values that never leave
 * a function (neither results nor definition values) live in arrays kept between calls, one
 * slot each, so a call allocates only its results. Slots are distinct across the module, so
 * functions called in turn do not trade arrays of different sizes.
 */
export interface ScratchSlots {
  next: number;
}

/**
 * A piece of a larger function (the shared forward pass): variables, dimensions and some
 * values are already in locals of the enclosing code.
 */
export interface BlockSpec {
  /** A TypeScript expression for the function name in error messages. */
  readonly nameExpr: string;
  readonly output: FunctionOutput;
  /** Locals of variables and of values computed earlier (definitions), by node id. */
  readonly locals: ReadonlyMap<number, string>;
  readonly scratch?: ScratchSlots;
  /** Locals of dimension sizes, by dimension name. */
  readonly dims: ReadonlyMap<string, string>;
  /** Locals of the Cholesky factors of spd inputs, by node id. */
  readonly factors?: ReadonlyMap<number, string>;
  /** The module's number format (FunctionSpec.precision). */
  readonly precision?: Precision;
}

/** What the frame of a function (or of a block of the forward pass) reserves, as expressions (heap-kernels.ts). */
export interface HeapFrame {
  /** The size of each scratch array, in doubles. */
  readonly scratch: readonly string[];
  /** The staging each product may need: the frame reserves the largest. */
  readonly staging: readonly string[];
}

export interface LoweredBlock {
  readonly statements: readonly string[];
  /** The block's value for later blocks: a number, or an array. */
  readonly value: string;
  /** The block's value as a fresh result to return (copied where it is not fresh). */
  readonly result: string;
  readonly helpers: ReadonlySet<HelperName>;
  /** Where the block's products run on WebAssembly: what the enclosing function's frame must hold for it (storage.ts). */
  readonly frame?: HeapFrame;
}

export interface LoweredFunction {
  readonly name: string;
  /** Input fields: variables the outputs depend on (declaration order), then free dimensions. */
  readonly inputs: readonly { readonly key: string; readonly type: string }[];
  readonly statements: readonly string[];
  /** How many of the statements read and check the inputs (and `out`), before anything is computed. */
  readonly prologue: number;
  /** Helper functions the statements call. */
  readonly helpers: ReadonlySet<HelperName>;
}
