import { CATALOG, docsUrl, isRuleCode } from '../catalog';
import { LineIndex } from './lines';
import type { Hover } from './services';
import { type CommentText, type DirectiveCode, parseSuppressions } from './suppression';
import type { Language } from './types';

// The hover on a suppression comment (like Ruff's on `# noqa`): the rules it names, each with its
// code, name, summary and page; on one code, that rule alone.

const WHERE = { line: 'on this line', 'next-line': 'on the next line', file: 'in this file' } as const;

function describe(code: DirectiveCode, language: Language): string {
  if (!isRuleCode(code.code)) return `- \`${code.raw}\`: not a Concurrency Lens rule code`;
  const entry = CATALOG[code.code];
  const other = (entry.languages as readonly Language[]).includes(language) ? '' : ` (checks ${language === 'python' ? 'JavaScript/TypeScript' : 'Python'} only)`;
  return `- **${code.code}** \`${entry.name}\`: ${entry.summary}${other}. [Documentation](${docsUrl(code.code)})`;
}

export function suppressionHover(comments: readonly CommentText[], source: string, language: Language, position: { line: number; column: number }): Hover | null {
  if (comments.length === 0) return null;
  const lines = new LineIndex(source);
  const offset = lines.offsetAt(position);
  const comment = comments.find((c) => c.offset !== undefined && c.offset <= offset && offset <= c.offset + c.text.length);
  if (!comment) return null;
  const directive = parseSuppressions([comment]).directives[0];
  if (!directive || offset < directive.start || offset > directive.end) return null;
  const range = (start: number, end: number) => ({ start: lines.positionAt(start), end: lines.positionAt(end) });
  if (directive.codes === 'all') {
    return { range: range(directive.start, directive.end), markdown: `Suppresses every Concurrency Lens rule ${WHERE[directive.kind]} (except CL900, about the suppressions themselves).` };
  }
  const hovered = directive.codes.find((c) => c.start <= offset && offset <= c.end);
  const codes = hovered ? [hovered] : directive.codes;
  const markdown = [`Suppresses ${WHERE[directive.kind]}:`, '', ...codes.map((c) => describe(c, language))].join('\n');
  return { range: hovered ? range(hovered.start, hovered.end) : range(directive.start, directive.end), markdown };
}
