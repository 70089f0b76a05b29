import { CATALOG, RULE_CODES, type RuleCode, docsPath } from './catalog';
import type { Language } from './core/types';

// The parts of the documentation that restate the catalogue, generated from it so they cannot
// drift: the header line under each rule page's title and the README's rule table.
// `npm run docs:rules` writes them; test/catalog.test.ts fails when a file differs.

const LANGUAGE_NAMES: Record<Language, { long: string; short: string }> = {
  python: { long: 'Python', short: 'Python' },
  javascript: { long: 'JavaScript/TypeScript', short: 'JS/TS' },
};

/** `# CL301 hardcoded-worker-count`: the page title. */
export function docsTitle(code: RuleCode): string {
  return `# ${code} ${CATALOG[code].name}`;
}

/** `Severity: warning · Python, JavaScript/TypeScript · Fix: size from the CPU count (unsafe)` */
export function docsHeaderLine(code: RuleCode): string {
  const entry = CATALOG[code];
  const languages = entry.languages.map((l) => LANGUAGE_NAMES[l].long).join(', ');
  const fix = entry.fix === null ? 'No automatic fix' : `Fix: ${entry.fix}`;
  return `Severity: ${entry.severity} · ${languages} · ${fix}`;
}

export const README_TABLE_START = '<!-- rule-table:start (generated from src/analysis/catalog.ts by npm run docs:rules) -->';
export const README_TABLE_END = '<!-- rule-table:end -->';

export function readmeRuleTable(): string {
  const rows = RULE_CODES.map((code) => {
    const entry = CATALOG[code];
    const languages = entry.languages.map((l) => LANGUAGE_NAMES[l].short).join(', ');
    const inTests: string | null = entry.inTests;
    return `| [${code}](${docsPath(code)}) | ${entry.name} | ${languages} | ${entry.severity} | ${inTests ?? entry.severity} | ${entry.fix ?? '—'} |`;
  });
  return ['| code | name | language | default | in tests | fix |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** A page with its title and header line (lines 1 and 3) set from the catalogue. */
export function withGeneratedHeader(code: RuleCode, page: string): string {
  const lines = page.split('\n');
  lines[0] = docsTitle(code);
  if (lines[1] !== '') lines.splice(1, 0, '');
  lines[2] = docsHeaderLine(code);
  return lines.join('\n');
}

/** The README with the table between its markers replaced; null when the markers are missing. */
export function withGeneratedTable(readme: string): string | null {
  const start = readme.indexOf(README_TABLE_START);
  const end = readme.indexOf(README_TABLE_END);
  if (start === -1 || end < start) return null;
  return `${readme.slice(0, start + README_TABLE_START.length)}\n${readmeRuleTable()}\n${readme.slice(end)}`;
}
