/**
 * Faults injected into a generated module's derivatives, for the check's no-miss suite: every
 * function's result is wrapped, and one block of it is changed (one entry off by 1e-3 of the
 * block's largest entry, the block scaled by 1 + 1e-4, a square block transposed), or every block
 * is taken from a variant of the formula with one occurrence of a variable frozen (a constant of
 * the same value: the derivative misses the terms through that occurrence). A fault that changes
 * nothing (a symmetric block transposed, a zero block scaled) is not counted.
 */
import { checkExports } from '../../src/check/check-module.js';
import type { CheckReport } from '../../src/check/check-report.js';
import { loadModule } from '../../src/check/load.js';
import { mulberry32 } from '../../src/check/random.js';
import { generate, type GeneratedModule } from '../../src/codegen/module.js';
import { differentiate } from '../../src/diff/differentiate.js';
import type { Model } from '../../src/ir/model.js';
import { checkFormula } from '../../src/front.js';

export type Fault = 'entry' | 'scale' | 'transpose' | 'dropped term';

/** A compiled, loaded formula. */
export interface Compiled {
  readonly model: Model;
  readonly module: GeneratedModule;
  readonly exports: Record<string, unknown>;
}

export const timing = { compile: 0 };

export async function compile(text: string, name = 'model.formula'): Promise<Compiled> {
  const t = performance.now();
  try {
    return await compileNow(text, name);
  } finally {
    timing.compile += performance.now() - t;
  }
}

async function compileNow(text: string, name: string): Promise<Compiled> {
  const model = checkFormula(text, name);
  const module = await generate(model, differentiate(model), { sourceName: name });
  return { model, module, exports: await loadModule(module.code) };
}

/** A block of a result: its place (`W`, `grad.x`, `hess.x.y`, `hvp.W`) and its entries. */
interface Block {
  readonly path: readonly string[];
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** The derivative blocks of a function's result, in order. */
export function blocks(result: Record<string, unknown>, prefix: readonly string[] = []): Block[] {
  const out: Block[] = [];
  for (const [key, v] of Object.entries(result)) {
    if (prefix.length === 0 && key === 'value') continue;
    const path = [...prefix, key];
    if (typeof v === 'number') out.push({ path, rows: 1, cols: 1, data: Float64Array.of(v) });
    else if (v instanceof Float64Array) out.push({ path, rows: v.length, cols: 1, data: v });
    else if (typeof v === 'object' && v !== null && 'data' in v) {
      const m = v as { rows: number; cols: number; data: Float64Array };
      out.push({ path, rows: m.rows, cols: m.cols, data: m.data });
    } else if (typeof v === 'object' && v !== null) out.push(...blocks(v as Record<string, unknown>, path));
  }
  return out;
}

/** The result with the block at `path` replaced by `data` (same kind of value). */
function withBlock(result: unknown, path: readonly string[], data: Float64Array): unknown {
  const [key, ...rest] = path;
  const r = result as Record<string, unknown>;
  const old = r[key!];
  let next: unknown;
  if (rest.length > 0) next = withBlock(old, rest, data);
  else if (typeof old === 'number') next = data[0]!;
  else if (old instanceof Float64Array) next = data;
  else next = { ...(old as object), data };
  return { ...r, [key!]: next };
}

const largest = (d: Float64Array) => d.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/**
 * Blocks whose largest entry is below this are zero at the point as far as differences can tell
 * (a length-scale gradient of exp(-D / 2ℓ²) with ℓ = 0.05 is 1e-200): a fault of a thousandth of
 * that is not counted.
 */
export const NEGLIGIBLE = 1e-8;

/** The faulty entries of a block, or undefined when the fault changes nothing there. */
export function faulty(block: Block, fault: Exclude<Fault, 'dropped term'>, entry: number): Float64Array | undefined {
  const m = largest(block.data);
  if (m < NEGLIGIBLE) return undefined;
  const d = Float64Array.from(block.data);
  if (fault === 'entry') d[entry % d.length] = d[entry % d.length]! + 1e-3 * m;
  if (fault === 'scale') d.forEach((x, i) => (d[i] = x * (1 + 1e-4)));
  if (fault === 'transpose') {
    const { rows, cols } = block;
    if (rows !== cols || rows < 2) return undefined;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) d[i * cols + j] = block.data[j * cols + i]!;
    let change = 0;
    d.forEach((x, i) => (change = Math.max(change, Math.abs(x - block.data[i]!))));
    if (change < 1e-3 * m) return undefined;
  }
  return d;
}

/** The exports with one function's results changed by `change` (given the arguments and the true result). */
export function wrapped(
  exports: Record<string, unknown>,
  functionName: string,
  change: (result: unknown, args: unknown[]) => unknown,
): Record<string, unknown> {
  const original = exports[functionName] as (...a: unknown[]) => unknown;
  return { ...exports, [functionName]: (...args: unknown[]) => change(original(...args), args) };
}

export interface Mutant {
  readonly formula: string;
  readonly functionName: string;
  readonly block: string;
  readonly fault: Fault;
  readonly report: CheckReport;
  /** Whether the check failed the mutated function. */
  readonly detected: boolean;
}

