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

/** The fix-all kind, for `editor.codeActionsOnSave` (ESLint's `source.fixAll.eslint`). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.concurrencyLens`;
/** The kind's first spelling: settings that name it keep working. */
export const LEGACY_FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.concurrency-lens`;

/**
 * The fix-all kind to answer a request's `only` with, or null when it asks for no fix-all. A request
 * for the first spelling gets the action under that spelling: VS Code drops actions whose kind is
 * not within the one asked for. No `only`: the current spelling.
 */
export function requestedFixAllKind(only: readonly string[] | undefined): string | null {
  if (!only) return FIX_ALL_KIND;
  if (only.includes(LEGACY_FIX_ALL_KIND)) return LEGACY_FIX_ALL_KIND;
  return only.some((k) => k === FIX_ALL_KIND || FIX_ALL_KIND.startsWith(`${k}.`)) ? FIX_ALL_KIND : null;
}

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

/**
 * Quick fixes and suppressions for the diagnostics in the request's context. `stale`: the findings
 * come from an earlier text (JS/TS kept through a syntax error), so their fixes' edits would land
 * in the wrong place; the suppressions are computed on the current text and stay.
 */
export function quickFixes(
  document: TextDocument,
  language: Language,
  diagnostics: readonly Diagnostic[],
  findings: readonly Finding[],
  stale = false,
): CodeAction[] {
  const actions: CodeAction[] = [];
  const text = document.getText();
  const seenFileIgnores = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE || typeof diagnostic.code !== 'string') continue;
    const finding = findingFor(diagnostic, findings);
    if (!finding) continue;
    if (finding.fix && !stale) {
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

export const FIX_ALL_TITLE = 'Fix all auto-fixable Concurrency Lens problems';
/** The lightbulb's entry (a quick fix beside the finding's own fix, as ESLint's "Fix all"). */
export const FIX_ALL_QUICK_FIX_TITLE = 'Fix all Concurrency Lens problems';

/**
 * The safe fixes that apply together (core/fix-all.ts), as one code action. One round: a fix that
 * overlaps a chosen one waits for the next request, after re-analysis (the client's fix-all
 * command asks until nothing is left).
 */
export function fixAllAction(document: TextDocument, findings: readonly Finding[], kind: string, title = FIX_ALL_TITLE): CodeAction | null {
  const chosen = compatibleFixes(findings.flatMap((f) => (f.fix?.safe ? [f.fix] : [])));
  if (chosen.length === 0) return null;
  return {
    title,
    kind,
    edit: { changes: { [document.uri]: chosen.flatMap((fix) => fix.edits.map(toLspEdit)) } },
  };
}

/** "Show documentation for CLxxx", once per rule among the diagnostics, when the client has the command. */
export function documentationActions(diagnostics: readonly Diagnostic[], command: string): CodeAction[] {
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE || typeof diagnostic.code !== 'string' || seen.has(diagnostic.code)) continue;
    seen.add(diagnostic.code);
    const title = `Show documentation for ${diagnostic.code}`;
    actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command, arguments: [diagnostic.code] } });
  }
  return actions;
}
