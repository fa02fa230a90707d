/**
 * The report of `gradc check`: its rows and verdict, the table printed for a terminal, and the
 * JSON document of `check --json`.
 */
import type { Comparison } from './numeric.js';

/**
 * One comparison of a check: a function's value against the reference evaluator, or a block of
 * derivatives (a gradient with respect to one variable or definition, a Jacobian, Hessian or HVP
 * block) against finite differences.
 */
export interface CheckRow {
  readonly functionName: string;
  /** `value` for a function's own value, else the variable or definition differentiated against. */
  readonly variable: string;
  /** A value: entry by entry, judged by `tol`. A block: its worst probe, `maxAbs` the error beyond the allowance. */
  readonly comparison: Comparison;
  /**
   * As measured. A value: the largest absolute and relative error over its entries. A block:
   * `maxAbs` is ‖J v − N(v)‖₂ at its worst probe v (the one with the largest error / allowance),
   * `maxRel` that over ‖J v‖₂.
   */
  readonly measured: { readonly maxAbs: number; readonly maxRel: number };
  /**
   * A block: what the worst probe's error was allowed to be, from the estimated error of the
   * finite differences (see probe.ts); the block passes when every probe's error is within its
   * allowance. A value: 0 (it is judged by `tol`).
   */
  readonly allowance: number;
  /** A block: how many probes, and whether they were its columns (`entries`) or `directions`. */
  readonly probes?: { readonly count: number; readonly method: 'entries' | 'directions' };
  readonly pass: boolean;
  /** Why the row was not compared (then `pass` is true): a gradient central differences cannot check. */
  readonly skipped?: string;
}

/**
 * A value or gradient that was not finite at any of the seeds tried (at the last one, whose
 * inputs the report's rows use): the check fails, and says what and where.
 */
export interface NotFinite {
  /** A definition (`L`), a derived gradient (`dL/dx`), or its central differences (`dL/dx by central differences`). */
  readonly what: string;
  /** NaN, Infinity or -Infinity. */
  readonly value: number;
  /** The first entry that is not finite; undefined for a scalar. */
  readonly entry: { readonly row: number; readonly col: number } | undefined;
  /** The first and the last seed tried. */
  readonly seeds: readonly [number, number];
}

/**
 * What `checkModel` found: the sizes and the seed used (a later seed than the one asked for when
 * the formula was not finite at the first), the module's type errors, one row per value and
 * gradient, `notFinite` when no seed tried gave finite values and gradients, and `ok`: the
 * module type-checks, every row passes, and everything was finite.
 */
export interface CheckReport {
  readonly dims: ReadonlyMap<string, number>;
  /** Square matrices sampled with a structure, as the text report says: `K diagonally dominant`. */
  readonly structuredMatrices: readonly string[];
  readonly seed: number;
  /** The tolerance the rows were judged by (CheckOptions.tol). */
  readonly tol: number;
  readonly typeErrors: readonly string[];
  /** Whether the module was type-checked (see CheckOptions.typeCheck). */
  readonly typeChecked: boolean;
  readonly rows: readonly CheckRow[];
  /** Set when every seed tried gave a value or gradient that is not finite (then `ok` is false). */
  readonly notFinite?: NotFinite;
  readonly ok: boolean;
}

/**
 * The summary line of a check that found no finite point:
 * `L is not finite at any sampled point (tried seeds 1-20): NaN at entry (0, 0)`.
 */
export function describeNotFinite(n: NotFinite): string {
  const [first, last] = n.seeds;
  const seeds = first === last ? `seed ${first}` : `seeds ${first}-${last}`;
  const where = n.entry === undefined ? '' : ` at entry (${n.entry.row}, ${n.entry.col})`;
  return `${n.what} is not finite at any sampled point (tried ${seeds}): ${n.value}${where}`;
}

/** A number of the report in the table: three significant digits. */
function scientific(x: number): string {
  return x.toExponential(2);
}

/** Whether a row's errors were measured (not for a skipped row, nor for mismatched shapes or entries that are not finite). */
function measuredErrors(r: CheckRow): boolean {
  return r.skipped === undefined && r.comparison.mismatch === undefined;
}

/**
 * The report as the table `gradc check` prints for a terminal: the sizes and the seed, the
 * tolerance, one line per row (the errors as measured, the noise allowed, the result), and a
 * summary line.
 *
 * @param report - A report of `checkModel`.
 * @returns The table, lines separated by `\n`.
 * @example
 * ```ts
 * console.log(formatCheckReport(await checkModel(model)));
 * ```
 */
