/**
 * IR → the statements of one generated function: plain loops over Float64Array.
 *
 * Planning decides, per node, where its value lives:
 *  - `input`:  a variable, read straight from the caller's arrays;
 *  - `scalar`: a local number;
 *  - `buffer`: a Float64Array allocated once per call;
 *  - `inline`: no storage: an elementwise expression (or a transpose view, a constant
 *              matrix) evaluated inside the loop of the one consumer that reads it once per
 *              element. Chains of elementwise operations fuse into a single loop this way,
 *              and reductions and products absorb the elementwise expression that feeds them.
 * Emission then walks the nodes in topological order and writes each stored value's loop.
 * Dimension sizes are read from the inputs and checked first; code size never depends on them.
 */
import { reachable } from '../ir/walk.js';
import { bindInputs, checkOutFields } from './inputs.js';
import type { Model, Variable } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { isColumn, isRow, isScalar, sameShape, type Dim } from '../ir/shape.js';
import { UNARY } from '../ops/elementwise.js';
import { propertyAccess, propertyKey, quoteForString } from './names.js';

/** How a value crosses the module boundary. */
export type ValueKind = 'scalar' | 'vector' | 'matrix';

export interface FunctionOutput {
  /** The result's key (`value`, a wrt name), or undefined for a forward function's bare value. */
  readonly key: string | undefined;
  readonly node: Node;
  readonly kind: ValueKind;
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
}

export interface LoweredBlock {
  readonly statements: readonly string[];
  /** The block's value for later blocks: a number, or an array. */
  readonly value: string;
  /** The block's value as a fresh result to return (copied where it is not fresh). */
  readonly result: string;
  readonly helpers: ReadonlySet<string>;
}

export interface LoweredFunction {
  readonly name: string;
  /** Input fields: variables the outputs depend on (declaration order), then free dimensions. */
  readonly inputs: readonly { readonly key: string; readonly type: string }[];
  readonly statements: readonly string[];
  /** Helper functions the statements call. */
  readonly helpers: ReadonlySet<string>;
}

type Placement = 'input' | 'scalar' | 'buffer' | 'inline';

/** An element position inside a loop: its row and column, and its flat index when it has one. */
interface Index {
  readonly row: string;
  readonly col: string;
  readonly flat?: string;
}

const ELEMENTWISE = new Set(['add', 'mul', 'div', 'pow', 'unary']);

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


/** A number as TypeScript source. */
function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** `(a === b ? 1 : 0)`; folded when both are literals (TypeScript rejects comparing two literals). */
function indicator(a: string, b: string): string {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? (a === b ? '1' : '0') : `(${a} === ${b} ? 1 : 0)`;
}

/** A string literal for generated code (quotes, control and bidi characters escaped). */
export function str(text: string): string {
  return `"${quoteForString(text)}"`;
}

export function lowerFunction(model: Model, spec: FunctionSpec): LoweredFunction {
  return new FunctionLowering(model, spec).run();
}

export function lowerBlock(model: Model, block: BlockSpec): LoweredBlock {
  return new FunctionLowering(model, { name: '', outputs: [block.output] }, block).runBlock();
}

class FunctionLowering {
  private readonly nodes: Node[];
  private readonly uses = new Map<number, number>();
  private readonly consumers = new Map<number, Node[]>();
  private readonly placement = new Map<number, Placement>();
  private readonly locals = new Map<number, string>();
  private readonly outputs = new Set<number>();
  private readonly dimLocals = new Map<string, string>();
  private readonly variables: Variable[];
  private readonly statements: string[] = [];
  private readonly helpers = new Set<string>();
  private scalarCount = 0;
  private bufferCount = 0;
  /** In `into` mode: the caller's array each output node is computed straight into. */
  private readonly intoTargets = new Map<number, { key: string; data: string; matrix: boolean }>();

  /** The function's name in messages, as a TypeScript expression. */
  private readonly nameExpr: string;
  private readonly scratch: ScratchSlots | undefined;

  constructor(
    private readonly model: Model,
    private readonly spec: FunctionSpec,
    private readonly block?: BlockSpec,
  ) {
    this.nameExpr = block?.nameExpr ?? str(spec.name);
    this.scratch = spec.scratch ?? block?.scratch;
    this.nodes = block === undefined ? reachable(spec.outputs.map((o) => o.node)) : reachable([block.output.node], (n) => !block.locals.has(n.id));
    if (block !== undefined) {
      for (const [id, local] of block.locals) this.locals.set(id, local);
      for (const [d, local] of block.dims) this.dimLocals.set(d, local);
    }
    const ids = new Set(this.nodes.map((n) => n.id));
    this.variables = model.variables.filter((v) => ids.has(v.node.id));
    for (const o of spec.outputs) this.outputs.add(o.node.id);
    for (const n of this.nodes) {
      for (const a of n.args) {
        this.uses.set(a.id, (this.uses.get(a.id) ?? 0) + 1);
        const list = this.consumers.get(a.id) ?? [];
        list.push(n);
        this.consumers.set(a.id, list);
      }
    }
  }

