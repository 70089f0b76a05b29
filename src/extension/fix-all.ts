import * as vscode from 'vscode';
import { LANGUAGE_IDS } from '../analysis/languages';

// "Fix all auto-fixable problems" for the active file (ESLint's eslint.executeAutofix, Ruff's
// ruff.applyAutofix): the server's source.fixAll.concurrencyLens action (the engine's
// core/fix-all.ts picks the safe fixes that apply together), applied in rounds as the CLI's --fix
// does, because a fix that overlapped another waits for the re-analysis.

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('concurrencyLens');
/** Rounds before giving up: a fix that keeps offering itself must not loop forever. */
const MAX_ROUNDS = 10;

export interface FixAllOutcome {
  rounds: number;
  /** Our diagnostics before and after (the after count once the server analyzed the result). */
  before: number;
  after: number;
}

function ours(uri: vscode.Uri, source: string): number {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === source).length;
}

export async function fixAllInDocument(document: vscode.TextDocument, source: string): Promise<FixAllOutcome> {
  const before = ours(document.uri, source);
  let rounds = 0;
  while (rounds < MAX_ROUNDS) {
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    // The server answers once it has analyzed the current text (src/server/server.ts, freshFindings).
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, whole, FIX_ALL_KIND.value);
    const action = actions?.find((a) => a.kind && FIX_ALL_KIND.contains(a.kind) && a.edit);
    if (!action?.edit) break;
    const version = document.version;
    if (!(await vscode.workspace.applyEdit(action.edit)) || document.version === version) break;
    rounds++;
  }
  if (rounds > 0) {
    // One more request waits for the analysis of the last round's text, whose diagnostics the
    // server publishes before answering: the count below is then the fixed text's.
    await vscode.commands.executeCommand('vscode.executeCodeActionProvider', document.uri, new vscode.Range(0, 0, 0, 0), FIX_ALL_KIND.value);
  }
  return { rounds, before, after: ours(document.uri, source) };
}

export async function fixAllCommand(source: string): Promise<FixAllOutcome | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !LANGUAGE_IDS.includes(editor.document.languageId)) {
    void vscode.window.showInformationMessage('Concurrency Lens: open a Python, JavaScript or TypeScript file to fix its problems.');
    return undefined;
  }
  const outcome = await fixAllInDocument(editor.document, source);
  if (outcome.rounds === 0) {
    const left = outcome.after > 0 ? ` The ${outcome.after === 1 ? 'problem left has' : `${outcome.after} problems left have`} no safe automatic fix: see the lightbulb menu on each.` : '';
    void vscode.window.setStatusBarMessage('Concurrency Lens: no auto-fixable problems in this file', 4000);
    if (left) void vscode.window.showInformationMessage(`Concurrency Lens: nothing to fix automatically.${left}`);
    return outcome;
  }
  const fixed = Math.max(0, outcome.before - outcome.after);
  const left = outcome.after > 0 ? `; ${outcome.after} left need a decision (lightbulb menu)` : '';
  void vscode.window.showInformationMessage(`Concurrency Lens: fixed ${fixed} problem${fixed === 1 ? '' : 's'}${left}. Save to keep the changes.`);
  return outcome;
}
