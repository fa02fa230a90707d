/**
 * The language service for `.formula` files: one document's text in, answers out — diagnostics
 * with quick fixes, hover, definition, references, rename, symbols, completion, signature help.
 * Plain TypeScript over offsets (UTF-16, as JavaScript strings index): no editor protocol types,
 * no Node, so `gradc lsp` and the playground's editor share it. The front end runs once per text;
 * derivatives only when a request line is hovered, cached for that text; never code generation.
 */
import { differentiate } from '../diff/differentiate.js';
import { isReserved } from '../ir/declarations.js';
import { describeShape } from '../ir/shape.js';
import { toFormula } from '../print/formula.js';
import { toFormulaHigher } from '../print/higher.js';
import type { Statement } from '../syntax/ast.js';
import type { Span } from '../diagnostics/source.js';
import { analyze, type Analysis } from './analysis.js';
import { completeAt, signatureAt, type Completions, type SignatureHelp } from './completion.js';
import { hoverAt, quoted, type DerivativeLine, type Hover } from './hover.js';
import { occurrenceAt, occurrencesOf, type NameKind } from './names.js';

export type { Completions, CompletionItem, CompletionKind, SignatureHelp } from './completion.js';
export type { Hover } from './hover.js';
export type { NameKind } from './names.js';

export interface Edit {
  readonly span: Span;
  readonly text: string;
}

export interface ServiceDiagnostic {
  readonly span: Span;
  readonly message: string;
  /** The edit the message suggests, with a title for a menu. */
  readonly fix?: Edit & { readonly title: string };
}

export interface DocumentSymbol {
  readonly name: string;
  readonly kind: NameKind | 'request';
  /** A shape, a type or the exported function. */
  readonly detail: string;
  /** The whole statement. */
  readonly span: Span;
  /** The name in it. */
  readonly nameSpan: Span;
}

const IDENTIFIER = /^[\p{L}_][\p{L}\p{M}\p{Nd}_]*$/u;

function fixTitle(text: string, edit: Edit): string {
  const old = text.slice(edit.span.start, edit.span.end);
  if (old.trim() === '@') return 'Write the product as juxtaposition';
  if (edit.text === '') return `Remove '${old}'`;
  return `Replace '${old.trim()}' with '${edit.text}'`;
}

/** One open formula document. */
export class FormulaDocument {
  private current: Analysis | undefined;
  /** Each request line's derivatives by the line's offset, once derived for this text (`undefined`: not yet). */
  private derived: Map<number, readonly DerivativeLine[] | string> | undefined;

  constructor(
    private text: string,
    /** Shown in messages. */
    readonly path = '<input>',
  ) {}

  get content(): string {
    return this.text;
  }

  /** Replaces the text; the next question re-runs the front end. */
  setText(text: string): void {
    if (text === this.text) return;
    this.text = text;
    this.current = undefined;
    this.derived = undefined;
  }

  get analysis(): Analysis {
    this.current ??= analyze(this.text, this.path);
    return this.current;
  }

  diagnostics(): ServiceDiagnostic[] {
    const a = this.analysis;
    const list: ServiceDiagnostic[] = a.diagnostics.map((d) =>
      d.fix === undefined
        ? { span: d.span, message: d.message }
        : { span: d.span, message: d.message, fix: { ...d.fix, title: fixTitle(a.source.text, d.fix) } },
    );
    if (a.truncated)
      list.push({
        span: { start: 0, end: 0 },
        message: `stopped after ${a.diagnostics.length} errors; fix these to see more`,
      });
    return list;
  }

  hover(offset: number): Hover | undefined {
    return hoverAt(this.analysis, offset, (s) => this.derivative(s));
  }

  /** The derivative lines of a request, in formula syntax (as `gradc derive` prints them, without shared locals). */
  private derivative(s: Extract<Statement, { kind: 'request' }>): readonly DerivativeLine[] | string {
    this.derived ??= this.deriveAll();
    return this.derived.get(s.span.start) ?? 'no derivative: this line has an error';
  }

  /** Every request line's derivatives, derived once for this text (as `differentiate` does for gradc derive). */
  private deriveAll(): Map<number, readonly DerivativeLine[] | string> {
    const lines = new Map<number, readonly DerivativeLine[] | string>();
    // A fresh model: differentiation adds nodes to the graph, and the cached one answers hovers.
    const model = analyze(this.text, this.path).model;
    if (model === undefined) return lines;
    try {
      const derived = differentiate(model);
      for (const g of derived.gradients) {
        lines.set(
          g.request.span.start,
          // As `gradc derive` prints the line: its printed forms, and what it shares named once.
          toFormula(model, { ...derived, gradients: [g], higher: [] }, { share: true }).map((l) => ({
            text: `${l.name} = ${l.expression}`,
            wrt: l.local === true ? [] : [l.wrt],
          })),
        );
      }
      for (const h of derived.higher)
        lines.set(
          h.request.span.start,
          toFormulaHigher(model, [h]).map((l) => ({ text: l.text, wrt: l.wrt })),
        );
    } catch (e) {
      const message = `no derivative: ${e instanceof Error ? e.message : String(e)}`;
      for (const r of [...model.requests, ...model.higherRequests]) lines.set(r.span.start, message);
    }
    return lines;
  }

