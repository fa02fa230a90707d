/**
 * IR → the statements of one generated function: plain loops over Float64Array.
 *
 * Planning (placement.ts) decides, per node, where its value lives; emission then walks the nodes in
 * topological order and writes each stored value's loop, from the op table's lowering entries
 * (src/ops/lowering.ts) through the element access they are written against (access.ts).
 * Dimension sizes are read from the inputs and checked first; code size never depends on them.
 */
import type { Model, Variable } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { dimNames, isScalar, type Dim } from '../ir/shape.js';
import { reachable } from '../ir/walk.js';
import { Access } from './access.js';
import { bindInputs, checkOutFields } from './inputs.js';
import { propertyAccess, str } from './names.js';
import { dimensionsOf, loweringOf, Plan, unreachable } from './placement.js';
import { Products } from './products.js';
import { Results } from './results.js';
import { schedule } from './schedule.js';
import { transposeTwins } from './twins.js';
import type { BlockSpec, FunctionSpec, LoweredBlock, LoweredFunction } from './spec.js';
import { frameStatement, Storage } from './storage.js';
import { rowBlocked } from './row-blocks.js';

export function lowerFunction(model: Model, spec: FunctionSpec): LoweredFunction {
  return new FunctionLowering(model, spec).run();
}

export function lowerBlock(model: Model, block: BlockSpec): LoweredBlock {
  return new FunctionLowering(model, { name: '', outputs: [block.output] }, block).runBlock();
}

/**
 * The Cholesky factor of an spd input is computed by its input check (which it must pass); where
 * nothing reads the factor, the check stays and the unread local goes (strict mode refuses it).
 */
export function keepFactorsRead(statements: string[], factors: Iterable<string>): void {
  for (const factor of factors) {
    const declaration = new RegExp(String.raw`^(?:const |)${factor.replaceAll('$', '\\$')} = `);
    const at = statements.findIndex((line) => declaration.test(line));
    if (at < 0) continue;
    const pattern = new RegExp(String.raw`(?<![\w$])${factor.replaceAll('$', '\\$')}(?![\w$])`);
    if (statements.some((line, i) => i !== at && pattern.test(line) && !line.startsWith(`let ${factor}!`))) continue;
    statements[at] = statements[at]!.replace(declaration, '');
    const letAt = statements.indexOf(`let ${factor}!: Float64Array;`);
    if (letAt >= 0) statements.splice(letAt, 1);
  }
}

class FunctionLowering {
  /** The nodes to emit, in the order they are emitted (schedule.ts). */
  private readonly nodes: readonly Node[];
  private readonly variables: Variable[];
  private readonly statements: string[] = [];
  private readonly plan: Plan;
  private readonly storage: Storage;
  private readonly access: Access;
  private readonly products: Products;
  /** The ids of the twins (twins.ts) that read each node's array, by its id. */
  private readonly twins = new Map<number, number[]>();

  constructor(
    private readonly model: Model,
    private readonly spec: FunctionSpec,
    block?: BlockSpec,
  ) {
    const outputs = new Set(spec.outputs.map((o) => o.node.id));
    const computed = new Set(block?.locals.keys() ?? []);
    let nodes =
      block === undefined
        ? reachable(spec.outputs.map((o) => o.node))
        : reachable([block.output.node], (n) => !block.locals.has(n.id));
    let plan = new Plan(nodes, outputs, computed);
    if (block === undefined) {
      // A vector computed twice (as a column and as its transpose, twins.ts) is computed once:
      // the later one reads the earlier one's array, and what only it needed goes.
      const twins = transposeTwins(nodes.filter((n) => plan.placementOf(n) === 'buffer' && !outputs.has(n.id)));
      if (twins.size > 0) {
        const fewer = reachable([...spec.outputs.map((o) => o.node), ...twins.values()], (n) => !twins.has(n.id));
        const replanned = new Plan(fewer, outputs, new Set([...computed, ...twins.keys()]));
        if ([...twins.values()].every((c) => replanned.placementOf(c) === 'buffer')) {
          [nodes, plan] = [fewer, replanned];
          for (const [r, c] of twins) this.twins.set(c.id, [...(this.twins.get(c.id) ?? []), r]);
        }
      }
    }
    this.storage = new Storage(spec.name, block?.nameExpr ?? str(spec.name), spec.scratch ?? block?.scratch, outputs);
    if (block !== undefined) {
      for (const [id, local] of block.locals) this.storage.locals.set(id, local);
      for (const [d, local] of block.dims) this.storage.dimLocals.set(d, local);
      for (const [id, local] of block.factors ?? []) this.storage.factors.set(id, local);
    }
    const ids = new Set(nodes.map((n) => n.id));
    this.variables = model.variables.filter((v) => ids.has(v.node.id));
    this.plan = plan;
    this.access = new Access(
      model,
      this.plan,
      this.storage,
      () => ({
        matmul: (n, into) => this.products.matmul(n, into, undefined, this.storage.clearing(n, into)),
        stored: (a, b, product) => this.products.stored(a, b, product),
      }),
      (spec.precision ?? block?.precision) === 'f32',
    );
    this.products = new Products(this.access, this.plan, this.storage);
    const twinOf = new Map(
      [...this.twins].flatMap(([c, rs]) => rs.map((r) => [r, nodes.find((n) => n.id === c)!] as const)),
    );
    const order = schedule(
      nodes,
      (n) => this.products.siblingKey(n),
      (n) => {
        const c = twinOf.get(n.id);
        return c === undefined ? [] : [c];
      },
    );
    this.products.pair(order.partners);
    this.nodes = order.order;
  }