/** Every effective single-block fault of every derivative function of `c`, checked. */
export function blockMutants(
  c: Compiled,
  name: string,
  options: { dims: Record<string, number>; seed: number },
): Mutant[] {
  const { gradients: derived, higher } = differentiate(c.model);
  const manifest = c.module.manifest;
  const functions = [...manifest.gradients.map((g) => g.functionName), ...manifest.higher.map((h) => h.functionName)];
  const mutants: Mutant[] = [];
  const rng = mulberry32(options.seed * 977 + 13);
  // The blocks as the check will see them: learned from one call during a clean check.
  const seen = new Map<string, Block[]>();
  const spy = Object.fromEntries(
    functions.map((f) => [
      f,
      (...args: unknown[]) => {
        const r = (c.exports[f] as (...a: unknown[]) => unknown)(...args) as Record<string, unknown>;
        if (!seen.has(f)) seen.set(f, blocks(r));
        return r;
      },
    ]),
  );
  const clean = checkExports(c.model, { ...c.exports, ...spy }, manifest, options, { derived, higher });
  if (!clean.ok) throw new Error(`${name}: the clean module does not pass`);
  for (const f of functions) {
    for (const block of seen.get(f) ?? []) {
      for (const fault of ['entry', 'scale', 'transpose'] as const) {
        const entry = Math.floor(rng() * block.data.length);
        if (faulty(block, fault, entry) === undefined) continue;
        const exports = wrapped(c.exports, f, (result) => {
          const b = blocks(result as Record<string, unknown>).find((x) => x.path.join('.') === block.path.join('.'))!;
          const d = faulty(b, fault, entry);
          return d === undefined ? result : withBlock(result, b.path, d);
        });
        const report = checkExports(c.model, exports, manifest, { ...options, functions: [f] }, { derived, higher });
        const detected = report.rows.some((r) => r.functionName === f && !r.pass);
        mutants.push({ formula: name, functionName: f, block: block.path.join('.'), fault, report, detected });
      }
    }
  }
  return mutants;
}

/**
 * The formula with the `k`-th occurrence of `variable` in its definitions frozen: replaced by
 * `<variable>Frozen`, declared beside it. Undefined when there is no such occurrence.
 */
export function frozenVariant(text: string, variable: string, k: number): string | undefined {
  const lines = text.split('\n');
  const declaration = lines.findIndex(
    (l) =>
      /^[^=#]*:/.test(l) &&
      l
        .split(':')[0]!
        .split(',')
        .map((s) => s.trim())
        .includes(variable),
  );
  if (declaration < 0) return undefined;
  const type = lines[declaration]!.split(':').slice(1).join(':').trim();
  let seen = 0;
  const pattern = new RegExp(`(?<![\\w.])${variable}(?![\\w])`, 'g');
  let done = false;
  const changed = lines.map((l, i) => {
    if (i === declaration || !/^\s*[\w]+\s*=/.test(l) || done) return l;
    return l.replace(
      /=(.*)$/,
      (_all, rhs: string) =>
        `=${rhs.replace(pattern, (m) => {
          if (done || seen++ !== k) return m;
          done = true;
          return `${variable}Frozen`;
        })}`,
    );
  });
  if (!done) return undefined;
  changed.splice(declaration + 1, 0, `${variable}Frozen : ${type}`);
  return changed.join('\n');
}

/**
 * Dropped-term faults: for each variable differentiated and each of its occurrences, the
 * derivatives of the frozen variant (value from the original), where they differ.
 */
export async function droppedTermMutants(
  c: Compiled,
  text: string,
  name: string,
  options: { dims: Record<string, number>; seed: number },
  /** At most this many variants (each one compile), spread over the variables; default all. */
  variants = Infinity,
): Promise<Mutant[]> {
  const { gradients: derived, higher } = differentiate(c.model);
  const manifest = c.module.manifest;
  const wrtVariables = new Set(
    [...c.model.requests.flatMap((r) => r.wrt), ...c.model.higherRequests.flatMap((r) => r.wrt)]
      .filter((w) => w.isVariable)
      .map((w) => w.name),
  );
  const functions = [...manifest.gradients.map((g) => g.functionName), ...manifest.higher.map((h) => h.functionName)];
  const mutants: Mutant[] = [];
  // Every occurrence of every variable, in turns: the first occurrence of each, then the second, ...
  const chosen: string[] = [];
  for (let k = 0, more = true; more && chosen.length < variants; k++) {
    more = false;
    for (const variable of wrtVariables) {
      const variantText = frozenVariant(text, variable, k);
      if (variantText === undefined || chosen.length >= variants) continue;
      more = true;
      chosen.push(variantText);
    }
  }
  for (const variantText of chosen) {
    const variable = /^(\S+)Frozen : /m.exec(variantText)![1]!;
    {
      const k = chosen.filter((t) => t.includes(`${variable}Frozen : `)).indexOf(variantText);
      const variant = await compile(variantText, name);
      for (const f of functions) {
        let differs = false;
        const exports = wrapped(c.exports, f, (result, args) => {
          const [inputs, ...rest] = args as [Record<string, unknown>, ...unknown[]];
          const other = (variant.exports[f] as (...a: unknown[]) => unknown)(
            { ...inputs, [`${variable}Frozen`]: inputs[variable] },
            ...rest,
          ) as Record<string, unknown>;
          let next = result;
          const mine = blocks(result as Record<string, unknown>);
          for (const b of blocks(other)) {
            const a = mine.find((x) => x.path.join('.') === b.path.join('.'))!;
            const m = largest(a.data);
            if (m >= NEGLIGIBLE && a.data.some((x, i) => Math.abs(x - b.data[i]!) > 1e-3 * m)) differs = true;
            next = withBlock(next, b.path, b.data);
          }
          return next;
        });
        const report = checkExports(c.model, exports, manifest, { ...options, functions: [f] }, { derived, higher });
        if (!differs) continue;
        const detected = report.rows.some((r) => r.functionName === f && !r.pass);
        mutants.push({
          formula: name,
          functionName: f,
          block: `${variable} occurrence ${k + 1}`,
          fault: 'dropped term',
          report,
          detected,
        });
      }
    }
  }
  return mutants;
}
