/**
 * Where a function's values are kept: the locals of nodes and dimension sizes, the names of new
 * locals, and the arrays of buffers (new, scratch, or in `into` mode the caller's).
 */
import type { HelperName } from './helpers.js';
import type { Node } from '../ir/node.js';
import { dimFactors, type Dim } from '../ir/shape.js';
import { stagingBound } from './heap-kernels.js';
import { propertyAccess, str } from './names.js';
import type { HeapFrame, ScratchSlots } from './spec.js';

/** In `into` mode: the caller's array an output node is computed straight into. */
export interface IntoTarget {
  readonly key: string;
  readonly data: string;
  readonly matrix: boolean;
}

/**
 * The statement that opens a frame holding `frames`, by their reservations added up
 * (heap-kernels.ts), and returns `restart` (the function called again with its arguments) when
 * opening it detached the views of resident matrices that the inputs may hold.
 */
export function frameStatement(frames: readonly HeapFrame[], restart: string): string {
  const sizes = frames.flatMap((f) => f.scratch);
  const stagings = frames.flatMap((f) => f.staging);
  // Each array starts at an even place: one more double each at most.
  const scratch = sizes.length === 0 ? '0' : `${sizes.join(' + ')} + ${sizes.length}`;
  const staging =
    stagings.length === 0 ? '0' : stagings.length === 1 ? stagings[0]! : `Math.max(${stagings.join(', ')})`;
  return `if (frame$(${scratch}, ${staging})) return ${restart};`;
}

