/**
 * The shared forward pass of a module. Every definition's exported function calls one
 * internal function, `forward$`, with the index of the definition it wants; `forward$` works
 * out which definitions, variables and dimensions that one needs (from small dependency
 * tables), checks only those inputs, and computes only those definitions, each in its own
 * block. Code size is therefore linear in the number of definitions, where one standalone
 * function per definition would repeat every earlier layer: quadratic for a deep network.
 */
import type { HelperName } from './helpers.js';
import type { Model } from '../ir/model.js';
import { reachable } from '../ir/walk.js';
import { isScalar, type Dim } from '../ir/shape.js';
import { keepFactorsRead, lowerBlock } from './lower.js';
import { checkDimension, checkStructure, checkMatrix, checkNumber, checkVector, inputTypeOf } from './inputs.js';
import { localName, propertyAccess, propertyKey, str } from './names.js';
import { dimensionsOf, isLeafValue } from './placement.js';
import { valueKindOfShape, type HeapFrame, type ScratchSlots } from './spec.js';
import { frameStatement } from './storage.js';
import { splitBody, type SplitLimits } from './split.js';
import type { Precision } from './precision.js';

export interface ForwardEngine {
  /** Declarations of the dependency tables and of `forward$`. */
  readonly code: string;
  /** The names of the functions it declares: `plan$`, `forward$` and the segments of a split `forward$`. */
  readonly functionNames: readonly string[];
  readonly helpers: ReadonlySet<HelperName>;
  /** The input fields of each definition's function, in declaration order. */
  readonly fields: readonly (readonly InputField[])[];
  /** Fields of the engine's own argument: every variable and every dimension. */
  readonly allFields: readonly InputField[];
  /** For each definition, the earlier definitions its expression reads. */
  readonly deps: readonly (readonly number[])[];
}

export interface InputField {
  readonly name: string;
  readonly key: string;
  readonly type: string;
}

export const ENGINE_INPUTS = 'Inputs$';

export function buildForwardEngine(
  model: Model,
  scratch?: ScratchSlots,
  limits?: SplitLimits,
  precision: Precision = 'f64',
): ForwardEngine {
  const definitions = model.definitions;
  const variables = model.variables;
  // The first definition of each node: later definitions with the same node read it
  // (variables, literals and constant matrices are read or recomputed where they are needed).
  const firstDefinition = new Map<number, number>();
  definitions.forEach((d, i) => {
    if (!firstDefinition.has(d.node.id) && !isLeafValue(d.node)) firstDefinition.set(d.node.id, i);
  });

  const { deps, vars, dims } = directReads(model, firstDefinition);
  const fields = inputFields(model, { deps, vars, dims });
  const out = planTables(model, { deps, vars, dims });

  const body: string[] = ['const plan = PLANS$[target] ?? (PLANS$[target] = plan$(target));'];
  const { usedVariables, usedDims } = usedInputs(model, vars, dims);
  const bound = declareDimensions(model, usedDims, body);
  const { locals, factors, helpers } = readVariables(model, usedVariables, bound, body);
  checkDimensionsAndIndices(model, usedVariables, bound, locals, helpers, body);
  computeDefinitions(
    model,
    { deps, firstDefinition, locals, dimLocals: bound.dimLocals, factors, helpers, scratch, precision },
    body,
  );
  body.push(`throw new RangeError(${msg(str(': no such definition'))});`);
  keepFactorsRead(body, factors.values());

  const inputParameter = body.some((line) => line.includes('input$')) ? 'input$' : '_input$';
  const returnType = 'number | Float64Array | Matrix';
  const parameters = [
    { name: inputParameter, type: ENGINE_INPUTS },
    { name: 'fn', type: 'string' },
    { name: 'target', type: 'number' },
  ];
  // A pass too large for V8 to optimise goes on in functions of its own (split.ts).
  const split = splitBody(
    { name: 'forward$', parameters, returnType, statements: body, typeHints: new Map([['plan', 'Plan$']]) },
    limits,
  );
  const signature = (name: string, ps: readonly { name: string; type: string }[]) =>
    `function ${name}(${ps.map((p) => `${p.name}: ${p.type}`).join(', ')}): ${returnType} {`;
  out.push(
    "/** The forward pass shared by every definition's function: computes definition `target` and what it needs. */",
    signature('forward$', parameters),
    ...split.statements,
    '}',
  );
  split.segments.forEach((segment, k) =>
    out.push(
      `/** forward$, continued (part ${k + 2} of ${split.segments.length + 1}: V8 optimises no function as large as the whole). */`,
      signature(segment.name, segment.parameters),
      ...segment.statements,
      '}',
    ),
  );

  const allFields: InputField[] = [
    ...variables.map((v) => ({ name: v.name, key: propertyKey(v.name), type: inputTypeOf(v) })),
    ...model.dims.map((d) => ({ name: d, key: propertyKey(d), type: 'number' })),
  ];
  const functionNames = ['plan$', 'forward$', ...split.segments.map((s) => s.name)];
  return { code: out.join('\n'), functionNames, helpers, fields, allFields, deps };
}

