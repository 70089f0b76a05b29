import type { BenchResult } from '../profiling/types';
import type { MeasuredMode, MeasurementSummary } from '../protocol/lsp';

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