const SCRATCH_CALL = /(?<![\w$])scratch\$\(/g;

export class Storage {
  /** The local holding each node's value (or its array), by node id. */
  readonly locals = new Map<number, string>();
  /** The local holding each dimension's size, by name. */
  readonly dimLocals = new Map<string, string>();
  /** The Cholesky factor of each spd input, by node id: made by the input checks (src/codegen/inputs.ts). */
  readonly factors = new Map<number, string>();
  /** Helper functions the statements call. */
  readonly helpers = new Set<HelperName>();
  readonly intoTargets = new Map<number, IntoTarget>();
  private scalarCount = 0;
  private bufferCount = 0;
  /** The size of each scratch array the function takes, in order (the frame's arrays, heap-kernels.ts). */
  private readonly scratchSizes: string[] = [];
  /** The staging each matrix-matrix product may need (heap-kernels.ts: stagingBound). */
  private readonly stagings: string[] = [];

  /**
   * @param fn the exported function's name (for `into` messages)
   * @param nameExpr the function's name in messages, as a TypeScript expression
   */
  constructor(
    readonly fn: string,
    readonly nameExpr: string,
    private readonly scratch: ScratchSlots | undefined,
    private readonly outputs: ReadonlySet<number>,
  ) {}

  dim(d: Dim): string {
    if (typeof d === 'number') return String(d);
    const { coefficient, names } = dimFactors(d);
    // A product of dimensions (the entries of a matrix): the product of their locals.
    if (names.length > 1 || coefficient !== 1)
      return `(${[...(coefficient === 1 ? [] : [String(coefficient)]), ...names.map((x) => this.dim(x))].join(' * ')})`;
    const local = this.dimLocals.get(d);
    if (local === undefined) throw new Error(`internal: dimension ${d} is not bound`);
    return local;
  }

  rows(n: Node): string {
    return this.dim(n.shape.rows);
  }

  cols(n: Node): string {
    return this.dim(n.shape.cols);
  }

  size(n: Node): string {
    if (n.shape.cols === 1) return this.rows(n);
    if (n.shape.rows === 1) return this.cols(n);
    return `${this.rows(n)} * ${this.cols(n)}`;
  }

  fail(kind: 'RangeError' | 'TypeError', parts: readonly string[]): string {
    return `throw new ${kind}(${parts.join(' + ')});`;
  }

  /** The array (or number) holding `n`. */
  local(n: Node): string {
    const local = this.locals.get(n.id);
    if (local === undefined) throw new Error(`internal: ${n.op} node ${n.id} used before it is computed`);
    return local;
  }

  newScalar(n: Node): string {
    const name = `s$${this.scalarCount++}`;
    this.locals.set(n.id, name);
    return name;
  }

  newBuffer(n: Node): string {
    const name = this.newTemporary();
    this.locals.set(n.id, name);
    return name;
  }

  /** A name for an array that holds no node's value (an operand written out for a kernel). */
  newTemporary(): string {
    return `t$${this.bufferCount++}`;
  }

  /** A new array of `size` entries for `t`: from the scratch pool where there is one. */
  temporaryArray(t: string, size: string): string {
    return this.scratch === undefined ? `const ${t} = new Float64Array(${size});` : this.scratchArray(t, size);
  }

  /** Whether buffer `n` lives in a scratch array: a value that never leaves the function. */
  pooled(n: Node): boolean {
    return this.scratch !== undefined && !this.outputs.has(n.id) && !this.intoTargets.has(n.id);
  }

  /** Whether buffer `n` is an array that holds old values: a scratch array or the caller's. */
  reused(n: Node): boolean {
    return this.pooled(n) || this.intoTargets.has(n.id);
  }

  /** A scratch array of `size` entries for local `t`, holding whatever the last call left. */
  private scratchArray(t: string, size: string): string {
    this.helpers.add('scratch$');
    this.scratchSizes.push(size);
    return `const ${t} = scratch$(${this.scratch!.next++}, ${size});`;
  }

  /**
   * The statement that declares buffer `t` of `n`: a new array, a scratch array, or in `into`
   * mode the caller's, checked; the last two cleared unless the loops below assign every entry.
   */
  allocation(n: Node, t: string, assignsAll: boolean): string {
    // Outputs that are constant matrices or views still get a buffer of their own.
    const target = this.intoTargets.get(n.id);
    if (this.pooled(n))
      return [this.scratchArray(t, this.size(n)), ...(assignsAll ? [] : [`${t}.fill(0);`])].join('\n');
    if (target === undefined) return `const ${t} = new Float64Array(${this.size(n)});`;
    const field = `out${propertyAccess(target.key)}${target.matrix ? '.data' : ''}`;
    const parts = [
      str(`${this.fn}Into: ${field} has length `),
      `${t}.length`,
      str(' but must have length '),
      this.size(n),
    ];
    return [
      `const ${t} = out$ === undefined ? new Float64Array(${this.size(n)}) : ${target.data};`,
      `if (${t}.length !== ${this.size(n)}) ${this.fail('RangeError', parts)}`,
      ...(assignsAll ? [] : [`if (out$ !== undefined) ${t}.fill(0);`]),
    ].join('\n');
  }

  /** Notes a matrix-matrix product of the function, for the staging its frame reserves. */
  noteProduct(rows: string, inner: string, cols: string): void {
    this.stagings.push(stagingBound(rows, inner, cols));
  }

  /**
   * Inputs that two or more of the function's matrix-matrix products read (`X` in `W X` and in
   * `dZ Xᵀ`): each is copied once, before the first of those products, into a scratch array of
   * the function's frame (`copyIn$`, a view of the kernel's memory), and the products
   * read the copy, so the input enters the memory once a call instead of once a product.
   * `inputs` are the data locals of the function's matrix inputs; statements before `from` (the
   * input checks) are left alone.
   */
  shareInputCopies(statements: string[], inputs: ReadonlySet<string>, from: number): void {
    if (this.scratch === undefined || (!this.helpers.has('matMul$') && !this.helpers.has('matMulT$'))) return;
    // The two operands of a product call: its first and fourth arguments, when they are names.
    const call = /\b(matMulT?\$)\(([\p{L}\p{N}_$]+), ([^,()]+), ([^,()]+), ([\p{L}\p{N}_$]+), /gu;
    const reads = new Map<string, number[]>();
    for (let i = from; i < statements.length; i++)
      for (const m of statements[i]!.matchAll(call))
        for (const operand of new Set([m[2]!, m[5]!]))
          if (inputs.has(operand)) reads.set(operand, [...(reads.get(operand) ?? []), i]);
    const shared = new Map([...reads].filter(([, at]) => at.length > 1));
    const swap = (operand: string) => (shared.has(operand) ? `${operand}$w` : operand);
    for (const i of new Set([...shared.values()].flat()))
      statements[i] = statements[i]!.replace(
        call,
        (_, name: string, a: string, ars: string, acs: string, b: string) =>
          `${name}(${swap(a)}, ${ars}, ${acs}, ${swap(b)}, `,
      );
    // The copies go in before their first reader, the latest first so that earlier places hold.
    for (const [input, at] of [...shared].sort((x, y) => y[1][0]! - x[1][0]!)) {
      for (const h of ['copyIn$', 'scratch$'] as const) this.helpers.add(h);
      this.scratchSizes.push(`${input}.length`);
      statements.splice(at[0]!, 0, `const ${input}$w = copyIn$(${this.scratch.next++}, ${input});`);
    }
  }

  /**
   * Where the function's products run on the WebAssembly kernel: its scratch arrays become views
   * of the kernel's memory (heap-kernels.ts), in `statements` as emitted, and the returned
   * statement opens the frame they live in (before the first of them, once the dimensions are
   * bound). Undefined, and nothing changed, where no product can run there.
   */
  moveScratchToHeap(statements: string[]): HeapFrame | undefined {
    if (!this.helpers.has('matMul$') && !this.helpers.has('matMulT$')) return undefined;
    for (const h of ['frame$', 'wasm$', 'resident$'] as const) this.helpers.add(h);
    if (this.scratchSizes.length > 0) this.helpers.add('heap$');
    for (let i = 0; i < statements.length; i++) statements[i] = statements[i]!.replace(SCRATCH_CALL, 'heap$(');
    return { scratch: [...this.scratchSizes], staging: [...this.stagings] };
  }

  /** What clears buffer `t` of `n` before loops that accumulate: reused arrays hold old values. */
  clearing(n: Node, t: string): string[] {
    if (this.pooled(n)) return [`${t}.fill(0);`];
    return this.intoTargets.has(n.id) ? [`if (out$ !== undefined) ${t}.fill(0);`] : [];
  }
}
