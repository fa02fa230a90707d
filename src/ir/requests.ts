/**
 * Checking request lines (`grad`, `jacobian`, `hessian`, `hvp`): what each may differentiate and
 * with respect to what (README, "The formula language"), with errors that name the request that fits instead.
 */
import type { Span } from '../diagnostics/source.js';
import type { Diagnostic } from '../diagnostics/errors.js';
import type { Definition, GradRequest, HigherKind, HigherRequest, Model, Variable } from './model.js';
import { describeShape, isColumn, isRow, isScalar, type Shape } from './shape.js';

/** What a name in scope is. */
export type Entity =
  | { kind: 'variable'; variable: Variable }
  | { kind: 'definition'; definition: Definition }
  | { kind: 'poisoned' }
  | { kind: 'dim' };

/** What request checking needs of the elaborator. */
export interface RequestScope {
  lookup(name: string): Entity | undefined;
  /** Reports at span and goes on. */
  report(message: string, span: Span): void;
  /** Reports at span and abandons the statement. */
  fail(message: string, span: Span): never;
  /** Abandons the statement without a message (already reported). */
  abandon(): never;
  /** Reports an unknown name (with suggestions) and abandons the statement. */
  unknownName(name: string, span: Span): never;
  /** Like unknownName, but goes on. */
  reportUnknownName(name: string, span: Span): void;
  describeEntity(name: string): string;
}

export interface RequestLine {
  readonly request: 'grad' | HigherKind;
  readonly target: { readonly name: string; readonly span: Span };
  readonly wrt: readonly { readonly name: string; readonly span: Span }[];
  readonly span: Span;
}

/** A vector in the sense of the requests: a column, or a row (numbered by its entries). */
const isVectorLike = (s: Shape): boolean => isScalar(s) || isColumn(s) || isRow(s);

const SUFFIX: Record<'grad' | HigherKind, string> = { grad: 'Grad', jacobian: 'Jac', hessian: 'Hess', hvp: 'Hvp' };

/** Numbers the functions of each target and kind: `LGrad`, `LGrad2`, `fJac`, ... */
export class RequestCounter {
  private readonly counts = new Map<string, number>();
  functionName(kind: 'grad' | HigherKind, target: string): string {
    const key = `${kind}:${target}`;
    const k = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, k);
    return `${target}${SUFFIX[kind]}${k === 1 ? '' : k}`;
  }
}

function target(s: RequestLine, scope: RequestScope): Definition {
  const entity = scope.lookup(s.target.name);
  if (entity?.kind === 'poisoned') scope.abandon();
  if (entity?.kind !== 'definition') {
    if (entity === undefined) scope.unknownName(s.target.name, s.target.span);
    scope.fail(
      `${s.request} needs a definition to differentiate, but '${s.target.name}' is ${scope.describeEntity(s.target.name)}`,
      s.target.span,
    );
  }
  const definition = entity.definition;
  const shape = definition.node.shape;
  const name = definition.name;
  switch (s.request) {
    case 'grad':
      if (!isScalar(shape)) {
        scope.fail(
          `grad needs a scalar, but '${name}' is ${describeShape(shape)}; the derivative of a non-scalar is a Jacobian (jacobian ${name} wrt ...)`,
          s.target.span,
        );
      }
      break;
    case 'jacobian':
      // Of any shape: a matrix's Jacobian has a row per entry of vec(F).
      break;
    case 'hessian':
    case 'hvp':
      if (!isScalar(shape)) {
        scope.fail(
          `${s.request} needs a scalar, but '${name}' is ${describeShape(shape)}; ` +
            (isVectorLike(shape)
              ? `for its first derivatives ask for jacobian ${name} wrt ...`
              : `take ${s.request} of a scalar function of it`),
          s.target.span,
        );
      }
      break;
  }
  return definition;
}