  runBlock(): LoweredBlock {
    for (const n of this.nodes) this.emit(n);
    const output = this.spec.outputs[0]!;
    const n = output.node;
    const value = isScalar(n.shape) ? this.access.scalar(n) : this.storage.local(n);
    const result = new Results(this.spec, this.access, this.plan, this.storage).value(output, new Set());
    const frame = this.storage.moveScratchToHeap(this.statements);
    return {
      statements: this.statements,
      value,
      result,
      helpers: this.storage.helpers,
      ...(frame !== undefined ? { frame } : {}),
    };
  }

  run(): LoweredFunction {
    const inputs = this.bindInputs();
    for (const l of this.spec.sizeLimits ?? []) {
      const [rows, cols] = [this.storage.rows(l.node), this.storage.cols(l.node)];
      if (/^\d+$/.test(rows) && /^\d+$/.test(cols)) continue;
      this.statements.push(
        `if (${rows} * ${cols} > ${l.limit}) ` +
          `throw new RangeError(${str(l.message)} + ${rows} * ${cols} + " entries (" + ${rows} + " x " + ${cols} + ")" + ${str(l.advice)});`,
      );
    }
    if (this.spec.into === true) {
      for (const o of this.spec.outputs) {
        if (o.kind === 'scalar' || isScalar(o.node.shape) || this.storage.intoTargets.has(o.node.id)) continue;
        if (this.plan.placementOf(o.node) !== 'buffer') continue;
        const field = `out$${propertyAccess(o.key!)}`;
        this.storage.intoTargets.set(o.node.id, {
          key: o.key!,
          data: o.kind === 'matrix' ? `${field}.data` : field,
          matrix: o.kind === 'matrix',
        });
      }
    }
    const frameAt = this.statements.length;
    for (const n of this.nodes) this.emit(n);
    this.statements.push(new Results(this.spec, this.access, this.plan, this.storage).returnStatement());
    const matrixInputs = this.variables.filter((v) => !isScalar(v.node.shape) && v.node.shape.cols !== 1);
    this.storage.shareInputCopies(
      this.statements,
      new Set(matrixInputs.map((v) => this.storage.locals.get(v.node.id)).filter((l) => l !== undefined)),
      frameAt,
    );
    const frame = this.storage.moveScratchToHeap(this.statements);
    // The body becomes `<name>$(input$, out$)` (module.ts, higher.ts), which starts again from here.
    if (frame !== undefined)
      this.statements.splice(
        frameAt,
        0,
        frameStatement([frame], `${this.spec.name}$(input$${this.spec.into === true ? ', out$' : ''})`),
      );
    keepFactorsRead(this.statements, this.storage.factors.values());
    return {
      name: this.spec.name,
      inputs,
      statements: this.statements,
      prologue: frameAt,
      helpers: this.storage.helpers,
    };
  }

  // --------------------------------------------------------------- inputs

