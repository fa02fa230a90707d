/**
 * Every helper function a generated module may contain, by name: one typed registry, so a
 * helper that is used and not defined does not compile. Names end in `$`, which formula names
 * cannot, so they never collide; each is emitted once into a module that calls it.
 */
import { HELPERS } from '../ops/elementwise.js';
import type { OpHelper } from '../ops/lowering.js';
import { CHOLESKY_KERNELS } from './cholesky.js';
import { CHECKS } from './inputs.js';
import { KERNELS } from './kernels.js';
import { LU_KERNELS } from './lu.js';
import { wasmKernels } from './matrix-kernels.js';
import { byteKernels } from './heap-kernels.js';
import type { Precision } from './precision.js';

const SOURCES = { ...HELPERS, ...KERNELS, ...LU_KERNELS, ...CHOLESKY_KERNELS, ...CHECKS } satisfies Record<
  OpHelper,
  string
>;

/** The name of a helper function of generated modules. */
export type HelperName = keyof typeof SOURCES;

/**
 * The source text of a helper in a module of `precision`, written against Float64Array as all
 * generated code is (precision.ts: retype); the WebAssembly kernel, its caller and the views of
 * its memory differ in more.
 */
export function helperSource(name: HelperName, precision: Precision = 'f64'): string {
  if (precision === 'f64') return SOURCES[name];
  if (name === 'wasm$' || name === 'wasmMul$') return wasmKernels(precision)[name];
  if (name === 'heap$' || name === 'stage$' || name === 'resident$') return byteKernels(precision)[name];
  return SOURCES[name];
}
