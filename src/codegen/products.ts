/**
 * Matrix products: the service the matmul entry's lowering calls. Matrix-vector and outer
 * products of stored operands become calls of the kernels modules share (kernels.ts); the rest
 * get loops in the order that reads memory contiguously for the operands' layouts.
 */
import type { Node } from '../ir/node.js';
import { isScalar } from '../ir/shape.js';
import type { StoredProduct } from '../ops/lowering.js';
import type { Access } from './access.js';
import { MATRIX_KERNEL_NEEDS, type MATRIX_KERNELS } from './matrix-kernels.js';
import type { Plan } from './placement.js';
import type { Storage } from './storage.js';

export class Products {
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
      const name = this.storage.newTemporary();
      prelude.push(
        this.storage.temporaryArray(name, this.storage.size(x)),
        ...this.access.loopWith(x, false, (at) => [`${name}[${at.flat}] = ${this.access.elem(x, at)};`]),
      );
      return name;
    };
    const call = (
      name: 'outer$' | 'matVec$' | 'matTVec$',
      matrix: string | undefined,
      vectors: () => (string | undefined)[],
      rows: string,
      cols: string,
    ) => {
      if (matrix === undefined && name !== 'outer$') return undefined;
      const args = [...(matrix === undefined ? [] : [matrix]), ...vectors()];
      if (args.some((x) => x === undefined)) return undefined;
      this.storage.helpers.add(name);
      return [...prelude, `${name}(${args.join(', ')}, ${rows}, ${cols}, ${scale ?? '1'}, ${t});`];
    };
    const r = this.storage.rows(n);
    const c = this.storage.cols(n);
    const inner = this.storage.dim(a.shape.cols);
    if (a.shape.cols === 1) return call('outer$', undefined, () => [vector(a), vector(b)], r, c);
    if (n.shape.cols === 1) {
      // Aᵀ b reads A's rows; A b its rows too.
      if (this.plan.isInlineTranspose(a))
        return call('matTVec$', this.matrixData(a.args[0]!), () => [vector(b)], inner, r);
      return call('matVec$', this.matrixData(a), () => [vector(b)], r, inner);
    }
    if (n.shape.rows === 1) {
      // aᵀ Bᵀ = (B a)ᵀ and aᵀ B = (Bᵀ a)ᵀ: a row has a column's layout.
      if (this.plan.isInlineTranspose(b))
        return call('matVec$', this.matrixData(b.args[0]!), () => [vector(a)], c, inner);
      return call('matTVec$', this.matrixData(b), () => [vector(a)], inner, c);
    }
    return undefined;
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
