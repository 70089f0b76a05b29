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
  type InitializationOptions,
  type MeasurementsMap,
  SHOW_RULE_DOCS_COMMAND,
  STATUS_NOTIFICATION,
  type StatusParams,
  TIMING_REQUEST,
  type TimingResult,
} from '../protocol/lsp';
import { BenchmarkController, type BenchmarkKey } from './benchmark';
import { restoreLensTooltips } from './measurements';
import { JS_EXTENSIONS, LANGUAGE_IDS, PYTHON_EXTENSIONS } from '../analysis/languages';
import { LanguageStatus } from './status';
import { fixAllCommand } from './fix-all';
import { registerRuleDocs, withDocsLinks } from './rule-docs';
import { openExample, registerWalkthroughCommands } from './examples';
import { findNode, findPython, interpreterLabel } from './interpreters';

// The VS Code client: starts the language server (dist/server.js), shows its state and the
// findings in a language-status item, and offers the restart, workspace-analysis, fix-all, rule
// documentation and walkthrough commands.

/** The diagnostics' source, as the server sets it (src/server/diagnostics.ts). */
const SOURCE = 'Concurrency Lens';
const WALKTHROUGH = 'concurrencyLens.gettingStarted';

let client: LanguageClient | undefined;
let status: LanguageStatus;
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
  /** The language-status item's text and detail. */
  languageStatus(): string;
}

export async function activate(context: vscode.ExtensionContext): Promise<ConcurrencyLensApi> {
  output = vscode.window.createOutputChannel('Concurrency Lens');
  status = new LanguageStatus();
  context.subscriptions.push(output, status);
  const version = (context.extension.packageJSON as { version?: string }).version ?? 'unknown';
  output.appendLine(`Concurrency Lens ${version} (${context.extension.id}) on VS Code ${vscode.version}, ${process.platform}-${process.arch}, Node.js ${process.versions.node}`);

  context.subscriptions.push(
    vscode.commands.registerCommand('concurrencyLens.restartServer', async () => {
      await stopClient();
      await startClient(context);
      void vscode.window.setStatusBarMessage('Concurrency Lens server restarted', 3000);
    }),
    vscode.commands.registerCommand('concurrencyLens.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('concurrencyLens.analyzeWorkspace', () => analyzeWorkspace()),
    vscode.commands.registerCommand('concurrencyLens.fixAll', () => fixAllCommand(SOURCE, (line) => output.appendLine(line))),
    vscode.commands.registerCommand('concurrencyLens.openExample', (which?: unknown) => openExample(context, which)),
    vscode.commands.registerCommand('concurrencyLens.openWalkthrough', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH}`, false),
    ),
    ...registerRuleDocs(context, output),
    ...registerWalkthroughCommands(context, SOURCE),
  );
  const controller = new BenchmarkController(context, output, () => client);
  benchmarks = controller;
  context.subscriptions.push(...controller.register());

  await startClient(context);
  void logInterpreters();
  return {
    client: () => client,
    timings: async () => (client ? client.sendRequest<TimingResult>(TIMING_REQUEST) : { count: 0, medianMs: null }),
    lastBenchmark: (key) => controller.lastResult(key),
    runningBenchmarks: () => controller.runningBenchmarks(),
    cancelBenchmark: (key) => controller.cancel(key),
    measurements: () => controller.measurements(),
    languageStatus: () => status.text,
  };
}

/** The interpreters benchmarks would use now, for the log (each benchmark looks again). */
async function logInterpreters(): Promise<void> {
  // Finding one runs it (its version): not in a workspace that could have chosen it.
  if (!vscode.workspace.isTrusted) {
    output.appendLine('interpreters for benchmarks: not looked up (the workspace is not trusted; benchmarks are off)');
    return;
  }
  const resource = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd());
  try {
    const python = await findPython(resource, (line) => output.appendLine(line));
    output.appendLine(python.ok ? `Python for benchmarks: ${interpreterLabel(python.interpreter)}` : `Python for benchmarks: none (${python.message})`);
    const node = await findNode(resource);
    output.appendLine(node.ok ? `Node.js for benchmarks: ${interpreterLabel(node.interpreter)}` : `Node.js for benchmarks: none (${node.message})`);
  } catch (error) {
    output.appendLine(`could not look up the interpreters: ${(error as Error).message}`);
  }
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
    // "Show documentation for CLxxx" in the lightbulb runs this client command.
    initializationOptions: { clientCommands: [SHOW_RULE_DOCS_COMMAND] } satisfies InitializationOptions,
    middleware: {
      provideCodeLenses: async (document, token, next) => restoreLensTooltips(await next(document, token)),
      // The code link opens the rendered page (rule-docs.ts); the server's link is other editors'.
      handleDiagnostics: (uri, diagnostics, next) => next(uri, withDocsLinks(context.extension.id, diagnostics, SOURCE)),
    },
  };
  client = new LanguageClient('concurrencyLens', 'Concurrency Lens', serverOptions, clientOptions);
  client.onDidChangeState((event) => {
    if (event.newState === State.Stopped) status.stopped('The server stopped: see the output, or restart it');
    if (event.newState === State.Starting) status.starting();
  });
  const started = Date.now();
  output.appendLine(`starting the server: ${serverModule}`);
  try {
    await client.start();
  } catch (error) {
    status.stopped(`The server failed to start: ${(error as Error).message}`);
    output.appendLine(`server failed to start: ${(error as Error).stack ?? error}`);
    return;
  }
  output.appendLine(`server started in ${Date.now() - started} ms`);
  client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => status.update(params));
  status.update({ state: 'ready', findings: 0, files: 0 });
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

async function analyzeWorkspace(): Promise<void> {
  if (!client) {
    void vscode.window.showErrorMessage('Concurrency Lens: the server is not running. Run "Concurrency Lens: Restart Server".');
    return;
  }
  const running = client;
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Concurrency Lens: analyzing workspace', cancellable: true },
    (_progress, token) => running.sendRequest<AnalyzeWorkspaceResult>(ANALYZE_WORKSPACE_REQUEST, {}, token),
  ) as AnalyzeWorkspaceResult | undefined;
  if (summary) {
    const verb = summary.cancelled ? 'Stopped after' : 'Analyzed';
    const skipped = summary.skipped ? `, ${summary.skipped} skipped (see the output)` : '';
    void vscode.window.showInformationMessage(`Concurrency Lens: ${verb} ${summary.files} file(s), ${summary.findings} finding(s)${skipped}. See the Problems panel.`);
  }
}