  /** Reads every input, binds each dimension to the first size that determines it, checks the rest (src/codegen/inputs.ts). */
  private bindInputs(): { key: string; type: string }[] {
    const { statements, fields } = bindInputs({
      fn: this.spec.name,
      variables: this.variables,
      dims: this.usedDims(),
      locals: this.storage.locals,
      dimLocals: this.storage.dimLocals,
      factors: this.storage.factors,
      helpers: this.storage.helpers,
    });
    this.statements.push(...statements);
    if (this.spec.into === true)
      this.statements.push(
        ...checkOutFields(
          `${this.spec.name}Into`,
          this.spec.outputs.map((o) => ({ key: o.key!, kind: o.kind })),
          this.storage.helpers,
        ),
      );
    return fields;
  }

  /** Symbolic dimensions the function needs, in a deterministic order. */
  private usedDims(): string[] {
    const dims = new Set<string>();
    const add = (d: Dim | undefined) => {
      if (d !== undefined) for (const name of dimNames(d)) dims.add(name);
    };
    for (const v of this.variables) {
      add(v.shape.rows);
      add(v.shape.cols);
      add(v.bound);
    }
    for (const n of this.nodes) for (const d of dimensionsOf(n)) add(d);
    const order = this.model.dims;
    return [...dims].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }

  // ------------------------------------------------------------- emission

  private emit(n: Node): void {
    const p = this.plan.placementOf(n);
    if (p === 'scalar') this.emitScalar(n);
    else if (p === 'buffer') this.emitBuffer(n);
    for (const twin of this.twins.get(n.id) ?? []) this.storage.locals.set(twin, this.storage.local(n));
  }

  private emitScalar(n: Node): void {
    const out = this.statements;
    const lowering = loweringOf(n);
    switch (lowering.kind) {
      case 'elementwise': {
        const expr = lowering.scalar(
          n,
          n.args.map((a) => this.access.scalar(a)),
          this.access,
        );
        out.push(`const ${this.storage.newScalar(n)} = ${expr};`);
        return;
      }
      case 'reduction':
      case 'index':
        out.push(...lowering.emit(n, this.storage.newScalar(n), this.access));
        return;
      case 'constant':
        out.push(`const ${this.storage.newScalar(n)} = ${lowering.scalar(n, this.access)};`);
        return;
      case 'structural':
        out.push(
          `const ${this.storage.newScalar(n)} = ${lowering.element(n, { row: '0', col: '0', flat: '0' }, this.access)};`,
        );
        return;
      case 'buffer':
        if (lowering.scalar === undefined) throw new Error(`internal: no scalar lowering for ${n.op}`);
        out.push(...lowering.scalar(n, this.storage.newScalar(n), this.access));
        return;
      case 'leaf':
        throw new Error(`internal: ${n.op} is never a computed scalar`);
    }
    unreachable(lowering);
  }

  private emitBuffer(n: Node): void {
    const out = this.statements;
    const t = this.storage.newBuffer(n);
    const allocation = this.storage.allocation(n, t, this.plan.assignsAll(n));
    const lowering = loweringOf(n);
    switch (lowering.kind) {
      case 'constant':
      case 'buffer':
        out.push(...lowering.buffer(n, { name: t, allocation, reused: this.storage.reused(n) }, this.access));
        return;
      case 'elementwise':
        if (this.plan.scalesAbsorbedProduct(n)) {
          // `s (A B)`: the product's loops, scaled, into this buffer.
          out.push(
            allocation,
            ...this.products.matmul(n.args[1]!, t, this.access.scalar(n.args[0]!), this.storage.clearing(n, t)),
          );
        } else {
          out.push(allocation, ...this.fusedLoop(n, t));
        }
        return;
      case 'structural':
        out.push(allocation, ...this.fusedLoop(n, t));
        return;
      case 'leaf':
      case 'reduction':
      case 'index':
        throw new Error(`internal: ${n.op} is never a buffer`);
    }
    unreachable(lowering);
  }

  /** Elementwise chains and views: one loop computing every element of `n` into `t`. */
  private fusedLoop(n: Node, t: string): string[] {
    const loop = this.access.loopWith(n, this.plan.needsRowCol(n), (at) => [
      `${t}[${this.access.flatIndex(n, at)}] = ${this.access.computedElem(n, at)};`,
    ]);
    // Sums of outer products, four rows at a time (row-blocks.ts).
    return rowBlocked(loop) ?? loop;
  }
}