/** The dependency tables, and `plan$`, which works out from them what computing one definition needs. */
function planTables(model: Model, reads: DirectReads): string[] {
  const { deps, vars, dims } = reads;
  const definitions = model.definitions;
  const variables = model.variables;
  const out: string[] = [];
  const table = (name: string, rows: number[][]) =>
    `const ${name}: readonly (readonly number[])[] = [${rows.map((r) => `[${r.join(', ')}]`).join(', ')}];`;
  out.push('/** For each definition: the definitions, variables and dimensions its own expression reads. */');
  out.push(table('DEFINITIONS$', deps), table('VARIABLES$', vars), table('DIMENSIONS$', dims));
  out.push(
    '/** What computing one definition needs: worked out once per definition, then reused. */',
    'interface Plan$ {',
    'need: Uint8Array;',
    'needVariable: Uint8Array;',
    'needDimension: Uint8Array;',
    '}',
    'const PLANS$: (Plan$ | undefined)[] = [];',
    'function plan$(target: number): Plan$ {',
    `const need = new Uint8Array(${definitions.length});`,
    `const needVariable = new Uint8Array(${variables.length});`,
    `const needDimension = new Uint8Array(${model.dims.length});`,
    'need[target] = 1;',
    'for (let i = target; i >= 0; i--) {',
    'if (need[i] === 0) continue;',
    'for (const j of DEFINITIONS$[i]!) need[j] = 1;',
    'for (const v of VARIABLES$[i]!) needVariable[v] = 1;',
    'for (const d of DIMENSIONS$[i]!) needDimension[d] = 1;',
    '}',
    'return { need, needVariable, needDimension };',
    '}',
  );
  return out;
}

/** The variables and dimensions some definition reads: only they get locals (strict mode refuses unread ones). */
function usedInputs(model: Model, vars: number[][], dims: number[][]) {
  const variables = model.variables;
  const usedVariables = new Set(vars.flat());
  const usedDims = new Set(dims.flat().map((x) => model.dims[x]!));
  for (const v of usedVariables) {
    const s = variables[v]!.shape;
    for (const d of [s.rows, s.cols]) if (typeof d === 'string') usedDims.add(d);
  }
  return { usedVariables, usedDims };
}

/** Locals of the bound dimensions, and of the input each was bound from (for messages). */
interface DimensionLocals {
  readonly dimLocals: Map<string, string>;
  readonly fromLocals: Map<string, string>;
}

/** Declares a local for every used dimension, bound at run time by the first needed input that has it. */
function declareDimensions(model: Model, usedDims: ReadonlySet<string>, body: string[]): DimensionLocals {
  const dimLocals = new Map<string, string>();
  const fromLocals = new Map<string, string>();
  model.dims.forEach((d, i) => {
    if (!usedDims.has(d)) return;
    const local = localName('d', d, i);
    dimLocals.set(d, local);
    fromLocals.set(d, `${local}$from`);
    body.push(`let ${local} = 0;`, `let ${local}$from = "";`);
  });
  return { dimLocals, fromLocals };
}

/** The generated parameter that names the calling function in messages. */
const fn = 'fn';

/** A message of generated code: the calling function's name followed by `parts`. */
const msg = (...parts: string[]) => [fn, ...parts].join(' + ');

/** The message for a matrix input `name` whose data (in `local`) has the wrong length. */
const dataLengthMessage = (name: string, local: string) =>
  msg(str(`: ${name}.data has length `), `${local}.length`, str(` but ${name} is `), 'm.rows', str(' x '), 'm.cols');

/** Checks size `size` of input `variable` against dimension `d`, binding `d` if no input has yet. */
function bindSize(
  { dimLocals, fromLocals }: DimensionLocals,
  d: Dim,
  size: string,
  what: string,
  unit: 'length' | 'rows' | 'columns',
  variable: string,
): string[] {
  const has =
    unit === 'length' ? [str(`: ${variable} has length `), size] : [str(`: ${variable} has `), size, str(` ${unit}`)];
  if (typeof d === 'number') {
    return [
      `if (${size} !== ${d}) throw new RangeError(${msg(...has, str(` but must have ${unit === 'length' ? `length ${d}` : `${d} ${unit}`}`))});`,
    ];
  }
  const local = dimLocals.get(d)!;
  const from = fromLocals.get(d)!;
  return [
    `if (${from} === "") {`,
    `${local} = ${size};`,
    `${from} = ${str(what)};`,
    `if (!(${local} >= 1)) throw new RangeError(${msg(str(`: dimension ${d} is `), local, str(` (from ${what}); every dimension must be at least 1`))});`,
    `} else if (${size} !== ${local}) {`,
    `throw new RangeError(${msg(...has, str(` but dimension ${d} is `), local, str(' (from '), from, str(')'))});`,
    '}',
  ];
}

