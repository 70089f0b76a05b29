import * as path from 'node:path';
import { createColors } from 'picocolors';
import type { Finding, Severity } from '../analysis';
import { type CheckReport, type Summary, displayPathFor, isInternalError, sortedFindings } from './report';
import { escapeControls, escapePathIn } from './escape';
import { unreadableConfigMessage } from '../workspace/config';

// The text format: one `path:line:col: CODE [name] message` line per finding on stdout (the shape
// compilers use, so editors' problem matchers and grep work on it), and everything else —
// skipped files, syntax errors, the summary — on stderr, so stdout holds findings only. Paths and
// messages are printed with control characters escaped (escape.ts): a file name must not be able
// to start a line of its own.

export type Colors = ReturnType<typeof createColors>;

/**
 * Colour only for a terminal, unless told otherwise: `--color`/`--no-color` first, then NO_COLOR
 * (no-color.org: any non-empty value), then FORCE_COLOR (`0`/`false` turn it off).
 */
export function colorsFor(stream: NodeJS.WriteStream, flag?: boolean, env: NodeJS.ProcessEnv = process.env): Colors {
  let enabled: boolean;
  if (flag !== undefined) enabled = flag;
  else if (env.NO_COLOR) enabled = false;
  else if (env.FORCE_COLOR !== undefined) enabled = env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  else enabled = Boolean(stream.isTTY) && env.TERM !== 'dumb';
  return createColors(enabled);
}

function severityColor(c: Colors, severity: Severity): (text: string) => string {
  return severity === 'error' ? c.red : severity === 'warning' ? c.yellow : c.blue;
}

/** One finding line; newlines in messages are flattened so each finding stays one line. */
export function findingLine(c: Colors, display: string, finding: Finding): string {
  const where = `${c.bold(escapeControls(display))}${c.dim(`:${cellPrefix(finding.cell)}${finding.range.start.line + 1}:${finding.range.start.column + 1}:`)}`;
  const code = c.bold(severityColor(c, finding.severity)(finding.rule));
  return `${where} ${code} ${c.dim(`[${finding.name}]`)} ${escapeControls(finding.message.replace(/\s*\n\s*/g, ' '))}`;
}

/** `cell 3:` in a notebook (1-based, as Jupyter and VS Code number cells), before the line in that cell. */
export function cellPrefix(cell: number | undefined): string {
  return cell === undefined ? '' : `cell ${cell + 1}:`;
}

export interface TextOptions {
  colors: Colors;
  /** Related locations are indented lines under a finding; shown to people (a terminal) only. */
  showRelated: boolean;
}

export function formatText(report: CheckReport, options: TextOptions): string {
  const c = options.colors;
  const lines: string[] = [];
  for (const file of report.files) {
    for (const finding of sortedFindings(file.result.findings)) {
      lines.push(findingLine(c, file.display, finding));
      if (!options.showRelated) continue;
      for (const related of finding.related) {
        const where = `${escapeControls(displayPathFor(report, related.path))}:${cellPrefix(related.cell)}${related.range.start.line + 1}:${related.range.start.column + 1}`;
        lines.push(`    ${c.dim(`${where}: ${escapeControls(related.message)}`)}`);
      }
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

/**
 * The stderr warning for a configuration file found by name that is not a regular file
 * (workspace/config.ts): relative to the working directory when inside it, escaped as every path.
 */
export function unreadableConfigWarning(file: string, reason: string, cwd: string, c: Colors): string {
  const rel = path.relative(cwd, file);
  const display = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
  return `${c.yellow('warning')}: ${escapeControls(display)}: ${escapeControls(unreadableConfigMessage(reason))}\n`;
}

/** Per reason, at most this many skipped files are named; the rest are counted. */
const SKIPPED_SHOWN_PER_REASON = 5;

/** Notes for stderr: files skipped, files that did not parse cleanly, internal errors. */
export function formatNotes(report: CheckReport, c: Colors): string {
  const lines: string[] = [];
  const skippedByReason = new Map<string, string[]>();
  for (const file of report.files) {
    const r = file.result;
    const display = escapeControls(file.display);
    if (r.skipped && isInternalError(r)) {
      // The stack trace keeps its lines; the file's path inside it is escaped like the others.
      lines.push(`${c.red('error')}: ${display}: ${escapePathIn(r.skipped, file.absolute)}`);
    } else if (r.skipped) {
      const reason = escapeControls(r.skipped);
      const list = skippedByReason.get(reason) ?? [];
      list.push(display);
      skippedByReason.set(reason, list);
    } else if (r.parseErrors.length > 0) {
      const first = r.parseErrors[0];
      const more = r.parseErrors.length > 1 ? ` (and ${r.parseErrors.length - 1} more)` : '';
      // A fatal problem (no tree) means none of the file was checked: saying otherwise hid it.
      const consequence = first.fatal ? 'the file was not analyzed' : 'the rest of the file was still checked';
      lines.push(
        `${c.yellow('warning')}: ${display}:${cellPrefix(first.cell)}${first.range.start.line + 1}:${first.range.start.column + 1}: ${escapeControls(first.message)}${more}; ${first.cell !== undefined ? 'the other cells were still checked' : consequence}`,
      );
    }
  }
  for (const [reason, files] of skippedByReason) {
    for (const display of files.slice(0, SKIPPED_SHOWN_PER_REASON)) lines.push(`${c.dim('skipped')} ${display}: ${reason}`);
    if (files.length > SKIPPED_SHOWN_PER_REASON) {
      lines.push(`${c.dim('skipped')} ${files.length - SKIPPED_SHOWN_PER_REASON} more files: ${reason}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `fixMode`: the run already applied fixes, so hints about `--fix` would only repeat themselves. */
export function formatSummary(summary: Summary, c: Colors, fixMode: boolean): string {
  const parts: string[] = [];
  if (summary.fixed > 0) parts.push(c.green(`Fixed ${plural(summary.fixed, 'problem')}.`));
  const checked = `${plural(summary.files, 'file')}, ${plural(summary.lines, 'line')}`;
  if (summary.findings === 0 && summary.parseErrors > 0) {
    // Not "all checks passed": part or all of those files was never checked (notes above).
    parts.push(c.yellow(`No problems found (${checked}), but ${plural(summary.parseErrors, 'file')} could not be fully analyzed.`));
  } else if (summary.findings === 0 && summary.skipped > 0) {
    // Not "all checks passed" either: the skipped files (notes above) were never checked.
    parts.push(c.yellow(`No problems found (${checked}), but ${plural(summary.skipped, 'file')} ${summary.skipped === 1 ? 'was' : 'were'} skipped.`));
  } else if (summary.findings === 0) {
    parts.push(c.green(`All checks passed (${checked}).`));
  } else {
    const bySeverity = (['error', 'warning', 'info'] as const)
      .filter((s) => summary.bySeverity[s] > 0)
      .map((s) => (s === 'info' ? `${summary.bySeverity[s]} info` : plural(summary.bySeverity[s], s)))
      .join(', ');
    parts.push(`Found ${plural(summary.findings, 'problem')} (${bySeverity}) in ${checked}.`);
    if (!fixMode && summary.fixable > 0) parts.push(`${summary.fixable} fixable with --fix.`);
    if (!fixMode && summary.unsafeFixable > 0) parts.push(`${summary.unsafeFixable} more with --fix --unsafe-fixes.`);
  }
  return parts.join(' ') + '\n';
}
