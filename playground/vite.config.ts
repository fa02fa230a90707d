/**
 * The playground's build: a static single-page app in playground/dist with relative paths.
 * The compiler's one Node-only seam is replaced here, nowhere else: src/check/load.ts (ts-morph in
 * a worker thread, Buffer) by src/platform/load.ts (sucrase strips the types).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const repository = here('..');
const NODE_LOAD = here('../src/check/load.ts');
const BROWSER_LOAD = here('./src/platform/load.ts');

/** The Node-only compiler module, swapped for its browser counterpart. */
function browserCompiler(): Plugin {
  return {
    name: 'gradc-browser-compiler',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (importer === undefined || !source.startsWith('.')) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      if (resolved?.id === NODE_LOAD) return BROWSER_LOAD;
      return null;
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [browserCompiler()],
  worker: { format: 'es', plugins: () => [browserCompiler()], rolldownOptions: { checks: { bundlerTimings: false } } },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    // The module worker (prettier, mathjs, sucrase) is one chunk of about 1.6 MB, loaded after the math.
    chunkSizeWarningLimit: 2000,
    // The timing warnings measure the machine's load more than the build (the browser test builds beside other tests).
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  // The examples menu reads examples/*.formula from the repository root.
  server: { fs: { allow: [repository] } },
});
