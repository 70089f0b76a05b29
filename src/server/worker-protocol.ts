import type { AnalysisResult, AnalyzeOptions, BenchLens, BenchmarkTarget, BenchmarkTargetRequest, Finding, Hover, NotebookCell, ParseProblem, Range, SwapOutcome, TextChange } from '../analysis';

// Messages between the language server's request thread (analysis-pool.ts) and its analysis
// workers (analysis-worker.ts). Each worker holds its own Projects, parse trees and a copy of the
// open documents' text; the pool sends the documents that changed since its last message to that
// worker ahead of each job, so a worker always sees the editor's text, unsaved edits included.

/** An open document's text as the worker should read it; null: open but too large (never read). */
export interface DocumentSync {
  path: string;
  text: string | null;
}

export type WorkerJob =
  | {
      op: 'analyze';
      path: string;
      languageId: string;
      /** How the text this worker last parsed became the current one; null: parse afresh. */
      edits: TextChange[] | null;
      /** The engine options without `sources` (the worker adds its own). */
      options: AnalyzeOptions;
    }
  | { op: 'hover'; path: string; languageId: string; position: { line: number; column: number } }
  | { op: 'lenses'; path: string; languageId: string }
  | { op: 'target'; path: string; languageId?: string; request: BenchmarkTargetRequest }
  | { op: 'swap'; paths: string[]; definingPath: string; functionName: string; to: 'thread' | 'process' }
  | { op: 'workspace'; folders: string[]; overrides: AnalyzeOptions }
  /** A notebook's cells analyzed as one module (notebooks.ts); the cells travel with the job. */
  | { op: 'notebook'; path: string; cells: NotebookCellSource[]; options: AnalyzeOptions }
  | { op: 'notebookHover'; path: string; cells: NotebookCellSource[]; cell: number; position: { line: number; column: number } };

/**
 * One cell of a notebook as the client synced it (the engine's NotebookCell). LSP clients send only
 * the cells their selector matches (VS Code: the Python code cells), so a `cell` index in the
 * results counts those, in notebook order.
 */
export type NotebookCellSource = NotebookCell;

/**
 * A notebook's findings and parse problems: each carries `cell` (an index into the job's cells)
 * with its range, related points and fix edits within that cell (the engine's notebook result).
 */
export interface NotebookOutcome {
  findings: Finding[];
  parseErrors: ParseProblem[];
  skipped: string | null;
}

export interface ToWorker {
  id: number;
  /** Open documents changed (or opened) since the last message; applied before the job. */
  sync: DocumentSync[];
  /** Documents closed since: their incremental parser is dropped, the disk is read again. */
  closed: string[];
  /** Files changed on disk since the last message (watched-file events). */
  invalidated: string[];
  /** The workspace's files, when they changed (for JS worker-script facts). */
  files?: string[];
  job: WorkerJob;
}

export type JobResult =
  | { op: 'analyze'; result: AnalysisResult; millis: number }
  | { op: 'hover'; hover: Hover | null }
  | { op: 'lenses'; lenses: BenchLens[] }
  | { op: 'target'; target: BenchmarkTarget }
  | { op: 'swap'; outcome: SwapOutcome | null }
  | { op: 'workspace'; files: number; findings: number; cancelled: boolean; skipped: number }
  | { op: 'notebook'; outcome: NotebookOutcome; millis: number }
  | { op: 'notebookHover'; hover: { markdown: string; range: Range } | null };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'log'; message: string }
  /** Workspace analysis: one file's findings (not open in the editor), and progress. */
  | { type: 'file'; id: number; result: AnalysisResult }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'done'; id: number; result: JobResult }
  | { type: 'failed'; id: number; message: string };

/** Main thread → worker, outside the job queue: stop the workspace run between two files. */
export interface CancelMessage {
  cancel: number;
}
