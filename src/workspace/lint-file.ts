import { analyzeIpynbLoaded, analyzeLoaded, isNotebookPath, type AnalysisResult, type AnalyzeContext, type AnalyzeOptions, type SourceProvider } from '../analysis';
import { diskSources, readSource } from './read-source';

// Analyzing one file, shared by the in-process path and the worker threads so both give the same
// results. Reading it (bounded, regular files only) is read-source.ts's job.

export function skippedResult(file: string, reason: string): AnalysisResult {
  return { path: file, language: null, findings: [], parseErrors: [], lines: 0, skipped: reason };
}

/** Marks results whose analysis threw: the CLI reports them and exits with 2. */
export const INTERNAL_ERROR_PREFIX = 'internal error: ';

/** Analyzes one file from disk; the engine must already be initialised (`initEngine`). */
export function lintFile(file: string, options: AnalyzeOptions, context: AnalyzeContext): AnalysisResult {
  const read = readSource(file, options.maxFileSize);
  if ('skipped' in read) return skippedResult(file, read.skipped);
  return lintText(file, read.text, options, context);
}

/** `sources` defaults to the disk; `--fix` overlays the files its fixes create. */
export function lintText(file: string, text: string, options: AnalyzeOptions, context: AnalyzeContext, sources: SourceProvider = diskSources): AnalysisResult {
  try {
    if (isNotebookPath(file)) {
      // A plain result: it crosses threads (lint-pool.ts), and the module's mapping functions cannot.
      const { path, language, findings, parseErrors, lines, skipped } = analyzeIpynbLoaded(file, text, { ...options, sources }, context);
      return { path, language, findings, parseErrors, lines, skipped };
    }
    return analyzeLoaded({ path: file, text }, { ...options, sources }, context);
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return skippedResult(file, `${INTERNAL_ERROR_PREFIX}${detail}`);
  }
}
