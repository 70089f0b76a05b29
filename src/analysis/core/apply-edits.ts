import { LineIndex } from './lines';
import type { TextEdit } from './types';

/**
 * Applies non-overlapping edits (0-based line/UTF-16 column ranges) to a text, last first. Lines
 * are counted as the editor counts them (`\n`, `\r\n`, lone `\r`: see lines.ts) and positions are
 * clamped as LSP clients clamp them, so `--fix` writes what the editor's quick fix would.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  // Last first, so earlier offsets stay valid; among inserts at one point the later edit goes in
  // first, which leaves them in array order (the LSP rule).
  const sorted = edits
    .map((edit, index) => ({ edit, index, start: lines.offsetAt(edit.range.start), end: lines.offsetAt(edit.range.end) }))
    .sort((a, b) => b.start - a.start || b.index - a.index);
  let out = text;
  for (const { edit, start, end } of sorted) out = out.slice(0, start) + edit.text + out.slice(Math.max(start, end));
  return out;
}
