import type { AnalysisResult, AnalyzeOptions, IndexParts } from '../analysis';

// Messages between the lint pool (main thread) and its workers. Options travel without
// `sources`: a function-bearing object cannot be cloned, and each worker reads from disk itself.

export interface LintJob {
  index: number;
  path: string;
  options: AnalyzeOptions;
}

// `files` comes once, before the batches: the whole tree, for cross-file facts (JS worker scripts).
// Then `index`: each worker builds its part of the tree-wide index and replies with it; the pool
// sends every worker the parts (`indexed`), then the batches.
export type ToWorker =
  | { type: 'files'; files: string[] }
  | { type: 'index'; part: number; parts: number }
  | { type: 'indexed'; parts: IndexParts[] }
  | { type: 'batch'; jobs: LintJob[] };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'index'; index: IndexParts }
  | { type: 'results'; results: { index: number; result: AnalysisResult }[] };
