import type { Finding } from './types';

// Suppression comments (README.md, "Project configuration", Suppressions): `# clens: ignore[CL101]` / `// clens: ignore[CL407]` at the end of
// the reported line, `// clens-ignore-next-line CL407` on the line above (JS/TS), and file-wide
// `# clens: ignore-file[CL301]` / `// clens-ignore-file CL301`. No codes means every rule.
// Each directive is kept with where it and its codes are, so that CL900 (unused-suppression.ts)
// can say which one suppressed nothing, and the hover can name the rules under the cursor.

export interface CommentText {
  /** 0-based line the directive applies from: the comment's line (a block comment's last line). */
  line: number;
  /** The comment's text including its markers (`#`, `//`, or a block comment's). */
  text: string;
  /** Offset of the comment's first character in the document; absent, the directive has no place. */
  offset?: number;
}

type CodeSet = Set<string> | 'all';

export interface DirectiveCode {
  /** Upper-cased, as matched against findings. */
  code: string;
  /** As written. */
  raw: string;
  /** Document offsets of the code as written. */
  start: number;
  end: number;
}

export interface SuppressionDirective {
  kind: 'line' | 'next-line' | 'file';
  /** The 0-based line whose findings it covers; null for a file-wide one. */
  target: number | null;
  /** The codes it lists, or 'all' when it lists none. */
  codes: DirectiveCode[] | 'all';
  /** Document offsets of the directive (`clens: ignore[CL101]`) and of the comment holding it. */
  start: number;
  end: number;
  comment: { start: number; end: number; text: string };
}

export interface Suppressions {
  lines: Map<number, CodeSet>;
  file: CodeSet | null;
  /** Every directive, in comment order (offsets meaningful when the comments carried them). */
  directives: SuppressionDirective[];
}

// `(?<![\w-])` and the trailing look-aheads keep `myclens: ignored` from counting as a directive;
// syntaxes/suppression.injection.tmLanguage.json highlights exactly these shapes.
const SAME_LINE = /(?<![\w-])clens:\s*ignore(?![\w-])(?:\[([^\]]*)\])?/;
const FILE_WIDE = /(?<![\w-])clens(?::\s*|-)ignore-file(?![\w-])(?:\[([^\]]*)\]|[ \t]+([A-Za-z0-9_, \t-]+))?/;
const NEXT_LINE = /(?<![\w-])clens-ignore-next-line(?![\w-])(?:[ \t]+([A-Za-z0-9_, \t-]+))?/;

/** The codes of a list as written, at their offsets (`listStart`: the list's offset). */
function listCodes(list: string | undefined, listStart: number): DirectiveCode[] | 'all' {
  if (!list || !list.trim()) return 'all';
  const out: DirectiveCode[] = [];
  for (const match of list.matchAll(/[^\s,]+/g)) {
    const start = listStart + match.index;
    out.push({ code: match[0].toUpperCase(), raw: match[0], start, end: start + match[0].length });
  }
  return out;
}

function toSet(codes: DirectiveCode[] | 'all'): CodeSet {
  return codes === 'all' ? 'all' : new Set(codes.map((c) => c.code));
}

function merge(into: Map<number, CodeSet>, line: number, set: CodeSet): void {
  const existing = into.get(line);
  if (!existing) into.set(line, set);
  else if (existing === 'all' || set === 'all') into.set(line, 'all');
  else for (const code of set) existing.add(code);
}

/** Where a regex group sits in the text: groups in brackets follow `[`; the others end the match. */
function groupStart(match: RegExpExecArray, group: string, bracketed: boolean): number {
  return match.index + (bracketed ? match[0].indexOf('[') + 1 : match[0].length - group.length);
}

