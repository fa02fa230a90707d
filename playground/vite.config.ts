/**
 * The playground's build: a static single-page app in playground/dist with relative paths.
 * The compiler's two Node-only seams are replaced here, nowhere else:
 * - src/syntax/statement-parser.ts (reads grammar/formula.peggy and runs peggy) by the parser
 *   peggy generates at build time from the same grammar with the same options;
 * - src/check/load.ts (ts-morph, Buffer) by src/platform/load.ts (sucrase strips the types).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import peggy from 'peggy';
import { defineConfig, type Plugin } from 'vite';
import { GRAMMAR_URL, PARSER_OPTIONS } from '../src/syntax/statement-parser.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const repository = here('..');
const STATEMENT_PARSER = here('../src/syntax/statement-parser.ts');
const NODE_LOAD = here('../src/check/load.ts');
const BROWSER_LOAD = here('./src/platform/load.ts');
const GENERATED_PARSER = '\0gradc:statement-parser';

/** The Node-only compiler modules, swapped for their browser counterparts. */
function browserCompiler(): Plugin {
  return {
    name: 'gradc-browser-compiler',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (source === GENERATED_PARSER) return source;
      if (importer === undefined || !source.startsWith('.')) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      if (resolved?.id === STATEMENT_PARSER) return GENERATED_PARSER;
      if (resolved?.id === NODE_LOAD) return BROWSER_LOAD;
      return null;
    },
    load(id) {
      if (id !== GENERATED_PARSER) return null;
      this.addWatchFile(fileURLToPath(GRAMMAR_URL));
      const source = peggy.generate(readFileSync(GRAMMAR_URL, 'utf8'), {
        allowedStartRules: [...PARSER_OPTIONS.allowedStartRules],
        cache: PARSER_OPTIONS.cache,
        output: 'source',
        format: 'es',
      });
      return `${source}\nconst parser$ = { parse: peg$parse };\nexport function statementParser() { return parser$; }\n`;
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
