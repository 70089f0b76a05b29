import type { AnalysisResult, AnalyzeOptions, Language, SourceDocument, SourceProvider } from './core/types';
import type { FrontEnd, IndexPart, LanguageProject, TaskReport } from './core/front-end';
import type { BenchLens, BenchmarkTarget, BenchmarkTargetRequest, Hover, ImportEffect, StaticWorkload, SwapOutcome } from './core/services';
import type { PythonProject } from './python/analyze';
import type { JsProject } from './javascript/analyze';
import { languageOf } from './languages';
import { LineIndex } from './core/lines';
import { WorkBudgetExceeded, withWorkBudget } from './core/budget';
import { type FrontEnds, frontEnd, initLanguage, loadedLanguages } from './front-ends';

export { initLanguage, loadedLanguages };

export * from './core/types';
export type { BenchLens, BenchmarkParameter, BenchmarkTarget, BenchmarkTargetRequest, Hover, ImportEffect, StaticWorkload, SwapOutcome } from './core/services';
export type { CallSiteInputs } from './core/bench-inputs';
export type { IndexPart, TaskEvidence, TaskReport } from './core/front-end';
export { MODEL_CACHE_CHARS } from './core/front-end';
export type { PythonProject } from './python/analyze';
export type { JsProject } from './javascript/analyze';
export { isAnalyzablePath, isCheckablePath, isNotebookPath, NOTEBOOK_EXTENSIONS, languageOf, LANGUAGES, LANGUAGE_IDS, JS_EXTENSIONS, PYTHON_EXTENSIONS } from './languages';
export { CATALOG, RULE_CODES, type CatalogEntry, type RuleCode, allRules, docsUrl, findRule, isMeasurable, isRuleCode, ruleMeta, testProfileSeverities } from './catalog';
export { applyEdits } from './core/apply-edits';
export { compatibleFixes } from './core/fix-all';
export { ignoreInFileEdit, ignoreOnLineEdit } from './core/suppression-edits';

// The engine's entry point (docs/architecture.md): text in, findings and fixes out. The CLI, the
// language server and the tests all call these functions. Each language is a front end
// (core/front-end.ts) loaded on first use, so a Python-only run never loads `typescript`.

export const DEFAULT_MAX_FILE_SIZE = 8 * 1024 * 1024;

/**
 * Loads the Python parser (wasm), which needs an await; JS/TS needs none and is loaded by the
 * first JS/TS file. `analyze` calls it; long-lived hosts (server, worker threads) call it early.
 */
export async function initEngine(): Promise<void> {
  await initLanguage('python');
}

export interface AnalyzeContext {
  /** Reused across calls for cross-file facts; one is made per call when absent. */
  pythonProject?: PythonProject;
  /** The same for JS/TS; give it the tree's files so worker scripts are known in any order. */
  jsProject?: JsProject;
}

/**
 * The cross-file caches of one run (CLI) or one workspace (server), one per language, each made
 * when a file of its language is first analyzed. `files` are the tree's files, so that a JS file
 * started with `new Worker(path)` by another file counts as a worker script whichever comes first.
 */
export class Projects implements Required<AnalyzeContext> {
  private python?: PythonProject;
  private javascript?: JsProject;
  private files: string[];

  constructor(
    private readonly sources: SourceProvider | undefined,
    files: Iterable<string> = [],
    /** Called between the steps of a file's analysis (LanguageProject.betweenSteps). */
    private readonly betweenSteps?: () => void,
  ) {
    this.files = [...files];
  }

  get pythonProject(): PythonProject {
    return (this.python ??= frontEnd('python').createProject(this.sources, this.files));
  }

  get jsProject(): JsProject {
    if (!this.javascript) {
      this.javascript = frontEnd('javascript').createProject(this.sources, this.files);
      this.javascript.betweenSteps = this.betweenSteps;
    }
    return this.javascript;
  }

  /** The projects made so far: a change need not create (and load) any other language. */
  private existing(): LanguageProject[] {
    const made: LanguageProject[] = [];
    if (this.python) made.push(this.python);
    if (this.javascript) made.push(this.javascript);
    return made;
  }

  invalidate(filePath: string): void {
    for (const project of this.existing()) project.invalidate(filePath);
  }

  setFiles(files: Iterable<string>): void {
    this.files = [...files];
    for (const project of this.existing()) project.setFiles?.(this.files);
  }

  /** A document the editor opened: keep its incremental parse state (see SourceDocument.edits). */
  open(document: Pick<SourceDocument, 'path' | 'languageId'>): void {
    const language = languageOf(document);
    const project: LanguageProject | null = language === 'python' ? this.pythonProject : language === 'javascript' ? this.jsProject : null;
    project?.open?.(document.path);
  }

  close(filePath: string): void {
    for (const project of this.existing()) project.close?.(filePath);
  }

  /** Between the files of a batch run: let each project drop models over its memory bound. */
  releaseModels(maxChars?: number): void {
    for (const project of this.existing()) project.releaseModels?.(maxChars);
  }

  /**
   * Part `part` of `parts` of the tree-wide indexes (LanguageProject.buildIndex), by language;
   * only languages with files in the tree are loaded for it.
   */
  buildIndex(part: number, parts: number, afterFile?: () => void): IndexParts {
    const index: IndexParts = {};
    if (this.files.some((f) => languageOf({ path: f }) === 'javascript')) {
      index.javascript = this.jsProject.buildIndex(part, parts, afterFile);
    }
    return index;
  }

  addIndex(index: IndexParts): void {
    if (index.javascript) this.jsProject.addIndex(index.javascript);
  }
}

