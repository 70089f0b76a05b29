import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { BenchResult } from '../profiling/types';
import { languageOfFile } from '../profiling/plan';
import { parseFromWebview, parsePanelState, type FromWebview, type PanelActions, type ToWebview } from '../protocol/panel';
import { benchmarkPageHtml, forEditor, makeNonce, panelActions } from './benchmark-page';
import { verdictSentence } from '../profiling/report/format';
import { resultHtml } from '../profiling/report/html';
import { benchmarkCsv, benchmarkJson, benchmarkMarkdown } from '../profiling/report/export';

// The benchmark results panel: one webview, reused for every run and every function (opened once
// beside the editor, then revealed where it is: no new editor group per run). Each benchmarked
// function (file + function name) has a view, a BenchmarkPanel, holding its last result, progress
// or error; the webview shows one view at a time, and a run of a function not in view updates its
// view quietly. The command side (interpreter, inputs prompt, running the engine) drives a view
// through show(), setRunning(), setResult() and setError(); the panel handles export and copy
// itself and hands re-run and "apply recommendation" back through PanelHandlers.
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

/** Where an error points: the code to change (absolute path, 1-based line and column). */
export interface ErrorLocation {
  path: string;
  line: number;
  column?: number | null;
}

const locationLabel = (at: ErrorLocation | null): string | null => (at ? `${path.basename(at.path)}:${at.line}` : null);

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

/** The per-function state the one webview shows when that function is in view. */
export class BenchmarkPanel {
  /** One view per benchmarked function (file + function name), for as long as the webview lives. */
  private static readonly views = new Map<string, BenchmarkPanel>();

  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the user closes the results panel (or the window disposes it). */
  readonly onDidDispose: vscode.Event<void> = this.disposeEmitter.event;

  result: BenchResult | null = null;
  interpreterLabel = '';
  /** Which result this is: unique across functions, so a reloaded page is only re-sent what it lacks. */
  resultVersion = 0;
  running: { fraction: number; message: string } | null = null;
  error: string | null = null;
  errorLocation: ErrorLocation | null = null;
  private disposed = false;

  /**
   * Shows `key` in the results panel, opening it once (beside the editor) and reusing it for every
   * later run and every other function: no new editor group per run.
   */
  static show(context: vscode.ExtensionContext, key: PanelKey, handlers: PanelHandlers): BenchmarkPanel {
    const view = BenchmarkPanel.viewFor(key, handlers, storedResult(key));
    ResultsPanel.open(context).display(view, true);
    return view;
  }

  /** Adopts a panel VS Code restored after a reload (see registerBenchmarkPanelSerializer). */
  static revive(
    context: vscode.ExtensionContext,
    panel: vscode.WebviewPanel,
    key: PanelKey,
    handlers: PanelHandlers,
    stored: Shown | undefined,
  ): BenchmarkPanel | undefined {
    // show() may have opened the results panel before the restore ran: keep one.
    if (ResultsPanel.current) {
      panel.dispose();
      return undefined;
    }
    const view = BenchmarkPanel.viewFor(key, handlers, stored);
    ResultsPanel.adopt(context, panel).display(view, false);
    return view;
  }

  private static viewFor(key: PanelKey, handlers: PanelHandlers, stored: Shown | undefined): BenchmarkPanel {
    const existing = BenchmarkPanel.views.get(keyId(key));
    if (existing) {
      existing.handlers = handlers;
      return existing;
    }
    const view = new BenchmarkPanel(key, handlers, stored);
    BenchmarkPanel.views.set(keyId(key), view);
    return view;
  }

  /** The webview closed: every view ends with it. */
  static disposeAll(): void {
    for (const view of [...BenchmarkPanel.views.values()]) view.dispose();
    BenchmarkPanel.views.clear();
  }

  private constructor(
    readonly key: PanelKey,
    public handlers: PanelHandlers,
    stored: Shown | undefined,
  ) {
    if (stored) {
      this.result = stored.result;
      this.interpreterLabel = stored.interpreterLabel || defaultInterpreterLabel(stored.result);
      this.resultVersion = nextVersion();
    }
  }

  setRunning(progress: { fraction: number; message: string }): void {
    this.running = { fraction: progress.fraction, message: progress.message };
    this.error = null;
    this.errorLocation = null;
    this.shownIn()?.post({ type: 'running', ...this.running });
  }

  setResult(result: BenchResult, interpreterLabel: string): void {
    this.running = null;
    this.error = null;
    this.errorLocation = null;
    this.result = result;
    this.interpreterLabel = interpreterLabel || defaultInterpreterLabel(result);
    this.resultVersion = nextVersion();
    this.shownIn()?.postResult(this);
  }

  /** `location`: the code to change (a refusal's line), offered as a Go-to link under the message. */
  setError(message: string, location?: ErrorLocation): void {
    this.running = null;
    this.error = forEditor(message);
    this.errorLocation = location ?? null;
    this.shownIn()?.post({ type: 'error', message: this.error, location: locationLabel(this.errorLocation) });
  }

  /** The buttons for what this view shows: no Apply while running, after a cancel or an error, or with nothing to apply. */
  actions(): PanelActions {
    const actions = panelActions(this.result);
    return this.error || this.running ? { ...actions, canApply: false } : actions;
  }

