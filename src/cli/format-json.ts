import type { Finding } from '../analysis';
import { type CheckReport, sortedFindings, summarize } from './report';

// `--format json`: the shape docs/architecture.md fixes for other tools ("Interfaces other code depends on").
// Engine positions are 0-based; every line and column here is 1-based. Keys are written in the
// contract's order and nothing else is added, so consumers can compare output byte for byte.

export interface JsonEdit {
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
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  fix: { description: string; edits: JsonEdit[] } | null;
}

export interface JsonReport {
  version: 1;
  findings: JsonFinding[];
  summary: { files: number; lines: number; durationMs: number; parseErrors: number };
}

function jsonFinding(display: string, finding: Finding): JsonFinding {
  const { start, end } = finding.range;
  return {
    path: display,
    rule: finding.rule,
    name: finding.name,
    severity: finding.severity,
    line: start.line + 1,
    column: start.column + 1,
    endLine: end.line + 1,
    endColumn: end.column + 1,
    message: finding.message,
    fix: finding.fix
      ? {
          description: finding.fix.description,
          edits: finding.fix.edits.map((edit) => ({
            line: edit.range.start.line + 1,
            column: edit.range.start.column + 1,
            endLine: edit.range.end.line + 1,
            endColumn: edit.range.end.column + 1,
            text: edit.text,
          })),
        }
      : null,
  };
}

export function toJson(report: CheckReport): JsonReport {
  const summary = summarize(report);
  return {
    version: 1,
    findings: report.files.flatMap((file) => sortedFindings(file.result.findings).map((f) => jsonFinding(file.display, f))),
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
