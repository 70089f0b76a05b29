// Every custom message between the editor client (src/extension) and the language server
// (src/server): method names and payload types, defined once (vscode-eslint's
// shared/customMessages.ts). No imports: any client, and both bundles, can take this file.
// The server's standard LSP traffic (diagnostics, code actions, hovers, CodeLens) needs no entry.

/** Server → client notification: the server's state and the findings count, for the status bar. */
export const STATUS_NOTIFICATION = 'concurrencyLens/status';
export interface StatusParams {
  state: 'ready';
  findings: number;
  files: number;
}

/** Client → server request (cancellable): analyze every file of the workspace folders. */
export const ANALYZE_WORKSPACE_REQUEST = 'concurrencyLens/analyzeWorkspace';
export interface AnalyzeWorkspaceResult {
  files: number;
  findings: number;
  cancelled: boolean;
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

export interface BenchmarkParameter {
  name: string;
  /** `*args` / `...rest`, `**kwargs`, keyword-only: not filled by the default inputs. */
  kind: 'positional' | 'keyword-only' | 'var-positional' | 'var-keyword';
  default: string | null;
  annotation: string | null;
}

export type BenchmarkTarget =
  | {
      ok: true;
      functionName: string;
      /** 0-based line of the definition. */
      line: number;
      language: 'python' | 'javascript';
      isAsync: boolean;
      parameters: BenchmarkParameter[];
      /** An inputs expression derived from the signature: 8 copies of representative arguments. */
      defaultInputs: string;
      /** Static workload class, when the analyzer could tell (Python). */
      staticKind: string | null;
    }
  | { ok: false; message: string };
