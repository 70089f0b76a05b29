import type { Finding } from '../analysis';
import { type CheckReport, displayPathFor, sharedFixes, sortedFindings, summarize } from './report';

// `--format json`: the shape docs/architecture.md fixes for other tools ("Interfaces other code depends on").
// Engine positions are 0-based; every line and column here is 1-based. Keys are written in the
// contract's order and nothing else is added, so consumers can compare output byte for byte.

export interface JsonEdit {
  /** In a notebook: the 1-based cell the edit is in; line and column are then in that cell. */
  cell?: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  text: string;
}

export interface JsonFinding {
  path: string;
  rule: string;
  name: string;
  severity: 'error' | 'warning' | 'info';
  /** In a notebook: the 1-based cell (among all cells, as Jupyter and VS Code number them); line and column are in that cell. */
  cell?: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /**
   * `sharedWith`: this finding's fix is the one listed on the finding at that position of the same
   * file (applying it once fixes both); its edits are given there only.
   */
  fix: {
    description: string;
    edits: JsonEdit[];
    createFiles?: { path: string; text: string }[];
    sharedWith?: { line: number; column: number };
  } | null;
}

export interface JsonReport {
  version: 1;
  findings: JsonFinding[];
  summary: { files: number; lines: number; durationMs: number; parseErrors: number };
}

function jsonFinding(report: CheckReport, display: string, finding: Finding, sharedWith: Finding | undefined): JsonFinding {
  const { start, end } = finding.range;
  return {
    path: display,
    rule: finding.rule,
    name: finding.name,
    severity: finding.severity,
    // Only notebook findings have the key: the output of other files stays byte for byte the same.
    ...(finding.cell !== undefined ? { cell: finding.cell + 1 } : {}),
    line: start.line + 1,
    column: start.column + 1,
    endLine: end.line + 1,
    endColumn: end.column + 1,
    message: finding.message,
    fix: finding.fix && sharedWith
      ? {
          description: finding.fix.description,
          edits: [],
          sharedWith: { line: sharedWith.range.start.line + 1, column: sharedWith.range.start.column + 1 },
        }
      : finding.fix
      ? {
          description: finding.fix.description,
          edits: finding.fix.edits.map((edit) => ({
            ...(edit.cell !== undefined ? { cell: edit.cell + 1 } : {}),
            line: edit.range.start.line + 1,
            column: edit.range.start.column + 1,
            endLine: edit.range.end.line + 1,
            endColumn: edit.range.end.column + 1,
            text: edit.text,
          })),
          ...(finding.fix.createFiles ? { createFiles: finding.fix.createFiles.map((f) => ({ path: displayPathFor(report, f.path), text: f.text })) } : {}),
        }
      : null,
  };
}

export function toJson(report: CheckReport): JsonReport {
  const summary = summarize(report);
  return {
    version: 1,
    findings: report.files.flatMap((file) => {
      const findings = sortedFindings(file.result.findings);
      const shared = sharedFixes(findings);
      return findings.map((f) => jsonFinding(report, file.display, f, shared.get(f)));
    }),
    summary: {
      files: summary.files,
      lines: summary.lines,
      durationMs: Math.round(report.durationMs),
      parseErrors: summary.parseErrors,
    },
  };
}

export function formatJson(report: CheckReport): string {
  return JSON.stringify(toJson(report), null, 2) + '\n';
}
