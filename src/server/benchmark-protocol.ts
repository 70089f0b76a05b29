import type { BenchResult } from '../profiling/types';

// What the editor client and the language server say to each other about benchmarks. Shared by
// src/extension (which runs benchmarks and stores their results) and src/server (which turns
// measurements into CodeLens titles and diagnostic messages). No runtime imports: the extension
// bundle pulls in only these constants and the summary function.

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

const PROCESS_MODES = new Set(['processes', 'processes-spawn', 'child_process']);
const THREAD_MODES = new Set(['threads', 'worker_threads', 'interpreters']);

export function isProcessMode(mode: string): boolean {
  return PROCESS_MODES.has(mode);
}

export function isThreadMode(mode: string): boolean {
  return THREAD_MODES.has(mode);
}

/** The summary of a finished benchmark; null when it produced no verdict (failed, aborted). */
export function summarizeMeasurement(result: BenchResult): MeasurementSummary | null {
  if (!result.recommendation || (result.status !== 'ok' && result.status !== 'partial')) return null;
  const speedups: Record<string, MeasuredMode> = {};
  for (const cell of result.cells) {
    if (cell.mode === 'sequential' || cell.status !== 'ok' || cell.speedup === null) continue;
    const known = speedups[cell.mode];
    if (!known || cell.speedup > known.speedup) speedups[cell.mode] = { speedup: cell.speedup, workers: cell.workers };
  }
  return {
    kind: result.workload?.kind ?? null,
    recommendation: { mode: result.recommendation.mode, workers: result.recommendation.workers, speedup: result.recommendation.speedup },
    speedups,
    language: result.language,
    measuredAt: result.startedAt,
  };
}

export function formatSpeedup(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2)}×`;
}

const MODE_LABEL: Record<string, string> = { 'processes-spawn': 'processes (spawn)', 'main-thread-async': 'main-thread async' };
export const modeName = (mode: string): string => MODE_LABEL[mode] ?? mode;

/** "processes 1.9× faster than sequential with 2 workers; threads 1.0×" */
export function describeMeasurement(m: MeasurementSummary): string {
  const rec = m.recommendation;
  const others = Object.entries(m.speedups)
    .filter(([mode]) => mode !== rec.mode)
    .map(([mode, s]) => `${modeName(mode)} ${formatSpeedup(s.speedup)}`);
  let head: string;
  if (rec.mode === 'sequential') head = 'no pool beat sequential';
  else {
    const s = m.speedups[rec.mode]?.speedup ?? rec.speedup;
    const workers = rec.workers > 1 ? ` with ${rec.workers} workers` : '';
    head = s !== null && s !== undefined ? `${modeName(rec.mode)} ${formatSpeedup(s)} faster than sequential${workers}` : `${modeName(rec.mode)} won${workers}`;
  }
  return others.length > 0 ? `${head}; ${others.join(', ')}` : head;
}

/** Best speedup among the modes that match. */
function bestOf(m: MeasurementSummary, match: (mode: string) => boolean): MeasuredMode | null {
  let found: MeasuredMode | null = null;
  for (const [mode, s] of Object.entries(m.speedups)) if (match(mode) && mode !== 'interpreters' && (!found || s.speedup > found.speedup)) found = s;
  return found;
}

/** Ties within this fraction count as "as fast". */
const TIE = 0.05;

/**
 * Why a measurement contradicts a finding, or null. CL101 advises processes over threads for
 * CPU-bound work; CL102 advises threads over processes for I/O-bound work. The other rules'
 * advice (batching, moving work off the event loop) is not a threads-vs-processes claim the
 * benchmark can refute, so their findings only cite the measurement.
 */
export function contradiction(rule: string, m: MeasurementSummary): string | null {
  const threads = bestOf(m, (mode) => mode === 'threads');
  const processes = bestOf(m, (mode) => mode === 'processes' || mode === 'processes-spawn');
  if (rule === 'CL101') {
    if (threads && processes && threads.speedup >= processes.speedup * (1 - TIE)) {
      const how = threads.speedup > processes.speedup * (1 + TIE) ? 'faster than' : 'as fast as';
      return `threads were ${how} processes (${formatSpeedup(threads.speedup)} vs ${formatSpeedup(processes.speedup)})`;
    }
    if (processes && processes.speedup < 1) return `processes were slower than running it sequentially (${formatSpeedup(processes.speedup)})`;
  }
  if (rule === 'CL102') {
    if (threads && processes && processes.speedup > threads.speedup * (1 + TIE)) {
      return `processes were faster than threads (${formatSpeedup(processes.speedup)} vs ${formatSpeedup(threads.speedup)})`;
    }
  }
  return null;
}

/** The text appended to a CL101–CL104 message about a measured function. */
export function measurementNote(rule: string, m: MeasurementSummary): string {
  const against = contradiction(rule, m);
  return ` (measured: ${describeMeasurement(m)}${against ? `; measurement contradicts this: ${against}` : ''})`;
}
