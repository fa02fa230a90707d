/**
 * Element access and loops: how generated code reads element (row, col) of any node, stored or
 * computed where it is read, and the loops that walk a shape. This is the `LowerContext` the op
 * table's lowering entries are written against.
 */
import type { HelperName } from './helpers.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { isScalar, sameShape, type Dim } from '../ir/shape.js';
import type { Factorisation, Index, LowerContext, StoredProduct } from '../ops/lowering.js';
import { definitionNames } from '../print/formula.js';
import { Printer } from '../print/printer.js';
import { Factorisations } from './lu.js';
import { str } from './names.js';
import { loweringOf, unreachable, type Plan } from './placement.js';
import type { Storage } from './storage.js';

/** Writes the statements of matrix products into arrays (src/codegen/products.ts). */
export interface ProductService {
  matmul(n: Node, into: string): string[];
  stored(a: Node, b: Node, product: StoredProduct): string[] | undefined;
}

export class Access implements LowerContext {
  readonly nameExpr: string;
  private readonly factorisations: Factorisations;

  constructor(
    private readonly model: Model,
    private readonly plan: Plan,
    private readonly storage: Storage,
    /** Late-bound: the product service is itself written against this access. */
    private readonly products: () => ProductService,
    readonly single: boolean,
  ) {
    this.nameExpr = storage.nameExpr;
    this.factorisations = new Factorisations({
      newTemporary: () => storage.newTemporary(),
      temporaryArray: (t, size) => storage.temporaryArray(t, size),
      rows: (m) => storage.rows(m),
      transposes: (m) => plan.transposes(m),
      copy: (m, into) => this.loop(m, (at) => [`${into}[${this.flatIndex(m, at)}] = ${this.elem(m, at)};`]),
      // Named as the formula names it: a variable, a definition, or the printed expression.
      singular: (m) =>
        this.fail('RangeError', [
          this.nameExpr,
          str(`: ${new Printer('formula', definitionNames(model)).text(m)} is singular`),
        ]),
      cholesky: (m) => storage.factors.get(m.id),
      useHelper: (name) => {
        this.useHelper(name);
      },
    });
  }

  factor(m: Node): Factorisation {
    return this.factorisations.factor(m);
  }

  dim(d: Dim): string {
    return this.storage.dim(d);
  }

  rows(n: Node): string {
    return this.storage.rows(n);
  }

  cols(n: Node): string {
    return this.storage.cols(n);
  }

  size(n: Node): string {
    return this.storage.size(n);
  }

  useHelper(name: HelperName): void {
    this.storage.helpers.add(name);
  }

  fail(kind: 'RangeError' | 'TypeError', parts: readonly string[]): string {
    return this.storage.fail(kind, parts);
  }

  quote(text: string): string {
    return str(text);
  }

  product(n: Node, into: string): string[] {
    return this.products().matmul(n, into);
  }

  storedProduct(a: Node, b: Node, product: StoredProduct): string[] | undefined {
    return this.products().stored(a, b, product);
  }

  /** The value of a scalar node as an expression. */
  scalar(n: Node): string {
    const lowering = loweringOf(n);
    if (lowering.kind === 'leaf') {
      if (lowering.value !== 'input') return lowering.value(n, this);
      const local = this.storage.local(n);
      const v = this.model.variables.find((x) => x.node.id === n.id)!;
      return v.kind === 'scalar' || v.kind === 'index' ? local : `${local}[0]`;
    }
    return this.storage.local(n);
  }

  /** Element (row, col) of `n` as an expression, inside a loop that provides `at`. */
  elem(n: Node, at: Index): string {
    if (isScalar(n.shape)) return this.scalar(n);
    if (this.plan.isStored(n)) return `${this.storage.local(n)}[${this.flatIndex(n, at)}]`;
    return this.computedElem(n, at);
  }

  /** Element `at` of `n` computed from its arguments (never read from its own array). */
  computedElem(n: Node, at: Index): string {
    const lowering = loweringOf(n);
    switch (lowering.kind) {
      case 'constant':
      case 'structural':
        return lowering.element(n, at, this);
      case 'elementwise':
        return lowering.scalar(
          n,
          n.args.map((a) => this.elem(a, this.argIndex(a, n, at))),
          this,
        );
      case 'buffer':
        if (lowering.element?.applies(n) === true) return lowering.element.read(n, at, this);
        throw new Error(`internal: ${n.op} node ${n.id} is never computed where it is read`);
      case 'leaf':
      case 'reduction':
      case 'index':
        throw new Error(`internal: ${n.op} node ${n.id} is never computed where it is read`);
    }
    return unreachable(lowering);
  }

  flatIndex(n: Node, at: Index): string {
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

  loop(over: Node, body: (at: Index) => string[]): string[] {
    return this.loopWith(over, this.plan.needsRowCol(over), body);
  }

  /**
   * A loop over every element of `shapeOf`, calling `body` with the element's index.
   * Vectors, and matrices read only by flat index (`rowCol` false), get one flat loop.
   */
  loopWith(shapeOf: Node, rowCol: boolean, body: (at: Index) => string[]): string[] {
    const s = shapeOf.shape;
    if (s.cols === 1)
      return [`for (let i = 0; i < ${this.rows(shapeOf)}; i++) {`, ...body({ row: 'i', col: '0', flat: 'i' }), '}'];
    if (s.rows === 1)
      return [`for (let j = 0; j < ${this.cols(shapeOf)}; j++) {`, ...body({ row: '0', col: 'j', flat: 'j' }), '}'];
    if (!rowCol)
      return [`for (let k = 0; k < ${this.size(shapeOf)}; k++) {`, ...body({ row: '', col: '', flat: 'k' }), '}'];
    const cols = this.cols(shapeOf);
    return [
      `for (let i = 0; i < ${this.rows(shapeOf)}; i++) {`,
      `for (let j = 0; j < ${cols}; j++) {`,
      ...body({ row: 'i', col: 'j', flat: `i * ${cols} + j` }),
      '}',
      '}',
    ];
  }

  /**
   * `let acc = Σ_k term(k)` over k < extent, with four partial sums: one running sum is bound
   * by the latency of floating-point addition; four independent ones keep the multiplier busy.
   */
  dotLoop(acc: string, extent: string, term: (k: string) => string): string[] {
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
}
