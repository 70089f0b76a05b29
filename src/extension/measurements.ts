import type { BenchResult } from '../profiling/types';
import type { BenchmarkCommandArgs, MeasuredMode, MeasurementSummary } from '../protocol/lsp';

// What the extension tells the server about a finished benchmark (MEASUREMENTS_NOTIFICATION), and
// which executor family a measured mode belongs to (for "Apply recommendation").

const PROCESS_MODES = new Set(['processes', 'processes-spawn', 'child_process']);
const THREAD_MODES = new Set(['threads', 'worker_threads', 'interpreters']);

export function isProcessMode(mode: string): boolean {
  return PROCESS_MODES.has(mode);
}

export function isThreadMode(mode: string): boolean {
  return THREAD_MODES.has(mode);
}

/**
 * The benchmark CodeLens's tooltip, from its arguments (vscode-languageclient's converter drops
 * an LSP Command's `tooltip`): used by the client's provideCodeLenses middleware.
 */
export function restoreLensTooltips<L extends { command?: { tooltip?: string; arguments?: unknown[] } }>(lenses: L[] | null | undefined): L[] | null | undefined {
  for (const lens of lenses ?? []) {
    const args = lens.command?.arguments?.[0] as BenchmarkCommandArgs | undefined;
    if (lens.command && typeof args?.tooltip === 'string' && !lens.command.tooltip) lens.command.tooltip = args.tooltip;
  }
  return lenses;
}

/**
 * The summary of a finished benchmark; null when it produced no verdict (failed, aborted) or an
 * inconclusive one: a run that cannot be trusted is never cited in a diagnostic, let alone said
 * to contradict one.
 */
export function summarizeMeasurement(result: BenchResult): MeasurementSummary | null {
  if (!result.recommendation || (result.status !== 'ok' && result.status !== 'partial')) return null;
  if (result.verdict?.status === 'inconclusive') return null;
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
    verdict: 'conclusive',
  };
}
