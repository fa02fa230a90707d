/**
 * AST → typed IR: resolves names, infers and checks shapes, desugars the surface syntax
 * (functions, `*` vs juxtaposition, norms) into primitives, and validates requests.
 * Every error is reported with the span of the user's text, and checking goes on after an
 * error so one run lists every independent problem. What names mean, and the declarations that
 * introduce variables and dimensions, are in declarations.ts.
 */
import type { Expr, IndexItem, Program, Statement } from '../syntax/ast.js';
import { Diagnostics, ShapeError, type Fix } from '../diagnostics/errors.js';
import type { Source, Span } from '../diagnostics/source.js';
import { FUNCTIONS, isFunctionName } from '../ops/functions.js';
import type { CallArguments } from '../ops/types.js';
import {
  axisMessage,
  operandText,
  operatorMistake,
  suggestedType,
  unknownFunctionFix,
  unknownFunctionMessage,
  unknownNameMessage,
  unknownNameReplacement,
  type Scope,
} from './hints.js';
import { Declarations, isReserved, Reported, RESERVED, shortNumber } from './declarations.js';
import { Graph } from './graph.js';
import type { Definition, GradRequest, HigherRequest, Model } from './model.js';
import { checkRequest, RequestCounter, type Entity, type RequestScope } from './requests.js';
import type { Node } from './node.js';
import { describeShape, isColumn, isRow, isScalar, shape, type Dim } from './shape.js';

class Elaborator {
  readonly graph = new Graph();
  private readonly declared: Declarations;
  private readonly names: Map<string, Entity>;
  private readonly definitions: Definition[] = [];
  private readonly requests: GradRequest[] = [];
  private readonly higherRequests: HigherRequest[] = [];
  private readonly requestCounter = new RequestCounter();
  /** The definition being checked, if any (its name is not yet usable), and its expression. */
  private defining: string | undefined;
  private definingExpr: Expr | undefined;
  /** The names in scope, for suggestions. */
  private readonly scope: Scope = {
    shapeOf: (name) => {
      const e = this.names.get(name);
      return e?.kind === 'variable'
        ? e.variable.shape
        : e?.kind === 'definition'
          ? e.definition.node.shape
          : e?.kind === 'dim'
            ? shape(1, 1)
            : undefined;
    },
    isUsed: (name) => this.names.has(name) || this.declared.introduced.has(name),
  };

  constructor(
    private readonly source: Source,
    private readonly diagnostics: Diagnostics,
    private readonly observe: ExprObserver | undefined,
  ) {
    this.declared = new Declarations(source, diagnostics, this.graph);
    this.names = this.declared.names;
  }

  run(program: Program): Model {
    this.declared.introduce(program);
    for (const statement of program.statements) {
      if (this.diagnostics.full) break;
      try {
        this.statement(statement);
      } catch (e) {
        if (!(e instanceof Reported)) throw e;
      }
    }
    // Nodes built after checking (derivatives) carry their own spans, not the last line's.
    this.graph.span = undefined;
    return {
      source: this.source,
      graph: this.graph,
      dims: this.declared.dims,
      variables: this.declared.variables,
      definitions: this.definitions,
      requests: this.requests,
      higherRequests: this.higherRequests,
    };
  }

  private fail(message: string, span: Span, fix?: Fix): never {
    return this.declared.fail(message, span, fix);
  }

  private text(span: Span): string {
    return this.source.text.slice(span.start, span.end);
  }

  private statement(s: Statement): void {
    switch (s.kind) {
      case 'decl':
        this.declared.declare(s);
        return;
      case 'def':
        this.definition(s);
        return;
      case 'request':
        this.request(s);
        return;
      default: {
        const never: never = s;
        throw new Error(`internal: unknown statement ${(never as Statement).kind}`);
      }
    }
  }

  // ------------------------------------------------------------- definitions

  private definition(s: Extract<Statement, { kind: 'def' }>): void {
    const name = s.name.name;
    if (isReserved(name)) this.fail(`'${name}' is a reserved word and cannot be defined`, s.name.span);
    if (this.names.has(name) && this.names.get(name)!.kind !== 'poisoned') {
      const what = this.declared.describeEntity(name);
      this.fail(
        what === 'a definition'
          ? `'${name}' is already defined; each name is defined once`
          : `'${name}' is already ${what}; choose another name`,
        s.name.span,
      );
    }
    // Poisoned until the expression checks, so a bad definition does not cascade.
    this.names.set(name, { kind: 'poisoned' });
    this.defining = name;
    this.definingExpr = s.expr;
    let node: Node;
    try {
      node = this.expr(s.expr);
    } finally {
      this.defining = undefined;
      this.definingExpr = undefined;
    }
    // Later expressions must pass through this definition, so gradients with respect to it exist.
    this.graph.seal(node);
    const definition: Definition = { name, node, span: s.name.span };
    this.definitions.push(definition);
    this.names.set(name, { kind: 'definition', definition });
  }

