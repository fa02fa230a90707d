/** The examples menu: the handout models of examples/, read into the bundle at build time. */
const files = import.meta.glob<string>('../../examples/*.formula', { query: '?raw', import: 'default', eager: true });

export interface Example {
  /** The file's base name without `.formula`: `ds102_two_layer`. */
  readonly name: string;
  readonly text: string;
}

export const EXAMPLES: readonly Example[] = Object.entries(files)
  .map(([path, text]) => ({ name: path.replace(/^.*\//, '').replace(/\.formula$/, ''), text }))
  .sort((a, b) => a.name.localeCompare(b.name));

/** The example the playground opens with: the DS 102 two-layer network. */
export const DEFAULT_EXAMPLE = EXAMPLES.find((e) => e.name === 'ds102_two_layer') ?? EXAMPLES[0]!;