  runBlock(): LoweredBlock {
    for (const n of this.nodes) this.placement.set(n.id, this.place(n));
    for (const n of this.nodes) this.emit(n);
    const output = this.spec.outputs[0]!;
    const n = output.node;
    const value = isScalar(n.shape) ? this.scalar(n) : this.locals.get(n.id)!;
    return { statements: this.statements, value, result: this.resultValue(output, new Set()), helpers: this.helpers };
  }

  run(): LoweredFunction {
    const inputs = this.bindInputs();
    for (const n of this.nodes) this.placement.set(n.id, this.place(n));
    if (this.spec.into === true) {
      for (const o of this.spec.outputs) {
        if (o.kind === 'scalar' || isScalar(o.node.shape) || this.intoTargets.has(o.node.id)) continue;
        if (this.placement.get(o.node.id) !== 'buffer') continue;
        const field = `out$${propertyAccess(o.key!)}`;
        this.intoTargets.set(o.node.id, { key: o.key!, data: o.kind === 'matrix' ? `${field}.data` : field, matrix: o.kind === 'matrix' });
      }
    }
    for (const n of this.nodes) this.emit(n);
    this.statements.push(this.returnStatement());
    return { name: this.spec.name, inputs, statements: this.statements, helpers: this.helpers };
  }

  // --------------------------------------------------------------- inputs

  private dim(d: Dim): string {
    if (typeof d === 'number') return String(d);
    const local = this.dimLocals.get(d);
    if (local === undefined) throw new Error(`internal: dimension ${d} is not bound`);
    return local;
  }

  private fail(kind: 'RangeError' | 'TypeError', parts: readonly string[]): string {
    return `throw new ${kind}(${parts.join(' + ')});`;
  }

  /** Reads every input, binds each dimension to the first size that determines it, checks the rest (src/codegen/inputs.ts). */
  private bindInputs(): { key: string; type: string }[] {
    const { statements, fields } = bindInputs({
      fn: this.spec.name,
      variables: this.variables,
      dims: this.usedDims(),
      locals: this.locals,
      dimLocals: this.dimLocals,
      helpers: this.helpers,
    });
    this.statements.push(...statements);
    if (this.spec.into === true) this.statements.push(...checkOutFields(`${this.spec.name}Into`, this.spec.outputs.map((o) => ({ key: o.key!, kind: o.kind })), this.helpers));
    return fields;
  }

  /** Symbolic dimensions the function needs, in a deterministic order. */
  private usedDims(): string[] {
    const dims = new Set<string>();
    const add = (d: Dim | undefined) => {
      if (typeof d === 'string') dims.add(d);
    };
    for (const v of this.variables) {
      add(v.shape.rows);
      add(v.shape.cols);
      add(v.bound);
    }
    for (const n of this.nodes) {
      add(n.shape.rows);
      add(n.shape.cols);
      if (n.op === 'dim') add(n.attrs.name);
    }
    const order = this.model.dims;
    return [...dims].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }

  // ------------------------------------------------------------- planning

  /** Whether `consumer` reads its argument `arg` once per element, in an order an inline expression can follow. */
  private readsOnce(consumer: Node, arg: Node): boolean {
    const position = consumer.args.indexOf(arg);
    switch (consumer.op) {
      case 'add':
      case 'mul':
      case 'div':
      case 'pow':
      case 'unary':
        return sameShape(arg.shape, consumer.shape);
      case 'transpose':
      case 'sum':
      case 'mean':
      case 'norm2':
      case 'tr':
      case 'diag':
      case 'diagpart':
      case 'index':
        return true;
      case 'matmul': {
        const [a, b] = consumer.args as [Node, Node];
        const s = consumer.shape;
        if (isScalar(s)) return true; // a dot product
        if (a.shape.cols === 1) return position === 0; // an outer product: the left entry once per row
        if (s.cols === 1) return position === 1 && a.op === 'transpose'; // k-outer loop over a transposed matrix
        if (s.rows === 1) return position === 0 && b.op !== 'transpose';
        return false;
      }
      default:
        return false;
    }
  }

  /** A matrix product whose only use is `s (A B)`: the scaling is folded into the product's loop. */
  private absorbedProduct(n: Node): boolean {
    if (n.op !== 'matmul' || isScalar(n.shape) || this.outputs.has(n.id) || this.uses.get(n.id) !== 1) return false;
    if (this.block?.locals.has(n.id) === true) return false;
    const consumer = (this.consumers.get(n.id) ?? [])[0];
    return consumer !== undefined && consumer.op === 'mul' && isScalar(consumer.args[0]!.shape) && consumer.args[1] === n;
  }

