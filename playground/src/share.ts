/**
 * The playground's state in a shareable URL hash (`#f=<lz-string>`, as the TypeScript and Peggy
 * playgrounds do) and in localStorage. On load the URL wins over the stored state.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import type { MathView } from './protocol.js';

export interface PlaygroundState {
  readonly formula: string;
  readonly view: MathView;
  readonly dims: Readonly<Record<string, number>>;
}

const STORAGE_KEY = 'gradc-playground';
const HASH_PREFIX = '#f=';
const VIEWS: readonly MathView[] = ['plain', 'steps', 'shapes'];

/** A state read back from text, or undefined when it is not one (an old or edited link). */
function parseState(json: string | null): PlaygroundState | undefined {
  if (json === null || json === '') return undefined;
  try {
    const value = JSON.parse(json) as Partial<PlaygroundState>;
    if (typeof value.formula !== 'string') return undefined;
    const dims: Record<string, number> = {};
    for (const [d, n] of Object.entries(value.dims ?? {})) if (Number.isInteger(n) && n > 0) dims[d] = n;
    return {
      formula: value.formula,
      view: VIEWS.includes(value.view as MathView) ? (value.view as MathView) : 'plain',
      dims,
    };
  } catch {
    return undefined;
  }
}

export function stateToHash(state: PlaygroundState): string {
  return HASH_PREFIX + compressToEncodedURIComponent(JSON.stringify(state));
}

export function stateFromHash(hash: string): PlaygroundState | undefined {
  if (!hash.startsWith(HASH_PREFIX)) return undefined;
  return parseState(decompressFromEncodedURIComponent(hash.slice(HASH_PREFIX.length)));
}

/** The state to start from: the URL's, else the stored one, else undefined (the default example). */
export function initialState(): PlaygroundState | undefined {
  return stateFromHash(location.hash) ?? parseState(localStorage.getItem(STORAGE_KEY));
}

/** Keeps the state in the URL (without a history entry per keystroke) and in localStorage. */
export function saveState(state: PlaygroundState): void {
  history.replaceState(null, '', stateToHash(state));
  localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
}
