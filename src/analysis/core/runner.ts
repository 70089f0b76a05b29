import type { AnalyzeOptions, Finding, FindingSubject, Fix, Range, RelatedInformation, RuleMeta } from './types';
import { effectiveSeverity, isRuleEnabled } from './selection';
import { type Suppressions, isSuppressed } from './suppression';
import { WorkBudgetExceeded } from './budget';

// Runs a language's rules over one model: selection and severity, suppression comments, and the
// same finding reported twice by one rule kept once. Python and JS/TS differ only in the context
// their rules receive.

export interface ReportedFinding {
  range: Range;
  message: string;
  fix?: Fix | null;
  related?: RelatedInformation[];
  subject?: FindingSubject | null;
}

export interface RuleModule<C> {
  meta: RuleMeta;
  check(context: C): void;
}

export function runRules<C>(
  rules: readonly RuleModule<C>[],
  file: string,
  options: AnalyzeOptions,
  suppressions: Suppressions,
  contextFor: (report: (finding: ReportedFinding) => void) => C,
): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (!isRuleEnabled(rule.meta, options)) continue;
    const severity = effectiveSeverity(rule.meta, options);
    const seen = new Set<string>();
    const context = contextFor((reported) => {
      const key = `${reported.range.start.line}:${reported.range.start.column}:${reported.message}`;
      if (seen.has(key)) return;
      seen.add(key);
      const finding: Finding = {
        path: file,
        rule: rule.meta.code,
        name: rule.meta.name,
        severity,
        range: reported.range,
        message: reported.message,
        fix: reported.fix ?? null,
        related: reported.related ?? [],
      };
      if (reported.subject) finding.subject = reported.subject;
      if (!isSuppressed(finding, suppressions)) findings.push(finding);
    });
    try {
      rule.check(context);
    } catch (error) {
      // An exhausted budget skips the file with its own message (analysis/index.ts).
      if (error instanceof WorkBudgetExceeded) throw error;
      // Name the rule and file: the CLI reports it as an internal error for this file only.
      throw new Error(`rule ${rule.meta.code} failed on ${file}: ${(error as Error).stack ?? error}`);
    }
  }
  return findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}
