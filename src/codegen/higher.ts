/**
 * The functions of `jacobian`, `hessian` and `hvp` lines (README, "Generated modules"): `fJac`, `LHess`,
 * `LHvp`, each with its `...Into` twin, lowered like gradients from their derived blocks.
 * Results nest by key path (`hess.x.y`); an HVP's direction arrives as a second argument and
 * is passed to the body as the inputs of its direction variables.
 */
import type { HelperName } from './helpers.js';
import type { DerivedHigher } from '../diff/higher.js';
import type { Model } from '../ir/model.js';
import { lowerFunction } from './lower.js';
import type { Precision } from './precision.js';
import { propertyAccess, propertyKey, str } from './names.js';
import { setKey, type PlannedFunction, type PlannedInterface } from './module-parts.js';
import { typeOfKind, valueKindOfShape, valueKindOfVariable, type FunctionOutput, type ScratchSlots } from './spec.js';

/** The exported type names of one higher request's function. */
export interface HigherTypeNames {
  readonly inputs: string;
  readonly result: string;
  /** hvp: the direction's type. */
  readonly direction: string;
}

export interface HigherContext {
  readonly scratch: ScratchSlots;
  readonly helpers: Set<HelperName>;
  /** The inputs type of each definition's forward function, and its key (setKey of its fields). */
  readonly forwardInputs: ReadonlyMap<string, { type: string; key: string }>;
  readonly types: HigherTypeNames;
  /** The derive lines of the request, for the doc comment. */
  readonly lines: readonly string[];
  /** The module's number format (default f64). */
  readonly precision?: Precision;
}

const describe = { jacobian: 'Jacobian', hessian: 'Hessian', hvp: 'Hessian-vector product' } as const;

/** A nested object type from `key path → type` entries, in the order given. */
function nestedType(entries: readonly { path: readonly string[]; type: string }[]): string {
  type Tree = Map<string, Tree | string>;
  const tree: Tree = new Map();
  for (const e of entries) {
    let level = tree;
    for (const part of e.path.slice(0, -1)) {
      if (!level.has(part)) level.set(part, new Map());
      level = level.get(part) as Tree;
    }
    level.set(e.path[e.path.length - 1]!, e.type);
  }
  const print = (t: Tree): string =>
    `{ ${[...t].map(([k, v]) => `${propertyKey(k)}: ${typeof v === 'string' ? v : print(v)}`).join('; ')} }`;
  return print(tree);
}

/**
 * The most entries a generated Jacobian or Hessian block may have (README: "Second-order
 * derivatives"): 10^7 (80 MB of doubles). A larger block throws a RangeError that names it and
 * its size, and suggests hvp, before anything is computed.
 */
const BLOCK_LIMIT = 1e7;

function blockLimit(
  fn: string,
  kind: 'jacobian' | 'hessian',
  of: string,
  wrt: readonly string[],
  b: DerivedHigher['blocks'][number],
) {
  const block =
    kind === 'jacobian'
      ? `the Jacobian block of ${of} with respect to ${b.wrt[0]}`
      : `the Hessian block hess.${b.wrt.join('.')} of ${of}`;
  return {
    node: b.node,
    limit: BLOCK_LIMIT,
    message: `${fn}: ${block} would have `,
    advice:
      kind === 'hessian'
        ? `, over the limit of 10^7; ask for hvp ${of} wrt ${wrt.join(', ')} (Hessian-vector products) instead`
        : `, over the limit of 10^7; ask for grad of a scalar function of ${of}, or hvp, instead`,
  };
}

