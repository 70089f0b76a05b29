import { LineIndex } from './lines';
import type { Finding, Language, TextEdit } from './types';

// Edits behind the "Ignore CLxxx on this line / in this file" code actions: they write the
// suppression comments that suppression.ts reads, merging into an existing comment when possible.
// Lines are counted as the findings' rows are (lines.ts), and an added line ends as the file's do.

export function ignoreOnLineEdit(text: string, language: Language, finding: Pick<Finding, 'rule' | 'range'>): TextEdit {
  const lines = new LineIndex(text);
  const row = finding.range.start.line;
  const line = lines.lineText(row);
  if (language === 'python') {
    const existing = /#\s*clens:\s*ignore\[([^\]]*)\]/.exec(line);
    if (existing) {
      const start = existing.index + existing[0].indexOf('[') + 1;
      const end = start + existing[1].length;
      return { range: { start: { line: row, column: start }, end: { line: row, column: end } }, text: `${existing[1].trim()}, ${finding.rule}` };
    }
    return { range: { start: { line: row, column: line.length }, end: { line: row, column: line.length } }, text: `  # clens: ignore[${finding.rule}]` };
  }
  const above = row > 0 ? lines.lineText(row - 1) : '';
  const previous = /\/\/\s*clens-ignore-next-line((?:[ \t]+[A-Z0-9]+,?)*)\s*$/.exec(above);
  if (previous && row > 0) {
    return { range: { start: { line: row - 1, column: above.length }, end: { line: row - 1, column: above.length } }, text: ` ${finding.rule}` };
  }
  const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
  return { range: { start: { line: row, column: 0 }, end: { line: row, column: 0 } }, text: `${indent}// clens-ignore-next-line ${finding.rule}${lines.eol}` };
}

export function ignoreInFileEdit(text: string, language: Language, rule: string): TextEdit {
  const lines = new LineIndex(text);
  if (language === 'python') {
    // Keep a shebang and an encoding declaration first: Python only honours them on lines 1–2.
    let row = 0;
    while (row < lines.lineCount && row < 2 && /^#(!|.*coding[:=])/.test(lines.lineText(row))) row++;
    return { range: { start: { line: row, column: 0 }, end: { line: row, column: 0 } }, text: `# clens: ignore-file[${rule}]${lines.eol}` };
  }
  const row = lines.lineText(0).startsWith('#!') ? 1 : 0;
  return { range: { start: { line: row, column: 0 }, end: { line: row, column: 0 } }, text: `// clens-ignore-file ${rule}${lines.eol}` };
}