  private place(n: Node): Placement {
    if (n.op === 'var') return 'input';
    // A value the enclosing code computed already (a block's earlier definitions).
    if (this.block?.locals.has(n.id) === true) return isScalar(n.shape) ? 'inline' : 'input';
    if (n.op === 'const' || n.op === 'dim') return 'inline';
    if (isScalar(n.shape)) return 'scalar';
    if (this.outputs.has(n.id)) return 'buffer';
    if (n.op === 'fill' || n.op === 'eye' || n.op === 'onehot') return 'inline';
    if (n.op === 'transpose') {
      // A view of a stored value costs nothing to read, however often.
      const p = this.placement.get(n.args[0]!.id);
      if (p === 'input' || p === 'buffer') return 'inline';
    }
    if (this.absorbedProduct(n)) return 'inline';
    // The consumer of an absorbed product writes the product's loop into its own buffer.
    if (n.op === 'mul' && n.args[1] !== undefined && this.absorbedProduct(n.args[1])) return 'buffer';
    if (ELEMENTWISE.has(n.op) || n.op === 'transpose') {
      const consumers = this.consumers.get(n.id) ?? [];
      if (this.uses.get(n.id) === 1 && consumers.length === 1 && this.readsOnce(consumers[0]!, n)) return 'inline';
    }
    return 'buffer';
  }

  // ------------------------------------------------------------- access

  private rows(n: Node): string {
    return this.dim(n.shape.rows);
  }

  private cols(n: Node): string {
    return this.dim(n.shape.cols);
  }

  private size(n: Node): string {
    if (n.shape.cols === 1) return this.rows(n);
    if (n.shape.rows === 1) return this.cols(n);
    return `${this.rows(n)} * ${this.cols(n)}`;
  }

  /** The value of a scalar node as an expression. */
  private scalar(n: Node): string {
    switch (n.op) {
      case 'const':
        return num(n.attrs.value!);
      case 'dim':
        return this.dim(n.attrs.name!);
      case 'var': {
        const local = this.locals.get(n.id)!;
        const v = this.model.variables.find((x) => x.node.id === n.id)!;
        return v.kind === 'scalar' || v.kind === 'index' ? local : `${local}[0]`;
      }
      default: {
        const local = this.locals.get(n.id);
        if (local === undefined) throw new Error(`internal: scalar ${n.op} used before it is computed`);
        return local;
      }
    }
  }

  /** Element (row, col) of `n` as an expression, inside a loop that provides `at`. */
  private elem(n: Node, at: Index): string {
    if (isScalar(n.shape)) return this.scalar(n);
    const p = this.placement.get(n.id)!;
    if (p === 'input' || p === 'buffer') {
      const base = this.locals.get(n.id)!;
      return `${base}[${this.flatIndex(n, at)}]`;
    }
    switch (n.op) {
      case 'fill':
        return num(n.attrs.value!);
      case 'eye':
        return indicator(at.row, at.col);
      case 'onehot':
        return indicator(at.row, this.scalar(n.args[0]!));
      case 'transpose':
        return this.elem(n.args[0]!, { row: at.col, col: at.row });
      default:
        return this.elementwise(n, at);
    }
  }

  private flatIndex(n: Node, at: Index): string {
    if (n.shape.cols === 1) return at.flat ?? at.row;
    if (n.shape.rows === 1) return at.flat ?? at.col;
    const row = /^[\w$]+$/.test(at.row) ? at.row : `(${at.row})`;
    return at.flat ?? `${row} * ${this.cols(n)} + ${at.col}`;
  }

  /** The index of argument `a` of an elementwise node at `at`, following broadcasting. */
  private argIndex(a: Node, n: Node, at: Index): Index {
    if (sameShape(a.shape, n.shape)) return at;
    if (a.shape.cols === 1 && a.shape.rows === n.shape.rows) return { row: at.row, col: '0', flat: at.row };
    return { row: '0', col: at.col, flat: at.col };
  }

  private elementwise(n: Node, at: Index): string {
    const args = n.args.map((a) => this.elem(a, this.argIndex(a, n, at)));
    return this.scalarOp(n, args);
  }

