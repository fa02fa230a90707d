/**
 * Matrix products: the service the matmul entry's lowering calls. Matrix-vector and outer
 * products of stored operands become calls of the kernels modules share (kernels.ts); the rest
 * get loops in the order that reads memory contiguously for the operands' layouts.
 */
import type { Node } from '../ir/node.js';
import { isScalar, type Dim } from '../ir/shape.js';
import type { StoredProduct } from '../ops/lowering.js';
import type { Access } from './access.js';
import { MATRIX_KERNEL_NEEDS, type MATRIX_KERNELS } from './matrix-kernels.js';
import { loweringOf, type Plan } from './placement.js';
import type { Storage } from './storage.js';

/** A matrix-vector product through a kernel, in terms of nodes. */
interface VectorProduct {
  readonly kernel: 'matVec$' | 'matTVec$';
  /** The stored matrix the kernel reads (row-major). */
  readonly matrix: Node;
  readonly vector: Node;
  /** The stored matrix's rows and columns. */
  readonly rows: Dim;
  readonly cols: Dim;
}

/** The arguments of a kernel call for a matrix-vector product. */
interface KernelCall {
  readonly kernel: 'matVec$' | 'matTVec$';
  readonly matrix: string;
  readonly vector: string;
  readonly rows: string;
  readonly cols: string;
  readonly scale: string;
  readonly out: string;
}

export class Products {
  /** Each paired product's partner, by matrix-product node id (pair). */
  private readonly partners = new Map<number, number>();
  /** The first product of a pair, emitted when its partner is, by node id. */
  private readonly waiting = new Map<number, KernelCall>();

  constructor(
    private readonly access: Access,
    private readonly plan: Plan,
    private readonly storage: Storage,
  ) {}

  /** The array holding vector `x` (a column or a row), when it is stored: an input, a buffer, or a transposed view of one. */
  private vectorData(x: Node): string | undefined {
    if (isScalar(x.shape) || (x.shape.rows !== 1 && x.shape.cols !== 1)) return undefined;
    if (this.plan.isStored(x)) return this.storage.locals.get(x.id);
    if (this.plan.isInlineTranspose(x)) return this.vectorData(x.args[0]!);
    return undefined;
  }

  /** The row-major array holding matrix `m`, when it is stored. */
  private matrixData(m: Node): string | undefined {
    if (isScalar(m.shape)) return undefined;
    return this.plan.isStored(m) ? this.storage.locals.get(m.id) : undefined;
  }

  /**
   * Which kernel computes matrix-vector product `n`, on which stored matrix (the argument a
   * transposing view reads) and which vector, when it is one: A b, Aᵀ b, aᵀ B = (Bᵀ a)ᵀ and
   * aᵀ Bᵀ = (B a)ᵀ (a row has a column's layout). Undefined for outer and matrix-matrix products.
   */
  private vectorProduct(n: Node): VectorProduct | undefined {
    const [a, b] = n.args as [Node, Node];
    if (isScalar(n.shape) || isScalar(a.shape) || isScalar(b.shape) || a.shape.cols === 1) return undefined;
    const product = (kernel: VectorProduct['kernel'], matrix: Node, vector: Node, rows: Dim, cols: Dim) =>
      this.plan.isStored(matrix) ? { kernel, matrix, vector, rows, cols } : undefined;
    const inner = a.shape.cols;
    if (n.shape.cols === 1) {
      // Aᵀ b reads A's rows; A b its rows too.
      if (this.plan.isInlineTranspose(a)) return product('matTVec$', a.args[0]!, b, inner, n.shape.rows);
      return product('matVec$', a, b, n.shape.rows, inner);
    }
    if (n.shape.rows === 1) {
      if (this.plan.isInlineTranspose(b)) return product('matVec$', b.args[0]!, a, n.shape.cols, inner);
      return product('matTVec$', b, a, inner, n.shape.cols);
    }
    return undefined;
  }

  /** The matrix product emitting `n` computes: `n` itself, or the product a scaling absorbs. */
  private emittedProduct(n: Node): Node | undefined {
    if (this.plan.placementOf(n) !== 'buffer') return undefined;
    if (this.plan.scalesAbsorbedProduct(n)) return n.args[1]!;
    const lowering = loweringOf(n);
    return lowering.kind === 'buffer' && lowering.product && lowering.ownLoops?.(n) !== true ? n : undefined;
  }

  /**
   * What emitting `n` shares with emitting another node when it is a matrix-vector product
   * through a kernel: the kernel and the matrix it reads (schedule.ts pairs such nodes).
   */
  siblingKey(n: Node): string | undefined {
    const product = this.emittedProduct(n);
    const v = product === undefined ? undefined : this.vectorProduct(product);
    return v === undefined ? undefined : `${v.kernel} ${v.matrix.id}`;
  }

