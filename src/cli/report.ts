import * as path from 'node:path';
import type { AnalysisResult, Finding, Fix, Severity } from '../analysis';
import { INTERNAL_ERROR_PREFIX } from '../workspace/lint-file';

// What a `check` run produced, in the shape every output format reads.

export interface FileReport {
  /** The path to show (as given on the command line, or joined onto the folder given). */
  display: string;
  absolute: string;
  result: AnalysisResult;
  /** Fixes applied by `--fix`. */
  fixed: number;
}

export interface CheckReport {
  files: FileReport[];
  cwd: string;
  durationMs: number;
}

export interface Summary {
  /** Files analyzed (skipped ones excluded). */
  files: number;
  lines: number;
  /** Files that did not parse cleanly (they are still analyzed, as far as the parser recovered). */
  parseErrors: number;
  skipped: number;
  internalErrors: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  fixed: number;
  fixable: number;
  unsafeFixable: number;
}

export function isInternalError(result: AnalysisResult): boolean {
  return result.skipped?.startsWith(INTERNAL_ERROR_PREFIX) ?? false;
}

export function summarize(report: CheckReport): Summary {
  const summary: Summary = {
    files: 0,
    lines: 0,
    parseErrors: 0,
    skipped: 0,
    internalErrors: 0,
    findings: 0,
    bySeverity: { error: 0, warning: 0, info: 0 },
    fixed: 0,
    fixable: 0,
    unsafeFixable: 0,
  };
  for (const file of report.files) {
    const r = file.result;
    summary.fixed += file.fixed;
    if (r.skipped) {
      if (isInternalError(r)) summary.internalErrors++;
      else summary.skipped++;
      continue;
    }
    summary.files++;
    summary.lines += r.lines;
    if (r.parseErrors.length > 0) summary.parseErrors++;
    for (const f of r.findings) {
      summary.findings++;
      summary.bySeverity[f.severity]++;
      if (f.fix?.safe) summary.fixable++;
      else if (f.fix) summary.unsafeFixable++;
    }
  }
  return summary;
}

/** Findings sorted by position then rule, so output is stable whatever order the rules ran in. */
export function sortedFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.cell ?? 0) - (b.cell ?? 0) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.column - b.range.start.column ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}

const displayIndex = new WeakMap<CheckReport, Map<string, string>>();

/** Shows a path the engine reported (e.g. in related information) the way the run shows files. */
export function displayPathFor(report: CheckReport, enginePath: string): string {
  const absolute = path.resolve(report.cwd, enginePath);
  let byAbsolute = displayIndex.get(report);
  if (!byAbsolute) {
    byAbsolute = new Map(report.files.map((f) => [f.absolute, f.display]));
    displayIndex.set(report, byAbsolute);
  }
  const known = byAbsolute.get(absolute);
  if (known) return known;
  const rel = path.relative(report.cwd, absolute);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
}

/**
 * For findings (sorted) that carry the very fix an earlier one of the list carries (one executor
 * swap fixes every task of the pool), that earlier finding. The machine formats list a shared
 * fix's edits once: 20,000 tasks on one pool repeated a whole-module edit 20,000 times.
 */
export function sharedFixes(findings: readonly Finding[]): Map<Finding, Finding> {
  const first = new Map<Fix, Finding>();
  const shared = new Map<Finding, Finding>();
  for (const finding of findings) {
    if (!finding.fix) continue;
    const owner = first.get(finding.fix);
    if (owner) shared.set(finding, owner);
    else first.set(finding.fix, finding);
  }
  return shared;
}
