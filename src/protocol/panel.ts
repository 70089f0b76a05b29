// The message protocol between the benchmark panel's extension side (src/extension/
// benchmark-panel.ts) and its browser script (src/webview/benchmark/main.ts). Type-only and free
// of Node or DOM imports, so both sides (and both tsconfigs) can import it.
//
// Why the extension renders HTML and the browser only swaps it in: the renderers reuse the
// engine's formatting helpers (src/profiling/recommend.ts), which pull in Node modules a browser
// bundle cannot resolve; rendering in the extension keeps one renderer, testable under node:test,
// and the browser script small.

/** Extension → webview. */
export type ToWebview =
  /** A benchmark is running: show the progress bar (the last result, if any, stays visible). */
  | { type: 'running'; fraction: number; message: string }
  /** A new result: `html` replaces the result area; the buttons follow `actions`. */
  | { type: 'result'; html: string; verdict: string; actions: PanelActions; version: number }
  /**
   * The run failed, could not start or was refused; the last result, if any, stays visible.
   * `location`: the label of the code to change ("app.py:10"), shown as a Go-to link.
   */
  | { type: 'error'; message: string; location?: string | null }
  /** Neither running nor failed (a reloaded page may have been built while a run was on). */
  | { type: 'idle' }
  /** A short confirmation for the live region ("Copied as Markdown", "Saved …"). */
  | { type: 'notice'; message: string };

/** Webview → extension. */
export type FromWebview =
  /** The page loaded; it shows result `resultVersion` (0: none), so the panel sends only what is newer. */
  | { type: 'ready'; resultVersion: number }
  | { type: 'rerun' }
  | { type: 'apply' }
  | { type: 'export'; format: 'json' | 'csv' }
  | { type: 'copy-markdown' }
  /** The error's Go-to link: the extension opens the location it holds (the page sends no path). */
  | { type: 'open-location' };

export interface PanelActions {
  /** A result is shown: export and copy work. */
  hasResult: boolean;
  /** There is a recommendation to apply. */
  canApply: boolean;
  /** The apply button's label, e.g. "Apply: processes × 2". */
  applyLabel: string;
}

/** What the webview keeps with `setState`; the serializer reads `key` after a window reload. */
export interface PanelWebviewState {
  key: { file: string; functionName: string };
}

const FORMATS = new Set(['json', 'csv']);

/** Narrows an untrusted message from the webview; anything else is ignored. */
export function parseFromWebview(value: unknown): FromWebview | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready', resultVersion: typeof m.resultVersion === 'number' && Number.isFinite(m.resultVersion) ? m.resultVersion : 0 };
    case 'rerun':
    case 'apply':
    case 'copy-markdown':
    case 'open-location':
      return { type: m.type as 'rerun' | 'apply' | 'copy-markdown' | 'open-location' };
    case 'export':
      return typeof m.format === 'string' && FORMATS.has(m.format) ? { type: 'export', format: m.format as 'json' | 'csv' } : null;
    default:
      return null;
  }
}

/** Reads the panel key out of a restored webview state (it may come from an older version). */
export function parsePanelState(value: unknown): PanelWebviewState | null {
  if (typeof value !== 'object' || value === null) return null;
  const key = (value as { key?: unknown }).key;
  if (typeof key !== 'object' || key === null) return null;
  const { file, functionName } = key as Record<string, unknown>;
  if (typeof file !== 'string' || typeof functionName !== 'string' || !file || !functionName) return null;
  return { key: { file, functionName } };
}
