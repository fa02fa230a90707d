/** A generated module's functions and interfaces before they are printed (module.ts). */

export interface PlannedFunction {
  readonly name: string;
  /** Exported unless false. */
  readonly exported?: boolean;
  /** For `fGradInto`: the type of the caller's result object, filled in place. */
  readonly outType?: string;
  readonly statements: readonly string[];
  /** How many statements come before the computation (input checks): a split body starts a segment after them. */
  readonly prologue?: number;
  readonly inputsType: string;
  /** Parameters between the inputs and `out$`: an HVP's direction. */
  readonly extraParameters?: readonly { readonly name: string; readonly type: string }[];
  readonly returnType: string;
  readonly doc: string;
}

/** An exported interface: its fields, on top of those of the interface it extends. */
export interface PlannedInterface {
  readonly name: string;
  readonly extends?: string;
  /** Same fields as another interface: an alias. */
  readonly alias?: string;
  readonly fields: readonly { key: string; type: string }[];
}

export const fieldKey = (f: { key: string; type: string }) => `${f.key}:${f.type}`;

/** The same fields in any order give the same key. */
export const setKey = (fields: readonly { key: string; type: string }[]) => fields.map(fieldKey).sort().join(';');