  /** Pairs of emitted nodes (schedule.ts) whose products one kernel call computes, the first waiting for the second. */
  pair(partners: ReadonlyMap<number, Node>): void {
    const productOf = (n: Node) => {
      const product = this.emittedProduct(n);
      if (product === undefined) throw new Error(`internal: node ${n.id} is paired but emits no product`);
      return product;
    };
    for (const n of partners.values()) this.partners.set(productOf(n).id, productOf(partners.get(n.id)!).id);
  }

  /**
   * A matrix-vector product or outer product as a call of a kernel (codegen/kernels.ts), when
   * its matrix is stored; a vector computed inline (`b .* z2 .* (1 - z2)`) is first written to
   * a buffer of its own, which costs one pass over the vector against one over the matrix.
   * The first of two paired products (same kernel, same matrix) emits nothing; the second calls
   * the kernel's two-vector form for both. Undefined for matrix-matrix products and matrices
   * computed inline (`eye(n)`).
   */
  private productKernel(n: Node, t: string, scale: string | undefined): string[] | undefined {
    const [a, b] = n.args as [Node, Node];
    const prelude: string[] = [];
    const vector = (x: Node): string => {
      const stored = this.vectorData(x);
      if (stored !== undefined) return stored;
      const name = this.storage.newTemporary();
      prelude.push(
        this.storage.temporaryArray(name, this.storage.size(x)),
        ...this.access.loopWith(x, false, (at) => [`${name}[${at.flat}] = ${this.access.elem(x, at)};`]),
      );
      return name;
    };
    if (a.shape.cols === 1 && !isScalar(a.shape) && !isScalar(b.shape)) {
      this.storage.helpers.add('outer$');
      const [u, v] = [vector(a), vector(b)];
      return [
        ...prelude,
        `outer$(${u}, ${v}, ${this.storage.rows(n)}, ${this.storage.cols(n)}, ${scale ?? '1'}, ${t});`,
      ];
    }
    const product = this.vectorProduct(n);
    if (product === undefined) return undefined;
    const call: KernelCall = {
      kernel: product.kernel,
      matrix: this.storage.local(product.matrix),
      vector: vector(product.vector),
      rows: this.storage.dim(product.rows),
      cols: this.storage.dim(product.cols),
      scale: scale ?? '1',
      out: t,
    };
    const partner = this.partners.get(n.id);
    if (partner === undefined) {
      this.storage.helpers.add(call.kernel);
      return [
        ...prelude,
        `${call.kernel}(${call.matrix}, ${call.vector}, ${call.rows}, ${call.cols}, ${call.scale}, ${t});`,
      ];
    }
    const first = this.waiting.get(partner);
    if (first === undefined) {
      this.waiting.set(n.id, call);
      return prelude;
    }
    this.waiting.delete(partner);
    if (
      first.kernel !== call.kernel ||
      first.matrix !== call.matrix ||
      first.rows !== call.rows ||
      first.cols !== call.cols
    )
      throw new Error(`internal: paired products ${partner} and ${n.id} read different matrices`);
    const kernel = call.kernel === 'matVec$' ? 'matVec2$' : 'matTVec2$';
    this.storage.helpers.add(kernel);
    return [
      ...prelude,
      `${kernel}(${call.matrix}, ${first.vector}, ${call.vector}, ${call.rows}, ${call.cols}, ${first.scale}, ${call.scale}, ${first.out}, ${call.out});`,
    ];
  }

  /**
   * A matrix-matrix product of stored operands (or transposing views of them) as a call of
   * `matMul$` (A B, Aᵀ B) or `matMulT$` (A Bᵀ, Aᵀ Bᵀ) of matrix-kernels.ts: A is read through
   * strides, so its transpose costs nothing. Undefined when an operand is computed where it is
   * read (`eye(n)`, `ones(m, n)`).
   */
  private matrixKernel(n: Node, t: string, scale: string | undefined): string[] | undefined {
    const [a, b] = n.args as [Node, Node];
    if (isScalar(a.shape) || isScalar(b.shape) || a.shape.cols === 1 || n.shape.rows === 1 || n.shape.cols === 1)
      return undefined;
    const r = this.storage.rows(n);
    const c = this.storage.cols(n);
    const inner = this.storage.dim(a.shape.cols);
    const aTransposed = this.plan.isInlineTranspose(a);
    const bTransposed = this.plan.isInlineTranspose(b);
    const aData = this.matrixData(aTransposed ? a.args[0]! : a);
    const bData = this.matrixData(bTransposed ? b.args[0]! : b);
    if (aData === undefined || bData === undefined) return undefined;
    // Element (i, p) of A at i * ars + p * acs: A stored rows x inner, or Aᵀ stored inner x rows.
    const [ars, acs] = aTransposed ? ['1', r] : [inner, '1'];
    const name = bTransposed ? 'matMulT$' : 'matMul$';
    this.useKernel(name);
    this.storage.noteProduct(r, inner, c);
    return [`${name}(${aData}, ${ars}, ${acs}, ${bData}, ${r}, ${inner}, ${c}, ${scale ?? '1'}, ${t});`];
  }