export function formatCheckReport(report: CheckReport): string {
  const lines: string[] = [];
  const dims = [...report.dims].map(([d, n]) => `${d}=${n}`).join(', ');
  lines.push(`dimensions: ${dims === '' ? '(none)' : dims}; seed ${report.seed}`);
  if (report.structuredMatrices.length > 0) lines.push(`sampled: ${report.structuredMatrices.join(', ')}`);
  lines.push(
    `tolerance: values within relative error ${report.tol === 0 ? '0' : report.tol.toExponential()} beyond their rounding; derivatives within their allowance`,
  );
  for (const e of report.typeErrors) lines.push(`type error in the generated module: ${e}`);
  const header = ['function', 'variable', 'probes', 'error', 'rel error', 'allowance', 'result'];
  const body = report.rows.map((r) => [
    r.functionName,
    r.variable,
    r.probes === undefined || r.probes.count === 0
      ? '-'
      : `${r.probes.count} ${r.probes.method === 'entries' ? (r.probes.count === 1 ? 'entry' : 'entries') : 'directions'}`,
    measuredErrors(r) ? scientific(r.measured.maxAbs) : '-',
    measuredErrors(r) ? scientific(r.measured.maxRel) : '-',
    // Left empty for a skipped row: nothing was compared, so nothing was allowed.
    r.skipped === undefined ? scientific(r.allowance) : '',
    r.skipped !== undefined
      ? `skipped (${r.skipped})`
      : r.pass
        ? 'pass'
        : `FAIL${r.comparison.mismatch !== undefined ? ` (${r.comparison.mismatch})` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  lines.push(fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt));
  const failed = report.rows.filter((r) => !r.pass).length;
  const skipped = report.rows.filter((r) => r.skipped !== undefined).length;
  const checked = report.rows.length - skipped;
  if (report.notFinite !== undefined) lines.push(describeNotFinite(report.notFinite));
  lines.push(
    report.ok
      ? `all ${checked} checks passed${skipped > 0 ? `; ${skipped} not checked` : ''}`
      : `${failed} of ${report.rows.length} checks failed${report.typeErrors.length > 0 ? '; the module does not type-check' : ''}`,
  );
  return lines.join('\n');
}

/** A number in the JSON report: a non-finite one is written as a string, as in fixture files. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface CheckRowDocument {
  readonly function: string;
  /** `value` for the function's own value, else the variable or definition differentiated against. */
  readonly variable: string;
  /** A block: how many probes, `entries` (its columns) or `directions`; null for a value or a skipped row. */
  readonly probes: { readonly count: number; readonly method: 'entries' | 'directions' } | null;
  /**
   * As measured; null when not measured (skipped, or `reason` says why not). A value: the
   * largest absolute error over its entries. A block: ‖J v − N(v)‖₂ at its worst probe.
   */
  readonly error: JsonNumber | null;
  /** A value: the largest relative error of an entry. A block: the error over ‖J v‖₂. */
  readonly relError: JsonNumber | null;
  /**
   * A block: the error its worst probe was allowed (it passes when every probe is within its
   * own). A value: what rounding can explain, subtracted before `tolerance` applies. Null when skipped.
   */
  readonly allowance: JsonNumber | null;
  readonly result: 'pass' | 'fail' | 'skipped';
  /** Why a row was skipped, or what mismatched (shapes, NaN) in a failed one. */
  readonly reason?: string;
}

/** `gradc check --json`: the whole report as one JSON document. */
export interface CheckReportDocument {
  readonly formula: string;
  readonly dims: Record<string, number>;
  readonly seed: number;
  readonly tolerance: number;
  readonly typeChecked: boolean;
  readonly typeErrors: readonly string[];
  readonly rows: readonly CheckRowDocument[];
  /**
   * Present when no seed tried gave finite values and gradients: what was not finite, its
   * first non-finite entry (null for a scalar), the seeds tried, and the summary line.
   */
  readonly notFinite?: {
    readonly what: string;
    readonly value: JsonNumber;
    readonly entry: { readonly row: number; readonly col: number } | null;
    readonly seeds: { readonly first: number; readonly last: number };
    readonly message: string;
  };
  readonly ok: boolean;
}

function jsonNumber(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

export function checkReportDocument(report: CheckReport, formula: string): CheckReportDocument {
  const dims = Object.create(null) as Record<string, number>; // a dimension may be named __proto__
  for (const [d, n] of report.dims) dims[d] = n;
  const rows = report.rows.map((r): CheckRowDocument => {
    const measured = measuredErrors(r);
    const reason = r.skipped ?? r.comparison.mismatch;
    return {
      function: r.functionName,
      variable: r.variable,
      probes: r.probes ?? null,
      error: measured ? jsonNumber(r.measured.maxAbs) : null,
      relError: measured ? jsonNumber(r.measured.maxRel) : null,
      allowance: r.skipped === undefined ? jsonNumber(r.allowance) : null,
      result: r.skipped !== undefined ? 'skipped' : r.pass ? 'pass' : 'fail',
      ...(reason === undefined ? {} : { reason }),
    };
  });
  return {
    formula,
    dims,
    seed: report.seed,
    tolerance: report.tol,
    typeChecked: report.typeChecked,
    typeErrors: report.typeErrors,
    rows,
    ...(report.notFinite === undefined
      ? {}
      : {
          notFinite: {
            what: report.notFinite.what,
            value: jsonNumber(report.notFinite.value),
            entry: report.notFinite.entry ?? null,
            seeds: { first: report.notFinite.seeds[0], last: report.notFinite.seeds[1] },
            message: describeNotFinite(report.notFinite),
          },
        }),
    ok: report.ok,
  };
}
