import type { TextEdit } from './types';

/** Applies non-overlapping edits (0-based line/UTF-16 column ranges) to a text, last first. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (line: number, column: number): number =>
    line >= lineStarts.length ? text.length : Math.min(lineStarts[line] + column, text.length);
  // Last first, so earlier offsets stay valid; among inserts at one point the later edit goes in
  // first, which leaves them in array order (the LSP rule).
  const sorted = edits
    .map((edit, index) => ({ edit, index }))
    .sort(
      (a, b) =>
        offset(b.edit.range.start.line, b.edit.range.start.column) - offset(a.edit.range.start.line, a.edit.range.start.column) ||
        b.index - a.index,
    )
    .map((entry) => entry.edit);
  let out = text;
  for (const edit of sorted) {
    const start = offset(edit.range.start.line, edit.range.start.column);
    const end = offset(edit.range.end.line, edit.range.end.column);
    out = out.slice(0, start) + edit.text + out.slice(end);
  }
  return out;
}