  /** The results panel, when it shows this view (updates for another function wait until it is shown). */
  private shownIn(): ResultsPanel | undefined {
    const panel = ResultsPanel.current;
    return panel?.view === this ? panel : undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (BenchmarkPanel.views.get(keyId(this.key)) === this) BenchmarkPanel.views.delete(keyId(this.key));
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}

let versions = 0;
const nextVersion = (): number => ++versions;

/** The one results webview. */
class ResultsPanel {
  static current: ResultsPanel | undefined;

  view: BenchmarkPanel | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  static open(context: vscode.ExtensionContext): ResultsPanel {
    if (ResultsPanel.current) return ResultsPanel.current;
    const panel = vscode.window.createWebviewPanel(BENCHMARK_VIEW_TYPE, 'Benchmark', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, ResultsPanel.options(context));
    return new ResultsPanel(context, panel);
  }

  static adopt(context: vscode.ExtensionContext, panel: vscode.WebviewPanel): ResultsPanel {
    panel.webview.options = ResultsPanel.options(context);
    return new ResultsPanel(context, panel);
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
  ) {
    ResultsPanel.current = this;
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromWebview(raw);
        if (message) void this.onMessage(message);
      }),
    );
  }

  /** Shows `view`: the same panel, in the group it is in; the page is rebuilt when the function changes. */
  display(view: BenchmarkPanel, reveal: boolean): void {
    const changed = this.view !== view;
    this.view = view;
    this.panel.title = `Benchmark: ${view.key.functionName}`;
    if (changed) this.panel.webview.html = this.pageHtml(view);
    if (reveal) this.panel.reveal(this.panel.viewColumn, false);
  }

  post(message: ToWebview): void {
    // A hidden page (not retained) drops messages; it re-syncs with 'ready' when shown again.
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  postResult(view: BenchmarkPanel): void {
    if (!view.result) return;
    this.post({
      type: 'result',
      html: forEditor(resultHtml(view.result, view.interpreterLabel)),
      verdict: forEditor(verdictSentence(view.result)),
      actions: view.actions(),
      version: view.resultVersion,
    });
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ResultsPanel.current === this) ResultsPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    BenchmarkPanel.disposeAll();
  }

  private pageHtml(view: BenchmarkPanel): string {
    const webview = this.panel.webview;
    const asset = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', name)).toString();
    return benchmarkPageHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(randomBytes(32)),
      scriptUri: asset('benchmark.js'),
      styleUri: asset('benchmark.css'),
      functionName: view.key.functionName,
      fileLabel: vscode.workspace.asRelativePath(fileUri(view.key.file), false),
      key: { file: view.key.file, functionName: view.key.functionName },
      resultHtml: view.result ? forEditor(resultHtml(view.result, view.interpreterLabel)) : '',
      resultVersion: view.result ? view.resultVersion : 0,
      actions: view.actions(),
      running: view.running,
      error: view.error,
      errorLocation: locationLabel(view.errorLocation),
      language: languageOfFile(view.key.file) ?? 'python',
    });
  }

  private async onMessage(message: FromWebview): Promise<void> {
    const view = this.view;
    if (!view) return;
    switch (message.type) {
      case 'ready':
        // The page was (re)loaded, possibly from HTML older than this view's state.
        if (view.result && message.resultVersion !== view.resultVersion) this.postResult(view);
        if (view.running) this.post({ type: 'running', ...view.running });
        else if (view.error) this.post({ type: 'error', message: view.error, location: locationLabel(view.errorLocation) });
        else this.post({ type: 'idle' });
        return;
      case 'rerun':
        if (!view.running) view.handlers.rerun();
        return;
      case 'apply':
        if (view.result && view.actions().canApply) view.handlers.applyRecommendation(view.result);
        return;
      case 'export':
        await this.exportTo(view, message.format);
        return;
      case 'open-location': {
        const at = view.errorLocation;
        if (!at) return;
        const position = new vscode.Position(Math.max(0, at.line - 1), Math.max(0, (at.column ?? 1) - 1));
        // In the first group, beside the panel (not over it).
        await vscode.window.showTextDocument(vscode.Uri.file(at.path), { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.One, preview: false });
        return;
      }
      case 'copy-markdown':
        if (!view.result) return;
        await vscode.env.clipboard.writeText(forEditor(benchmarkMarkdown(view.result, view.interpreterLabel)));
        this.post({ type: 'notice', message: 'Copied the results as Markdown.' });
        void vscode.window.setStatusBarMessage('$(check) Benchmark results copied as Markdown', 3000);
        return;
    }
  }

  private async exportTo(view: BenchmarkPanel, format: 'json' | 'csv'): Promise<void> {
    const result = view.result;
    if (!result) return;
    const key = view.key;
    const source = fileUri(key.file);
    const folder = vscode.workspace.getWorkspaceFolder(source)?.uri ?? vscode.Uri.joinPath(source, '..');
    const name = `${path.basename(key.file).replace(/\.[^.]+$/, '')}.${key.functionName}.benchmark.${format}`;
    const target = await vscode.window.showSaveDialog({
      title: `Export the benchmark of ${key.functionName}() as ${format.toUpperCase()}`,
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
