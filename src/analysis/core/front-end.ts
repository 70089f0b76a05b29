import type { AnalyzeOptions, Finding, Language, ParseProblem, Range, SourceDocument, SourceProvider } from './types';
import type { BenchLens, BenchmarkTarget, BenchmarkTargetRequest, Hover, ImportEffect, StaticWorkload, SwapOutcome } from './services';

// What a language contributes to the engine. src/analysis/index.ts dispatches on this interface
// instead of an if/else per language, and loads a front end only when a file of its language
// is analyzed: a Python-only run never loads the JS/TS parser (and the 10 MB `typescript`).

/** A language's cross-file cache: one per CLI run, one per workspace in the server. */
export interface LanguageProject {
  /** Forget a file (changed on disk or in the editor); facts derived from it are recomputed. */
  invalidate(filePath: string): void;
  /** The files of the analyzed tree, for facts that need the whole tree (who spawns this file). */
  setFiles?(files: Iterable<string>): void;
  /** Keep incremental parse state for a document the editor has open; `close` drops it. */
  open?(filePath: string): void;
  close?(filePath: string): void;
  /**
   * A batch run (the CLI) finished a file: drop cached models once they hold more source than
   * the bound, so memory stays bounded however many files the run has. Only between files, never
   * during an analysis: a file's analysis sees one consistent set of models.
   */
  releaseModels?(maxChars?: number): void;
  /**
   * Builds part `part` of `parts` of the tree-wide index the language keeps for cross-file facts
   * (JS/TS: which files spawn which worker script), calling `afterFile` between the files it reads.
   * A pool's workers each build a part and all adopt the merged parts (`addIndex`), instead of
   * each scanning the whole tree; files no part covered are still scanned when first needed.
   */
  buildIndex?(part: number, parts: number, afterFile?: () => void): IndexPart;
  /**
   * A batch run's hook between the steps of one file's analysis (its parse, its model, each rule):
   * the CLI's workers collect garbage there when their heap passed its bound, since one large
   * file's analysis allocates hundreds of megabytes that V8 would otherwise keep until it ends.
   */
  betweenSteps?: () => void;
  addIndex?(index: IndexPart): void;
}

/**
 * Plain data (worker threads exchange it): the files a part of the index examined, and the spawn
 * sites found there by the script they start (`target`); `start` is the call's offset in `path`.
 */
export interface IndexPart {
  files: string[];
  sites: { target: string; path: string; start: number; sendsData: boolean }[];
}

/** Source characters of cached models a project keeps between files of a batch run (about 50 bytes of heap each). */
export const MODEL_CACHE_CHARS = 2_000_000;

export interface FileAnalysis {
  findings: Finding[];
  parseErrors: ParseProblem[];
}

/** Why the analyzer classed a task's work as it did: one piece of evidence, where it was seen. */
export interface TaskEvidence {
  path: string;
  range: Range;
  reason: string;
}

/**
 * One place a callable is handed to an executor, with the analyzer's view of the work it runs:
 * what `concurrency-lens workloads` prints, to answer "why did (or didn't) CL101/CL102 fire?".
 */
export interface TaskReport {
  /** The executor call (its callee), 0-based like every engine range. */
  range: Range;
  /** Canonical executor: `concurrent.futures.ThreadPoolExecutor`, `threading.Thread`, ... */
  executor: string;
  family: 'thread' | 'process' | 'interpreter' | 'async';
  /** The task function's name; null when the callable could not be resolved. */
  function: string | null;
  workload: 'io' | 'cpu' | 'native' | 'trivial' | 'mixed' | 'unknown';
  /** The decisive evidence first. */
  evidence: TaskEvidence[];
}

export interface FrontEnd<P extends LanguageProject = LanguageProject> {
  language: Language;
  /** Loads what the parser needs (wasm); called once before the first analysis. */
  init?(): Promise<void>;
  createProject(sources: SourceProvider | undefined, files: readonly string[]): P;
  analyze(project: P, document: SourceDocument, options: AnalyzeOptions): FileAnalysis;
  /** The syntax errors of a text alone, without a model or rules (a notebook checks each cell). */
  syntaxErrors?(text: string): ParseProblem[];
  /** Editor services; a language without one simply has none to offer. */
  hover?(project: P, document: SourceDocument, position: { line: number; column: number }): Hover | null;
  benchLenses?(project: P, document: SourceDocument): BenchLens[];
  benchmarkTarget?(project: P, document: SourceDocument, request: BenchmarkTargetRequest): BenchmarkTarget;
  /** How the analyzer classifies a module-level function's workload (the benchmark report cites it). */
  staticWorkload?(project: P, document: SourceDocument, functionName: string): StaticWorkload | null;
  /** The edits that move `functionName`'s task sites to `to`, over these documents. */
  executorSwaps?(project: P, documents: readonly SourceDocument[], definingPath: string, functionName: string, to: 'thread' | 'process'): SwapOutcome;
  /** Every task site of the document with its target's workload class and evidence. */
  tasks?(project: P, document: SourceDocument): TaskReport[];
  /** What importing the document does besides defining things (servers, worker code at load). */
  importEffects?(project: P, document: SourceDocument): ImportEffect[];
}