function directiveOf(comment: CommentText): SuppressionDirective | null {
  const base = comment.offset ?? 0;
  const make = (kind: SuppressionDirective['kind'], target: number | null, match: RegExpExecArray, codes: DirectiveCode[] | 'all'): SuppressionDirective => ({
    kind,
    target,
    codes,
    start: base + match.index,
    end: base + match.index + match[0].length,
    comment: { start: base, end: base + comment.text.length, text: comment.text },
  });
  const fileMatch = FILE_WIDE.exec(comment.text);
  if (fileMatch) {
    const bracketed = fileMatch[1] !== undefined;
    const list = fileMatch[1] ?? fileMatch[2];
    return make('file', null, fileMatch, listCodes(list, list === undefined ? 0 : base + groupStart(fileMatch, list, bracketed)));
  }
  const next = NEXT_LINE.exec(comment.text);
  if (next) return make('next-line', comment.line + 1, next, listCodes(next[1], next[1] === undefined ? 0 : base + groupStart(next, next[1], false)));
  const same = SAME_LINE.exec(comment.text);
  if (same) return make('line', comment.line, same, listCodes(same[1], same[1] === undefined ? 0 : base + groupStart(same, same[1], true)));
  return null;
}

export function parseSuppressions(comments: readonly CommentText[]): Suppressions {
  const lines = new Map<number, CodeSet>();
  let file: CodeSet | null = null;
  const directives: SuppressionDirective[] = [];
  for (const comment of comments) {
    const directive = directiveOf(comment);
    if (!directive) continue;
    directives.push(directive);
    const set = toSet(directive.codes);
    if (directive.target === null) {
      if (file === null || set === 'all') file = set;
      else if (file !== 'all') for (const code of set) file.add(code);
    } else {
      merge(lines, directive.target, set);
    }
  }
  return { lines, file, directives };
}

function covers(set: CodeSet | null | undefined, code: string): boolean {
  if (!set) return false;
  return set === 'all' || set.has(code);
}

export function isSuppressed(finding: Pick<Finding, 'rule' | 'range'>, suppressions: Suppressions): boolean {
  return covers(suppressions.file, finding.rule) || covers(suppressions.lines.get(finding.range.start.line), finding.rule);
}

/**
 * Which directives and codes suppressed a finding, for CL900: every directive that covers a
 * finding counts as used (a line directive under a file-wide one included), so CL900 only ever
 * flags what suppressed nothing at all.
 */
export class SuppressionLedger {
  private readonly byLine = new Map<number, SuppressionDirective[]>();
  private readonly fileWide: SuppressionDirective[] = [];
  /** Used directives ('all' ones) and used codes. */
  private readonly used = new Set<SuppressionDirective | DirectiveCode>();
  /** Rules that ran to the end on this file, enabled or only to mark their suppressions. */
  private readonly complete = new Set<string>();

  constructor(readonly suppressions: Suppressions) {
    for (const directive of suppressions.directives) {
      if (directive.target === null) this.fileWide.push(directive);
      else {
        const list = this.byLine.get(directive.target) ?? [];
        list.push(directive);
        this.byLine.set(directive.target, list);
      }
    }
  }

  get directives(): readonly SuppressionDirective[] {
    return this.suppressions.directives;
  }

  /**
   * Whether some directive suppresses the finding; marks every one that does as used. A directive
   * without codes does not cover the findings about directives (`byBlanket` false, CL900's): it
   * would hide that it suppresses nothing itself.
   */
  cover(finding: Pick<Finding, 'rule' | 'range'>, byBlanket = true): boolean {
    let suppressed = false;
    for (const directive of [...this.fileWide, ...(this.byLine.get(finding.range.start.line) ?? [])]) {
      if (directive.codes === 'all') {
        if (!byBlanket) continue;
        this.used.add(directive);
        suppressed = true;
        continue;
      }
      for (const code of directive.codes) {
        if (code.code !== finding.rule) continue;
        this.used.add(code);
        suppressed = true;
      }
    }
    return suppressed;
  }

  ran(code: string): void {
    this.complete.add(code);
  }

  /** Whether the rule ran to the end here, so that a suppression of it is known to be unused. */
  hasRun(code: string): boolean {
    return this.complete.has(code);
  }

  isUsed(item: SuppressionDirective | DirectiveCode): boolean {
    return this.used.has(item);
  }

  /** Whether any directive names the rule, or names none (covers every rule). */
  mayCover(code: string): boolean {
    return this.suppressions.directives.some((d) => d.codes === 'all' || d.codes.some((c) => c.code === code));
  }
}
