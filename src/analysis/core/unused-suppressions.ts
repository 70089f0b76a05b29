import { CATALOG, isRuleCode } from '../catalog';
import { LineIndex } from './lines';
import type { DirectiveCode, SuppressionDirective, SuppressionLedger } from './suppression';
import type { Fix, Language, Range, TextEdit } from './types';

// CL900's check, the same for both languages (docs/rules/CL900.md): the directives and codes that
// suppressed nothing, with the fix that removes them and leaves the code they sit beside as it
// was. A code is reported when it names no rule, a rule of the other language, a rule listed
// twice, or a rule that ran here to the end (the runner also runs a rule that is off here but
// named by a suppression: core/runner.ts) and reported nothing the directive covers. A rule that
// did not run to the end (work budget) and words that are not codes are left alone.

export interface UnusedSuppression {
  range: Range;
  message: string;
  fix: Fix;
}

/** What a code in a list looks like; anything else (a word of explanation) is not treated as one. */
const CODE_SHAPE = /^[A-Z]+\d+$/;

const LANGUAGE_NAME: Record<Language, string> = { python: 'Python', javascript: 'JavaScript/TypeScript' };

type Problem = { code: DirectiveCode; why: 'unused' | 'unknown' | 'other-language' | 'duplicate' };

export function unusedSuppressions(ledger: SuppressionLedger, language: Language, source: string): UnusedSuppression[] {
  const out: UnusedSuppression[] = [];
  let lines: LineIndex | null = null;
  const range = (start: number, end: number): Range => {
    lines ??= new LineIndex(source);
    return { start: lines.positionAt(start), end: lines.positionAt(end) };
  };
  const edit = (start: number, end: number, text: string): TextEdit => ({ range: range(start, end), text });
  const languageRules = (Object.keys(CATALOG) as (keyof typeof CATALOG)[]).filter(
    (code) => code !== 'CL900' && (CATALOG[code].languages as readonly Language[]).includes(language),
  );
  for (const directive of ledger.directives) {
    const where = directive.kind === 'file' ? 'in this file' : directive.kind === 'next-line' ? 'on the next line' : 'on this line';
    if (directive.codes === 'all') {
      if (ledger.isUsed(directive) || !languageRules.every((code) => ledger.hasRun(code))) continue;
      out.push({
        range: range(directive.start, directive.end),
        message: `Unused suppression: no finding ${where} to suppress.`,
        fix: { description: 'Remove the unused suppression', edits: [removeDirective(directive, language, source, edit)], safe: true },
      });
      continue;
    }
    const problems: Problem[] = [];
    const seen = new Set<string>();
    for (const code of directive.codes) {
      if (!CODE_SHAPE.test(code.code)) continue;
      if (seen.has(code.code)) {
        problems.push({ code, why: 'duplicate' });
        continue;
      }
      seen.add(code.code);
      // Whether a CL900 finding on this line would have come is not known until CL900 has run.
      if (code.code === 'CL900') continue;
      if (!isRuleCode(code.code)) problems.push({ code, why: 'unknown' });
      else if (!(CATALOG[code.code].languages as readonly Language[]).includes(language)) problems.push({ code, why: 'other-language' });
      else if (!ledger.isUsed(code) && ledger.hasRun(code.code)) problems.push({ code, why: 'unused' });
    }
    if (problems.length === 0) continue;
    const removed = new Set(problems.map((p) => p.code));
    const kept = directive.codes.filter((c) => !removed.has(c));
    const names = problems.map((p) => p.code.raw);
    const fix: Fix =
      kept.length === 0
        ? { description: 'Remove the unused suppression', edits: [removeDirective(directive, language, source, edit)], safe: true }
        : { description: `Remove ${listed(names, 'and')} from the suppression`, edits: [keepOnly(directive.codes, kept, source, edit)], safe: true };
    const only = problems.length === 1 ? problems[0].code : null;
    out.push({
      range: only ? range(only.start, only.end) : range(directive.start, directive.end),
      message: `Unused suppression: ${reasons(problems, where, language)}.`,
      fix,
    });
  }
  return out;
}