  // ---------------------------------------------------------------- requests

  private request(s: Extract<Statement, { kind: 'request' }>): void {
    const scope: RequestScope = {
      lookup: (name) => this.names.get(name),
      report: (message, span) => {
        this.diagnostics.report(message, span);
      },
      fail: (message, span) => this.fail(message, span),
      abandon: () => {
        throw new Reported();
      },
      unknownName: (name, span) => this.unknownName(name, span),
      reportUnknownName: (name, span) => {
        try {
          this.unknownName(name, span);
        } catch (err) {
          if (!(err instanceof Reported)) throw err;
        }
      },
      describeEntity: (name) => this.declared.describeEntity(name),
    };
    const checked = checkRequest(s, scope, this.requestCounter);
    if (checked === undefined) return;
    if ('kind' in checked) this.higherRequests.push(checked);
    else this.requests.push(checked);
  }

  // ------------------------------------------------------------- expressions

  /** Reports an unknown name; `type` is the type a declaration of it would have, when the caller knows it. */
  private unknownName(name: string, span: Span, type?: string): never {
    // Past the limit the message is not shown, and its suggestions cost time on a long line of unknown names.
    if (this.diagnostics.full) throw new Reported();
    const later = this.declared.introduced.get(name);
    const unknown = {
      name,
      ...(later !== undefined && later.span.start > span.start
        ? { later: { kind: later.kind, line: this.source.position(later.span.start).line } }
        : {}),
      reserved: RESERVED.has(name),
      candidates: [...this.names.keys()].filter((n) => n !== this.defining),
      type: () =>
        type ?? (this.definingExpr !== undefined ? suggestedType(this.definingExpr, name, span, this.scope) : 'scalar'),
    };
    const replacement = unknownNameReplacement(unknown);
    this.fail(unknownNameMessage(unknown), span, replacement === undefined ? undefined : { span, text: replacement });
  }

  /** Builds with the graph, turning a shape error into a located diagnostic. */
  private build(span: Span, f: () => Node): Node {
    this.graph.span = span;
    try {
      return f();
    } catch (e) {
      if (e instanceof ShapeError) this.fail(e.message, span);
      throw e;
    }
  }

  private expr(e: Expr): Node {
    const node = this.checkedExpr(e);
    this.observe?.(e, node);
    return node;
  }

  private checkedExpr(e: Expr): Node {
    switch (e.kind) {
      case 'num':
        if (!Number.isFinite(e.value)) this.fail(`the number ${shortNumber(e.text)} is too large`, e.span);
        return this.build(e.span, () => this.graph.constant(e.value));
      case 'name':
        return this.name(e.name, e.span);
      case 'unary': {
        const arg = this.expr(e.arg);
        return e.op === '-' ? this.build(e.span, () => this.graph.neg(arg)) : arg;
      }
      case 'transpose': {
        const arg = this.expr(e.arg);
        return this.build(e.span, () => this.graph.transpose(arg));
      }
      case 'norm': {
        const arg = this.expr(e.arg);
        return this.build(e.span, () =>
          e.p === 1 ? this.graph.sum(this.graph.unary('abs', arg)) : this.graph.norm2(arg),
        );
      }
      case 'binary':
        return this.binary(e);
      case 'index':
        return this.index(e);
      case 'call':
        return this.call(e);
      default: {
        const never: never = e;
        throw new Error(`internal: unknown expression ${(never as Expr).kind}`);
      }
    }
  }

