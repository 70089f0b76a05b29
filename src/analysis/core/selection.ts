import type { AnalyzeOptions, RuleMeta, Severity } from './types';

// Which rules run and at what severity: `select`/`ignore` take codes, code prefixes (`CL1`, ruff
// style) or rule names; a per-rule severity of `off` disables the rule.

function matches(meta: RuleMeta, pattern: string): boolean {
  const p = pattern.trim();
  if (!p) return false;
  if (p.toUpperCase() === 'ALL') return true;
  return meta.code.startsWith(p.toUpperCase()) || meta.name === p.toLowerCase();
}

export function isRuleEnabled(meta: RuleMeta, options: AnalyzeOptions): boolean {
  if (options.select && options.select.length > 0 && !options.select.some((p) => matches(meta, p))) return false;
  if (options.ignore?.some((p) => matches(meta, p))) return false;
  if (severitySetting(meta, options) === 'off') return false;
  return true;
}

function severitySetting(meta: RuleMeta, options: AnalyzeOptions): string | undefined {
  const table = options.severity;
  if (!table) return undefined;
  return table[meta.code] ?? table[meta.name];
}

export function effectiveSeverity(meta: RuleMeta, options: AnalyzeOptions): Severity {
  const setting = severitySetting(meta, options);
  if (setting === 'error' || setting === 'warning' || setting === 'info') return setting;
  return meta.defaultSeverity;
}