  /** The scalar operation of an elementwise node applied to argument expressions. */
  private scalarOp(n: Node, args: readonly string[]): string {
    const [a, b] = args as [string, string];
    switch (n.op) {
      case 'add': {
        // a + (-b) reads better, and runs no slower, as a - b.
        const right = n.args[1]!;
        if (right.op === 'mul' && right.args[0]!.op === 'const' && right.args[0]!.attrs.value === -1 && b.startsWith('(-')) {
          return `(${a} - ${b.slice(2, -1)})`;
        }
        return `(${a} + ${b})`;
      }
      case 'mul':
        return n.args[0]!.op === 'const' && n.args[0]!.attrs.value === -1 ? `(-${b})` : `(${a} * ${b})`;
      case 'div':
        return `(${a} / ${b})`;
      case 'pow': {
        const exponent = n.args[1]!;
        if (exponent.op === 'const' && exponent.attrs.value === 2) {
          this.helpers.add('sq$');
          return `sq$(${a})`;
        }
        if (exponent.op === 'const' && exponent.attrs.value === 0.5) return `Math.sqrt(${a})`;
        return `Math.pow(${a}, ${b})`;
      }
      case 'unary': {
        const def = UNARY[n.attrs.fn!];
        for (const h of def.helpers ?? []) this.helpers.add(h);
        return def.ts(a);
      }
      default:
        throw new Error(`internal: ${n.op} is not elementwise (node ${n.id}, nodes ${this.nodes.map((x) => x.id).join(",")})`);
    }
  }

  /** Whether filling a matrix `n` (inline subtree) needs row and column indices, not just a flat one. */
  private needsRowCol(n: Node, top = true): boolean {
    if (isScalar(n.shape)) return false;
    const p = this.placement.get(n.id)!;
    if (!top && (p === 'input' || p === 'buffer')) return false;
    if (n.op === 'transpose' || n.op === 'eye' || n.op === 'onehot') return true;
    if (n.op === 'fill') return false;
    return n.args.some((a) => !isScalar(a.shape) && (!sameShape(a.shape, n.shape) || this.needsRowCol(a, false)));
  }

  /**
   * A loop over every element of `shapeOf`, calling `body` with the element's index.
   * Vectors and matrices read only by flat index get one flat loop.
   */
  private loop(shapeOf: Node, rowCol: boolean, body: (at: Index) => string[]): string[] {
    const s = shapeOf.shape;
    if (s.cols === 1) return [`for (let i = 0; i < ${this.rows(shapeOf)}; i++) {`, ...body({ row: 'i', col: '0', flat: 'i' }), '}'];
    if (s.rows === 1) return [`for (let j = 0; j < ${this.cols(shapeOf)}; j++) {`, ...body({ row: '0', col: 'j', flat: 'j' }), '}'];
    if (!rowCol) return [`for (let k = 0; k < ${this.size(shapeOf)}; k++) {`, ...body({ row: '', col: '', flat: 'k' }), '}'];
    const cols = this.cols(shapeOf);
    return [
      `for (let i = 0; i < ${this.rows(shapeOf)}; i++) {`,
      `for (let j = 0; j < ${cols}; j++) {`,
      ...body({ row: 'i', col: 'j', flat: `i * ${cols} + j` }),
      '}',
      '}',
    ];
  }

  // ------------------------------------------------------------- emission

  private newScalar(n: Node): string {
    const name = `s$${this.scalarCount++}`;
    this.locals.set(n.id, name);
    return name;
  }

  private newBuffer(n: Node): string {
    const name = `t$${this.bufferCount++}`;
    this.locals.set(n.id, name);
    return name;
  }

  private emit(n: Node): void {
    const p = this.placement.get(n.id)!;
    if (p === 'scalar') this.emitScalar(n);
    else if (p === 'buffer') this.emitBuffer(n);
  }

