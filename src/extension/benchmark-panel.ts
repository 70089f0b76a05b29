import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { BenchResult } from '../profiling/types';
import { parseFromWebview, parsePanelState, type FromWebview, type ToWebview } from '../protocol/panel';
import { benchmarkPageHtml, makeNonce, panelActions } from './benchmark-page';
import { verdictSentence } from '../profiling/report/format';
import { resultHtml } from '../profiling/report/html';
import { benchmarkCsv, benchmarkJson, benchmarkMarkdown } from '../profiling/report/export';

// The benchmark results panel: one webview per benchmarked function (file + function name).
// The command side (interpreter, inputs prompt, running the engine) drives it through show(),
// setRunning(), setResult() and setError(); the panel handles export and copy itself and hands
// re-run and "apply recommendation" back through PanelHandlers.
//
// Persistence: the caller keeps results in workspace storage and hands the serializer a loader;
// the webview keeps its key with setState, so after a window reload the serializer finds the key
// in the webview's state and the result through the loader (the VS Code webview sample's shape).

export const BENCHMARK_VIEW_TYPE = 'concurrencyLens.benchmark';

export interface PanelKey {
  file: string;
  functionName: string;
}

export interface PanelHandlers {
  rerun(): void;
  applyRecommendation(result: BenchResult): void;
}

/** A result to show with the label of the interpreter that produced it. */
interface Shown {
  result: BenchResult;
  interpreterLabel: string;
}

const keyId = (key: PanelKey): string => JSON.stringify([key.file, key.functionName]);

/**
 * The caller's store of results (its workspace storage), as given to the serializer: show() also
 * uses it, so a panel opened again shows the last result while a new run is under way.
 */
let loadStored: ((key: PanelKey) => BenchResult | undefined) | undefined;

function storedResult(key: PanelKey): Shown | undefined {
  try {
    const result = loadStored?.(key);
    return result ? { result, interpreterLabel: defaultInterpreterLabel(result) } : undefined;
  } catch {
    return undefined; // a corrupt stored entry must not keep the panel from opening
  }
}

/** "CPython 3.11.7" when the caller had no better label (e.g. a panel restored after a reload). */
function defaultInterpreterLabel(result: BenchResult): string {
  const i = result.interpreter;
  return i ? `${i.implementation} ${i.version} (${i.executable})` : '';
}

function fileUri(file: string): vscode.Uri {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(file) ? vscode.Uri.parse(file) : vscode.Uri.file(file);
}

export class BenchmarkPanel {
  private static readonly panels = new Map<string, BenchmarkPanel>();

  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the user closes the panel (or the window disposes it). */
  readonly onDidDispose: vscode.Event<void> = this.disposeEmitter.event;

  private readonly disposables: vscode.Disposable[] = [];
  private result: BenchResult | null = null;
  private interpreterLabel = '';
  /** Bumped per result: the page tells which one it shows, so a reloaded page is only re-sent what it lacks. */
  private resultVersion = 0;
  private running: { fraction: number; message: string } | null = null;
  private error: string | null = null;
  private disposed = false;

