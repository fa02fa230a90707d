/**
 * `gradc compile`'s work for one formula file: where its module (and, with --dts, its
 * declaration) goes, and their texts. Shared by a single run and by --watch.
 */
import { basename, join, resolve } from 'node:path';
import { declarationPath } from '../bundler/declaration-path.js';
import { differentiate } from '../diff/differentiate.js';
import { checkFormula } from '../front.js';
import type { Precision } from '../codegen/precision.js';
import { InvocationError, NothingToDoError } from './errors.js';
import type { FormulaText } from './files.js';

export interface CompileTarget {
  /** The formula file as given (`-` for standard input). */
  readonly file: string;
  /** DIR/<name>.ts, or DIR/<name>.js with --js. */
  readonly modulePath: string;
  /** DIR/<name>.d.ts, the module's types, with --js. */
  readonly typesPath: string | undefined;
  /** `<name>.d.formula.ts` beside the formula, with --dts. */
  readonly declarationPath: string | undefined;
  /** --precision: the module's number format. */
  readonly precision: Precision;
}

/** A file to write and its text. */
export interface Output {
  readonly path: string;
  readonly text: string;
}

/** Where each formula's outputs go; two inputs that would write one module are refused. */
export function compileTargets(
  files: readonly string[],
  dir: string,
  declarations: boolean,
  javascript = false,
  precision: Precision = 'f64',
): CompileTarget[] {
  const targets = files.map((file) => {
    const name = basename(file).replace(/\.formula$/, '');
    return {
      file,
      modulePath: join(dir, `${name}.${javascript ? 'js' : 'ts'}`),
      typesPath: javascript ? join(dir, `${name}.d.ts`) : undefined,
      declarationPath: declarations ? declarationPath(file) : undefined,
      precision,
    };
  });
  refuseSharedOutputs(targets);
  return targets;
}

/** Two inputs with one base name would write one module, the second replacing the first: refused. */
function refuseSharedOutputs(targets: readonly CompileTarget[]): void {
  const byPath = new Map<string, string>();
  for (const { file, modulePath } of targets) {
    const earlier = byPath.get(resolve(modulePath));
    if (earlier === undefined) {
      byPath.set(resolve(modulePath), file);
    } else if (resolve(earlier) === resolve(file)) {
      throw new InvocationError(`${file} is given twice`);
    } else {
      throw new InvocationError(
        `${earlier} and ${file} would both be written to ${modulePath}; compile them in separate runs with different -o directories`,
      );
    }
  }
}

/**
 * The module (first: TypeScript, or with --js its JavaScript and then its types, `<name>.d.ts`)
 * and the declaration of one formula; throws a located error for a bad formula.
 */
export async function compileOutputs(target: CompileTarget, formula: FormulaText): Promise<Output[]> {
  const model = checkFormula(formula.text, formula.path);
  if (model.definitions.length === 0)
    throw new NothingToDoError(model.source.path, 'nothing to compile: no definitions');
  // Loaded on first use: each command pays only for the libraries it needs.
  const { generateModule } = await import('../codegen/module.js');
  // As compile() does: the header names the base name only, so output does not depend on the directory.
  const sourceName = model.source.path.split(/[\\/]/).pop() ?? model.source.path;
  const code = await generateModule(model, differentiate(model), { sourceName, precision: target.precision });
  const transpile =
    target.typesPath !== undefined || target.declarationPath !== undefined
      ? await import('../bundler/transpile.js')
      : undefined;
  const outputs: Output[] =
    target.typesPath !== undefined
      ? [
          // The same code with its types stripped (TypeScript's transpileModule: deterministic), and its declarations.
          { path: target.modulePath, text: transpile!.moduleJavaScript(code, sourceName) },
          { path: target.typesPath, text: transpile!.moduleDeclaration(code, sourceName) },
        ]
      : [{ path: target.modulePath, text: code }];
  if (target.declarationPath !== undefined)
    outputs.push({ path: target.declarationPath, text: transpile!.moduleDeclaration(code, sourceName) });
  return outputs;
}
