import type { RuleMeta } from './core/types';
import { pythonRules } from './python/rules';
import { jsRules } from './javascript/rules';

// The rule catalogue across languages. A code shared by Python and JS/TS rules (CL301, CL302) is
// one public rule: its languages are merged.

export const DOCS_BASE_URL = 'https://github.com/concurrency-lens/concurrency-lens/blob/main/docs/rules/';

export function docsUrl(code: string): string {
  return `${DOCS_BASE_URL}${code}.md`;
}

export function allRules(): RuleMeta[] {
  const byCode = new Map<string, RuleMeta>();
  for (const meta of [...pythonRules.map((r) => r.meta), ...jsRules.map((r) => r.meta)]) {
    const existing = byCode.get(meta.code);
    if (existing) {
      byCode.set(meta.code, { ...existing, languages: [...new Set([...existing.languages, ...meta.languages])] });
    } else {
      byCode.set(meta.code, meta);
    }
  }
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}

export function findRule(codeOrName: string): RuleMeta | undefined {
  const key = codeOrName.trim();
  return allRules().find((r) => r.code === key.toUpperCase() || r.name === key.toLowerCase());
}