/** The results of a higher-order request's function: the value, the gradient, and the blocks. */
function higherOutputs(model: Model, h: DerivedHigher): FunctionOutput[] {
  const request = h.request;
  const target = request.target;
  const kindOf = (name: string) => {
    const variable = model.variables.find((v) => v.name === name);
    return variable !== undefined
      ? valueKindOfVariable(variable)
      : valueKindOfShape(model.definitions.find((d) => d.name === name)!.node);
  };
  const outputs: FunctionOutput[] = [{ key: 'value', node: target.node, kind: valueKindOfShape(target.node) }];
  const symmetric = (name: string) =>
    model.variables.find((v) => v.name === name)?.structure !== undefined ? { symmetric: true } : {};
  for (const g of h.gradient)
    outputs.push({ key: `grad.${g.name}`, node: g.node, kind: kindOf(g.name), ...symmetric(g.name) });
  for (const b of h.blocks) {
    const key =
      request.kind === 'jacobian' ? b.wrt[0]! : `${request.kind === 'hessian' ? 'hess' : 'hvp'}.${b.wrt.join('.')}`;
    outputs.push({
      key,
      node: b.node,
      kind: request.kind === 'hvp' ? kindOf(b.wrt[0]!) : 'matrix',
      ...(request.kind === 'hvp' ? symmetric(b.wrt[0]!) : {}),
    });
  }
  return outputs;
}

/** The body of the request's function, lowered with the direction variables as inputs of their own. */
function lowerHigher(model: Model, h: DerivedHigher, outputs: FunctionOutput[], ctx: HigherContext) {
  const request = h.request;
  const target = request.target;
  const name = request.functionName;
  // The direction variables are inputs of the body only.
  const directionVariables = h.directions.map((d) => ({
    name: d.name,
    kind: d.kind,
    shape: d.node.shape,
    node: d.node,
    span: request.span,
    ...(d.structure !== undefined ? { structure: d.structure } : {}),
  }));
  const kind = request.kind;
  const sizeLimits =
    kind === 'hvp'
      ? []
      : h.blocks.map((b) =>
          blockLimit(
            name,
            kind,
            target.name,
            request.wrt.map((w) => w.name),
            b,
          ),
        );
  const lowered = lowerFunction(
    { ...model, variables: [...model.variables, ...directionVariables] },
    { name, outputs, into: true, scratch: ctx.scratch, sizeLimits, precision: ctx.precision },
  );
  for (const helper of lowered.helpers) ctx.helpers.add(helper);
  return lowered;
}

type Lowered = ReturnType<typeof lowerFunction>;

/** The inputs, direction and result types of the function, and the type of the inputs its body reads. */
function higherInterfaces(h: DerivedHigher, lowered: Lowered, outputs: FunctionOutput[], ctx: HigherContext) {
  const target = h.request.target;
  const interfaces: PlannedInterface[] = [];
  const directionKeys = new Set(h.directions.map((d) => d.name));
  const userInputs = lowered.inputs.filter((f) => !directionKeys.has(f.key));
  const forward = ctx.forwardInputs.get(target.name)!;
  let inputsType = forward.type;
  if (forward.key !== setKey(userInputs)) {
    inputsType = ctx.types.inputs;
    interfaces.push({ name: inputsType, fields: userInputs });
  }
  // The body reads the direction as inputs: its own inputs type when there is a direction.
  let bodyInputsType = inputsType;
  if (h.directions.length > 0) {
    const directionField = (d: (typeof h.directions)[number]): string =>
      `${propertyKey(d.name)}: ${lowered.inputs.find((f) => f.key === propertyKey(d.name))?.type ?? 'unknown'}`;
    bodyInputsType = `${inputsType} & { ${h.directions.map(directionField).join('; ')} }`;
    interfaces.push({
      name: ctx.types.direction,
      fields: h.directions.map((d) => ({
        key: propertyKey(d.of),
        type: lowered.inputs.find((f) => f.key === propertyKey(d.name))?.type ?? 'unknown',
      })),
    });
  }
  interfaces.push({
    name: ctx.types.result,
    fields: [
      ...outputs
        .filter((o) => !o.key!.includes('.'))
        .map((o) => ({ key: propertyKey(o.key!), type: typeOfKind(o.kind) })),
      ...['grad', 'hess', 'hvp']
        .map((group) => ({ group, entries: outputs.filter((o) => o.key!.startsWith(`${group}.`)) }))
        .filter((g) => g.entries.length > 0)
        .map((g) => ({
          key: g.group,
          type: nestedType(g.entries.map((o) => ({ path: o.key!.split('.').slice(1), type: typeOfKind(o.kind) }))),
        })),
    ],
  });
  return { interfaces, inputsType, bodyInputsType };
}

