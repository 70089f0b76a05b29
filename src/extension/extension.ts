import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import type { BenchResult } from '../profiling/types';
import {
  ANALYZE_WORKSPACE_REQUEST,
  type AnalyzeWorkspaceResult,
  type MeasurementsMap,
  STATUS_NOTIFICATION,
  type StatusParams,
  TIMING_REQUEST,
  type TimingResult,
} from '../protocol/lsp';
import { BenchmarkController, type BenchmarkKey } from './benchmark';
import { restoreLensTooltips } from './measurements';
import { JS_EXTENSIONS, LANGUAGE_IDS, PYTHON_EXTENSIONS } from '../analysis/languages';

// The VS Code client: starts the language server (dist/server.js), shows its state and the
// findings count in the status bar, and offers restart and workspace-analysis commands.



let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem;
let output: vscode.OutputChannel;
let benchmarks: BenchmarkController | undefined;

export interface ConcurrencyLensApi {
  /** The running client, for tests and other extensions. */
  client(): LanguageClient | undefined;
  /** Server-side analysis time per update (median, ms) since start. */
  timings(): Promise<{ count: number; medianMs: number | null }>;
  /** The stored result of the last completed benchmark of a function (workspace storage). */
  lastBenchmark(key: BenchmarkKey): BenchResult | undefined;
  /** Benchmarks running now, with their harness's pid (= its process group) once started. */
  runningBenchmarks(): { file: string; functionName: string; pid: number | null }[];
  /** Cancels one benchmark (or all): kills its process tree; resolves when it has stopped. */
  cancelBenchmark(key?: BenchmarkKey): Promise<number>;
  /** The measurement summaries sent to the server. */
  measurements(): MeasurementsMap;
}

export async function activate(context: vscode.ExtensionContext): Promise<ConcurrencyLensApi> {
  output = vscode.window.createOutputChannel('Concurrency Lens');
  statusItem = vscode.window.createStatusBarItem('concurrencyLens.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'Concurrency Lens';
  statusItem.command = 'concurrencyLens.showOutput';
  setStatus('$(sync~spin) Concurrency Lens', 'Starting the Concurrency Lens server');
  statusItem.show();
  context.subscriptions.push(output, statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand('concurrencyLens.restartServer', async () => {
      await stopClient();
      await startClient(context);
      void vscode.window.setStatusBarMessage('Concurrency Lens server restarted', 3000);
    }),
    vscode.commands.registerCommand('concurrencyLens.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('concurrencyLens.analyzeWorkspace', () => analyzeWorkspace()),
  );
  const controller = new BenchmarkController(context, output, () => client);
  benchmarks = controller;
  context.subscriptions.push(...controller.register());

  await startClient(context);
  return {
    client: () => client,
    timings: async () => (client ? client.sendRequest<TimingResult>(TIMING_REQUEST) : { count: 0, medianMs: null }),
    lastBenchmark: (key) => controller.lastResult(key),
    runningBenchmarks: () => controller.runningBenchmarks(),
    cancelBenchmark: (key) => controller.cancel(key),
    measurements: () => controller.measurements(),
  };
}

export async function deactivate(): Promise<void> {
  // First, synchronously: no benchmark's process tree may outlive the extension host.
  benchmarks?.dispose();
  await stopClient();
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // No scheme filter: untitled and virtual documents are analyzed too (nothing is executed).
    // Notebook cells are synced as notebooks (the server's notebookDocumentSync, which
    // vscode-languageclient follows): the filters below route hovers and code actions in the
    // Python cells of Jupyter notebooks and the Interactive Window to the server.
    documentSelector: [
      ...LANGUAGE_IDS.map((language) => ({ language })),
      { notebook: 'jupyter-notebook', language: 'python' },
      { notebook: 'interactive', language: 'python' },
    ],
    synchronize: {
      configurationSection: 'concurrencyLens',
      fileEvents: [
        vscode.workspace.createFileSystemWatcher(`**/*.{${[...PYTHON_EXTENSIONS, ...JS_EXTENSIONS].map((e) => e.slice(1)).join(',')}}`),
        vscode.workspace.createFileSystemWatcher('**/{pyproject.toml,concurrency-lens.json}'),
      ],
    },
    outputChannel: output,
    diagnosticCollectionName: 'concurrency-lens',
    middleware: {
      provideCodeLenses: async (document, token, next) => restoreLensTooltips(await next(document, token)),
    },
  };
  client = new LanguageClient('concurrencyLens', 'Concurrency Lens', serverOptions, clientOptions);
  client.onDidChangeState((event) => {
    if (event.newState === State.Stopped) setStatus('$(error) Concurrency Lens', 'The Concurrency Lens server stopped', true);
    if (event.newState === State.Starting) setStatus('$(sync~spin) Concurrency Lens', 'Starting the Concurrency Lens server');
  });
  try {
    await client.start();
  } catch (error) {
    setStatus('$(error) Concurrency Lens', `The server failed to start: ${(error as Error).message}`, true);
    output.appendLine(`server failed to start: ${(error as Error).stack ?? error}`);
    return;
  }
  client.onNotification(STATUS_NOTIFICATION, (status: StatusParams) => {
    const label = status.findings === 0 ? '$(check) Concurrency Lens' : `$(warning) Concurrency Lens: ${status.findings}`;
    setStatus(label, `Concurrency Lens: ${status.findings} finding(s) in ${status.files} open file(s). Click for the log.`);
  });
  setStatus('$(check) Concurrency Lens', 'Concurrency Lens is ready');
  benchmarks?.sendMeasurements();
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (error) {
      output.appendLine(`stopping the server: ${(error as Error).message}`);
    }
  }
}

function setStatus(text: string, tooltip: string, isError = false): void {
  statusItem.text = text;
  statusItem.tooltip = tooltip;
  statusItem.backgroundColor = isError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
}

async function analyzeWorkspace(): Promise<void> {
  if (!client) {
    void vscode.window.showErrorMessage('Concurrency Lens: the server is not running. Run "Concurrency Lens: Restart Server".');
    return;
  }
  const running = client;
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Concurrency Lens: analyzing workspace', cancellable: true },
    (_progress, token) => running.sendRequest<AnalyzeWorkspaceResult>(ANALYZE_WORKSPACE_REQUEST, {}, token),
  ) as { files: number; findings: number; cancelled: boolean } | undefined;
  if (summary) {
    const verb = summary.cancelled ? 'Stopped after' : 'Analyzed';
    void vscode.window.showInformationMessage(`Concurrency Lens: ${verb} ${summary.files} file(s), ${summary.findings} finding(s). See the Problems panel.`);
  }
}
