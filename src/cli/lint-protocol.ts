import type { AnalysisResult, AnalyzeOptions } from '../analysis';

// Messages between the lint pool (main thread) and its workers. Options travel without
// `sources`: a function-bearing object cannot be cloned, and each worker reads from disk itself.

export interface LintJob {
  index: number;
  path: string;
  options: AnalyzeOptions;
}

export type ToWorker = { type: 'batch'; jobs: LintJob[] };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'results'; results: { index: number; result: AnalysisResult }[] };
