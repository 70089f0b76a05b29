import * as fs from 'node:fs';
import {
  DEFAULT_MAX_FILE_SIZE,
  analyzeLoaded,
  type AnalysisResult,
  type AnalyzeContext,
  type AnalyzeOptions,
  type SourceProvider,
} from '../analysis';

// Reading and analyzing one file, shared by the in-process path and the worker threads so both
// give the same results.

export type SourceRead = { text: string; bom: boolean; lossless: boolean } | { skipped: string };

const BINARY_SNIFF_BYTES = 8192;

/**
 * Reads a source file without crashing on anything a tree may hold: huge files are refused before
 * reading them, binary files (a NUL byte early on) are skipped, and text that is not valid UTF-8
 * is decoded with replacement characters but marked `lossless: false` so `--fix` leaves it alone.
 */
export function readSource(file: string, maxFileSize = DEFAULT_MAX_FILE_SIZE): SourceRead {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > maxFileSize) return { skipped: `file is too large to analyze (${formatBytes(size)}, limit ${formatBytes(maxFileSize)})` };
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { skipped: `cannot read file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { skipped: 'binary file' };
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const text = body.toString('utf8');
  return { text, bom, lossless: Buffer.from(text, 'utf8').equals(body) };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** Other files of the tree, read from disk, for cross-file resolution of imported task functions. */
export const diskSources: SourceProvider = {
  readFile(file) {
    const read = readSource(file);
    return 'text' in read ? read.text : undefined;
  },
};

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

export function lintText(file: string, text: string, options: AnalyzeOptions, context: AnalyzeContext): AnalysisResult {
  try {
    return analyzeLoaded({ path: file, text }, { ...options, sources: diskSources }, context);
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return skippedResult(file, `${INTERNAL_ERROR_PREFIX}${detail}`);
  }
}
