/**
 * The generated module's declarations as TypeScript text, before formatting: interfaces, type
 * aliases, functions with their doc comments, and verbatim code (the forward engine, helpers).
 * Written by hand rather than with ts-morph, whose compiler is too large to ship to a browser
 * (the playground runs this same code); prettier then gives the text its final layout.
 */

/** One top-level declaration of the module. */
export type ModuleDeclaration =
  | {
      readonly kind: 'interface';
      readonly name: string;
      readonly exported: boolean;
      readonly doc?: string;
      readonly extends?: string;
      readonly properties: readonly { readonly key: string; readonly type: string }[];
    }
  | { readonly kind: 'alias'; readonly name: string; readonly exported: boolean; readonly type: string }
  | {
      readonly kind: 'function';
      readonly name: string;
      readonly exported: boolean;
      readonly doc: string;
      readonly parameters: readonly { readonly name: string; readonly type: string }[];
      readonly returnType: string;
      /** The body's statements, one string (lines separated by `\n`). */
      readonly body: string;
    }
  | { readonly kind: 'code'; readonly text: string };

/** A JSDoc comment: `/** text *\/` for one line, one ` * ` line per line otherwise. */
function docComment(doc: string): string {
  const lines = doc.split('\n');
  if (lines.length === 1) return `/** ${doc} */\n`;
  return `/**\n${lines.map((l) => (l === '' ? ' *' : ` * ${l}`)).join('\n')}\n */\n`;
}

function printDeclaration(d: ModuleDeclaration): string {
  switch (d.kind) {
    case 'interface': {
      const head = `${d.exported ? 'export ' : ''}interface ${d.name}${d.extends !== undefined ? ` extends ${d.extends}` : ''}`;
      const body = d.properties.map((p) => `  ${p.key}: ${p.type};\n`).join('');
      return `${d.doc !== undefined ? docComment(d.doc) : ''}${head} {\n${body}}`;
    }
    case 'alias':
      return `${d.exported ? 'export ' : ''}type ${d.name} = ${d.type};`;
    case 'function': {
      const parameters = d.parameters.map((p) => `${p.name}: ${p.type}`).join(', ');
      return `${docComment(d.doc)}${d.exported ? 'export ' : ''}function ${d.name}(${parameters}): ${d.returnType} {\n${d.body}\n}`;
    }
    case 'code':
      return d.text;
  }
}

/**
 * The declarations as one formatted TypeScript text, a blank line between declarations.
 * prettier's standalone build with its Babel parser: the same in Node and in a browser. Loaded
 * when first needed: a caller that never formats (`gradc check` runs the module as generated)
 * does not pay the ~0.5 s of loading it.
 */
export async function printModule(declarations: readonly ModuleDeclaration[]): Promise<string> {
  const [babel, estree, { format }] = await Promise.all([
    import('prettier/plugins/babel'),
    import('prettier/plugins/estree'),
    import('prettier/standalone'),
  ]);
  return format(moduleText(declarations), { parser: 'babel-ts', plugins: [babel, estree], printWidth: 110 });
}

/** The declarations as one TypeScript text, as printModule formats it: the same code, laid out as generated. */
export function moduleText(declarations: readonly ModuleDeclaration[]): string {
  return `${declarations.map(printDeclaration).join('\n\n')}\n`;
}
