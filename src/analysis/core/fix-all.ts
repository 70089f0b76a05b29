import type { Fix, TextEdit } from './types';

// Picks the fixes that can be applied together in one pass (`--fix`, "Fix all"): a fix whose
// edits overlap or touch an already chosen one waits for the next round, after re-analysis.
// In a notebook's result edits carry their cell, and only edits of one cell can overlap. Two
// fixes creating the same file with different texts conflict too.

function position(cell: number | undefined, line: number, column: number): number {
  return ((cell ?? 0) * 1_000_000 + line) * 1_000_000 + column;
}

function span(edit: TextEdit): [number, number] {
  return [position(edit.cell, edit.range.start.line, edit.range.start.column), position(edit.cell, edit.range.end.line, edit.range.end.column)];
}

export function compatibleFixes(fixes: readonly Fix[]): Fix[] {
  const taken: [number, number][] = [];
  const created = new Map<string, string>();
  const chosen: Fix[] = [];
  const seen = new Set<string>();
  for (const fix of fixes) {
    // Two findings can offer the very same fix (e.g. one executor swap for two task sites).
    const key = JSON.stringify([fix.edits, fix.createFiles ?? []]);
    if (seen.has(key)) continue;
    seen.add(key);
    const spans = fix.edits.map(span);
    // Touching spans count as overlapping: two insertions at one point have no defined order.
    if (spans.some(([s, e]) => taken.some(([ts, te]) => s <= te && ts <= e))) continue;
    if ((fix.createFiles ?? []).some((f) => created.has(f.path))) continue;
    taken.push(...spans);
    for (const f of fix.createFiles ?? []) created.set(f.path, f.text);
    chosen.push(fix);
  }
  return chosen;
}
