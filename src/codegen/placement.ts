/**
 * Planning: where each node's value lives, decided from the op table's lowering entries.
 *  - `input`:  a variable (or a value the enclosing code computed), read straight from its array;
 *  - `scalar`: a local number;
 *  - `buffer`: a Float64Array of its own;
 *  - `inline`: no storage: an elementwise expression (or a view, a constant matrix) evaluated
 *              inside the loop of the one consumer that reads it once per element. Chains of
 *              elementwise operations fuse into a single loop this way, and reductions and
 *              products absorb the elementwise expression that feeds them.
 */
import type { Node } from '../ir/node.js';
import { dimNames, isScalar, sameShape } from '../ir/shape.js';
import { OPS } from '../ops/index.js';
import type { Lowering } from '../ops/lowering.js';

export type Placement = 'input' | 'scalar' | 'buffer' | 'inline';

/** The op table's lowering entry of `n`. */
export function loweringOf(n: Node): Lowering {
  return OPS[n.op].lower;
}

/** For the `never` branch of an exhaustive switch over lowering kinds. */
export function unreachable(x: never): never {
  throw new Error(`internal: unhandled lowering ${JSON.stringify(x)}`);
}

/**
 * Whether `n` is known without computing (a variable, a literal, a constant matrix): code reads
 * or recomputes it where it is needed rather than keeping it as a shared value.
 */
export function isLeafValue(n: Node): boolean {
  const kind = loweringOf(n).kind;
  return kind === 'leaf' || kind === 'constant';
}

/** Dimensions `n` reads: those of its shape, and those its value is (`dim`). */
export function dimensionsOf(n: Node): string[] {
  const dims: string[] = [];
  for (const d of [n.shape.rows, n.shape.cols]) dims.push(...dimNames(d));
  const lowering = loweringOf(n);
  if (lowering.kind === 'leaf') dims.push(...lowering.dimensions(n));
  return dims;
}

export class Plan {
  private readonly uses = new Map<number, number>();
  private readonly consumers = new Map<number, Node[]>();
  private readonly placement = new Map<number, Placement>();

  /**
   * @param nodes in topological order
   * @param outputs ids of the values the function returns (each stored in a buffer)
   * @param computed ids of values the enclosing code computed already
   */
  constructor(
    nodes: readonly Node[],
    private readonly outputs: ReadonlySet<number>,
    private readonly computed: ReadonlySet<number>,
  ) {
    for (const n of nodes) {
      for (const a of n.args) {
        this.uses.set(a.id, (this.uses.get(a.id) ?? 0) + 1);
        const list = this.consumers.get(a.id) ?? [];
        list.push(n);
        this.consumers.set(a.id, list);
      }
    }
    for (const n of nodes) this.placement.set(n.id, this.place(n));
  }

  placementOf(n: Node): Placement {
    const p = this.placement.get(n.id);
    if (p === undefined) throw new Error(`internal: ${n.op} node ${n.id} is not planned`);
    return p;
  }

  /** Whether `n` lives in an array: an input or a buffer. */
  isStored(n: Node): boolean {
    const p = this.placement.get(n.id);
    return p === 'input' || p === 'buffer';
  }

  /** Whether `n` is a transposing view computed where it is read. */
  isInlineTranspose(n: Node): boolean {
    return this.transposes(n) && this.placement.get(n.id) === 'inline';
  }

  /** Whether element (i, j) of `n` is element (j, i) of its argument. */
  transposes(n: Node): boolean {
    const lowering = loweringOf(n);
    return lowering.kind === 'structural' && lowering.transposes;
  }

  private place(n: Node): Placement {
    const lowering = loweringOf(n);
    if (lowering.kind === 'leaf' && lowering.value === 'input') return 'input';
    // A value the enclosing code computed already (a block's earlier definitions).
    if (this.computed.has(n.id)) return isScalar(n.shape) ? 'inline' : 'input';
    if (lowering.kind === 'leaf') return 'inline';
    if (isScalar(n.shape)) return 'scalar';
    if (this.outputs.has(n.id)) return 'buffer';
    switch (lowering.kind) {
      case 'constant':
        return 'inline';
      case 'structural':
        // A view of stored values costs nothing to read, however often.
        if (n.args.every((a) => this.readsFree(a))) return 'inline';
        return this.fuses(n) ? 'inline' : 'buffer';
      case 'elementwise':
        // The consumer of an absorbed product writes the product's loop into its own buffer.
        if (this.scalesAbsorbedProduct(n)) return 'buffer';
        return this.fuses(n) ? 'inline' : 'buffer';
      case 'buffer':
        return this.absorbedProduct(n) || this.computedWhereRead(n) ? 'inline' : 'buffer';
      case 'reduction':
      case 'index':
        return 'buffer'; // never reached: their values are scalars
    }
    return unreachable(lowering);
  }