  private emitScalar(n: Node): void {
    const out = this.statements;
    switch (n.op) {
      case 'add':
      case 'mul':
      case 'div':
      case 'pow':
      case 'unary': {
        const args = n.args.map((a) => this.scalar(a));
        const expr = this.scalarOp(n, args);
        out.push(`const ${this.newScalar(n)} = ${expr};`);
        return;
      }
      case 'sum':
      case 'mean':
      case 'norm2': {
        const x = n.args[0]!;
        const acc = this.newScalar(n);
        out.push(`let ${acc} = 0;`);
        out.push(
          ...this.loop(x, this.needsRowCol(x), (at) => {
            const e = this.elem(x, at);
            return [n.op === 'norm2' ? `${acc} += sq$(${e});` : `${acc} += ${e};`];
          }),
        );
        if (n.op === 'norm2') {
          this.helpers.add('sq$');
          out.push(`${acc} = Math.sqrt(${acc});`);
        }
        if (n.op === 'mean') out.push(`${acc} /= ${this.size(x)};`);
        return;
      }
      case 'matmul': {
        // A dot product: a row times a column.
        const [a, b] = n.args as [Node, Node];
        const acc = this.newScalar(n);
        out.push(
          `let ${acc} = 0;`,
          '{',
          ...this.dotLoop('acc', this.dim(a.shape.cols), (k) => `${this.elem(a, { row: '0', col: k, flat: k })} * ${this.elem(b, { row: k, col: '0', flat: k })}`),
          `${acc} = acc;`,
          '}',
        );
        return;
      }
      case 'tr': {
        const m = n.args[0]!;
        const acc = this.newScalar(n);
        out.push(`let ${acc} = 0;`);
        out.push(`for (let i = 0; i < ${this.rows(m)}; i++) {`, `${acc} += ${this.elem(m, { row: 'i', col: 'i' })};`, '}');
        return;
      }
      case 'logsumexp': {
        const v = n.args[0]!;
        const acc = this.newScalar(n);
        const max = `${acc}$max`;
        out.push(`let ${max} = -Infinity;`);
        out.push(...this.loop(v, this.needsRowCol(v), (at) => [`const x = ${this.elem(v, at)};`, `if (x > ${max} || Number.isNaN(x)) ${max} = x;`]));
        out.push(`let ${acc} = ${max};`);
        // Shifting by the maximum keeps exp finite; infinite or NaN maxima pass through as IEEE says.
        out.push(`if (Number.isFinite(${max})) {`, `let sum = 0;`);
        out.push(...this.loop(v, this.needsRowCol(v), (at) => [`sum += Math.exp(${this.elem(v, at)} - ${max});`]));
        out.push(`${acc} = ${max} + Math.log(sum);`, '}');
        return;
      }
      case 'index': {
        const [target, i, j] = n.args as [Node, Node, Node | undefined];
        const s = target.shape;
        const checks: string[] = [];
        const checkIndex = (index: Node, extent: Dim, what: string) => {
          if (index.op === 'const' && typeof extent === 'string') {
            checks.push(
              `if (${num(index.attrs.value!)} >= ${this.dim(extent)}) ${this.fail('RangeError', [
                this.nameExpr,
                str(`: index ${index.attrs.value} is out of range for ${what}, which has ${extent} = `),
                this.dim(extent),
              ])}`,
            );
          }
        };
        let at: Index;
        if (j !== undefined) {
          checkIndex(i, s.rows, 'the rows');
          checkIndex(j, s.cols, 'the columns');
          at = { row: this.scalar(i), col: this.scalar(j) };
        } else if (s.cols === 1) {
          checkIndex(i, s.rows, 'a vector');
          at = { row: this.scalar(i), col: '0' };
        } else {
          checkIndex(i, s.cols, 'a vector');
          at = { row: '0', col: this.scalar(i) };
        }
        out.push(...checks);
        out.push(`const ${this.newScalar(n)} = ${this.elem(target, at)};`);
        return;
      }
      case 'onehot':
        out.push(`const ${this.newScalar(n)} = 1;`);
        return;
      default:
        throw new Error(`internal: no scalar lowering for ${n.op}`);
    }
  }

  /** Whether the loops that compute buffer `n` write every entry (else it must start at zero). */
  private assignsAll(n: Node): boolean {
    const absorbed = n.op === 'mul' && n.args[1] !== undefined && this.absorbedProduct(n.args[1]);
    // Products clear their array themselves, and only where their loops accumulate.
    return ELEMENTWISE.has(n.op) || absorbed || n.op === 'matmul' || n.op === 'transpose' || n.op === 'softmax' || n.op === 'diagpart' || n.op === 'fill';
  }

  /** Whether buffer `n` lives in a scratch array: a value that never leaves the function. */
  private pooled(n: Node): boolean {
    return this.scratch !== undefined && !this.outputs.has(n.id) && !this.intoTargets.has(n.id);
  }

  /** A scratch array of `size` entries for local `t`, holding whatever the last call left. */
  private scratchArray(t: string, size: string): string {
    this.helpers.add('scratch$');
    return `const ${t} = scratch$(${this.scratch!.next++}, ${size});`;
  }

  /**
   * The statement that declares buffer `t` of `n`: a new array, a scratch array, or in `into`
   * mode the caller's, checked; the last two cleared where the loops below accumulate.
   */
  private allocation(n: Node, t: string): string {
    // Outputs that are constant matrices or views still get a buffer of their own.
    const target = this.intoTargets.get(n.id);
    if (this.pooled(n)) return [this.scratchArray(t, this.size(n)), ...(this.assignsAll(n) ? [] : [`${t}.fill(0);`])].join('\n');
    if (target === undefined) return `const ${t} = new Float64Array(${this.size(n)});`;
    return [
      `const ${t} = out$ === undefined ? new Float64Array(${this.size(n)}) : ${target.data};`,
      `if (${t}.length !== ${this.size(n)}) ${this.fail('RangeError', [str(`${this.spec.name}Into: out${propertyAccess(target.key)}${target.matrix ? '.data' : ''} has length `), `${t}.length`, str(' but must have length '), this.size(n)])}`,
      ...(this.assignsAll(n) ? [] : [`if (out$ !== undefined) ${t}.fill(0);`]),
    ].join('\n');
  }