/** Why `name` cannot be a wrt of this request, or undefined when it can. */
function wrtProblem(request: RequestLine['request'], name: string, entity: Entity): string | undefined {
  switch (entity.kind) {
    case 'poisoned':
      return '';
    case 'dim':
      return `'${name}' is a dimension; ${request} takes ${request === 'grad' || request === 'jacobian' ? 'variables or definitions' : 'variables'}`;
    case 'variable':
      if (entity.variable.kind === 'index') return `'${name}' is an index; an integer label cannot be differentiated`;
      break;
    case 'definition':
      if (request === 'hessian' || request === 'hvp') {
        return (
          `${request} is taken with respect to variables, but '${name}' is a definition; ` +
          'for derivatives with respect to an intermediate value ask for grad or jacobian'
        );
      }
      break;
  }
  // Every shape: a block with respect to a matrix X has a column per entry of vec(X).
  return undefined;
}

/** Checks a request line; undefined when an error was reported. */
export function checkRequest(
  s: RequestLine,
  scope: RequestScope,
  counter: RequestCounter,
): GradRequest | HigherRequest | undefined {
  const definition = target(s, scope);
  const wrt: GradRequest['wrt'][number][] = [];
  const seen = new Set<string>();
  let ok = true;
  for (const w of s.wrt) {
    const entity = scope.lookup(w.name);
    if (seen.has(w.name)) {
      scope.report(`'${w.name}' is listed twice`, w.span);
      ok = false;
      continue;
    }
    seen.add(w.name);
    if (entity === undefined) {
      scope.reportUnknownName(w.name, w.span);
      ok = false;
      continue;
    }
    const problem = wrtProblem(s.request, w.name, entity);
    if (problem !== undefined) {
      if (problem !== '') scope.report(problem, w.span);
      ok = false;
      continue;
    }
    if (entity.kind === 'variable') wrt.push({ name: w.name, node: entity.variable.node, isVariable: true });
    else if (entity.kind === 'definition') wrt.push({ name: w.name, node: entity.definition.node, isVariable: false });
  }
  if (!ok) return undefined;
  const functionName = counter.functionName(s.request, definition.name);
  if (s.request === 'grad') return { functionName, target: definition, wrt, span: s.span };
  return { kind: s.request, functionName, target: definition, wrt, span: s.span };
}

/**
 * The first name clash in the module a model compiles to, as a located diagnostic, or undefined:
 * a definition named like the function of a request (`fGrad`, `fGradInto`: those names are fixed),
 * or a wrt value named `value` where the result already holds the target's value as `value`.
 */
export function moduleNameClash(model: Model): Diagnostic | undefined {
  const allRequests = [...model.requests, ...model.higherRequests];
  const gradNames = new Set(allRequests.flatMap((r) => [r.functionName, `${r.functionName}Into`]));
  for (const d of model.definitions) {
    if (gradNames.has(d.name)) {
      const request = allRequests.find((r) => r.functionName === d.name || `${r.functionName}Into` === d.name)!;
      const higher = model.higherRequests.find((r) => r === request);
      const what =
        higher === undefined
          ? 'gradient'
          : { jacobian: 'Jacobian', hessian: 'Hessian', hvp: 'Hessian-vector product' }[higher.kind];
      return {
        message: `the ${what} function of this line would be named ${d.name}, which is already a definition; rename the definition`,
        span: request.span,
      };
    }
  }
  // A gradient result is { value, <wrt names> }: a wrt target named value would replace the value.
  for (const r of [...model.requests, ...model.higherRequests.filter((h) => h.kind === 'jacobian')]) {
    const value = r.wrt.find((w) => w.name === 'value');
    if (value !== undefined) {
      return {
        message:
          `the result of ${r.functionName} holds the value of ${r.target.name} as 'value', ` +
          `so it cannot also hold the gradient with respect to 'value'; ` +
          `rename the ${value.isVariable ? 'variable' : 'definition'} value`,
        span: r.span,
      };
    }
  }
  return undefined;
}