function listed(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

function reasons(problems: readonly Problem[], where: string, language: Language): string {
  const of = (why: Problem['why']): string[] => problems.filter((p) => p.why === why).map((p) => p.code.raw);
  const parts: string[] = [];
  const unused = of('unused');
  if (unused.length) parts.push(`no ${listed(unused, 'or')} finding ${where}`);
  const unknown = of('unknown');
  if (unknown.length === 1) parts.push(`${unknown[0]} is not a Concurrency Lens rule code`);
  else if (unknown.length) parts.push(`${listed(unknown, 'and')} are not Concurrency Lens rule codes`);
  const other = of('other-language');
  if (other.length) parts.push(`${listed(other, 'and')} only ${other.length === 1 ? 'checks' : 'check'} ${LANGUAGE_NAME[language === 'python' ? 'javascript' : 'python']} code`);
  const twice = of('duplicate');
  if (twice.length) parts.push(`${listed(twice, 'and')} ${twice.length === 1 ? 'is' : 'are'} listed twice`);
  return parts.join('; ');
}

/** Rewrites the code list to the kept codes, in the separator style it was written in. */
function keepOnly(all: readonly DirectiveCode[], kept: readonly DirectiveCode[], source: string, edit: (s: number, e: number, t: string) => TextEdit): TextEdit {
  const start = all[0].start;
  const end = all[all.length - 1].end;
  const separator = source.slice(start, end).includes(',') ? ', ' : ' ';
  return edit(start, end, kept.map((c) => c.raw).join(separator));
}

/**
 * Removes a directive. The comment may hold other text: a Python comment runs to the end of the
 * line, so `# noqa: E501  # clens: ignore[CL101]` is one comment of two `#` parts, and only the
 * directive's part goes. A comment with nothing else goes whole, and with it a line it had alone.
 */
function removeDirective(
  directive: SuppressionDirective,
  language: Language,
  source: string,
  edit: (s: number, e: number, t: string) => TextEdit,
): TextEdit {
  const { comment } = directive;
  const text = comment.text;
  const block = text.startsWith('/*');
  // Where each part begins: the comment's start and every marker after whitespace.
  const starts = [0];
  if (!block) for (const m of text.matchAll(language === 'python' ? /\s+#/g : /\s+\/\//g)) if (m.index > 0) starts.push(m.index + m[0].length - (language === 'python' ? 1 : 2));
  const from = directive.start - comment.start;
  const to = directive.end - comment.start;
  const part = starts.filter((s) => s <= from).length - 1;
  const partStart = starts[part];
  const nextStart = part + 1 < starts.length ? starts[part + 1] : text.length;
  // The part ends before the whitespace that leads to the next marker.
  const partEnd = part + 1 < starts.length ? partStart + text.slice(partStart, nextStart).trimEnd().length : text.length;
  const rest = (text.slice(partStart, from) + text.slice(to, partEnd)).replace(/^(#|\/\/|\/\*)|\*\/$/g, '').trim();
  const at = (offset: number): number => comment.start + offset;
  if (rest === '') {
    if (starts.length === 1) return removeComment(comment, source, edit);
    // The first part goes with the whitespace after it; a later one with the whitespace before it.
    if (part === 0) return edit(at(0), at(nextStart), '');
    const previousEnd = text.slice(0, partStart).trimEnd().length;
    return edit(at(previousEnd), at(partEnd), '');
  }
  // Other words share the part: take the directive and the spaces on one side of it.
  const after = /^[ \t]*/.exec(text.slice(to))![0].length;
  if (to + after < partEnd) return edit(at(from), at(to + after), '');
  const before = text.slice(0, from).length - text.slice(0, from).trimEnd().length;
  return edit(at(from - before), at(to), '');
}

function removeComment(comment: SuppressionDirective['comment'], source: string, edit: (s: number, e: number, t: string) => TextEdit): TextEdit {
  const lines = new LineIndex(source);
  const first = lines.lineAt(comment.start);
  const last = lines.lineAt(comment.end);
  const before = source.slice(lines.lineStart(first), comment.start);
  const after = source.slice(comment.end, lines.lineEnd(last));
  if (before.trim() === '' && after.trim() === '') return edit(lines.lineStart(first), lines.lineStart(last + 1), '');
  if (after.trim() === '') return edit(comment.start - (before.length - before.trimEnd().length), comment.end, '');
  return edit(comment.start, comment.end + (after.length - after.trimStart().length), '');
}
