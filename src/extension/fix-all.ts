import * as vscode from 'vscode';
import * as path from 'node:path';
import { LANGUAGE_IDS } from '../analysis/languages';

// "Fix all auto-fixable problems" for the active file (ESLint's eslint.executeAutofix, Ruff's
// ruff.applyAutofix): the server's source.fixAll.concurrencyLens action (the engine's
// core/fix-all.ts picks the safe fixes that apply together), applied in rounds as the CLI's --fix
// does, because a fix that overlapped another waits for the re-analysis.

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('concurrencyLens');
/** Rounds before giving up: a fix that keeps offering itself must not loop forever. */
const MAX_ROUNDS = 10;
/** Requests before giving up: an answer for a text edited meanwhile is asked for again, this often in all. */
const MAX_REQUESTS = 20;

export interface FixAllOutcome {
  rounds: number;
  /** Our diagnostics before and after (the after count once the server analyzed the result). */
  before: number;
  after: number;
}

function ours(uri: vscode.Uri, source: string): number {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === source).length;
}

/** What a code-action request answered, for the log: a failed fix-all then says which step failed. */
function describeActions(actions: readonly vscode.CodeAction[] | undefined): string {
  if (!actions) return 'no answer';
  if (actions.length === 0) return 'no actions';
  return actions.map((a) => {
    const edits = a.edit ? a.edit.entries().reduce((n, [, list]) => n + list.length, 0) : 0;
    return `${a.kind?.value ?? 'no kind'} "${a.title}" (${a.edit ? `${edits} edit${edits === 1 ? '' : 's'}` : 'no edit'})`;
  }).join('; ');
}

/**
 * `log` gets one line per run: the rounds, the counts, and what each code-action request answered
 * (for which version), so a fix-all that changed nothing says why: no fix-all action in the
 * answer, the edit refused, the text edited meanwhile.
 */
export async function fixAllInDocument(document: vscode.TextDocument, source: string, log: (line: string) => void = () => {}): Promise<FixAllOutcome> {
  const before = ours(document.uri, source);
  const answers: string[] = [];
  let rounds = 0;
  for (let requests = 0; rounds < MAX_ROUNDS && requests < MAX_REQUESTS; requests++) {
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    // The version the answer is for: the server answers once it has analyzed the text it has
    // (src/server/server.ts, freshFindings), and its edits carry no version of their own.
    const version = document.version;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, whole, FIX_ALL_KIND.value);
    answers.push(`version ${version}: ${describeActions(actions)}`);
    if (document.version !== version) {
      // Edited while the server answered: its edits are of the older text and would land in the
      // wrong place. Ask again for the current text.
      answers.push(`edited meanwhile (now version ${document.version}): asked again`);
      continue;
    }
    const action = actions?.find((a) => a.kind && FIX_ALL_KIND.contains(a.kind) && a.edit);
    if (!action?.edit) break;
    const applied = await vscode.workspace.applyEdit(action.edit);
    if (!applied || document.version === version) {
      answers.push(applied ? 'the edit changed nothing' : 'the edit was refused');
      break;
    }
    rounds++;
  }
  if (rounds > 0) {
    // One more request waits for the analysis of the last round's text, whose diagnostics the
    // server publishes before answering: the count below is then the fixed text's.
    await vscode.commands.executeCommand('vscode.executeCodeActionProvider', document.uri, new vscode.Range(0, 0, 0, 0), FIX_ALL_KIND.value);
  }
  const after = ours(document.uri, source);
  log(`fix all ${path.basename(document.uri.path)}: ${rounds} round${rounds === 1 ? '' : 's'}, ${before} finding${before === 1 ? '' : 's'} before, ${after} after (answers: ${answers.join('; ')})`);
  return { rounds, before, after };
}

export async function fixAllCommand(source: string, log?: (line: string) => void): Promise<FixAllOutcome | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !LANGUAGE_IDS.includes(editor.document.languageId)) {
    log?.(`fix all: ${editor ? `the active editor's language is ${editor.document.languageId}` : 'no active text editor'}; nothing done`);
    void vscode.window.showInformationMessage('Concurrency Lens: open a Python, JavaScript or TypeScript file to fix its problems.');
    return undefined;
  }
  const outcome = await fixAllInDocument(editor.document, source, log);
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