  /** Whether reading an element of `n` costs no more than an array read or two: stored, a constant, a view of such. */
  private readsFree(n: Node): boolean {
    if (this.isStored(n)) return true;
    const lowering = loweringOf(n);
    if (lowering.kind === 'leaf' || lowering.kind === 'constant') return true;
    return (
      lowering.kind === 'structural' && this.placement.get(n.id) === 'inline' && n.args.every((a) => this.readsFree(a))
    );
  }

  /** Whether `n` is computed inside the loop of its one consumer. */
  private fuses(n: Node): boolean {
    const consumers = this.consumers.get(n.id) ?? [];
    return this.uses.get(n.id) === 1 && consumers.length === 1 && this.readsOnce(consumers[0]!, n);
  }

  /** Whether `consumer` reads its argument `arg` once per element, in an order an inline expression can follow. */
  private readsOnce(consumer: Node, arg: Node): boolean {
    const lowering = loweringOf(consumer);
    switch (lowering.kind) {
      case 'elementwise':
        return sameShape(arg.shape, consumer.shape);
      case 'structural':
        return lowering.readsOnce;
      case 'index':
        return true;
      case 'reduction':
        return lowering.readsOnce;
      case 'buffer':
        return lowering.readsOnce(consumer, consumer.args.indexOf(arg));
      case 'constant':
      case 'leaf':
        return false;
    }
    return unreachable(lowering);
  }

  /** A matrix product whose only use is `s (A B)`: the scaling is folded into the product's loop. */
  absorbedProduct(n: Node): boolean {
    const lowering = loweringOf(n);
    if (lowering.kind !== 'buffer' || !lowering.product || lowering.ownLoops?.(n) === true) return false;
    if (isScalar(n.shape) || this.outputs.has(n.id) || this.uses.get(n.id) !== 1 || this.computed.has(n.id))
      return false;
    const consumer = (this.consumers.get(n.id) ?? [])[0];
    if (consumer === undefined) return false;
    const scaling = loweringOf(consumer);
    return (
      scaling.kind === 'elementwise' && scaling.scales && isScalar(consumer.args[0]!.shape) && consumer.args[1] === n
    );
  }

  /**
   * A value its op computes entry by entry (an outer product), read once by an elementwise
   * consumer of its shape, from stored arguments or views of them (an inline argument would be
   * recomputed for every entry): computed in the consumer's loop, with no array of its own.
   */
  private computedWhereRead(n: Node): boolean {
    const lowering = loweringOf(n);
    if (lowering.kind !== 'buffer' || lowering.element?.applies(n) !== true || this.computed.has(n.id)) return false;
    const consumer = (this.consumers.get(n.id) ?? [])[0];
    return (
      consumer !== undefined &&
      loweringOf(consumer).kind === 'elementwise' &&
      this.fuses(n) &&
      n.args.every((a) => this.isStored(a) || (this.isInlineTranspose(a) && this.isStored(a.args[0]!)))
    );
  }

  /** Whether `n` is `s (A B)` with the product absorbed: its buffer is the product's. */
  scalesAbsorbedProduct(n: Node): boolean {
    const lowering = loweringOf(n);
    const scaled = n.args[1];
    return lowering.kind === 'elementwise' && lowering.scales && scaled !== undefined && this.absorbedProduct(scaled);
  }

  /** Whether filling a matrix `n` (inline subtree) needs row and column indices, not just a flat one. */
  needsRowCol(n: Node, top = true): boolean {
    if (isScalar(n.shape)) return false;
    if (!top && this.isStored(n)) return false;
    const lowering = loweringOf(n);
    // A view remaps indices; a constant matrix may depend on them; an outer product reads both.
    if (lowering.kind === 'structural') return true;
    if (lowering.kind === 'buffer') return true;
    if (lowering.kind === 'constant') return lowering.rowCol;
    return n.args.some((a) => !isScalar(a.shape) && (!sameShape(a.shape, n.shape) || this.needsRowCol(a, false)));
  }

  /** Whether the loops that compute buffer `n` write every entry (else it must start at zero). */
  assignsAll(n: Node): boolean {
    const lowering = loweringOf(n);
    switch (lowering.kind) {
      case 'elementwise': // one fused loop, or a product that clears its array itself where it accumulates
      case 'structural':
        return true;
      case 'constant':
      case 'buffer':
        return lowering.assignsAll;
      case 'leaf':
      case 'reduction':
      case 'index':
        return false;
    }
    return unreachable(lowering);
  }
}