  private emitBuffer(n: Node): void {
    const out = this.statements;
    const t = this.newBuffer(n);
    const target = this.intoTargets.get(n.id);
    const alloc = this.allocation(n, t);
    switch (n.op) {
      case 'fill':
        if (target !== undefined || this.pooled(n)) out.push(alloc, `${t}.fill(${num(n.attrs.value!)});`);
        else out.push(n.attrs.value === 0 ? alloc : `const ${t} = new Float64Array(${this.size(n)}).fill(${num(n.attrs.value!)});`);
        return;
      case 'eye':
        out.push(alloc, `for (let i = 0; i < ${this.rows(n)}; i++) ${t}[i * ${this.cols(n)} + i] = 1;`);
        return;
      case 'onehot':
        out.push(alloc, `${t}[${this.scalar(n.args[0]!)}] = 1;`);
        return;
      case 'matmul':
        out.push(alloc, ...this.matmul(n, t, undefined, this.clearing(n, t)));
        return;
      case 'softmax':
        out.push(alloc, ...this.softmax(n, t));
        return;
      case 'diag': {
        const v = n.args[0]!;
        const size = this.rows(n);
        const at = isColumn(v.shape) ? { row: 'i', col: '0', flat: 'i' } : { row: '0', col: 'i', flat: 'i' };
        out.push(alloc, `for (let i = 0; i < ${size}; i++) ${t}[i * ${size} + i] = ${this.elem(v, at)};`);
        return;
      }
      case 'diagpart': {
        const m = n.args[0]!;
        out.push(alloc, `for (let i = 0; i < ${this.rows(n)}; i++) ${t}[i] = ${this.elem(m, { row: 'i', col: 'i' })};`);
        return;
      }
      case 'var':
      case 'const':
      case 'dim':
      case 'sum':
      case 'mean':
      case 'norm2':
      case 'logsumexp':
      case 'tr':
      case 'index':
        throw new Error(`internal: ${n.op} is never a buffer`);
      default: {
        const scaled = n.args[1];
        if (n.op === 'mul' && scaled !== undefined && this.absorbedProduct(scaled)) {
          out.push(alloc, ...this.matmul(scaled, t, this.scalar(n.args[0]!), this.clearing(n, t)));
          return;
        }
        // Elementwise chains and transposes: one fused loop.
        this.placement.set(n.id, 'inline');
        const rowCol = this.needsRowCol(n);
        const body = this.loop(n, rowCol, (at) => [`${t}[${this.flatIndex(n, at)}] = ${this.elem(n, at)};`]);
        this.placement.set(n.id, 'buffer');
        out.push(alloc, ...body);
      }
    }
  }

  /**
   * `let acc = Σ_k term(k)` over k < extent, with four partial sums: one running sum is bound
   * by the latency of floating-point addition; four independent ones keep the multiplier busy.
   */
  private dotLoop(acc: string, extent: string, term: (k: string) => string): string[] {
    return [
      `let ${acc}0 = 0, ${acc}1 = 0, ${acc}2 = 0, ${acc}3 = 0;`,
      'let k = 0;',
      `for (; k + 3 < ${extent}; k += 4) {`,
      `${acc}0 += ${term('k')};`,
      `${acc}1 += ${term('k + 1')};`,
      `${acc}2 += ${term('k + 2')};`,
      `${acc}3 += ${term('k + 3')};`,
      '}',
      `for (; k < ${extent}; k++) ${acc}0 += ${term('k')};`,
      `let ${acc} = ${acc}0 + ${acc}1 + (${acc}2 + ${acc}3);`,
    ];
  }

  /** The array holding vector `x` (a column or a row), when it is stored: an input, a buffer, or a transposed view of one. */
  private vectorData(x: Node): string | undefined {
    if (isScalar(x.shape) || (x.shape.rows !== 1 && x.shape.cols !== 1)) return undefined;
    const p = this.placement.get(x.id);
    if (p === 'input' || p === 'buffer') return this.locals.get(x.id);
    if (x.op === 'transpose' && p === 'inline') return this.vectorData(x.args[0]!);
    return undefined;
  }

  /** The row-major array holding matrix `m`, when it is stored. */
  private matrixData(m: Node): string | undefined {
    if (isScalar(m.shape)) return undefined;
    const p = this.placement.get(m.id);
    return p === 'input' || p === 'buffer' ? this.locals.get(m.id) : undefined;
  }

