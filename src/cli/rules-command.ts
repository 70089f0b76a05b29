import { allRules, docsUrl, findRule, type RuleMeta } from '../analysis';
import { UsageError } from './errors';
import type { Colors } from './format-text';
import { readRuleDoc } from './rule-docs';

// `concurrency-lens rules` (the catalogue) and `concurrency-lens explain CODE|NAME` (one rule's page).

export interface RuleRow {
  code: string;
  name: string;
  languages: string[];
  severity: string;
  fixable: boolean;
  summary: string;
  url: string;
}

function row(meta: RuleMeta): RuleRow {
  return {
    code: meta.code,
    name: meta.name,
    languages: meta.languages,
    severity: meta.defaultSeverity,
    fixable: meta.fixable,
    summary: meta.summary,
    url: docsUrl(meta.code),
  };
}

const LANGUAGE_LABEL: Record<string, string> = { python: 'py', javascript: 'js/ts' };

export function formatRules(format: 'text' | 'json', c: Colors): string {
  const rows = allRules().map(row);
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  const table = rows.map((r) => [r.code, r.name, r.languages.map((l) => LANGUAGE_LABEL[l] ?? l).join(', '), r.severity, r.fixable ? 'yes' : '', r.summary]);
  const header = ['CODE', 'NAME', 'LANGUAGES', 'SEVERITY', 'FIXABLE', 'SUMMARY'];
  // The last column is not padded, so long summaries do not push trailing spaces into the output.
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((cells) => cells[i].length)));
  const render = (cells: string[]): string =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [c.bold(render(header)), ...table.map(render)].join('\n') + '\n';
}

export function explainRule(codeOrName: string): string {
  const meta = findRule(codeOrName);
  if (!meta) throw new UsageError(`unknown rule '${codeOrName}'; run \`concurrency-lens rules\` for the list`);
  const doc = readRuleDoc(meta.code);
  if (doc) return doc.endsWith('\n') ? doc : doc + '\n';
  // Without the docs folder beside the CLI (a bare bundle), the catalogue entry still says what it is.
  return [
    `# ${meta.code} ${meta.name}`,
    '',
    meta.summary,
    '',
    `Languages: ${meta.languages.join(', ')}`,
    `Default severity: ${meta.defaultSeverity}`,
    `Fixable: ${meta.fixable ? 'yes' : 'no'}`,
    `Documentation: ${docsUrl(meta.code)}`,
    '',
  ].join('\n');
}
