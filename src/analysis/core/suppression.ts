import type { Finding } from './types';

// Suppression comments (README.md, "Project configuration", Suppressions): `# clens: ignore[CL101]` / `// clens: ignore[CL407]` at the end of
// the reported line, `// clens-ignore-next-line CL407` on the line above (JS/TS), and file-wide
// `# clens: ignore-file[CL301]` / `// clens-ignore-file CL301`. No codes means every rule.

export interface CommentText {
  /** 0-based line of the comment. */
  line: number;
  /** The comment's text including its `#` or `//` marker. */
  text: string;
}

type CodeSet = Set<string> | 'all';

export interface Suppressions {
  lines: Map<number, CodeSet>;
  file: CodeSet | null;
}

// `(?<![\w-])` and the trailing look-aheads keep `myclens: ignored` from counting as a directive;
// syntaxes/suppression.injection.tmLanguage.json highlights exactly these shapes.
const SAME_LINE = /(?<![\w-])clens:\s*ignore(?![\w-])(?:\[([^\]]*)\])?/;
const FILE_WIDE = /(?<![\w-])clens(?::\s*|-)ignore-file(?![\w-])(?:\[([^\]]*)\]|[ \t]+([A-Za-z0-9_, \t-]+))?/;
const NEXT_LINE = /(?<![\w-])clens-ignore-next-line(?![\w-])(?:[ \t]+([A-Za-z0-9_, \t-]+))?/;

function codes(list: string | undefined): CodeSet {
  if (!list || !list.trim()) return 'all';
  return new Set(list.split(/[\s,]+/).filter(Boolean).map((c) => c.toUpperCase()));
}

function merge(into: Map<number, CodeSet>, line: number, set: CodeSet): void {
  const existing = into.get(line);
  if (!existing) into.set(line, set);
  else if (existing === 'all' || set === 'all') into.set(line, 'all');
  else for (const code of set) existing.add(code);
}

export function parseSuppressions(comments: readonly CommentText[]): Suppressions {
  const lines = new Map<number, CodeSet>();
  let file: CodeSet | null = null;
  for (const comment of comments) {
    const fileMatch = FILE_WIDE.exec(comment.text);
    if (fileMatch) {
      const set = codes(fileMatch[1] ?? fileMatch[2]);
      if (file === null || set === 'all') file = set;
      else if (file !== 'all') for (const code of set) file.add(code);
      continue;
    }
    const next = NEXT_LINE.exec(comment.text);
    if (next) {
      merge(lines, comment.line + 1, codes(next[1]));
      continue;
    }
    const same = SAME_LINE.exec(comment.text);
    if (same) merge(lines, comment.line, codes(same[1]));
  }
  return { lines, file };
}

function covers(set: CodeSet | null | undefined, code: string): boolean {
  if (!set) return false;
  return set === 'all' || set.has(code);
}

export function isSuppressed(finding: Pick<Finding, 'rule' | 'range'>, suppressions: Suppressions): boolean {
  return covers(suppressions.file, finding.rule) || covers(suppressions.lines.get(finding.range.start.line), finding.rule);
}