  /**
   * A matrix-vector product or outer product as a call of a kernel (codegen/kernels.ts), when
   * its matrix is stored; a vector computed inline (`b .* z2 .* (1 - z2)`) is first written to
   * a buffer of its own, which costs one pass over the vector against one over the matrix.
   * Undefined for matrix-matrix products and matrices computed inline (`eye(n)`).
   */
  private productKernel(n: Node, t: string, scale: string | undefined): string[] | undefined {
    const [a, b] = n.args as [Node, Node];
    const prelude: string[] = [];
    const vector = (x: Node): string | undefined => {
      const stored = this.vectorData(x);
      if (stored !== undefined || isScalar(x.shape) || (x.shape.rows !== 1 && x.shape.cols !== 1)) return stored;
      const name = `t$${this.bufferCount++}`;
      prelude.push(this.scratch === undefined ? `const ${name} = new Float64Array(${this.size(x)});` : this.scratchArray(name, this.size(x)), ...this.loop(x, false, (at) => [`${name}[${at.flat}] = ${this.elem(x, at)};`]));
      return name;
    };
    const call = (name: string, matrix: string | undefined, vectors: () => (string | undefined)[], rows: string, cols: string) => {
      if (matrix === undefined && name !== 'outer$') return undefined;
      const args = [...(matrix === undefined ? [] : [matrix]), ...vectors()];
      if (args.some((x) => x === undefined)) return undefined;
      this.helpers.add(name);
      return [...prelude, `${name}(${args.join(', ')}, ${rows}, ${cols}, ${scale ?? '1'}, ${t});`];
    };
    const inlineTranspose = (x: Node) => x.op === 'transpose' && this.placement.get(x.id) === 'inline';
    const r = this.rows(n);
    const c = this.cols(n);
    const inner = this.dim(a.shape.cols);
    if (a.shape.cols === 1) return call('outer$', undefined, () => [vector(a), vector(b)], r, c);
    if (n.shape.cols === 1) {
      // Aᵀ b reads A's rows; A b its rows too.
      if (inlineTranspose(a)) return call('matTVec$', this.matrixData(a.args[0]!), () => [vector(b)], inner, r);
      return call('matVec$', this.matrixData(a), () => [vector(b)], r, inner);
    }
    if (n.shape.rows === 1) {
      // aᵀ Bᵀ = (B a)ᵀ and aᵀ B = (Bᵀ a)ᵀ: a row has a column's layout.
      if (inlineTranspose(b)) return call('matVec$', this.matrixData(b.args[0]!), () => [vector(a)], c, inner);
      return call('matTVec$', this.matrixData(b), () => [vector(a)], inner, c);
    }
    return undefined;
  }

  /** What clears buffer `t` of `n` before loops that accumulate: reused arrays hold old values. */
  private clearing(n: Node, t: string): string[] {
    if (this.pooled(n)) return [`${t}.fill(0);`];
    return this.intoTargets.has(n.id) ? [`if (out$ !== undefined) ${t}.fill(0);`] : [];
  }

  /** C = A B into `t`, with the loop order that reads memory contiguously for the operands' layouts. */
  private matmul(n: Node, t: string, scale: string | undefined, clear: readonly string[]): string[] {
    const [a, b] = n.args as [Node, Node];
    const scaled = (e: string) => (scale === undefined ? e : `${scale} * ${e}`);
    const r = this.rows(n);
    const c = this.cols(n);
    const inner = this.dim(a.shape.cols);
    const A = (row: string, col: string) => this.elem(a, { row, col });
    const B = (row: string, col: string) => this.elem(b, { row, col });
    const kernel = this.productKernel(n, t, scale);
    if (kernel !== undefined) return kernel;
    // Below, what the kernels do not take: matrix-matrix products, and products with a matrix
    // computed where it is read (eye, ones, onehot), which are rare and get plain loops.
    if (a.shape.cols === 1) {
      // Outer product: each entry of the left vector once per row.
      return [`for (let i = 0; i < ${r}; i++) {`, `const ai = ${scaled(A('i', '0'))};`, `for (let j = 0; j < ${c}; j++) {`, `${t}[i * ${c} + j] = ai * ${B('0', 'j')};`, '}', '}'];
    }
    if (n.shape.cols === 1 && a.op !== 'transpose') {
      return [`for (let i = 0; i < ${r}; i++) {`, ...this.dotLoop('acc', inner, (k) => `${A('i', k)} * ${B(k, '0')}`), `${t}[i] = ${scaled('acc')};`, '}'];
    }
    if (n.shape.cols === 1 || (n.shape.rows === 1 && b.op !== 'transpose')) {
      // Aᵀ b, and aᵀ B: walk the stored matrix's rows, each scaled by its entry of the vector.
      const term = n.shape.cols === 1 ? (k: string, i: string) => `${A(i, k)} * bk` : (k: string, i: string) => `bk * ${B(k, i)}`;
      const vector = n.shape.cols === 1 ? (k: string) => B(k, '0') : (k: string) => A('0', k);
      const extent = n.shape.cols === 1 ? r : c;
      return [
        ...clear,
        `for (let k = 0; k < ${inner}; k++) {`,
        `const bk = ${scaled(vector('k'))};`,
        `for (let i = 0; i < ${extent}; i++) ${t}[i] += ${term('k', 'i')};`,
        '}',
      ];
    }
    if (b.op === 'transpose') {
      // A Bᵀ: dot products of rows.
      return [
        `for (let i = 0; i < ${r}; i++) {`,
        `for (let j = 0; j < ${c}; j++) {`,
        ...this.dotLoop('acc', inner, (k) => `${A('i', k)} * ${B(k, 'j')}`),
        `${t}[i * ${c} + j] = ${scaled('acc')};`,
        '}',
        '}',
      ];
    }
    return [
      ...clear,
      `for (let i = 0; i < ${r}; i++) {`,
      `for (let k = 0; k < ${inner}; k++) {`,
      `const aik = ${scaled(A('i', 'k'))};`,
      `for (let j = 0; j < ${c}; j++) {`,
      `${t}[i * ${c} + j] += aik * ${B('k', 'j')};`,
      '}',
      '}',
      '}',
    ];
  }