  private name(name: string, span: Span): Node {
    if (name === 'pi') return this.build(span, () => this.graph.namedConstant('pi', Math.PI));
    const e = this.names.get(name);
    if (e === undefined) {
      if (isFunctionName(name)) this.fail(`'${name}' is a function; call it with parentheses, like ${name}(x)`, span);
      if (RESERVED.has(name)) this.fail(`'${name}' is a reserved word, not a value`, span);
      this.unknownName(name, span);
    }
    switch (e.kind) {
      case 'variable':
        if (e.variable.kind === 'index') {
          this.fail(
            `'${name}' is an index(${e.variable.bound}); use it as an index, like v[${name}], or in onehot(${name}, ${e.variable.bound})`,
            span,
          );
        }
        return e.variable.node;
      case 'definition':
        return e.definition.node;
      case 'poisoned':
        if (name === this.defining) this.fail(`'${name}' is used in its own definition`, span);
        throw new Reported();
      case 'dim':
        return this.build(span, () => this.graph.dimValue(name));
      default: {
        const never: never = e;
        throw new Error(`internal: unknown entity ${(never as Entity).kind}`);
      }
    }
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>): Node {
    const [left, right] = this.operands(e.left, e.right);
    const g = this.graph;
    const mistake = operatorMistake(this.source.text, e, left.shape, right.shape);
    if (mistake !== undefined) this.fail(mistake.message, mistake.span);
    switch (e.op) {
      case '+':
        return this.build(e.span, () => g.add(left, right));
      case '-':
        return this.build(e.span, () => g.sub(left, right));
      case '*':
      case 'juxt':
        if (isScalar(left.shape) || isScalar(right.shape)) return this.build(e.span, () => g.mul(left, right));
        return this.build(e.span, () => g.matmul(left, right));
      case '/':
        return this.build(e.span, () => g.div(left, right));
      case '.*':
        return this.build(e.span, () => g.mul(left, right));
      case './':
        return this.build(e.span, () => g.div(left, right));
      case 'kron':
        return this.build(e.span, () => g.kron(left, right));
      case '^':
      case '.^':
        return this.build(e.span, () => g.pow(left, right));
      default: {
        const never: never = e.op;
        throw new Error(`internal: unknown operator ${String(never)}`);
      }
    }
  }

  /** Checks both operands, so an error in the left one does not hide one in the right. */
  private operands(a: Expr, b: Expr): [Node, Node] {
    let left: Node | undefined;
    let failure: Reported | undefined;
    try {
      left = this.expr(a);
    } catch (e) {
      if (!(e instanceof Reported)) throw e;
      failure = e;
    }
    const right = this.expr(b);
    if (failure !== undefined || left === undefined) throw failure ?? new Reported();
    return [left, right];
  }

  /** The user's text of a short operand, for suggestions; a placeholder when it is long. */
  private operandText(e: Expr, placeholder: string): string {
    return operandText(this.source.text, e, placeholder);
  }

  /**
   * An index argument: a non-negative integer literal or an index variable. `extent` is
   * the number of entries along the axis; `axis` names them in messages ("x has 3 entries").
   */
  private indexArg(e: Expr, extent: Dim, axis: (extent: Dim) => string): Node {
    const literal = e.kind === 'num' ? e : e.kind === 'unary' && e.arg.kind === 'num' ? e.arg : undefined;
    if (literal !== undefined) {
      const text = this.text(e.span).replace(/\s+/g, '');
      if (e.kind === 'unary' || !/^[0-9]+$/.test(literal.text))
        this.fail(`an index is a non-negative integer (indices start at 0), not ${shortNumber(text)}`, e.span);
      if (!Number.isSafeInteger(literal.value)) this.fail(`index ${shortNumber(text)} is too large`, e.span);
      if (typeof extent === 'number' && literal.value >= extent) {
        this.fail(`index ${literal.value} is out of range: ${axis(extent)}, numbered from 0`, e.span);
      }
      return this.build(e.span, () => this.graph.constant(literal.value));
    }
    if (e.kind === 'name') {
      const entity = this.names.get(e.name);
      if (entity?.kind === 'variable' && entity.variable.kind === 'index') {
        const bound = entity.variable.bound!;
        if (bound !== extent) {
          this.fail(`'${e.name}' ranges over ${bound} values, but ${axis(extent)}`, e.span);
        }
        return entity.variable.node;
      }
      if (entity?.kind === 'poisoned') throw new Reported();
      if (entity === undefined) this.unknownName(e.name, e.span, `index(${extent})`);
      this.fail(
        `an index must be an integer literal or an index variable (declared like 'k : index(K)'), but '${e.name}' is ${this.declared.describeEntity(e.name)}`,
        e.span,
      );
    }
    this.fail(`an index must be an integer literal or an index variable (declared like 'k : index(K)')`, e.span);
  }

  private index(e: Extract<Expr, { kind: 'index' }>): Node {
    const target = this.expr(e.target);
    const s = target.shape;
    const what = this.operandText(e.target, 'the value');
    if (isScalar(s)) this.fail(`${what} is a scalar; it has no entries to index`, e.span);
    let indices: Node[];
    if (isColumn(s) || isRow(s)) {
      if (e.indices.length !== 1)
        this.fail(`${what} is ${describeShape(s)}; index it with one index, like ${what}[0]`, e.span);
      const item = this.notColon(
        e.indices[0]!,
        `${what} is ${describeShape(s)}, not a matrix: ${what}[:] is ${what} itself`,
      );
      indices = [this.indexArg(item, isColumn(s) ? s.rows : s.cols, (n) => `${what} has ${n} entries`)];
    } else {
      if (e.indices.length !== 2)
        this.fail(`${what} is ${describeShape(s)}; index it with two indices, like ${what}[i, j]`, e.span);
      const [i, j] = e.indices as [IndexItem, IndexItem];
      const rowIndex = () =>
        this.indexArg(this.notColon(i, `${what}[:, :] is ${what} itself`), s.rows, (n) => `${what} has ${n} rows`);
      const colIndex = () =>
        this.indexArg(this.notColon(j, `${what}[:, :] is ${what} itself`), s.cols, (n) => `${what} has ${n} columns`);
      // A slice (README, "The formula language"): row i, 1 x n, or column j, m x 1.
      if (j.kind === 'colon') {
        const k = rowIndex();
        return this.build(e.span, () => this.graph.rowslice(target, k));
      }
      if (i.kind === 'colon') {
        const k = colIndex();
        return this.build(e.span, () => this.graph.colslice(target, k));
      }
      indices = [rowIndex(), colIndex()];
    }
    return this.build(e.span, () => this.graph.index(target, indices));
  }

