import {
  type CodeAction,
  CodeActionKind,
  type Diagnostic,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  compatibleFixes,
  type Finding,
  ignoreInFileEdit,
  ignoreOnLineEdit,
  type Language,
  type TextEdit,
} from '../analysis';
import { SOURCE } from './diagnostics';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.concurrency-lens`;

export function toLspEdit(edit: TextEdit): LspTextEdit {
  return {
    range: {
      start: { line: edit.range.start.line, character: edit.range.start.column },
      end: { line: edit.range.end.line, character: edit.range.end.column },
    },
    newText: edit.text,
  };
}

function findingFor(diagnostic: Diagnostic, findings: readonly Finding[]): Finding | undefined {
  const index = (diagnostic.data as { index?: number } | undefined)?.index;
  const candidate = typeof index === 'number' ? findings[index] : undefined;
  // The diagnostic may be stale (the document changed since): check that it still matches.
  if (candidate && candidate.rule === diagnostic.code && candidate.range.start.line === diagnostic.range.start.line) {
    return candidate;
  }
  return findings.find(
    (f) => f.rule === diagnostic.code && f.range.start.line === diagnostic.range.start.line && f.range.start.column === diagnostic.range.start.character,
  );
}

/** Quick fixes and suppressions for the diagnostics in the request's context. */
export function quickFixes(
  document: TextDocument,
  language: Language,
  diagnostics: readonly Diagnostic[],
  findings: readonly Finding[],
): CodeAction[] {
  const actions: CodeAction[] = [];
  const text = document.getText();
  const seenFileIgnores = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE || typeof diagnostic.code !== 'string') continue;
    const finding = findingFor(diagnostic, findings);
    if (!finding) continue;
    if (finding.fix) {
      actions.push({
        title: finding.fix.description,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { [document.uri]: finding.fix.edits.map(toLspEdit) } },
      });
    }
    actions.push({
      title: `Ignore ${finding.rule} on this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [document.uri]: [toLspEdit(ignoreOnLineEdit(text, language, finding))] } },
    });
    if (!seenFileIgnores.has(finding.rule)) {
      seenFileIgnores.add(finding.rule);
      actions.push({
        title: `Ignore ${finding.rule} in this file`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [document.uri]: [toLspEdit(ignoreInFileEdit(text, language, finding.rule))] } },
      });
    }
  }
  return actions;
}

/** "Fix all auto-fixable Concurrency Lens problems": the safe fixes that apply together. */
export function fixAllAction(document: TextDocument, findings: readonly Finding[], kind: string): CodeAction | null {
  const chosen = compatibleFixes(findings.flatMap((f) => (f.fix?.safe ? [f.fix] : [])));
  if (chosen.length === 0) return null;
  return {
    title: 'Fix all auto-fixable Concurrency Lens problems',
    kind,
    edit: { changes: { [document.uri]: chosen.flatMap((fix) => fix.edits.map(toLspEdit)) } },
  };
}
