import type { Finding, TextEdit } from './types';

// Picks the fixes that can be applied together in one pass: fixes whose edits overlap an
// already chosen fix wait for the next round (the caller re-analyzes and repeats).

function offsetKey(line: number, column: number): number {
  return line * 1_000_000 + column;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  const aStart = offsetKey(a.range.start.line, a.range.start.column);
  const aEnd = offsetKey(a.range.end.line, a.range.end.column);
  const bStart = offsetKey(b.range.start.line, b.range.start.column);
  const bEnd = offsetKey(b.range.end.line, b.range.end.column);
  // Two insertions at the same point would interleave unpredictably: treat them as overlapping.
  if (aStart === bStart) return true;
  return aStart < bEnd && bStart < aEnd;
}

export function compatibleFixes(findings: readonly Finding[], includeUnsafe = false): Finding[] {
  const chosen: Finding[] = [];
  const taken: TextEdit[] = [];
  for (const finding of findings) {
    const fix = finding.fix;
    if (!fix || (!fix.safe && !includeUnsafe)) continue;
    if (fix.edits.some((edit) => taken.some((other) => overlaps(edit, other)))) continue;
    chosen.push(finding);
    taken.push(...fix.edits);
  }
  return chosen;
}