  /** An index that must be an expression: a `:` there is reported with `message`. */
  private notColon(item: IndexItem, message: string): Expr {
    if (item.kind === 'colon') this.fail(message, item.span);
    return item;
  }

  /** A dimension argument of ones, eye or onehot. */
  private dimArg(e: Expr, fn: string): Dim {
    if (e.kind === 'num') return this.declared.dimension(e.value, e.span);
    if (e.kind === 'name') {
      const entity = this.names.get(e.name);
      if (entity !== undefined && entity.kind !== 'dim') {
        this.fail(
          `${fn} takes a dimension (a name like n or a positive integer), but '${e.name}' is ${this.declared.describeEntity(e.name)}`,
          e.span,
        );
      }
      return this.declared.dimension(e.name, e.span);
    }
    this.fail(`${fn} takes a dimension: a name like n or a positive integer`, e.span);
  }

  /** A call: the function's entry in the op table (src/ops/functions.ts) checks and builds it. */
  private call(e: Extract<Expr, { kind: 'call' }>): Node {
    const fn = e.callee;
    const entity = this.names.get(fn);
    if (entity !== undefined && !isFunctionName(fn)) {
      // `A(x + y)`: a value before parentheses multiplies them.
      if (e.args.length !== 1)
        this.fail(`'${fn}' is ${this.declared.describeEntity(fn)}, not a function`, e.calleeSpan);
      return this.binary({
        kind: 'binary',
        op: 'juxt',
        left: { kind: 'name', name: fn, span: e.calleeSpan },
        right: e.args[0]!,
        opSpan: e.calleeSpan,
        span: e.span,
      });
    }
    const f = FUNCTIONS.get(fn);
    if (f === undefined)
      this.fail(
        unknownFunctionMessage(this.source.text, e, this.scope),
        e.calleeSpan,
        unknownFunctionFix(this.source.text, e),
      );
    const n = f.arity;
    if (typeof n === 'number' ? e.args.length !== n : !n.includes(e.args.length)) {
      const want = typeof n === 'number' ? `${n} argument${n === 1 ? '' : 's'}` : `${n.join(' or ')} arguments`;
      this.fail(axisMessage(this.source.text, e, this.scope) ?? `${fn} takes ${want}, not ${e.args.length}`, e.span);
    }
    // Nodes the entry builds carry the call's span; checking an argument sets its own, so it is put back.
    const argument = <T>(check: () => T): T => {
      try {
        return check();
      } finally {
        this.graph.span = e.span;
      }
    };
    const args: CallArguments = {
      name: fn,
      count: e.args.length,
      value: (i) => argument(() => this.expr(e.args[i]!)),
      values: () => argument(() => this.allOf(e.args)),
      dim: (i) => argument(() => this.dimArg(e.args[i]!, fn)),
      index: (i, extent, axis) => argument(() => this.indexArg(e.args[i]!, extent, axis)),
      fail: (message) => this.fail(message, e.span),
    };
    return this.build(e.span, () => f.build(args, this.graph));
  }

  /** Checks every expression, so an error in one does not hide one in another. */
  private allOf(es: readonly Expr[]): Node[] {
    const nodes: Node[] = [];
    let failure: Reported | undefined;
    for (const x of es) {
      try {
        nodes.push(this.expr(x));
      } catch (err) {
        if (!(err instanceof Reported)) throw err;
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
    return nodes;
  }
}

/** Told of every expression that checked, with its node (for editors: the shape under the cursor). */
export type ExprObserver = (e: Expr, node: Node) => void;

/**
 * Checks a parsed program; errors go to `diagnostics`, and the model holds what checked.
 * `observe`, if given, is called with every expression that checked and its node.
 */
export function elaborate(source: Source, program: Program, diagnostics: Diagnostics, observe?: ExprObserver): Model {
  return new Elaborator(source, diagnostics, observe).run(program);
}
