/**
 * The browser's src/check/load.ts (vite.config.ts swaps it in): generated modules are loaded by
 * stripping their types with sucrase and importing the JavaScript from a blob URL. ts-morph's
 * TypeScript compiler (several megabytes) is not shipped, so the playground's check runs with
 * `typeCheck: false`; the command line's `gradc check` type-checks the same module strictly.
 */
import { transform } from 'sucrase';

/** Nothing to start: the browser does not type-check. */
export function startTypeScript(): void {}

/** Never called in the browser (the playground passes `typeCheck: false`). */
export function typeCheckModule(): Promise<string[]> {
  return Promise.reject(
    new Error('type-checking generated modules needs TypeScript, which the playground does not ship'),
  );
}

/** A generated module's exports, its types stripped, imported from memory. */
export async function loadModule(code: string): Promise<Record<string, unknown>> {
  const js = transform(code, { transforms: ['typescript'], disableESTransforms: true }).code;
  const url = URL.createObjectURL(new Blob([js], { type: 'text/javascript' }));
  try {
    return (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  } finally {
    URL.revokeObjectURL(url);
  }
}
