/** Where TypeScript looks for the types of a module with another extension than .ts or .js. */
import { basename, dirname, extname, join } from 'node:path';

/**
 * The declaration file beside a formula, in TypeScript's arbitrary-extension convention (read
 * under `allowArbitraryExtensions`): `dir/model.formula` → `dir/model.d.formula.ts`
 * (`dir/name` without an extension → `dir/name.d.ts`, what `import './name'` looks for).
 */
export function declarationPath(formulaPath: string): string {
  const ext = extname(formulaPath);
  const stem = basename(formulaPath, ext);
  return join(dirname(formulaPath), ext === '' ? `${stem}.d.ts` : `${stem}.d${ext}.ts`);
}