  /** Where the name at `offset` is declared, defined or (a dimension) first written. */
  definition(offset: number): Span | undefined {
    const a = this.analysis;
    const at = occurrenceAt(a.names, offset, true);
    if (at === undefined) return undefined;
    return occurrencesOf(a.names, at.name).find((o) => o.introduces)?.span;
  }

  /** Every occurrence of the name at `offset`; its introduction too unless `includeDeclaration` is false. */
  references(offset: number, includeDeclaration = true): Span[] {
    const a = this.analysis;
    const at = occurrenceAt(a.names, offset, true);
    if (at === undefined || !a.names.kinds.has(at.name)) return [];
    return occurrencesOf(a.names, at.name)
      .filter((o) => includeDeclaration || !o.introduces)
      .map((o) => o.span);
  }

  /** The span of the name a rename at `offset` would change, if there is one. */
  renameRange(offset: number): Span | undefined {
    const a = this.analysis;
    const at = occurrenceAt(a.names, offset, true);
    return at !== undefined && a.names.kinds.has(at.name) ? at.span : undefined;
  }

  /** The edits that rename the name at `offset` everywhere, or why it cannot be renamed. */
  rename(offset: number, newName: string): Edit[] | { readonly error: string } {
    const a = this.analysis;
    const at = occurrenceAt(a.names, offset, true);
    if (at === undefined || !a.names.kinds.has(at.name))
      return { error: 'there is no variable, definition or dimension here to rename' };
    if (!IDENTIFIER.test(newName))
      return { error: `'${newName}' is not a name: letters, digits and _, not starting with a digit` };
    if (isReserved(newName)) return { error: `'${newName}' is a reserved word` };
    if (newName !== at.name && (a.names.kinds.has(newName) || a.names.occurrences.some((o) => o.name === newName))) {
      return { error: `'${newName}' is already used in this file` };
    }
    return occurrencesOf(a.names, at.name).map((o) => ({ span: o.span, text: newName }));
  }

  /** Declarations, definitions, dimensions and requests, in text order. */
  symbols(): DocumentSymbol[] {
    const a = this.analysis;
    const text = a.source.text;
    const out: DocumentSymbol[] = [];
    const dims = new Set<string>();
    for (const s of a.program.statements) {
      switch (s.kind) {
        case 'decl':
          for (const o of a.names.occurrences) {
            if (
              o.introduces &&
              a.names.kinds.get(o.name) === 'dimension' &&
              !dims.has(o.name) &&
              o.span.start >= s.span.start &&
              o.span.end <= s.span.end
            ) {
              dims.add(o.name);
              out.push({ name: o.name, kind: 'dimension', detail: 'dimension', span: o.span, nameSpan: o.span });
            }
          }
          for (const n of s.names)
            out.push({
              name: n.name,
              kind: 'variable',
              detail: quoted(text, s.type.span),
              span: s.span,
              nameSpan: n.span,
            });
          break;
        case 'def': {
          const node = a.model?.definitions.find(
            (d) => d.name === s.name.name && d.span.start === s.name.span.start,
          )?.node;
          out.push({
            name: s.name.name,
            kind: 'definition',
            detail: node === undefined ? '' : describeShape(node.shape),
            span: s.span,
            nameSpan: s.name.span,
          });
          break;
        }
        case 'request': {
          const fn = [...(a.model?.requests ?? []), ...(a.model?.higherRequests ?? [])].find(
            (r) => r.span.start === s.span.start,
          )?.functionName;
          const name = `${s.request} ${s.target.name} wrt ${s.wrt.map((w) => w.name).join(', ')}`;
          out.push({ name, kind: 'request', detail: fn ?? '', span: s.span, nameSpan: s.target.span });
          break;
        }
      }
    }
    return out.sort((x, y) => x.nameSpan.start - y.nameSpan.start);
  }

  completion(offset: number): Completions {
    return completeAt(this.analysis, offset);
  }

  signatureHelp(offset: number): SignatureHelp | undefined {
    return signatureAt(this.analysis, offset);
  }
}
