/**
 * The order a function's nodes are emitted in: by node id (a topological order), except that
 * two nodes with the same sibling key — two matrix-vector products reading the same matrix —
 * are emitted next to each other where neither needs the other, so that one kernel call computes
 * both in one pass over the matrix (products.ts). In a Hessian-vector product these are the
 * forward pass's W h and its tangent's W ḣ, and the backward pass's Wᵀ δ and Wᵀ δ̇: without the
 * pairing, the whole forward pass comes before its tangent and each reads W once more.
 *
 * Without siblings the order is exactly the ids' order, so code without them is unchanged.
 */
import type { Node } from '../ir/node.js';

export interface Schedule {
  /** The nodes in the order they are emitted. */
  readonly order: readonly Node[];
  /** Each paired node's partner, both ways, by id: the two are adjacent in `order`. */
  readonly partners: ReadonlyMap<number, Node>;
}

/**
 * Schedules `nodes` (sorted by id, which is topological), pairing nodes of equal `siblingKey`:
 * in id order, each with the next of its key that does not depend on it. `after` names what a
 * node must follow besides its arguments (each of lower id than it).
 */
export function schedule(
  nodes: readonly Node[],
  siblingKey: (n: Node) => string | undefined,
  after: (n: Node) => readonly Node[] = () => [],
): Schedule {
  const wanted = proposePairs(nodes, siblingKey);
  if (wanted.size === 0) return { order: nodes, partners: wanted };
  return listSchedule(nodes, wanted, after);
}

function proposePairs(nodes: readonly Node[], siblingKey: (n: Node) => string | undefined): Map<number, Node> {
  const partners = new Map<number, Node>();
  const open = new Map<string, Node>();
  for (const n of nodes) {
    const key = siblingKey(n);
    if (key === undefined) continue;
    const first = open.get(key);
    if (first !== undefined && !dependsOn(n, first)) {
      partners.set(first.id, n);
      partners.set(n.id, first);
      open.delete(key);
    } else {
      open.set(key, n);
    }
  }
  return partners;
}

/** Whether `later` reads `earlier`, directly or through other nodes (ids grow along every path). */
function dependsOn(later: Node, earlier: Node): boolean {
  const seen = new Set<number>();
  const stack = [later];
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const a of n.args) {
      if (a.id === earlier.id) return true;
      if (a.id > earlier.id && !seen.has(a.id)) {
        seen.add(a.id);
        stack.push(a);
      }
    }
  }
  return false;
}

/**
 * List scheduling: the ready node of least id comes next, but a paired node waits until its
 * partner is ready too. If only waiting nodes are left (two pairs that need each other's
 * members), the waiting node of least id goes alone and its pair is given up.
 */
function listSchedule(
  nodes: readonly Node[],
  wanted: Map<number, Node>,
  after: (n: Node) => readonly Node[],
): Schedule {
  const present = new Set(nodes.map((n) => n.id));
  const pending = new Map<number, number>();
  const consumers = new Map<number, Node[]>();
  for (const n of nodes) {
    const args = new Set([...n.args, ...after(n)].filter((a) => present.has(a.id)).map((a) => a.id));
    pending.set(n.id, args.size);
    for (const a of args) consumers.set(a, [...(consumers.get(a) ?? []), n]);
  }
  const ready = new MinHeap();
  for (const n of nodes) if (pending.get(n.id) === 0) ready.push(n);
  const order: Node[] = [];
  const partners = new Map<number, Node>();
  const waiting = new Map<number, Node>();
  const emit = (n: Node) => {
    order.push(n);
    for (const c of consumers.get(n.id) ?? []) {
      const left = pending.get(c.id)! - 1;
      pending.set(c.id, left);
      if (left === 0) ready.push(c);
    }
  };
  while (order.length < nodes.length) {
    const n = ready.pop();
    if (n === undefined) {
      const [first] = [...waiting.values()].sort((a, b) => a.id - b.id);
      if (first === undefined) throw new Error('internal: the nodes of a function form a cycle');
      waiting.delete(first.id);
      wanted.delete(wanted.get(first.id)!.id);
      wanted.delete(first.id);
      emit(first);
      continue;
    }
    const partner = wanted.get(n.id);
    if (partner === undefined) {
      emit(n);
    } else if (waiting.has(partner.id)) {
      waiting.delete(partner.id);
      const [a, b] = partner.id < n.id ? [partner, n] : [n, partner];
      partners.set(a.id, b);
      partners.set(b.id, a);
      emit(a);
      emit(b);
    } else {
      waiting.set(n.id, n);
    }
  }
  return { order, partners };
}

/** Nodes by least id first. */
class MinHeap {
  private readonly items: Node[] = [];

  push(n: Node): void {
    const items = this.items;
    items.push(n);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.id <= n.id) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = n;
  }

  pop(): Node | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]!.id < items[left]!.id ? right : left;
      if (items[child]!.id >= last.id) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