  /** Reveals the panel of `key`, or opens one (showing the stored result of an earlier run, if any). */
  static show(context: vscode.ExtensionContext, key: PanelKey, handlers: PanelHandlers): BenchmarkPanel {
    const existing = BenchmarkPanel.panels.get(keyId(key));
    if (existing) {
      existing.handlers = handlers;
      existing.panel.reveal(existing.panel.viewColumn, false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      BENCHMARK_VIEW_TYPE,
      BenchmarkPanel.title(key),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      BenchmarkPanel.options(context),
    );
    return new BenchmarkPanel(context, panel, key, handlers, storedResult(key));
  }

  /** Adopts a panel VS Code restored after a reload (see registerBenchmarkPanelSerializer). */
  static revive(
    context: vscode.ExtensionContext,
    panel: vscode.WebviewPanel,
    key: PanelKey,
    handlers: PanelHandlers,
    stored: Shown | undefined,
  ): BenchmarkPanel | undefined {
    // show() may have opened this function's panel before the restore ran: keep one panel per key.
    if (BenchmarkPanel.panels.has(keyId(key))) {
      panel.dispose();
      return undefined;
    }
    panel.title = BenchmarkPanel.title(key);
    panel.webview.options = BenchmarkPanel.options(context);
    return new BenchmarkPanel(context, panel, key, handlers, stored);
  }

  private static title(key: PanelKey): string {
    return `Benchmark: ${key.functionName}`;
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableFindWidget: true,
      // The page is cheap to rebuild and re-syncs on load ('ready'), so no hidden-page memory is kept.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
    };
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly panel: vscode.WebviewPanel,
    readonly key: PanelKey,
    private handlers: PanelHandlers,
    stored: Shown | undefined,
  ) {
    if (stored) {
      this.result = stored.result;
      this.interpreterLabel = stored.interpreterLabel || defaultInterpreterLabel(stored.result);
      this.resultVersion = 1;
    }
    BenchmarkPanel.panels.set(keyId(key), this);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromWebview(raw);
        if (message) void this.onMessage(message);
      }),
    );
    panel.webview.html = this.pageHtml();
  }

  setRunning(progress: { fraction: number; message: string }): void {
    this.running = { fraction: progress.fraction, message: progress.message };
    this.error = null;
    this.post({ type: 'running', ...this.running });
  }

  setResult(result: BenchResult, interpreterLabel: string): void {
    this.running = null;
    this.error = null;
    this.result = result;
    this.interpreterLabel = interpreterLabel || defaultInterpreterLabel(result);
    this.resultVersion++;
    this.postResult();
  }

  setError(message: string): void {
    this.running = null;
    this.error = message;
    this.post({ type: 'error', message });
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (BenchmarkPanel.panels.get(keyId(this.key)) === this) BenchmarkPanel.panels.delete(keyId(this.key));
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private post(message: ToWebview): void {
    // A hidden page (not retained) drops messages; it re-syncs with 'ready' when shown again.
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private postResult(): void {
    if (!this.result) return;
    this.post({
      type: 'result',
      html: resultHtml(this.result, this.interpreterLabel),
      verdict: verdictSentence(this.result),
      actions: panelActions(this.result),
      version: this.resultVersion,
    });
  }

  private pageHtml(): string {
    const webview = this.panel.webview;
    const asset = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', name)).toString();
    return benchmarkPageHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(randomBytes(32)),
      scriptUri: asset('benchmark.js'),
      styleUri: asset('benchmark.css'),
      functionName: this.key.functionName,
      fileLabel: vscode.workspace.asRelativePath(fileUri(this.key.file), false),
      key: { file: this.key.file, functionName: this.key.functionName },
      resultHtml: this.result ? resultHtml(this.result, this.interpreterLabel) : '',
      resultVersion: this.result ? this.resultVersion : 0,
      actions: panelActions(this.result),
      running: this.running,
      error: this.error,
    });
  }

  private async onMessage(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        // The page was (re)loaded, possibly from HTML older than this panel's state.
        if (this.result && message.resultVersion !== this.resultVersion) this.postResult();
        if (this.running) this.post({ type: 'running', ...this.running });
        else if (this.error) this.post({ type: 'error', message: this.error });
        else this.post({ type: 'idle' });
        return;
      case 'rerun':
        if (!this.running) this.handlers.rerun();
        return;
      case 'apply':
        if (this.result && !this.running) this.handlers.applyRecommendation(this.result);
        return;
      case 'export':
        await this.exportTo(message.format);
        return;
      case 'copy-markdown':
        if (!this.result) return;
        await vscode.env.clipboard.writeText(benchmarkMarkdown(this.result, this.interpreterLabel));
        this.post({ type: 'notice', message: 'Copied the results as Markdown.' });
        void vscode.window.setStatusBarMessage('$(check) Benchmark results copied as Markdown', 3000);
        return;
    }
  }

  private async exportTo(format: 'json' | 'csv'): Promise<void> {
    const result = this.result;
    if (!result) return;
    const source = fileUri(this.key.file);
    const folder = vscode.workspace.getWorkspaceFolder(source)?.uri ?? vscode.Uri.joinPath(source, '..');
    const name = `${path.basename(this.key.file).replace(/\.[^.]+$/, '')}.${this.key.functionName}.benchmark.${format}`;
    const target = await vscode.window.showSaveDialog({
      title: `Export the benchmark of ${this.key.functionName}() as ${format.toUpperCase()}`,
      defaultUri: vscode.Uri.joinPath(folder, name),
      filters: format === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    const text = format === 'json' ? benchmarkJson(result) : benchmarkCsv(result);
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not write ${target.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.post({ type: 'notice', message: `Saved ${path.basename(target.path)}.` });
    void vscode.window.setStatusBarMessage(`$(check) Saved ${vscode.workspace.asRelativePath(target, false)}`, 4000);
  }
}

/**
 * Brings benchmark panels back after a window reload: the key comes from the webview state the
 * page saved with setState, the result from `loadResult` (the caller's workspace storage). The
 * extension must be activated for `onWebviewPanel:concurrencyLens.benchmark` and call this
 * during activation.
 */
export function registerBenchmarkPanelSerializer(
  context: vscode.ExtensionContext,
  handlersFor: (key: PanelKey) => PanelHandlers,
  loadResult: (key: PanelKey) => BenchResult | undefined,
): vscode.Disposable {
  loadStored = loadResult;
  const registration = vscode.window.registerWebviewPanelSerializer(BENCHMARK_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const parsed = parsePanelState(state);
      if (!parsed) {
        // No key (a page that never ran its script): nothing to restore it to.
        panel.dispose();
        return;
      }
      const key: PanelKey = parsed.key;
      BenchmarkPanel.revive(context, panel, key, handlersFor(key), storedResult(key));
    },
  });
  return new vscode.Disposable(() => {
    registration.dispose();
    if (loadStored === loadResult) loadStored = undefined;
  });
}
