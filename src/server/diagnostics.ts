import { type Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { type AnalysisResult, docsUrl, type Finding, type ParseProblem } from '../analysis';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Findings → LSP diagnostics: the rule code with a link to its docs page, the severity, and the
// evidence as related information.

export const SOURCE = 'Concurrency Lens';

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
} as const;

/** `uriOf` gets a related point's cell too when it is in a notebook (then `path` is the notebook's). */
export function toDiagnostic(finding: Finding, index: number, uriOf: (path: string, cell?: number) => string): Diagnostic {
  return {
    range: {
      start: { line: finding.range.start.line, character: finding.range.start.column },
      end: { line: finding.range.end.line, character: finding.range.end.column },
    },
    severity: SEVERITY[finding.severity],
    code: finding.rule,
    codeDescription: { href: docsHref(finding.rule) },
    source: SOURCE,
    // The code, its link and the source are shown beside the message: no `[rule-name]` suffix.
    message: finding.message,
    relatedInformation: finding.related.map((r) => ({
      location: {
        uri: uriOf(r.path, r.cell),
        range: {
          start: { line: r.range.start.line, character: r.range.start.column },
          end: { line: r.range.end.line, character: r.range.end.column },
        },
      },
      message: r.message,
    })),
    // The index lets code actions find the finding (and its fix) behind a diagnostic.
    data: { index },
    tags: [] as DiagnosticTag[],
  };
}

export function parseDiagnostic(problem: ParseProblem): Diagnostic {
  return {
    range: {
      start: { line: problem.range.start.line, character: problem.range.start.column },
      end: { line: problem.range.end.line, character: problem.range.end.column },
    },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    // What the error means for the analysis: a JS/TS file that does not parse is not analyzed.
    message: problem.fatal
      ? `${problem.message} (Concurrency Lens analyzes the file again once it parses)`
      : `${problem.message} (Concurrency Lens analyzes the parts that parse)`,
  };
}

/** Not a reason to tell the user about: the JS/TS front end is still loading. */
const NOT_LOADED_YET = 'JavaScript/TypeScript analysis is not available yet';

/**
 * Why the analysis left the file unanalyzed (skipped it, or the parser could not take it
 * although it may be valid), or null. A syntax error is not such a reason: it is shown only with
 * `showSyntaxErrors` (parseDiagnostic).
 */
export function notAnalyzedReason(result: Pick<AnalysisResult, 'skipped' | 'parseErrors'>): string | null {
  if (result.skipped && result.skipped !== NOT_LOADED_YET) return result.skipped;
  return result.parseErrors.find((p) => p.beyondLimit)?.message ?? null;
}

/**
 * One Information diagnostic at the top of a file that was not analyzed, with the reason: empty
 * diagnostics alone read as "no problems", whatever the log says.
 */
export function notAnalyzedDiagnostic(reason: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    message: `Concurrency Lens did not analyze this file: ${reason}`,
  };
}

export function pathToUri(file: string): string {
  return URI.file(file).toString();
}

const docsCache = new Map<string, string>();

/** The rule's page shipped with the extension (opens in the editor, works offline), else the web page. */
export function docsHref(code: string): string {
  let href = docsCache.get(code);
  if (!href) {
    const local = path.join(__dirname, '..', 'docs', 'rules', `${code}.md`);
    href = fs.existsSync(local) ? pathToUri(local) : docsUrl(code);
    docsCache.set(code, href);
  }
  return href;
}
