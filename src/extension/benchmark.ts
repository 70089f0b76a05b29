import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { BenchRequest, BenchResult, FirstCallAdvice, ProgressEvent } from '../profiling/types';
import {
  BENCHMARK_COMMAND,
  BENCHMARK_TARGET_REQUEST,
  type BenchmarkCommandArgs,
  type BenchmarkTarget,
  type BenchmarkTargetParams,
  EXECUTOR_SWAP_REQUEST,
  type ExecutorSwapParams,
  type ExecutorSwapResult,
  MEASUREMENTS_NOTIFICATION,
  type MeasurementsMap,
} from '../protocol/lsp';
import { isProcessMode, isThreadMode, summarizeMeasurement } from './measurements';
import { LANGUAGE_IDS, isAnalyzablePath } from '../analysis/languages';
import { BenchmarkPanel, type PanelHandlers, registerBenchmarkPanelSerializer } from './benchmark-panel';
import { EDITOR_KNOBS, forEditor } from './benchmark-page';
import { type Interpreter, findNode, findPython, interpreterLabel } from './interpreters';
import { initialInputs, jsSyntaxProblem, pythonSyntaxProblem, quickInputsProblem } from './inputs';

// The benchmark command and everything around a run (the issue's "entry points", "inputs",
// "interpreters", "safety" and "results"): resolve the function, refuse untrusted workspaces,
// find the interpreter, prompt for and check the inputs, run the engine with a cancellable
// progress notification and the results panel, kill the run's process tree on cancel / panel
// close / deactivate, keep results in workspace storage, and feed a summary to the server.

export interface BenchmarkKey {
  /** Absolute path of the module. */
  file: string;
  functionName: string;
}

type Engine = typeof import('../profiling/run');

interface Stored {
  result: BenchResult;
  interpreterLabel: string;
}

interface Running {
  key: BenchmarkKey;
  controller: AbortController;
  /** The harness's pid, which is also its process group's id (POSIX), once it started. */
  pid: number | null;
  done: Promise<BenchResult | undefined>;
  /** The language server's static class of the function (the engine bundled here has no JS/TS analyzer). */
  staticClass: { kind: string; reason: string } | null;
}

const RESULT_PREFIX = 'concurrencyLens.bench.result:';
const INPUTS_PREFIX = 'concurrencyLens.bench.inputs:';

const keyString = (key: BenchmarkKey): string => `${key.file}#${key.functionName}`;

