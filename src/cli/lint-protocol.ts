import type { AnalysisResult, AnalyzeOptions } from '../analysis';

// Messages between the lint pool (main thread) and its workers. Options travel without
// `sources`: a function-bearing object cannot be cloned, and each worker reads from disk itself.

export interface LintJob {
  index: number;
  path: string;
  options: AnalyzeOptions;
}

// `files` comes once, before the batches: the whole tree, for cross-file facts (JS worker scripts).
export type ToWorker = { type: 'files'; files: string[] } | { type: 'batch'; jobs: LintJob[] };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'results'; results: { index: number; result: AnalysisResult }[] };
