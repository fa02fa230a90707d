/**
 * A generated module as a bundler and a type checker need it: JavaScript to run, and a
 * declaration file for TypeScript's arbitrary-extension convention (`model.d.formula.ts`
 * describes `import ... from './model.formula'` under `allowArbitraryExtensions`).
 */
import { ts } from 'ts-morph';

/**
 * The declarations of a generated module. Every export of a generated module has its types
 * written out, so the declaration is read off the text alone (isolated declarations), without a
 * type checker: 5 to 60 ms a module.
 */
export function moduleDeclaration(code: string, fileName: string): string {
  const result = ts.transpileDeclaration(code, {
    fileName: `${fileName}.ts`,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022 },
  });
  const problem = result.diagnostics?.[0];
  // A generated module that needs inference is a bug in the code generator, not in the formula.
  if (problem !== undefined)
    throw new Error(`no declaration for ${fileName}: ${ts.flattenDiagnosticMessageText(problem.messageText, '\n')}`);
  return result.outputText;
}

/** The module as JavaScript (ES2022 module syntax): its types erased, its code unchanged. */
export function moduleJavaScript(code: string, fileName: string): string {
  return ts.transpileModule(code, {
    fileName: `${fileName}.ts`,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
}