export class BenchmarkController implements vscode.Disposable {
  private readonly running = new Map<string, Running>();
  private readonly panels = new Map<string, BenchmarkPanel>();
  private engine: Engine | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
    private readonly client: () => LanguageClient | undefined,
  ) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand(BENCHMARK_COMMAND, (args?: BenchmarkCommandArgs | vscode.Uri) => this.command(args)),
      registerBenchmarkPanelSerializer(
        this.context,
        (key) => this.handlersFor(key),
        (key) => this.stored(key)?.result,
      ),
      this,
    ];
  }

  // ---- API for tests and other extensions -----------------------------------------------------

  lastResult(key: BenchmarkKey): BenchResult | undefined {
    return this.stored(normalizeKey(key))?.result;
  }

  runningBenchmarks(): { file: string; functionName: string; pid: number | null }[] {
    return [...this.running.values()].map((r) => ({ ...r.key, pid: r.pid }));
  }

  /** Cancels one run (or all of them); resolves when they have stopped. Returns how many were running. */
  async cancel(key?: BenchmarkKey): Promise<number> {
    const targets = key ? [this.running.get(keyString(normalizeKey(key)))].filter((r): r is Running => !!r) : [...this.running.values()];
    for (const r of targets) this.abort(r);
    await Promise.all(targets.map((r) => r.done.catch(() => undefined)));
    return targets.length;
  }

  measurements(): MeasurementsMap {
    const map: MeasurementsMap = {};
    for (const storageKey of this.context.workspaceState.keys()) {
      if (!storageKey.startsWith(RESULT_PREFIX)) continue;
      const stored = this.context.workspaceState.get<Stored>(storageKey);
      const summary = stored ? summarizeMeasurement(stored.result) : null;
      if (!stored || !summary) continue;
      const uri = vscode.Uri.file(stored.result.file).toString();
      (map[uri] ??= {})[stored.result.functionName] = summary;
    }
    return map;
  }

  /** Tells the server what has been measured (at start, after each run, after a restart). */
  sendMeasurements(): void {
    const client = this.client();
    if (!client?.isRunning()) return;
    void client.sendNotification(MEASUREMENTS_NOTIFICATION, this.measurements()).catch((error: Error) => this.log(`sending measurements: ${error.message}`));
  }

  /** Deactivation: kill every run's process tree now (synchronously), then let the runs settle. */
  dispose(): void {
    for (const r of this.running.values()) this.abort(r);
  }

  // ---- the command ------------------------------------------------------------------------------

  private async command(raw?: BenchmarkCommandArgs | vscode.Uri): Promise<BenchResult | undefined> {
    // From the editor's context menu: the document's Uri; from a CodeLens or a code action: the
    // server's `{ uri, functionName, line }`; from tests: `{ uri, functionName, inputs }`.
    const args: BenchmarkCommandArgs = raw instanceof vscode.Uri || !raw ? {} : raw;
    const uriArg = raw instanceof vscode.Uri ? raw : (args.uri as string | vscode.Uri | undefined);
    const editor = vscode.window.activeTextEditor;
    const uri = uriArg ? (typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg) : editor?.document.uri;
    if (!uri) {
      void vscode.window.showErrorMessage('Concurrency Lens: open a Python, JavaScript or TypeScript file and put the cursor in the function to benchmark.');
      return undefined;
    }
    if (!vscode.workspace.isTrusted) {
      void this.explainTrust();
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    if (!LANGUAGE_IDS.includes(document.languageId) && !isAnalyzablePath(uri.path)) {
      void vscode.window.showErrorMessage('Concurrency Lens: benchmarks run Python, JavaScript and TypeScript functions.');
      return undefined;
    }
    if (document.isUntitled || uri.scheme !== 'file') {
      void vscode.window.showErrorMessage('Concurrency Lens: save the file first: the benchmark imports the module from disk.');
      return undefined;
    }
    const language: 'python' | 'node' = document.languageId === 'python' || /\.pyw?$/i.test(uri.path) ? 'python' : 'node';

    // Which function: the argument, else the one under the cursor (asked of the server, which has the parse).
    const position = !args.functionName && editor && editor.document.uri.toString() === uri.toString() ? editor.selection.active : undefined;
    let target = await this.target(uri, args.functionName, position);
    if (!target.ok && target.reason === 'outside' && !args.functionName) {
      // The cursor is in no function: offer the file's benchmarkable ones (those with a CodeLens).
      const picked = await this.pickFunction(uri, document);
      if (picked === undefined) return undefined;
      if (picked) target = await this.target(uri, picked, undefined);
    }
    if (!target.ok && !(args.functionName && args.inputs)) {
      void vscode.window.showErrorMessage(`Concurrency Lens: ${target.message}`);
      return undefined;
    }
    const functionName = target.ok ? target.functionName : (args.functionName as string);
    const key: BenchmarkKey = { file: uri.fsPath, functionName };

    const already = this.running.get(keyString(key));
    if (already) {
      this.showPanel(key);
      void vscode.window.showInformationMessage(`Concurrency Lens: \`${functionName}\` is already being benchmarked.`);
      return already.done;
    }
    if (document.isDirty && !(await document.save())) {
      void vscode.window.showErrorMessage('Concurrency Lens: the file could not be saved; the benchmark runs the saved file.');
      return undefined;
    }

    const lookup = language === 'python' ? await findPython(uri, (line) => this.log(line)) : await findNode(uri);
    if (!lookup.ok) {
      const choice = await vscode.window.showErrorMessage(`Concurrency Lens: ${lookup.message}`, 'Open Settings');
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', lookup.setting);
      return undefined;
    }
    const interpreter = lookup.interpreter;

    const inputs = await this.inputs(key, language, interpreter, args.inputs, target.ok ? target : null);
    if (inputs === undefined) return undefined;
    const staticClass = target.ok && target.staticKind && target.staticReason ? { kind: target.staticKind, reason: target.staticReason } : null;
    return this.start(key, language, interpreter, inputs, staticClass);
  }

  private async target(uri: vscode.Uri, functionName: string | undefined, position: vscode.Position | undefined): Promise<BenchmarkTarget> {
    const client = this.client();
    if (!client?.isRunning()) return { ok: false, message: 'the language server is not running (run "Concurrency Lens: Restart Server").' };
    const params: BenchmarkTargetParams = { uri: client.code2ProtocolConverter.asUri(uri), functionName, position: position ? { line: position.line, character: position.character } : undefined };
    try {
      return await client.sendRequest<BenchmarkTarget>(BENCHMARK_TARGET_REQUEST, params);
    } catch (error) {
      return { ok: false, message: `the language server could not resolve the function: ${(error as Error).message}` };
    }
  }

  /**
   * A QuickPick of the functions the server puts a "Benchmark" CodeLens on (the same list, asked
   * through VS Code's CodeLens command so both stay one). The name picked; null when the file has
   * none (the caller shows why); undefined when the user dismissed the pick.
   */
  private async pickFunction(uri: vscode.Uri, document: vscode.TextDocument): Promise<string | null | undefined> {
    let lenses: vscode.CodeLens[] = [];
    try {
      lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    } catch (error) {
      this.log(`listing the CodeLenses failed: ${(error as Error).message}`);
    }
    const items: (vscode.QuickPickItem & { functionName: string })[] = [];
    for (const lens of lenses) {
      if (lens.command?.command !== BENCHMARK_COMMAND) continue;
      const lensArgs = lens.command.arguments?.[0] as BenchmarkCommandArgs | undefined;
      if (!lensArgs?.functionName || items.some((i) => i.functionName === lensArgs.functionName)) continue;
      const line = typeof lensArgs.line === 'number' ? lensArgs.line : lens.range.start.line;
      items.push({
        label: lensArgs.functionName,
        functionName: lensArgs.functionName,
        description: `line ${line + 1}`,
        detail: document.lineAt(Math.min(line, document.lineCount - 1)).text.trim(),
      });
    }
    if (items.length === 0) return null;
    const picked = await vscode.window.showQuickPick(items, {
      title: `Benchmark a function of ${path.basename(uri.fsPath)}`,
      placeHolder: 'The cursor is not in a function: pick one to benchmark',
      matchOnDescription: true,
    });
    return picked ? picked.functionName : undefined;
  }

  private async explainTrust(): Promise<void> {
    const manage = 'Manage Workspace Trust';
    const choice = await vscode.window.showWarningMessage(
      'Concurrency Lens: benchmarks run your code, so they are disabled in untrusted workspaces (linting still works: it only reads code). Trust this workspace to benchmark.',
      manage,
    );
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  }

  /** The inputs: given (tests, re-runs) or prompted for, pre-filled, then checked before anything runs. */
  private async inputs(key: BenchmarkKey, language: 'python' | 'node', interpreter: Interpreter, given: string | undefined, target: Extract<BenchmarkTarget, { ok: true }> | null): Promise<string | undefined> {
    if (given !== undefined) {
      const problem = await this.inputsProblem(given, language, interpreter);
      if (problem) {
        void vscode.window.showErrorMessage(`Concurrency Lens: ${problem}`);
        return undefined;
      }
      await this.context.workspaceState.update(INPUTS_PREFIX + keyString(key), given);
      return given;
    }
    const previous = this.context.workspaceState.get<string>(INPUTS_PREFIX + keyString(key));
    const prefill = initialInputs(previous, target, language);
    let value = prefill.value;
    let problem: string | null = null;
    const signature = target ? `${target.functionName}(${target.parameters.map((p) => p.name).join(', ')})` : key.functionName;
    for (;;) {
      const entered = await vscode.window.showInputBox({
        title: `Benchmark ${signature}: task inputs`,
        prompt: problem ?? prefill.prompt,
        value,
        ignoreFocusOut: true,
        validateInput: (text) => quickInputsProblem(text, language),
      });
      if (entered === undefined) return undefined;
      value = entered;
      problem = await this.inputsProblem(entered, language, interpreter);
      if (!problem) break;
    }
    await this.context.workspaceState.update(INPUTS_PREFIX + keyString(key), value);
    return value;
  }

  private async inputsProblem(expr: string, language: 'python' | 'node', interpreter: Interpreter): Promise<string | null> {
    const quick = quickInputsProblem(expr, language);
    if (quick) return quick;
    return language === 'python' ? pythonSyntaxProblem(interpreter.command, expr) : jsSyntaxProblem(expr);
  }

  // ---- a run ------------------------------------------------------------------------------------

  private start(key: BenchmarkKey, language: 'python' | 'node', interpreter: Interpreter, inputs: string, staticClass: Running['staticClass'] = null): Promise<BenchResult | undefined> {
    const controller = new AbortController();
    const entry: Running = { key, controller, pid: null, done: Promise.resolve(undefined), staticClass };
    this.running.set(keyString(key), entry);
    entry.done = this.execute(entry, language, interpreter, inputs).finally(() => {
      if (this.running.get(keyString(key)) === entry) this.running.delete(keyString(key));
    });
    return entry.done;
  }

  private async execute(entry: Running, language: 'python' | 'node', interpreter: Interpreter, inputs: string): Promise<BenchResult | undefined> {
    const { key, controller } = entry;
    const label = interpreterLabel(interpreter);
    const panel = this.showPanel(key);
    const closed = panel?.onDidDispose(() => {
      if (this.running.get(keyString(key)) === entry) {
        this.log(`${key.functionName}: the panel was closed; cancelling the benchmark`);
        this.abort(entry);
      }
    });
    const config = vscode.workspace.getConfiguration('concurrencyLens', vscode.Uri.file(key.file));
    const maxSeconds = clampSeconds(config.get<number>('benchmark.maxSeconds'));
    const workers = (config.get<unknown[]>('benchmark.workers') ?? []).filter((n): n is number => Number.isInteger(n) && (n as number) >= 1);
    const timeoutSeconds = config.get<number>('benchmark.timeoutSeconds');
    const request: BenchRequest = {
      file: key.file,
      functionName: key.functionName,
      inputs,
      maxSeconds,
      ...(workers.length > 0 ? { workers } : {}),
      ...(typeof timeoutSeconds === 'number' && timeoutSeconds > 0 ? { timeoutSeconds } : {}),
      knobs: EDITOR_KNOBS,
      ...(entry.staticClass ? { staticClass: entry.staticClass } : {}),
      cwd: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(key.file))?.uri.fsPath ?? path.dirname(key.file),
      harnessDir: this.context.asAbsolutePath(path.join('dist', 'harness')),
      ...(language === 'python' ? { python: interpreter.command } : { node: interpreter.command }),
    };
    this.log(`benchmark ${key.functionName} in ${key.file}`);
    this.log(`  interpreter: ${label}`);
    this.log(`  inputs: ${inputs}; time budget ${maxSeconds} s`);

    let result: BenchResult | undefined;
    try {
      const engine = this.loadEngine();
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Benchmarking ${key.functionName}`, cancellable: true },
        async (progress, token) => {
          const cancel = token.onCancellationRequested(() => {
            this.log(`${key.functionName}: cancelled`);
            this.abort(entry);
          });
          let reported = 0;
          const onEvent = (event: ProgressEvent): void => {
            if (event.type === 'progress') {
              const percent = Math.round(event.fraction * 100);
              progress.report({ message: event.message, increment: Math.max(0, percent - reported) });
              reported = Math.max(reported, percent);
              panel?.setRunning({ fraction: event.fraction, message: event.message });
            } else if (event.type === 'harness') {
              entry.pid = event.pid;
              this.log(`  harness pid ${event.pid}: ${event.command.join(' ')}`);
            } else if (event.type === 'first-call') {
              this.log(`  ${event.advice.message}`);
              if (event.advice.proposal) void this.proposeSmallerInputs(entry, language, interpreter, event.advice);
            } else {
              this.output.append(prefixLines(`[${key.functionName} ${event.stream}] `, event.text));
            }
          };
          try {
            return await engine.runBenchmark(request, onEvent, controller.signal);
          } finally {
            cancel.dispose();
          }
        },
      );
    } catch (error) {
      const message = `the benchmark failed: ${(error as Error).message}`;
      this.log(`${key.functionName}: ${(error as Error).stack ?? message}`);
      panel?.setError(message);
      void vscode.window.showErrorMessage(`Concurrency Lens: ${message}`);
      return undefined;
    } finally {
      closed?.dispose();
    }

    const factsLabel = result.interpreter ? interpreterLabel({ ...interpreter, version: result.interpreter.version, implementation: language === 'python' ? result.interpreter.implementation : 'Node.js' }) : label;
    this.log(`  ${key.functionName}: ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s${result.recommendation ? `: ${result.recommendation.reason}` : ''}`);
    for (const error of result.errors) this.log(`  error (${error.kind}${error.mode ? `, ${error.mode}` : ''}): ${error.message}${error.detail ? `\n${error.detail}` : ''}`);
    for (const warning of result.warnings) this.log(`  warning: ${warning}`);

    if (result.status === 'aborted') {
      panel?.setError('The benchmark was cancelled; its processes were stopped.');
      return result;
    }
    if (result.refusal) {
      // Not a failure of the benchmark: the module does work at import (src/profiling/preflight.ts).
      // A message with the line and the fix, no stack.
      const refusal = result.refusal;
      const where = `${path.basename(refusal.path)}${refusal.line ? `:${refusal.line}` : ''}${refusal.rule ? `, ${refusal.rule}` : ''}`;
      const sentence = (t: string): string => (/[.!?]$/.test(t.trim()) ? t.trim() : `${t.trim()}.`);
      const text = `${key.functionName}() was not benchmarked: importing its module does work of its own (${where}). ${sentence(refusal.message)} ${sentence(refusal.fix)}`;
      panel?.setError(text, refusal.line ? { path: refusal.path, line: refusal.line, column: refusal.column } : undefined);
      void vscode.window.showWarningMessage(forEditor(`Concurrency Lens: ${text}`), 'Go to Line').then((choice) => {
        if (!choice) return;
        const line = Math.max(0, (refusal.line ?? 1) - 1);
        const column = Math.max(0, (refusal.column ?? 1) - 1);
        const at = new vscode.Range(line, column, line, column);
        void vscode.window.showTextDocument(vscode.Uri.file(refusal.path), { selection: at });
      });
      return result;
    }
    // An inconclusive run names no winner when none won, yet it is a result: shown (amber), stored, never cited.
    if (result.status === 'failed' || (!result.recommendation && result.verdict?.status !== 'inconclusive')) {
      const first = result.errors[0];
      const message = first ? `${first.message}${first.detail ? `\n\n${first.detail}` : ''}` : 'the benchmark produced no result';
      panel?.setError(message);
      void vscode.window.showErrorMessage(forEditor(`Concurrency Lens: benchmark of ${key.functionName} failed: ${first?.message ?? 'no result'}`), 'Show Output').then((choice) => {
        if (choice) this.output.show(true);
      });
      return result;
    }
    await this.context.workspaceState.update(RESULT_PREFIX + keyString(key), { result, interpreterLabel: factsLabel } satisfies Stored);
    panel?.setResult(result, factsLabel);
    this.sendMeasurements();
    if (result.verdict?.status === 'inconclusive') {
      void vscode.window.showWarningMessage(forEditor(`Concurrency Lens: the benchmark of ${key.functionName} is inconclusive. ${result.verdict.reason ?? ''} ${result.verdict.advice ?? ''}`.trim()));
    }
    return result;
  }

  /**
   * Pre-flight step two said the inputs are too big for the budget: a notice while the run goes
   * on (it stops at the budget, inconclusive), offering to restart it with fewer items.
   */
  private async proposeSmallerInputs(entry: Running, language: 'python' | 'node', interpreter: Interpreter, advice: FirstCallAdvice): Promise<void> {
    const proposal = advice.proposal;
    if (!proposal) return;
    const restart = proposal.inputs ? `Restart with ${proposal.items} Items` : null;
    const settings = 'Open Settings';
    const choice = await vscode.window.showWarningMessage(
      forEditor(`Concurrency Lens: the inputs of ${entry.key.functionName} are too big for the time budget. ${advice.message}`),
      ...(restart ? [restart] : []),
      settings,
    );
    if (choice === settings) {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'concurrencyLens.benchmark.maxSeconds');
      return;
    }
    if (choice !== restart || !proposal.inputs) return;
    const inputs = proposal.inputs;
    if (this.running.get(keyString(entry.key)) === entry) {
      this.abort(entry);
      await entry.done.catch(() => undefined);
    }
    await this.context.workspaceState.update(INPUTS_PREFIX + keyString(entry.key), inputs);
    void this.start(entry.key, language, interpreter, inputs, entry.staticClass);
  }

  private showPanel(key: BenchmarkKey): BenchmarkPanel | undefined {
    try {
      const panel = BenchmarkPanel.show(this.context, key, this.handlersFor(key));
      if (!this.panels.has(keyString(key))) {
        this.panels.set(keyString(key), panel);
        panel.onDidDispose(() => this.panels.delete(keyString(key)));
      }
      return panel;
    } catch (error) {
      // The run does not depend on the panel: report and go on with the notification only.
      this.log(`the results panel could not be opened: ${(error as Error).message}`);
      return undefined;
    }
  }

  private handlersFor(key: BenchmarkKey): PanelHandlers {
    return {
      rerun: () => {
        const inputs = this.context.workspaceState.get<string>(INPUTS_PREFIX + keyString(key));
        void this.command({ uri: vscode.Uri.file(key.file).toString(), functionName: key.functionName, inputs });
      },
      applyRecommendation: (result) => void this.applyRecommendation(key, result),
    };
  }

  /** "Apply recommendation": move the function's task sites to the winning executor family. */
  private async applyRecommendation(key: BenchmarkKey, result: BenchResult): Promise<void> {
    const recommendation = result.recommendation;
    if (!recommendation) return;
    if (result.language !== 'python') {
      void vscode.window.showInformationMessage(
        `Concurrency Lens: the measurement recommends ${recommendation.mode}${recommendation.workers > 1 ? ` with ${recommendation.workers} workers` : ''}. Changing how JavaScript runs its workers is not automated: ${recommendation.reason}`,
      );
      return;
    }
    const to = isProcessMode(recommendation.mode) ? 'process' : isThreadMode(recommendation.mode) && recommendation.mode !== 'interpreters' ? 'thread' : null;
    if (!to) {
      void vscode.window.showInformationMessage(`Concurrency Lens: the measurement recommends ${recommendation.mode === 'sequential' ? 'running it sequentially' : recommendation.mode}; there is no executor swap to apply. ${recommendation.reason}`);
      return;
    }
    const client = this.client();
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage('Concurrency Lens: the language server is not running.');
      return;
    }
    let changed = 0;
    let notes: string[] = [];
    // Swaps whose edits overlap (two executors, one shared import) come in rounds.
    for (let round = 0; round < 5; round++) {
      const params: ExecutorSwapParams = { uri: client.code2ProtocolConverter.asUri(vscode.Uri.file(key.file)), functionName: key.functionName, to };
      const reply = await client.sendRequest<ExecutorSwapResult>(EXECUTOR_SWAP_REQUEST, params);
      if (round === 0 || reply.notes.length > 0) notes = reply.notes;
      if (!reply.edit) break;
      const edit = await client.protocol2CodeConverter.asWorkspaceEdit(reply.edit);
      if (!(await vscode.workspace.applyEdit(edit))) break;
      changed += reply.changed;
      if (reply.changed >= reply.sites) break;
    }
    const family = to === 'process' ? 'processes' : 'threads';
    if (changed > 0) {
      void vscode.window.showInformationMessage(`Concurrency Lens: ${changed} executor(s) running \`${key.functionName}\` now use ${family}. Review the change: ${to === 'process' ? 'processes share no memory.' : 'threads share memory.'}${notes.length ? ` ${notes.join(' ')}` : ''}`);
    } else {
      void vscode.window.showWarningMessage(`Concurrency Lens: nothing was changed. ${notes.join(' ')}`);
    }
  }

  private abort(entry: Running): void {
    if (!entry.controller.signal.aborted) entry.controller.abort();
    // Belt and braces (the engine kills the group on abort too): SIGKILL the harness's process
    // group now, synchronously, so even an extension host on its way out leaves nothing behind.
    if (entry.pid && entry.pid > 0 && process.platform !== 'win32') {
      try {
        process.kill(-entry.pid, 'SIGKILL');
      } catch {
        // ESRCH: already gone
      }
    }
  }

  private stored(key: BenchmarkKey): Stored | undefined {
    return this.context.workspaceState.get<Stored>(RESULT_PREFIX + keyString(key));
  }

  /** The engine is bundled separately (dist/profiling.js): it carries the analyzer, loaded only to benchmark. */
  private loadEngine(): Engine {
    if (!this.engine) {
      const bundled = this.context.asAbsolutePath(path.join('dist', 'profiling.js'));
      if (!fs.existsSync(bundled)) throw new Error(`the benchmark engine is missing (${bundled}); run the build`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      this.engine = require(bundled) as Engine;
    }
    return this.engine;
  }

  private log(line: string): void {
    this.output.appendLine(`[benchmark] ${line}`);
  }
}

function normalizeKey(key: BenchmarkKey): BenchmarkKey {
  return { file: path.resolve(key.file), functionName: key.functionName };
}

function clampSeconds(value: number | undefined): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 20;
  return Math.min(Math.max(value, 1), 3600);
}

function prefixLines(prefix: string, text: string): string {
  return text
    .split(/(?<=\n)/)
    .map((line) => prefix + line)
    .join('');
}