  /** The product kernel `name` and the kernels it calls, emitted into the module. */
  private useKernel(name: keyof typeof MATRIX_KERNELS): void {
    this.storage.helpers.add(name);
    for (const needed of MATRIX_KERNEL_NEEDS[name]) this.useKernel(needed);
  }

  /**
   * out = A B by `matMul$` for a stored `a` (or a transposing view of one) and a stored `b` read
   * as a row-major inner x cols array from `offset` (LowerContext.storedProduct); undefined when
   * an operand is computed where it is read.
   */
  stored(a: Node, b: Node, p: StoredProduct): string[] | undefined {
    const aTransposed = this.plan.isInlineTranspose(a);
    const aData = this.matrixData(aTransposed ? a.args[0]! : a);
    const bData = this.plan.isStored(b) && !isScalar(b.shape) ? this.storage.locals.get(b.id) : undefined;
    if (aData === undefined || bData === undefined) return undefined;
    const rows = this.storage.rows(a);
    const [ars, acs] = aTransposed ? ['1', rows] : [this.storage.cols(a), '1'];
    const view = (data: string, offset: string | undefined, size: string) =>
      offset === undefined ? data : `${data}.subarray(${offset}, ${offset} + ${size})`;
    this.useKernel('matMul$');
    this.storage.noteProduct(rows, p.inner, p.cols);
    const bView = view(bData, p.offset, `${p.inner} * ${p.cols}`);
    const out = view(p.into, p.intoOffset, `${rows} * ${p.cols}`);
    return [`matMul$(${aData}, ${ars}, ${acs}, ${bView}, ${rows}, ${p.inner}, ${p.cols}, 1, ${out});`];
  }

  /**
   * C = A B (times `scale`, when given) into `t`; `clear` clears `t` where the loops accumulate
   * into an array that may hold old values.
   */
  matmul(n: Node, t: string, scale: string | undefined, clear: readonly string[]): string[] {
    const [a, b] = n.args as [Node, Node];
    const scaled = (e: string) => (scale === undefined ? e : `${scale} * ${e}`);
    const r = this.storage.rows(n);
    const c = this.storage.cols(n);
    const inner = this.storage.dim(a.shape.cols);
    const A = (row: string, col: string) => this.access.elem(a, { row, col });
    const B = (row: string, col: string) => this.access.elem(b, { row, col });
    const kernel = this.productKernel(n, t, scale) ?? this.matrixKernel(n, t, scale);
    if (kernel !== undefined) return kernel;
    // Below, what the kernels do not take: matrix-matrix products, and products with a matrix
    // computed where it is read (eye, ones, onehot), which are rare and get plain loops.
    if (a.shape.cols === 1) {
      // Outer product: each entry of the left vector once per row.
      return [
        `for (let i = 0; i < ${r}; i++) {`,
        `const ai = ${scaled(A('i', '0'))};`,
        `for (let j = 0; j < ${c}; j++) {`,
        `${t}[i * ${c} + j] = ai * ${B('0', 'j')};`,
        '}',
        '}',
      ];
    }
    if (n.shape.cols === 1 && !this.plan.transposes(a)) {
      return [
        `for (let i = 0; i < ${r}; i++) {`,
        ...this.access.dotLoop('acc', inner, (k) => `${A('i', k)} * ${B(k, '0')}`),
        `${t}[i] = ${scaled('acc')};`,
        '}',
      ];
    }
    if (n.shape.cols === 1 || (n.shape.rows === 1 && !this.plan.transposes(b))) {
      // Aᵀ b, and aᵀ B: walk the stored matrix's rows, each scaled by its entry of the vector.
      const term =
        n.shape.cols === 1 ? (k: string, i: string) => `${A(i, k)} * bk` : (k: string, i: string) => `bk * ${B(k, i)}`;
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
    if (this.plan.transposes(b)) {
      // A Bᵀ: dot products of rows.
      return [
        `for (let i = 0; i < ${r}; i++) {`,
        `for (let j = 0; j < ${c}; j++) {`,
        ...this.access.dotLoop('acc', inner, (k) => `${A('i', k)} * ${B(k, 'j')}`),
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
}
