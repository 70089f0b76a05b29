import { BenchmarkSession } from './session';
import type { BenchRequest, BenchResult, ProgressListener } from './types';

// The benchmark engine's entry point, and the entry of the dist/profiling.js bundle that the
// extension loads only when a benchmark runs. The work is in session.ts (the phases), launch.ts
// (which interpreter and harness) and summary.ts (the statistics at the end).

/**
 * Measures `request.functionName` over `request.inputs` sequentially and on every pool mode the
 * interpreter offers. The user code's, the harness's and the request's failures come back in the
 * result's `errors` and `status`, not as exceptions.
 */
export async function runBenchmark(request: BenchRequest, onProgress: ProgressListener = () => {}, signal?: AbortSignal): Promise<BenchResult> {
  return new BenchmarkSession(request, onProgress, signal).run();
}
