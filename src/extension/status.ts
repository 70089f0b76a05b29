import * as vscode from 'vscode';
import type { StatusParams } from '../protocol/lsp';
import { LANGUAGE_IDS } from '../analysis/languages';

// The language-status item (the `{}` beside the language mode, pinnable to the status bar, as
// ESLint's and Ruff's): the server's state, the open files' findings, and the last Analyze
// Workspace (files, findings, skipped, running or when it ended), with the command to (re)run it.
// Its severity is about the tool, not the code (the Problems panel has the findings): a warning
// when files could not be analyzed, an error when the server is not running.

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export class LanguageStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('concurrencyLens.status', LANGUAGE_IDS.map((language) => ({ language })));
    this.item.name = 'Concurrency Lens';
    this.starting();
  }

  starting(): void {
    this.set({ text: 'Concurrency Lens: starting', detail: 'Starting the server', busy: true });
  }

  stopped(reason: string): void {
    this.set({ text: 'Concurrency Lens: stopped', detail: reason, severity: vscode.LanguageStatusSeverity.Error, command: { title: 'Restart', command: 'concurrencyLens.restartServer' } });
  }

  update(status: StatusParams): void {
    const workspace = status.workspace;
    const analyzeCommand = { title: workspace?.state === 'running' ? 'Show Output' : workspace ? 'Analyze Again' : 'Analyze Workspace', command: workspace?.state === 'running' ? 'concurrencyLens.showOutput' : 'concurrencyLens.analyzeWorkspace' };
    if (workspace?.state === 'running') {
      const progress = workspace.total > 0 ? ` ${workspace.files + workspace.skipped}/${workspace.total}` : '';
      this.set({ text: `Concurrency Lens: analyzing${progress}`, detail: `${plural(workspace.findings, 'finding')} so far`, busy: true, command: analyzeCommand });
      return;
    }
    if (workspace) {
      const when = workspace.finishedAt ? new Date(workspace.finishedAt).toLocaleTimeString() : '';
      const skipped = workspace.skipped > 0 ? `, ${workspace.skipped} skipped (see the output)` : '';
      const cancelled = workspace.state === 'cancelled' ? ' (stopped before the end)' : '';
      this.set({
        text: `Concurrency Lens: ${plural(workspace.findings, 'finding')} in the workspace`,
        detail: `${plural(workspace.files, 'file')} analyzed${skipped}${cancelled}${when ? `, at ${when}` : ''}`,
        severity: workspace.skipped > 0 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information,
        command: analyzeCommand,
      });
      return;
    }
    const skipped = status.skipped ? `, ${status.skipped} too large to analyze` : '';
    this.set({
      text: `Concurrency Lens: ${plural(status.findings, 'finding')}`,
      detail: `in ${plural(status.files, 'open file')}${skipped}; the workspace is not analyzed yet`,
      severity: status.skipped ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information,
      command: analyzeCommand,
    });
  }

  /** What the item shows now (tests and the output's log). */
  get text(): string {
    return `${this.item.text} (${this.item.detail ?? ''})`;
  }

  private set(next: { text: string; detail: string; busy?: boolean; severity?: vscode.LanguageStatusSeverity; command?: vscode.Command }): void {
    this.item.text = next.text;
    this.item.detail = next.detail;
    this.item.busy = next.busy ?? false;
    this.item.severity = next.severity ?? vscode.LanguageStatusSeverity.Information;
    this.item.command = next.command ?? { title: 'Show Output', command: 'concurrencyLens.showOutput' };
  }

  dispose(): void {
    this.item.dispose();
  }
}
