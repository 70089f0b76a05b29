import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { allRules, docsUrl, type Finding, ipynbTextRange, isNotebookPath, type Range, type RuleMeta, type Severity } from '../analysis';
import { readSource } from '../workspace/read-source';
import { type CheckReport, isInternalError, sharedFixes, sortedFindings } from './report';
import { INFORMATION_URI, TOOL_VERSION, readRuleDoc } from './rule-docs';

// `--format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it. Paths are relative to the
// working directory under the `%SRCROOT%` base (run the CLI from the repository root in CI), and
// regions are 1-based with exclusive end columns counted in UTF-16 code units, as the engine is.

const SRCROOT = '%SRCROOT%';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function level(severity: Severity): Sarif.Result.level {
  return severity === 'info' ? 'note' : severity;
}

function region(range: Range): Sarif.Region {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.column + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.column + 1,
  };
}

function artifactLocation(cwd: string, file: string): Sarif.ArtifactLocation {
  const absolute = path.resolve(cwd, file);
  const rel = path.relative(cwd, absolute);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(absolute).href };
  return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function ruleDescriptor(meta: RuleMeta): Sarif.ReportingDescriptor {
  const doc = readRuleDoc(meta.code);
  const url = docsUrl(meta.code);
  return {
    id: meta.code,
    name: meta.name,
    shortDescription: { text: meta.summary },
    fullDescription: { text: meta.summary },
    helpUri: url,
    help: doc ? { text: doc, markdown: doc } : { text: `${meta.summary}\n\nSee ${url}`, markdown: `${meta.summary}\n\nSee [${meta.code}](${url}).` },
    defaultConfiguration: { level: level(meta.defaultSeverity) },
    properties: { tags: ['concurrency', ...meta.languages], precision: 'high' },
  };
}

/**
 * SARIF and GitHub code scanning know files, not notebook cells: a notebook finding's region is
 * where its cell's text sits in the `.ipynb` JSON (docs/notebooks.md), and the cell position is
 * kept in the result's properties. The notebook is read again for that, once per file.
 */
class NotebookRegions {
  private readonly texts = new Map<string, string | null>();

  region(file: string, cell: number | undefined, range: Range): { region: Sarif.Region; properties?: Sarif.PropertyBag } {
    if (cell === undefined || !isNotebookPath(file)) return { region: region(range) };
    let text = this.texts.get(file);
    if (text === undefined) {
      const read = readSource(file);
      text = 'skipped' in read ? null : read.text;
      this.texts.set(file, text);
    }
    const inFile = text === null ? null : ipynbTextRange(text, cell, range);
    const properties = { cell: cell + 1, cellLine: range.start.line + 1, cellColumn: range.start.column + 1 };
    return { region: inFile ? region(inFile) : { startLine: 1 }, properties };
  }
}

function sarifFix(cwd: string, file: string, finding: Finding): Sarif.Fix[] | undefined {
  if (!finding.fix) return undefined;
  // A SARIF fix replaces regions of files: cell edits and created files have no such form.
  if (finding.cell !== undefined || finding.fix.createFiles || finding.fix.edits.some((e) => e.cell !== undefined)) return undefined;
  return [
    {
      description: { text: finding.fix.description },
      artifactChanges: [
        {
          artifactLocation: artifactLocation(cwd, file),
          replacements: finding.fix.edits.map((edit) => ({ deletedRegion: region(edit.range), insertedContent: { text: edit.text } })),
        },
      ],
    },
  ];
}

export function toSarif(report: CheckReport): Sarif.Log {
  const rules = allRules();
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));
  const results: Sarif.Result[] = [];
  const notifications: Sarif.Notification[] = [];
  const notebooks = new NotebookRegions();
  for (const file of report.files) {
    const r = file.result;
    if (r.skipped) {
      notifications.push({
        level: isInternalError(r) ? 'error' : 'note',
        message: { text: `${file.display}: ${isInternalError(r) ? r.skipped.split('\n')[0] : `skipped: ${r.skipped}`}` },
        locations: [{ physicalLocation: { artifactLocation: artifactLocation(report.cwd, file.absolute) } }],
      });
      continue;
    }
    if (r.parseErrors.length > 0) {
      const first = r.parseErrors[0];
      const where = notebooks.region(file.absolute, first.cell, first.range);
      notifications.push({
        level: 'warning',
        message: {
          text: first.cell !== undefined
            ? `${file.display}: cell ${first.cell + 1}: ${first.message}; the other cells were still checked`
            : `${file.display}: ${first.message}; the rest of the file was still checked`,
        },
        locations: [{ physicalLocation: { artifactLocation: artifactLocation(report.cwd, file.absolute), region: where.region } }],
      });
    }
    const findings = sortedFindings(r.findings);
    const shared = sharedFixes(findings);
    for (const finding of findings) {
      const where = notebooks.region(file.absolute, finding.cell, finding.range);
      const result: Sarif.Result = {
        ruleId: finding.rule,
        level: level(finding.severity),
        message: { text: finding.message },
        locations: [{ physicalLocation: { artifactLocation: artifactLocation(report.cwd, file.absolute), region: where.region } }],
      };
      if (where.properties) result.properties = where.properties;
      const index = ruleIndex.get(finding.rule);
      if (index !== undefined) result.ruleIndex = index;
      if (finding.related.length > 0) {
        result.relatedLocations = finding.related.map((related, id) => ({
          id,
          message: { text: related.message },
          physicalLocation: { artifactLocation: artifactLocation(report.cwd, related.path), region: notebooks.region(related.path, related.cell, related.range).region },
        }));
      }
      // A fix shared with an earlier result is proposed there only (sharedFixes), once per file.
      const owner = shared.get(finding);
      const fixes = owner ? undefined : sarifFix(report.cwd, file.absolute, finding);
      if (fixes) result.fixes = fixes;
      if (owner) result.properties = { fixSharedWith: { startLine: owner.range.start.line + 1, startColumn: owner.range.start.column + 1 } };
      results.push(result);
    }
  }
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Concurrency Lens',
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: INFORMATION_URI,
            rules: rules.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(report.cwd).href.replace(/\/?$/, '/') } },
        columnKind: 'utf16CodeUnits',
        invocations: [{ executionSuccessful: !report.files.some((f) => isInternalError(f.result)), toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
}

export function formatSarif(report: CheckReport): string {
  return JSON.stringify(toSarif(report), null, 2) + '\n';
}
