/** Generated modules in memory: type-check them strictly with ts-morph, and load them to run. */
import { Project, ts } from 'ts-morph';

/** The compiler options every generated module must pass. */
const STRICT_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitReturns: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: false,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  lib: ['lib.es2022.d.ts'],
  types: [],
  noEmit: true,
  // The standard library's declarations are not what is under test: checking them again for
  // every module took most of the time. The module itself is checked in full.
  skipLibCheck: true,
};

/**
 * One in-memory project for every check: the library files are read and bound once. Checks are
 * synchronous, so they never see each other's module.
 */
let shared: Project | undefined;

/** TypeScript's complaints about a module, as `line:col message` strings; empty when it is clean. */
export function typeCheckModule(code: string, fileName = 'module.ts'): string[] {
  const project = (shared ??= new Project({ useInMemoryFileSystem: true, compilerOptions: STRICT_OPTIONS }));
  const file = project.createSourceFile(fileName, code, { overwrite: true });
  try {
    return project.getPreEmitDiagnostics().map((d) => {
      const start = d.getStart();
      const where =
        start === undefined
          ? ''
          : `${file.getLineAndColumnAtPos(start).line}:${file.getLineAndColumnAtPos(start).column} `;
      const text = d.getMessageText();
      return `${where}${typeof text === 'string' ? text : text.getMessageText()}`;
    });
  } finally {
    project.removeSourceFile(file);
  }
}

/** A generated module's exports, compiled to JavaScript and imported from memory. */
export async function loadModule(code: string): Promise<Record<string, unknown>> {
  const js = ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 },
  }).outputText;
  return (await import(`data:text/javascript;base64,${Buffer.from(js, 'utf8').toString('base64')}`)) as Record<
    string,
    unknown
  >;
}