/** Reads and checks every used variable that the plan needs, binding the dimensions of its shape. */
function readVariables(model: Model, usedVariables: ReadonlySet<number>, bound: DimensionLocals, body: string[]) {
  const variables = model.variables;
  const bind = (d: Dim, size: string, what: string, unit: 'length' | 'rows' | 'columns', variable: string) =>
    bindSize(bound, d, size, what, unit, variable);
  const locals = new Map<number, string>();
  const factors = new Map<number, string>();
  const helpers = new Set<HelperName>();
  variables.forEach((v, i) => {
    if (!usedVariables.has(i)) return;
    const local = localName('v', v.name, i);
    locals.set(v.node.id, local);
    const read = `input$${propertyAccess(v.name)}`;
    const type = v.kind === 'scalar' || v.kind === 'index' ? 'number' : 'ArrayLike<number>';
    body.push(`let ${local}!: ${type};`);
    if (v.structure === 'spd') {
      factors.set(v.node.id, `${local}$chol`);
      body.push(`let ${local}$chol!: Float64Array;`);
    }
    body.push(`if (plan.needVariable[${i}] === 1) {`);
    switch (v.kind) {
      case 'scalar':
      case 'index':
        body.push(`${local} = ${read};`, checkNumber(fn, local, v.name, helpers));
        break;
      case 'vector':
        body.push(
          `${local} = ${read};`,
          checkVector(fn, local, v.name, v.shape.rows, helpers),
          ...bind(v.shape.rows, `${local}.length`, `${v.name}.length`, 'length', v.name),
        );
        break;
      case 'matrix':
        body.push(
          `const m = ${read};`,
          checkMatrix(fn, 'm', v.name, v.shape.rows, v.shape.cols, helpers),
          ...bind(v.shape.rows, 'm.rows', `${v.name}.rows`, 'rows', v.name),
          ...bind(v.shape.cols, 'm.cols', `${v.name}.cols`, 'columns', v.name),
          `${local} = m.data;`,
          `if (${local}.length !== m.rows * m.cols) throw new RangeError(${dataLengthMessage(v.name, local)});`,
        );
        // Symmetric (and positive definite) before anything is computed: its rows are checked above.
        if (v.structure !== undefined) body.push(checkStructure(fn, local, v, 'm.rows', `${local}$chol`, helpers));
        break;
    }
    body.push('}');
  });
  return { locals, factors, helpers };
}

/** Dimensions no needed input determined are read as inputs; index variables are checked against their bound. */
function checkDimensionsAndIndices(
  model: Model,
  usedVariables: ReadonlySet<number>,
  { dimLocals, fromLocals }: DimensionLocals,
  locals: ReadonlyMap<number, string>,
  helpers: Set<HelperName>,
  body: string[],
): void {
  const variables = model.variables;
  model.dims.forEach((d, i) => {
    const local = dimLocals.get(d);
    if (local === undefined) return;
    body.push(
      `if (plan.needDimension[${i}] === 1 && ${fromLocals.get(d)} === "") {`,
      `${local} = input$${propertyAccess(d)};`,
      checkDimension(fn, local, d, helpers),
      '}',
    );
  });
  variables.forEach((v, i) => {
    if (v.kind !== 'index' || !usedVariables.has(i)) return;
    const local = locals.get(v.node.id)!;
    const bound = typeof v.bound === 'number' ? String(v.bound) : dimLocals.get(v.bound!)!;
    body.push(
      `if (plan.needVariable[${i}] === 1 && (!Number.isInteger(${local}) || ${local} < 0 || ${local} >= ${bound})) {`,
      `throw new RangeError(${msg(str(`: ${v.name} is `), local, str(` but must be an integer with 0 <= ${v.name} < ${v.bound} = `), bound)});`,
      '}',
    );
  });
}

/** What the definitions' blocks read: the locals of inputs and dimensions, and where each node is first computed. */
interface BlockContext {
  readonly deps: readonly (readonly number[])[];
  readonly firstDefinition: ReadonlyMap<number, number>;
  readonly locals: ReadonlyMap<number, string>;
  readonly dimLocals: Map<string, string>;
  readonly factors: Map<number, string>;
  readonly helpers: Set<HelperName>;
  readonly scratch: ScratchSlots | undefined;
  readonly precision: Precision;
}