/** The body, the exported function and its ...Into variant. */
function higherFunctions(
  h: DerivedHigher,
  userInputs: readonly string[],
  lowered: Lowered,
  ctx: HigherContext,
  inputsType: string,
  bodyInputsType: string,
): PlannedFunction[] {
  const request = h.request;
  const target = request.target;
  const name = request.functionName;
  const core = `${name}$`;
  const into = `${name}Into`;
  const direction = h.directions.length > 0;
  const directionParameter = direction ? [{ name: 'v$', type: ctx.types.direction }] : [];
  // The direction's fields join the inputs under their formula names (v_W), checked by the body,
  // in an object literal of fixed fields: a spread ({ ...input$, v_W }) made an HVP of five scalars
  // cost a hundred times its gradient. Anything but an object goes to the body as it is, to be refused.
  const fields = [
    ...userInputs.map((name) => `${propertyKey(name)}: input$${propertyAccess(name)}`),
    ...h.directions.map((d) => `${propertyKey(d.name)}: v$${propertyAccess(d.of)}`),
  ];
  const bodyInput = direction
    ? `typeof input$ !== "object" || input$ === null ? input$ : { ${fields.join(', ')} }`
    : 'input$';
  const checkDirection = (fn: string) =>
    direction
      ? [
          `if (v$ == null) throw new TypeError(${str(`${fn}: the direction v is missing; pass { ${h.directions.map((d) => d.of).join(', ')} }`)});`,
        ]
      : [];
  const wrt = request.wrt.map((w) => w.name).join(', ');
  return [
    {
      name: core,
      exported: false,
      outType: `${ctx.types.result} | undefined`,
      statements: lowered.statements,
      prologue: lowered.prologue,
      inputsType: bodyInputsType,
      returnType: ctx.types.result,
      doc: `The body of ${name} and ${into}.`,
    },
    {
      name,
      statements: [...checkDirection(name), `return ${core}(${bodyInput}, undefined);`],
      inputsType,
      extraParameters: directionParameter,
      returnType: ctx.types.result,
      doc: [
        request.kind === 'hvp'
          ? `The value of ${target.name}, its gradient with respect to ${wrt}, and the product of its Hessian with the direction v:`
          : `The value of ${target.name}${request.kind === 'hessian' ? ', its gradient' : ''} ` +
            `and its ${describe[request.kind]} with respect to ${wrt} ` +
            `(numerator layout: rows follow ${request.kind === 'hessian' ? 'the first' : target.name}, ` +
            `columns the ${request.kind === 'hessian' ? 'second' : 'wrt'} variable):`,
        ...ctx.lines.map((l) => `  ${l}`),
      ].join('\n'),
    },
    {
      name: into,
      outType: ctx.types.result,
      statements: [
        ...checkDirection(into),
        `if (out$ == null) throw new TypeError(${JSON.stringify(`${into}: out is missing; pass a result of ${name} to reuse`)});`,
        `return ${core}(${bodyInput}, out$);`,
      ],
      inputsType,
      extraParameters: directionParameter,
      returnType: ctx.types.result,
      doc:
        `${name} without allocating its results: fills the arrays of \`out\` (a result of ${name}, reused) in place, ` +
        'sets its numbers, and returns it. The arrays of `out` must not be arrays of the inputs.',
    },
  ];
}

export function planHigher(
  model: Model,
  h: DerivedHigher,
  ctx: HigherContext,
): { functions: PlannedFunction[]; interfaces: PlannedInterface[] } {
  const outputs = higherOutputs(model, h);
  const lowered = lowerHigher(model, h, outputs, ctx);
  const { interfaces, inputsType, bodyInputsType } = higherInterfaces(h, lowered, outputs, ctx);
  // The names of the inputs the body reads besides the direction (variables, and dimensions no
  // variable determines), in the order it reads them.
  const byKey = new Map([...model.variables.map((v) => v.name), ...model.dims].map((n) => [propertyKey(n), n]));
  const directionKeys = new Set(h.directions.map((d) => propertyKey(d.name)));
  const userInputs = lowered.inputs.filter((f) => !directionKeys.has(f.key)).map((f) => byKey.get(f.key)!);
  const functions = higherFunctions(h, userInputs, lowered, ctx, inputsType, bodyInputsType);
  return { functions, interfaces };
}
