import type { Fix, TextEdit } from './types';

// Picks the fixes that can be applied together in one pass (`--fix`, "Fix all"): a fix whose
// edits overlap or touch an already chosen one waits for the next round, after re-analysis.

function position(line: number, column: number): number {
  return line * 1_000_000 + column;
}

function span(edit: TextEdit): [number, number] {
  return [position(edit.range.start.line, edit.range.start.column), position(edit.range.end.line, edit.range.end.column)];
}

export function compatibleFixes(fixes: readonly Fix[]): Fix[] {
  const taken: [number, number][] = [];
  const chosen: Fix[] = [];
  const seen = new Set<string>();
  for (const fix of fixes) {
    // Two findings can offer the very same fix (e.g. one executor swap for two task sites).
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) continue;
    seen.add(key);
    const spans = fix.edits.map(span);
    // Touching spans count as overlapping: two insertions at one point have no defined order.
    if (spans.some(([s, e]) => taken.some(([ts, te]) => s <= te && ts <= e))) continue;
    taken.push(...spans);
    chosen.push(fix);
  }
  return chosen;
}
