/**
 * Vectors a function would compute twice: a column and a row that is its transpose, built
 * apart. The graph pushes a transpose down to the leaves ((Zᵀ v + uᵀ b)ᵀ is vᵀ Z + bᵀ u), so an
 * HVP that needs the tangent ṙ of a column r both as it is and transposed (in ḃ rᵀ + b ṙᵀ) holds
 * two nodes with the same numbers, each costing its own matrix-vector products. A row and a
 * column have the same layout in memory, so the later one can read the earlier one's array.
 *
 * Two values are twins when their canonical forms match: the form of each node with every
 * transpose pushed to the leaves, as the lowering entries describe them (a transposing view
 * swaps, an elementwise op keeps its arguments' order, a product reverses its factors). Anything
 * else is compared as itself, so a match is always an equality and never a guess.
 */
import type { Node } from '../ir/node.js';
import { isScalar } from '../ir/shape.js';
import { loweringOf } from './placement.js';

/**
 * Among `candidates` (stored vectors, in id order), each one whose numbers an earlier one holds,
 * mapped to that earlier one.
 */
export function transposeTwins(candidates: readonly Node[]): Map<number, Node> {
  const forms = new CanonicalForms();
  const first = new Map<string, Node>();
  const twins = new Map<number, Node>();
  for (const n of candidates) {
    if (isScalar(n.shape) || (n.shape.rows !== 1 && n.shape.cols !== 1)) continue;
    // A vector's numbers in order: its form as a column.
    const form = forms.of(n, n.shape.rows === 1);
    const earlier = first.get(form);
    if (earlier === undefined) first.set(form, n);
    else twins.set(n.id, earlier);
  }
  return twins;
}

class CanonicalForms {
  private readonly memo = new Map<string, string>();

  /** The canonical form of `n`, or of its transpose when `transposed`. */
  of(n: Node, transposed: boolean): string {
    // A 1 x 1 value is its own transpose.
    const t = transposed && !isScalar(n.shape);
    const key = `${n.id}${t ? 'T' : ''}`;
    let form = this.memo.get(key);
    if (form === undefined) {
      form = this.build(n, t);
      this.memo.set(key, form);
    }
    return form;
  }

  private build(n: Node, t: boolean): string {
    const lowering = loweringOf(n);
    const [a, b] = n.args;
    if (lowering.kind === 'structural' && lowering.transposes && a !== undefined && n.args.length === 1)
      return this.of(a, !t);
    if (lowering.kind === 'elementwise' && n.args.every((x) => isScalar(x.shape) || sameShape(x, n)))
      return `${n.op}${JSON.stringify(n.attrs)}(${n.args.map((x) => this.of(x, t)).join(',')})`;
    if (
      lowering.kind === 'buffer' &&
      lowering.product &&
      lowering.ownLoops?.(n) !== true &&
      a !== undefined &&
      b !== undefined &&
      n.args.length === 2 &&
      !isScalar(a.shape) &&
      !isScalar(b.shape)
    )
      // (A B)ᵀ = Bᵀ Aᵀ
      return t ? `*(${this.of(b, true)},${this.of(a, true)})` : `*(${this.of(a, false)},${this.of(b, false)})`;
    return `${t ? 'T' : ''}#${n.id}`;
  }
}

function sameShape(x: Node, n: Node): boolean {
  return x.shape.rows === n.shape.rows && x.shape.cols === n.shape.cols;
}