/** The parts of the tree-wide indexes one worker built, by language. */
export interface IndexParts {
  javascript?: IndexPart;
}

export function createProjects(sources: SourceProvider | undefined, files: Iterable<string> = [], betweenSteps?: () => void): Projects {
  return new Projects(sources, files, betweenSteps);
}

function projectFor<L extends Language>(language: L, context: AnalyzeContext, sources: SourceProvider | undefined): FrontEnds[L] extends FrontEnd<infer P> ? P : never;
function projectFor(language: Language, context: AnalyzeContext, sources: SourceProvider | undefined): LanguageProject {
  if (language === 'python') return context.pythonProject ?? frontEnd('python').createProject(sources, []);
  return context.jsProject ?? frontEnd('javascript').createProject(sources, []);
}

export async function analyze(
  document: SourceDocument,
  options: AnalyzeOptions = {},
  context: AnalyzeContext = {},
): Promise<AnalysisResult> {
  const language = languageOf(document);
  if (language) await initLanguage(language);
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
  const front = frontEnd(language) as FrontEnd;
  try {
    const { value } = withWorkBudget(() => front.analyze(projectFor(language, context, options.sources), document, options));
    return { ...base, findings: value.findings, parseErrors: value.parseErrors };
  } catch (error) {
    // Too much work for the file's size (core/budget.ts): reported as skipped, never cut silently.
    if (!(error instanceof WorkBudgetExceeded)) throw error;
    return { ...base, skipped: error.message };
  }
}

/** Lines as editors count them (core/lines.ts); a final line ending does not start another. */
function countLines(text: string): number {
  if (text.length === 0) return 0;
  const index = new LineIndex(text);
  return index.lineStart(index.lineCount - 1) === text.length ? index.lineCount - 1 : index.lineCount;
}

function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

function formatSize(chars: number): string {
  return chars >= 1024 * 1024 ? `${(chars / 1024 / 1024).toFixed(1)} MB` : `${Math.round(chars / 1024)} KB`;
}

// ---- editor services, dispatched to the document's front end -------------------------------

function service<K extends 'hover' | 'benchLenses' | 'benchmarkTarget' | 'executorSwaps' | 'staticWorkload' | 'tasks' | 'importEffects'>(document: Pick<SourceDocument, 'path' | 'languageId'>, name: K) {
  const language = languageOf(document);
  if (!language) return null;
  const front = frontEnd(language) as FrontEnd;
  const fn = front[name];
  return fn ? { language, fn: fn as NonNullable<FrontEnd[K]> } : null;
}

/** Markdown hover for a task function's name (its workload class and evidence), or null. */
export function hoverAt(document: SourceDocument, position: { line: number; column: number }, context: AnalyzeContext = {}): Hover | null {
  const found = service(document, 'hover');
  return found ? found.fn(projectFor(found.language, context, undefined), document, position) : null;
}

/** The functions of this file a "Benchmark" CodeLens sits on. */
export function benchLenses(document: SourceDocument, context: AnalyzeContext = {}): BenchLens[] {
  const found = service(document, 'benchLenses');
  return found ? found.fn(projectFor(found.language, context, undefined), document) : [];
}

/** The function to benchmark at a position or by name, with its parameters and default inputs. */
export function benchmarkTarget(document: SourceDocument, request: BenchmarkTargetRequest, context: AnalyzeContext = {}): BenchmarkTarget {
  const found = service(document, 'benchmarkTarget');
  if (!found) return { ok: false, message: 'Benchmarks run Python, JavaScript and TypeScript functions.' };
  return found.fn(projectFor(found.language, context, undefined), document, request);
}

/** The analyzer's workload class of a module-level function (null: not found, or no such service). */
export async function staticWorkload(document: SourceDocument, functionName: string, context: AnalyzeContext = {}): Promise<StaticWorkload | null> {
  const found = service(document, 'staticWorkload');
  if (!found) return null;
  await initLanguage(found.language);
  return found.fn(projectFor(found.language, context, undefined), document, functionName);
}

/**
 * The edits that move `functionName` (defined in `definingPath`) to the `to` executor family at
 * every task site in `documents` (the defining file and the open ones of its language).
 */
export function executorSwaps(
  documents: readonly SourceDocument[],
  definingPath: string,
  functionName: string,
  to: 'thread' | 'process',
  context: AnalyzeContext = {},
): SwapOutcome | null {
  const found = service({ path: definingPath }, 'executorSwaps');
  if (!found) return null;
  const same = documents.filter((d) => languageOf(d) === found.language);
  return found.fn(projectFor(found.language, context, undefined), same, definingPath, functionName, to);
}

/**
 * Every task site of a document (a callable handed to an executor) with the workload class of
 * what it runs and the evidence; empty for a language without the service. The document's
 * parser must be loaded (`initLanguage`), as for `analyzeLoaded`.
 */
export function taskReport(document: SourceDocument, context: AnalyzeContext = {}): TaskReport[] {
  const found = service(document, 'tasks');
  return found ? found.fn(projectFor(found.language, context, undefined), document) : [];
}

/**
 * What importing a document does besides defining things (a server that listens, worker code at
 * load): the benchmark's pre-flight refuses such modules. Empty for a language without the service.
 */
export async function importEffects(document: SourceDocument, context: AnalyzeContext = {}): Promise<ImportEffect[]> {
  const found = service(document, 'importEffects');
  if (!found) return [];
  await initLanguage(found.language);
  return found.fn(projectFor(found.language, context, undefined), document);
}

// ---- notebooks -------------------------------------------------------------------------------

export * from './notebook';
