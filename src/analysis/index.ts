import * as path from 'node:path';
import type { AnalysisResult, AnalyzeOptions, Language, SourceDocument, SourceProvider } from './core/types';
import { ensurePythonParser } from './python/syntax';
import { PythonProject, analyzePythonModel, pythonParseProblems } from './python/analyze';
import { JsProject, analyzeJsModel } from './javascript/analyze';
import { pythonTaskHover } from './python/services/hover';

export * from './core/types';
export { PythonProject } from './python/analyze';
export { JsProject } from './javascript/analyze';

// The engine's entry point (DESIGN.md): text in, findings and fixes out. The CLI, the language
// server and the tests all call `analyze`.

export const DEFAULT_MAX_FILE_SIZE = 8 * 1024 * 1024;

const PYTHON_EXTENSIONS = new Set(['.py', '.pyw', '.pyi']);
const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.tsx', '.mts', '.cts']);

export function languageOf(document: Pick<SourceDocument, 'path' | 'languageId'>): Language | null {
  switch (document.languageId) {
    case 'python':
      return 'python';
    case 'javascript':
    case 'typescript':
    case 'javascriptreact':
    case 'typescriptreact':
      return 'javascript';
  }
  const ext = path.extname(document.path).toLowerCase();
  if (PYTHON_EXTENSIONS.has(ext)) return 'python';
  if (JS_EXTENSIONS.has(ext)) return 'javascript';
  return null;
}

export function isAnalyzablePath(filePath: string): boolean {
  return languageOf({ path: filePath }) !== null;
}

/** Loads the parsers (wasm); `analyze` calls it, long-lived hosts may call it early. */
export async function initEngine(): Promise<void> {
  await ensurePythonParser();
}

export interface AnalyzeContext {
  /** Reused across calls for cross-file facts; one is made per call when absent. */
  pythonProject?: PythonProject;
  /** The same for JS/TS; give it the tree's files (`setFiles`) so worker scripts are known in any order. */
  jsProject?: JsProject;
}

/**
 * Fresh cross-file caches for one run (CLI) or one workspace (server). `files` are the tree's
 * files, so that a JS file started with `new Worker(path)` by another file counts as a worker
 * script whichever is analyzed first.
 */
export function createProjects(sources: SourceProvider | undefined, files: Iterable<string> = []): Required<AnalyzeContext> {
  return { pythonProject: new PythonProject(sources), jsProject: new JsProject(sources, files) };
}

export async function analyze(
  document: SourceDocument,
  options: AnalyzeOptions = {},
  context: AnalyzeContext = {},
): Promise<AnalysisResult> {
  await initEngine();
  return analyzeLoaded(document, options, context);
}

/** `analyze` without the await, for callers that already ran `initEngine()` (worker threads, the server). */
export function analyzeLoaded(
  document: SourceDocument,
  options: AnalyzeOptions = {},
  context: AnalyzeContext = {},
): AnalysisResult {
  const language = languageOf(document);
  const text = document.text;
  const base: AnalysisResult = {
    path: document.path,
    language,
    findings: [],
    parseErrors: [],
    lines: countLines(text),
    skipped: null,
  };
  if (!language) return { ...base, skipped: 'not a Python, JavaScript or TypeScript file' };
  const limit = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (text.length > limit) {
    return { ...base, skipped: `file is too large to analyze (${formatSize(text.length)}, limit ${formatSize(limit)})` };
  }
  if (looksBinary(text)) return { ...base, skipped: 'binary file' };
  if (language === 'python') {
    const project = context.pythonProject ?? new PythonProject(options.sources);
    const model = project.model(document.path, text);
    return { ...base, findings: analyzePythonModel(model, options), parseErrors: pythonParseProblems(model) };
  }
  const project = context.jsProject ?? new JsProject(options.sources);
  const entry = project.load(document.path, text, document.languageId);
  if (!entry.model) return { ...base, parseErrors: entry.parseError ? [entry.parseError] : [] };
  return { ...base, findings: analyzeJsModel(entry.model, options) };
}

function countLines(text: string): number {
  if (text.length === 0) return 0;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.endsWith('\n') ? lines - 1 : lines;
}

function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

function formatSize(chars: number): string {
  return chars >= 1024 * 1024 ? `${(chars / 1024 / 1024).toFixed(1)} MB` : `${Math.round(chars / 1024)} KB`;
}

/** Markdown hover for a task function's name (its workload class and evidence), or null. */
export function hoverAt(
  document: SourceDocument,
  position: { line: number; column: number },
  context: AnalyzeContext = {},
): { range: import('./core/types').Range; markdown: string } | null {
  if (languageOf(document) !== 'python') return null;
  const project = context.pythonProject ?? new PythonProject(undefined);
  const model = project.model(document.path, document.text);
  return pythonTaskHover(model, position.line, position.column);
}
