// Every custom message between the editor client (src/extension) and the language server
// (src/server): method names and payload types, defined once (vscode-eslint's
// shared/customMessages.ts). Type-only imports (from the engine's entry point), so any client
// and both bundles can take this file without pulling code in.
// The server's standard LSP traffic (diagnostics, code actions, hovers, CodeLens) needs no entry.

/** Server → client notification: the server's state and the findings count, for the status bar. */
export const STATUS_NOTIFICATION = 'concurrencyLens/status';
export interface StatusParams {
  state: 'ready';
  /** Findings in the open documents. */
  findings: number;
  /** Open documents analyzed. */
  files: number;
  /** Open documents not analyzed (too large). */
  skipped?: number;
  /** The last (or running) Analyze Workspace, with the open documents' live findings folded in; absent before the first. */
  workspace?: WorkspaceStatus;
}

export interface WorkspaceStatus {
  state: 'running' | 'done' | 'cancelled';
  /** Files analyzed (by the run, or open now; the skipped ones not counted). */
  files: number;
  /** The run's file count (known once it has listed the folders; 0 before). */
  total: number;
  findings: number;
  /** Files not analyzed (too large, binary, unreadable, over the work budget), open ones included. */
  skipped: number;
  /** ISO time the run ended. */
  finishedAt?: string;
}

/**
 * Client commands the server may put in code actions, sent by a client in
 * `initializationOptions.clientCommands` (the VS Code extension does). Other clients get none.
 */
export const SHOW_RULE_DOCS_COMMAND = 'concurrencyLens.showRuleDocumentation';
export interface InitializationOptions {
  clientCommands?: string[];
}

/** Client → server request (cancellable): analyze every file of the workspace folders. */
export const ANALYZE_WORKSPACE_REQUEST = 'concurrencyLens/analyzeWorkspace';
export interface AnalyzeWorkspaceResult {
  files: number;
  findings: number;
  cancelled: boolean;
  /** Files that could not be analyzed (too large, binary, unreadable, over the work budget). */
  skipped?: number;
}

/** Client → server request: the median server-side analysis time, for tests and benchmarks. */
export const TIMING_REQUEST = 'concurrencyLens/timings';
export interface TimingResult {
  count: number;
  medianMs: number | null;
}

/** Client → server notification: every stored measurement, replaced wholesale on each send. */
export const MEASUREMENTS_NOTIFICATION = 'concurrencyLens/measurements';
/** Client → server request: the WorkspaceEdit that moves a function's task sites to the other executor family. */
export const EXECUTOR_SWAP_REQUEST = 'concurrencyLens/executorSwapEdits';
/** Client → server request: the function to benchmark at a position (or by name), its parameters and a default inputs expression. */
export const BENCHMARK_TARGET_REQUEST = 'concurrencyLens/benchmarkTarget';
/** The command the CodeLens and the "Measure it" code action run (registered by the extension). */
export const BENCHMARK_COMMAND = 'concurrencyLens.benchmarkFunction';

/** Arguments of BENCHMARK_COMMAND (all optional: without them, the function under the cursor). */
export interface BenchmarkCommandArgs {
  /** Document URI (string or vscode.Uri on the client side). */
  uri?: string;
  functionName?: string;
  /** 0-based line of the function's definition. */
  line?: number;
  /** Inputs expression: skips the prompt (tests, re-runs). */
  inputs?: string;
  /** The CodeLens's tooltip (the last result): vscode-languageclient drops Command.tooltip, so the client restores it from here. */
  tooltip?: string;
}

/** The best cell of one mode. */
export interface MeasuredMode {
  speedup: number;
  workers: number;
}

/** What the server needs to know about a measured function. */
export interface MeasurementSummary {
  /** Measured workload class (`cpu-bound`, `io-bound`, ...), null when the task could not be profiled. */
  kind: string | null;
  /** The engine's verdict; `sequential` means no pool paid off. */
  recommendation: { mode: string; workers: number; speedup: number | null };
  /** Per non-sequential mode, its best speedup over sequential and the worker count that gave it. */
  speedups: Record<string, MeasuredMode>;
  language: 'python' | 'node' | null;
  /** ISO time of the run. */
  measuredAt: string;
  /** Whether the run could be trusted; the client sends only conclusive ones, the server ignores any other. */
  verdict?: 'conclusive' | 'inconclusive';
}

/** `{ [document uri]: { [function name]: summary } }`. */
export type MeasurementsMap = Record<string, Record<string, MeasurementSummary>>;

export interface ExecutorSwapParams {
  /** The file defining the function. */
  uri: string;
  functionName: string;
  to: 'thread' | 'process';
}

export interface ExecutorSwapResult {
  /** An LSP WorkspaceEdit, or null when no task site could be changed. */
  edit: { changes: Record<string, { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]> } | null;
  /** Task sites of the function that run it on the other family (before the edit). */
  sites: number;
  /** Sites included in this edit. Fewer than `sites` when edits overlapped: apply, then ask again. */
  changed: number;
  /** Why sites could not be changed, one line each. */
  notes: string[];
}

export interface BenchmarkTargetParams {
  uri: string;
  /** Where the cursor is; ignored when `functionName` is given. */
  position?: { line: number; character: number };
  functionName?: string;
}

/** The engine's answer, passed through as it is (src/analysis/core/services.ts). */
export type { BenchmarkParameter, BenchmarkTarget } from '../analysis';
