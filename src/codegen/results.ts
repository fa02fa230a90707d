/**
 * A function's results: returned fresh (inputs and values returned twice are copied), or in
 * `into` mode written into the caller's `out$` where not computed there in place.
 */
import { isRow, isScalar } from '../ir/shape.js';
import type { Access } from './access.js';
import { propertyAccess, propertyKey, str } from './names.js';
import type { Plan } from './placement.js';
import type { FunctionOutput, FunctionSpec } from './spec.js';
import type { Storage } from './storage.js';

export class Results {
  constructor(
    private readonly spec: FunctionSpec,
    private readonly access: Access,
    private readonly plan: Plan,
    private readonly storage: Storage,
  ) {}

  /** The kernel that makes a gradient with respect to a symmetric matrix exactly symmetric (src/codegen/cholesky.ts). */
  private symmetrise(): string {
    this.storage.helpers.add('symmetrise$');
    return 'symmetrise$';
  }

  /** The function's last statement. */
  returnStatement(): string {
    return this.spec.into === true ? this.intoStatements() : this.freshReturn();
  }

  /** A stored value as a fresh result: copies inputs and values already returned once. */
  value(o: FunctionOutput, returned: Set<string>): string {
    const n = o.node;
    if (o.kind === 'scalar') return isScalar(n.shape) ? this.access.scalar(n) : `${this.storage.locals.get(n.id)!}[0]`;
    let data: string;
    if (isScalar(n.shape)) {
      data = `Float64Array.of(${this.access.scalar(n)})`;
    } else {
      const local = this.storage.locals.get(n.id)!;
      data = this.plan.placementOf(n) === 'input' || returned.has(local) ? `Float64Array.from(${local})` : local;
      returned.add(local);
    }
    if (o.kind === 'vector') return data;
    if (o.symmetric === true && !isScalar(n.shape)) data = `${this.symmetrise()}(${data}, ${this.storage.rows(n)})`;
    const rows = isScalar(n.shape) ? '1' : isRow(n.shape) ? '1' : this.storage.rows(n);
    const cols = isScalar(n.shape) ? '1' : this.storage.cols(n);
    return `{ rows: ${rows}, cols: ${cols}, data: ${data} }`;
  }

  private freshReturn(): string {
    const returned = new Set<string>();
    const outputs = this.spec.outputs;
    if (outputs.length === 1 && outputs[0]!.key === undefined) return `return ${this.value(outputs[0]!, returned)};`;
    // Keys may be paths (`hess.x.y`): nested object literals, in the order first seen.
    type Tree = Map<string, Tree | string>;
    const tree: Tree = new Map();
    for (const o of outputs) {
      const path = o.key!.split('.');
      let level = tree;
      for (const part of path.slice(0, -1)) {
        if (!level.has(part)) level.set(part, new Map());
        level = level.get(part) as Tree;
      }
      level.set(path[path.length - 1]!, this.value(o, returned));
    }
    const literal = (t: Tree): string =>
      `{ ${[...t].map(([k, v]) => `${propertyKey(k)}: ${typeof v === 'string' ? v : literal(v)}`).join(', ')} }`;
    return `return ${literal(tree)};`;
  }

  /** `into` mode: a fresh result without `out$`; with it, results go into `out$`, copied where not computed in place. */
  private intoStatements(): string {
    const lines: string[] = [this.freshReturn().replace(/^return /, 'if (out$ === undefined) return ')];
    const filled = new Set<number>();
    for (const o of this.spec.outputs) {
      const n = o.node;
      const field = `out$${propertyAccess(o.key!)}`;
      if (o.kind === 'scalar') {
        lines.push(`${field} = ${isScalar(n.shape) ? this.access.scalar(n) : `${this.storage.locals.get(n.id)!}[0]`};`);
        continue;
      }
      const data = o.kind === 'matrix' ? `${field}.data` : field;
      const target = this.storage.intoTargets.get(n.id);
      if (target !== undefined && target.key === o.key && !filled.has(n.id)) {
        filled.add(n.id);
      } else {
        const size = isScalar(n.shape) ? '1' : this.storage.size(n);
        const field = `out${propertyAccess(o.key!)}${o.kind === 'matrix' ? '.data' : ''}`;
        const parts = [
          str(`${this.spec.name}Into: ${field} has length `),
          `${data}.length`,
          str(' but must have length '),
          size,
        ];
        lines.push(
          `if (${data}.length !== ${size}) ${this.storage.fail('RangeError', parts)}`,
          isScalar(n.shape)
            ? `${data}[0] = ${this.access.scalar(n)};`
            : `${data}.set(${this.storage.locals.get(n.id)!});`,
        );
      }
      if (o.symmetric === true && o.kind === 'matrix' && !isScalar(n.shape))
        lines.push(`${this.symmetrise()}(${data}, ${this.storage.rows(n)});`);
      if (o.kind === 'matrix') {
        lines.push(
          `${field}.rows = ${isScalar(n.shape) || isRow(n.shape) ? '1' : this.storage.rows(n)};`,
          `${field}.cols = ${isScalar(n.shape) ? '1' : this.storage.cols(n)};`,
        );
      }
    }
    lines.push('return out$;');
    return lines.join('\n');
  }
}
