import type { AnalyzeOptions, Finding, FindingSubject, Fix, Range, RelatedInformation, RuleMeta } from './types';
import { effectiveSeverity, isRuleEnabled } from './selection';
import { type Suppressions, SuppressionLedger } from './suppression';
import { WorkBudgetExceeded } from './budget';

// Runs a language's rules over one model: selection and severity, suppression comments, and the
// same finding reported twice by one rule kept once. Python and JS/TS differ only in the context
// their rules receive. Rules that read what the suppressions did (CL900, `readsSuppressions`) run
// after the others; before them, a rule that is off here (selection, severity, the test profile,
// per-file-ignores) but named by a suppression runs too, its findings only marking what they
// would have suppressed: a suppression is "unused" only when it would suppress nothing in any
// configuration (docs/rules/CL900.md).

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
  /** Runs after every other rule and reads the context's suppression ledger (CL900). */
  readsSuppressions?: boolean;
}

export function runRules<C>(
  rules: readonly RuleModule<C>[],
  file: string,
  options: AnalyzeOptions,
  suppressions: Suppressions,
  contextFor: (report: (finding: ReportedFinding) => void, ledger: SuppressionLedger) => C,
): Finding[] {
  const findings: Finding[] = [];
  const ledger = new SuppressionLedger(suppressions);
  const ordinary = rules.filter((r) => !r.readsSuppressions);
  const readers = rules.filter((r) => r.readsSuppressions && isRuleEnabled(r.meta, options));
  for (const rule of ordinary) {
    if (isRuleEnabled(rule.meta, options)) run(rule, options, file, ledger, contextFor, findings);
  }
  if (readers.length > 0 && ledger.directives.length > 0) {
    for (const rule of ordinary) {
      if (isRuleEnabled(rule.meta, options) || !ledger.mayCover(rule.meta.code)) continue;
      try {
        run(rule, options, file, ledger, contextFor, null);
      } catch (error) {
        // Work past the budget for a rule nobody asked for: its suppressions are left alone.
        if (!(error instanceof WorkBudgetExceeded)) throw error;
        break;
      }
    }
    for (const rule of readers) run(rule, options, file, ledger, contextFor, findings);
  }
  return findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}

/** Runs one rule; its findings go to `into` unless suppressed (null: only mark the suppressions). */
function run<C>(
  rule: RuleModule<C>,
  options: AnalyzeOptions,
  file: string,
  ledger: SuppressionLedger,
  contextFor: (report: (finding: ReportedFinding) => void, ledger: SuppressionLedger) => C,
  into: Finding[] | null,
): void {
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
    if (!ledger.cover(finding, !rule.readsSuppressions) && into) into.push(finding);
  }, ledger);
  try {
    rule.check(context);
  } catch (error) {
    // An exhausted budget skips the file with its own message (analysis/index.ts).
    if (error instanceof WorkBudgetExceeded) throw error;
    // Name the rule and file: the CLI reports it as an internal error for this file only.
    throw new Error(`rule ${rule.meta.code} failed on ${file}: ${(error as Error).stack ?? error}`);
  }
  ledger.ran(rule.meta.code);
}