/** One block per definition, run when the plan needs it; definitions that later ones read keep their value in a local. */
function computeDefinitions(model: Model, c: BlockContext, body: string[]): void {
  const { deps, firstDefinition, locals, dimLocals, factors, helpers, scratch, precision } = c;
  const definitions = model.definitions;
  const readLater = new Set(deps.flat());
  // One frame for every block whose products run on WebAssembly, opened before the first block.
  const frameAt = body.length;
  const frames: HeapFrame[] = [];
  definitions.forEach((d, i) => {
    const kind = valueKindOfShape(d.node);
    const valueLocal = `value$${i}`;
    const blockLocals = new Map(locals);
    for (const [id, j] of firstDefinition) if (j < i && readLater.has(j)) blockLocals.set(id, `value$${j}`);
    const block = lowerBlock(model, {
      nameExpr: fn,
      output: { key: undefined, node: d.node, kind },
      locals: blockLocals,
      dims: dimLocals,
      factors,
      precision,
      ...(scratch !== undefined ? { scratch } : {}),
    });
    for (const h of block.helpers) helpers.add(h);
    if (block.frame !== undefined) frames.push(block.frame);
    if (readLater.has(i))
      body.push(isScalar(d.node.shape) ? `let ${valueLocal} = 0;` : `let ${valueLocal}!: ArrayLike<number>;`);
    body.push(`if (plan.need[${i}] === 1) {`, ...block.statements);
    if (readLater.has(i)) body.push(`${valueLocal} = ${block.value};`);
    body.push(`if (target === ${i}) return ${block.result};`, '}');
  });
  if (frames.length > 0) body.splice(frameAt, 0, frameStatement(frames, 'forward$(input$, fn, target)'));
}

/** What each definition's own expression reads directly, by index: earlier definitions, variables and dimensions, each sorted. */
interface DirectReads {
  readonly deps: number[][];
  readonly vars: number[][];
  readonly dims: number[][];
}

/** The direct reads of every definition; `firstDefinition` gives the definition that computes a node first. */
function directReads(model: Model, firstDefinition: ReadonlyMap<number, number>): DirectReads {
  const definitions = model.definitions;
  const variables = model.variables;
  const varIndex = new Map(variables.map((v, i) => [v.node.id, i]));
  const dimIndex = new Map(model.dims.map((d, i) => [d, i]));
  // What each definition reads directly.
  const deps: number[][] = [];
  const vars: number[][] = [];
  const dims: number[][] = [];
  definitions.forEach((d, i) => {
    const earlier = new Map([...firstDefinition].filter(([, j]) => j < i));
    // The definition's own expression: down to variables and earlier definitions.
    const nodes = reachable([d.node], (n) => !earlier.has(n.id));
    const depSet = new Set<number>();
    const varSet = new Set<number>();
    const dimSet = new Set<string>();
    for (const n of nodes) {
      const j = earlier.get(n.id);
      if (j !== undefined) depSet.add(j);
      const v = varIndex.get(n.id);
      if (v !== undefined) {
        varSet.add(v);
        const bound = variables[v]!.bound;
        if (typeof bound === 'string') dimSet.add(bound);
      }
      for (const x of dimensionsOf(n)) dimSet.add(x);
    }
    deps.push([...depSet].sort((a, b) => a - b));
    vars.push([...varSet].sort((a, b) => a - b));
    dims.push([...dimSet].map((x) => dimIndex.get(x)!).sort((a, b) => a - b));
  });
  return { deps, vars, dims };
}

/** The input fields of each definition's function, from what it reads directly and through earlier definitions. */
function inputFields(model: Model, { deps, vars, dims }: DirectReads): InputField[][] {
  const variables = model.variables;
  // Each definition's function fields: the variables it needs, then dimensions no such variable determines.
  return model.definitions.map((_, i) => {
    const needDefs = new Set<number>([i]);
    for (let k = i; k >= 0; k--) if (needDefs.has(k)) for (const j of deps[k]!) needDefs.add(j);
    const needVars = new Set<number>();
    const needDims = new Set<number>();
    for (const k of needDefs) {
      for (const v of vars[k]!) needVars.add(v);
      for (const x of dims[k]!) needDims.add(x);
    }
    const determined = new Set<string>();
    for (const v of needVars) {
      const s = variables[v]!.shape;
      for (const d of [s.rows, s.cols]) if (typeof d === 'string') determined.add(d);
    }
    const varFields = [...needVars]
      .sort((a, b) => a - b)
      .map((v) => ({
        name: variables[v]!.name,
        key: propertyKey(variables[v]!.name),
        type: inputTypeOf(variables[v]!),
      }));
    const dimFields = [...needDims]
      .sort((a, b) => a - b)
      .map((x) => model.dims[x]!)
      .filter((d) => !determined.has(d))
      .map((d) => ({ name: d, key: propertyKey(d), type: 'number' }));
    return [...varFields, ...dimFields];
  });
}