  /** Softmax of each column, shifted by the column's maximum so exp stays finite. */
  private softmax(n: Node, t: string): string[] {
    const x = n.args[0]!;
    const r = this.rows(n);
    const c = n.shape.cols === 1 ? '1' : this.cols(n);
    const X = (row: string, col: string) => this.elem(x, n.shape.cols === 1 ? { row, col: '0', flat: row } : { row, col });
    return [
      `for (let j = 0; j < ${c}; j++) {`,
      'let max = -Infinity;',
      `for (let i = 0; i < ${r}; i++) {`,
      `const v = ${X('i', 'j')};`,
      'if (v > max || Number.isNaN(v)) max = v;',
      '}',
      'let sum = 0;',
      `for (let i = 0; i < ${r}; i++) {`,
      `const e = Math.exp(${X('i', 'j')} - max);`,
      `${t}[i * ${c} + j] = e;`,
      'sum += e;',
      '}',
      `for (let i = 0; i < ${r}; i++) ${t}[i * ${c} + j] /= sum;`,
      '}',
    ];
  }

  // ------------------------------------------------------------- results

  /** A stored value as a fresh result: copies inputs and values already returned once. */
  private resultValue(o: FunctionOutput, returned: Set<string>): string {
    const n = o.node;
    if (o.kind === 'scalar') return isScalar(n.shape) ? this.scalar(n) : `${this.locals.get(n.id)!}[0]`;
    let data: string;
    if (isScalar(n.shape)) {
      data = `Float64Array.of(${this.scalar(n)})`;
    } else {
      const local = this.locals.get(n.id)!;
      data = this.placement.get(n.id) === 'input' || returned.has(local) ? `Float64Array.from(${local})` : local;
      returned.add(local);
    }
    if (o.kind === 'vector') return data;
    const rows = isScalar(n.shape) ? '1' : isRow(n.shape) ? '1' : this.rows(n);
    const cols = isScalar(n.shape) ? '1' : this.cols(n);
    return `{ rows: ${rows}, cols: ${cols}, data: ${data} }`;
  }

  /** `into` mode: a fresh result without `out$`; with it, results go into `out$`, copied where not computed in place. */
  private intoStatements(): string {
    const lines: string[] = [this.freshReturn().replace(/^return /, 'if (out$ === undefined) return ')];
    const filled = new Set<number>();
    for (const o of this.spec.outputs) {
      const n = o.node;
      const field = `out$${propertyAccess(o.key!)}`;
      if (o.kind === 'scalar') {
        lines.push(`${field} = ${isScalar(n.shape) ? this.scalar(n) : `${this.locals.get(n.id)!}[0]`};`);
        continue;
      }
      const data = o.kind === 'matrix' ? `${field}.data` : field;
      const target = this.intoTargets.get(n.id);
      if (target !== undefined && target.key === o.key && !filled.has(n.id)) {
        filled.add(n.id);
      } else {
        const size = isScalar(n.shape) ? '1' : this.size(n);
        lines.push(
          `if (${data}.length !== ${size}) ${this.fail('RangeError', [str(`${this.spec.name}Into: out${propertyAccess(o.key!)}${o.kind === 'matrix' ? '.data' : ''} has length `), `${data}.length`, str(' but must have length '), size])}`,
          isScalar(n.shape) ? `${data}[0] = ${this.scalar(n)};` : `${data}.set(${this.locals.get(n.id)!});`,
        );
      }
      if (o.kind === 'matrix') {
        lines.push(`${field}.rows = ${isScalar(n.shape) || isRow(n.shape) ? '1' : this.rows(n)};`, `${field}.cols = ${isScalar(n.shape) ? '1' : this.cols(n)};`);
      }
    }
    lines.push('return out$;');
    return lines.join('\n');
  }

  private returnStatement(): string {
    return this.spec.into === true ? this.intoStatements() : this.freshReturn();
  }

  private freshReturn(): string {
    const returned = new Set<string>();
    const outputs = this.spec.outputs;
    if (outputs.length === 1 && outputs[0]!.key === undefined) return `return ${this.resultValue(outputs[0]!, returned)};`;
    const fields = outputs.map((o) => `${propertyKey(o.key!)}: ${this.resultValue(o, returned)}`);
    return `return { ${fields.join(', ')} };`;
  }
}
