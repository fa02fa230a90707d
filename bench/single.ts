/**
 * The single-precision rows of `npm run bench` (issue 29): each batched model's gradient from the
 * module compiled with `--precision f32` (bench/run.ts writes it as NAME-f32.js), called with
 * Float32Array inputs as a float32 training loop holds them, against the same model's f64 module
 * (Float64Array inputs) and TensorFlow.js on its wasm backend (float32, SIMD).
 *
 * Contenders: `f64 gradInto` (the f64 module, reused result), `f32 grad`, `f32 gradInto`,
 * `tfjs-wasm`. Correctness first: the f32 results within 1e-4 of the hand-written f64 gradient
 * (max |a - e| / max |e| per field), as TensorFlow.js within 1e-3.
 */
export interface SingleRow {
  model: string;
  file: string;
  sizes: string;
  microseconds: Record<string, number>;
  range: Record<string, [number, number]>;
  ratios: Record<string, number>;
  gflops: Record<string, number>;
}

export const SINGLE_CONTENDERS = ['f64 gradInto', 'f32 grad', 'f32 gradInto', 'tfjs-wasm'] as const;

/** Inputs with every array as a Float32Array (numbers as they are). */
export function float32Inputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (v instanceof Float64Array) out[k] = Float32Array.from(v);
    else if (typeof v === 'object' && v !== null && 'data' in v) {
      const m = v as { rows: number; cols: number; data: Float64Array };
      out[k] = { rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) };
    } else out[k] = v;
  }
  return out;
}

const fmt = (x: number) =>
  Number.isNaN(x) ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2);

/** The single-precision table: times, GFLOP/s of the f32 gradient, and the two ratios the targets read. */
export function singleTable(rows: readonly SingleRow[]): string {
  const header = [
    'model (f32)',
    'f64 gradInto',
    'f32 grad',
    'f32 gradInto',
    'tfjs-wasm',
    'GFLOP/s: f64 gradInto',
    'f32 gradInto',
    'tfjs-wasm',
    'f64 gradInto / f32 gradInto',
    'wasm / f32 grad',
  ];
  const body = rows.map((r) => [
    `${r.model}, ${r.sizes}`,
    ...SINGLE_CONTENDERS.map((c) => fmt(r.microseconds[c]!)),
    ...(['f64 gradInto', 'f32 gradInto', 'tfjs-wasm'] as const).map((c) => fmt(r.gflops[c]!)),
    r.ratios['f64 gradInto / f32 gradInto']!.toFixed(2),
    fmt(r.ratios['tfjs-wasm / f32 grad']!),
  ]);
  const lines = [header, ...body].map((cells) => `| ${cells.join(' | ')} |`);
  lines.splice(1, 0, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  return lines.join('\n');
}

/** Issue 29's targets for each single-precision row. */
export function singleTargets(
  rows: readonly SingleRow[],
): { target: string; model: string; measured: number; pass: boolean }[] {
  return rows.flatMap((r) => {
    const f64 = r.ratios['f64 gradInto / f32 gradInto']!;
    const tf = r.ratios['tfjs-wasm / f32 grad']!;
    return [
      { target: 'f32: f64 gradInto / f32 gradInto >= 1.5', model: r.model, measured: f64, pass: f64 >= 1.5 },
      ...(Number.isNaN(tf)
        ? []
        : [{ target: 'f32: tfjs-wasm / f32 grad >= 4', model: r.model, measured: tf, pass: tf >= 4 }]),
    ];
  });
}
