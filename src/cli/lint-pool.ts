import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { MODEL_CACHE_CHARS, createProjects, initLanguage, isNotebookPath, languageOf, type AnalysisResult, type AnalyzeOptions, type IndexParts, type Language } from '../analysis';
import { lintFile } from '../workspace/lint-file';
import { diskSources } from '../workspace/read-source';
import type { FromWorker, LintJob, ToWorker } from './lint-protocol';

// Analyzes many files: in this thread for small runs, on a worker_threads pool for large ones.
// Results come back in input order whichever path ran, so output does not depend on scheduling.

/** Below this many files, starting workers (each loads the parser wasm) costs more than it saves. */
export const PARALLEL_THRESHOLD = 32;
/** Each worker holds its own parser and module cache (~50 MB); more than this rarely pays off. */
const MAX_WORKERS = 16;
/** Files per message: large enough to amortise messaging, small enough to balance the load. */
const BATCH_SIZE = 8;
/**
 * Source characters of cached models the workers of a pool keep between files, split among them.
 * Each worker pays about 80 MB for its own runtime and `typescript` before it holds any model, so
 * together they cache a quarter of what one thread does (MODEL_CACHE_CHARS): two workers over a
 * 2,000-file tree peaked at 530-585 MB with the full bound, about 480 with this one, for ~5% more
 * CPU time spent parsing imported modules again.
 */
export const POOL_MODEL_CACHE_CHARS = MODEL_CACHE_CHARS / 4;

/**
 * Heap (bytes used) past which the run collects garbage between files. The cross-file caches are
 * bounded (releaseModels), but V8 lets its heap grow far past what is live while allocation runs
 * fast (a full stdlib run: 200 MB live, 900 MB resident). Collecting between files keeps the peak
 * near the live size; the threshold follows the live size up when that is larger, so a run whose
 * live set exceeds it does not collect after every file.
 */
const HEAP_SOFT_LIMIT = 160 * 1024 * 1024;
const MIN_HEAP_LIMIT = 64 * 1024 * 1024;
let heapThreshold = HEAP_SOFT_LIMIT;
let collectGarbage: (() => void) | null | undefined;

/**
 * Collects garbage when the heap passes its threshold. `share`: the number of threads of the run
 * splitting the memory (each worker of a pool of 4 gets a quarter of the limit).
 */
export function boundHeap(share = 1): void {
  const limit = Math.max(MIN_HEAP_LIMIT, HEAP_SOFT_LIMIT / share);
  if (heapThreshold === HEAP_SOFT_LIMIT) heapThreshold = limit;
  if (v8.getHeapStatistics().used_heap_size < heapThreshold) return;
  if (collectGarbage === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      collectGarbage = vm.runInNewContext('gc') as () => void;
    } catch {
      collectGarbage = null;
    }
  }
  if (!collectGarbage) return;
  collectGarbage();
  heapThreshold = Math.max(limit, v8.getHeapStatistics().used_heap_size * 1.5);
}

/**
 * Loads the parsers of the languages among `paths`, and only those: a JS-only run (or worker)
 * never loads the Python parser's wasm, nor a Python-only one `typescript`.
 */
export async function initLanguagesOf(paths: readonly string[]): Promise<void> {
  const languages = new Set<Language>();
  for (const file of paths) {
    // Notebooks (.ipynb) are analyzed as Python cells.
    const language = isNotebookPath(file) ? 'python' : languageOf({ path: file });
    if (language) languages.add(language);
  }
  for (const language of languages) await initLanguage(language);
}

export interface LintRequest {
  path: string;
  options: AnalyzeOptions;
}

export interface LintRunOptions {
  /** Worker count; 1 analyzes in this thread; undefined picks from the file count and CPUs. */
  jobs?: number;
  onProgress?: (done: number) => void;
}

export function workerCount(files: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.min(requested, Math.ceil(files / BATCH_SIZE)));
  if (files <= PARALLEL_THRESHOLD) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), MAX_WORKERS, Math.ceil(files / BATCH_SIZE)));
}

export interface LintRun {
  /** One result per request, in request order. */
  results: AnalysisResult[];
  /** Worker threads used; 0 when everything ran in this thread. */
  workers: number;
}

export async function lintFiles(requests: readonly LintRequest[], run: LintRunOptions = {}): Promise<LintRun> {
  const count = workerCount(requests.length, run.jobs);
  const workerScript = path.join(__dirname, 'lint-worker.js');
  if (count > 1 && fs.existsSync(workerScript)) {
    const pooled = await lintOnPool(requests, count, workerScript, run.onProgress);
    if (pooled) return { results: pooled, workers: count };
  }
  return { results: await lintSequentially(requests, run.onProgress), workers: 0 };
}

async function lintSequentially(
  requests: readonly LintRequest[],
  onProgress?: (done: number) => void,
  results: (AnalysisResult | undefined)[] = new Array(requests.length),
): Promise<AnalysisResult[]> {
  await initLanguagesOf(requests.map((r) => r.path));
  const context = createProjects(diskSources, requests.map((r) => r.path), () => boundHeap());
  // Up front rather than inside the first file's analysis, so garbage is collected between files.
  context.buildIndex(0, 1, () => boundHeap());
  let done = results.filter(Boolean).length;
  for (let i = 0; i < requests.length; i++) {
    if (results[i]) continue;
    results[i] = lintFile(requests[i].path, requests[i].options, context);
    context.releaseModels();
    boundHeap();
    done++;
    if (onProgress) {
      onProgress(done);
      // Let the progress bar's timer draw between files.
      if (done % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return results as AnalysisResult[];
}

/**
 * Runs the jobs on `size` workers pulling batches from a shared queue. Returns null when no worker
 * could start (the caller falls back to this thread); batches of a worker that dies are finished
 * in this thread.
 */
async function lintOnPool(
  requests: readonly LintRequest[],
  size: number,
  script: string,
  onProgress?: (done: number) => void,
): Promise<AnalysisResult[] | null> {
  const results: (AnalysisResult | undefined)[] = new Array(requests.length);
  const batches: LintJob[][] = [];
  for (let start = 0; start < requests.length; start += BATCH_SIZE) {
    batches.push(
      requests.slice(start, start + BATCH_SIZE).map((r, offset) => ({ index: start + offset, path: r.path, options: r.options })),
    );
  }
  let done = 0;
  let started = 0;
  // The tree-wide index, built in parts (one per worker) before any batch. A worker that dies
  // leaves its part out; the others then scan its files themselves when first needed.
  const parts: (IndexParts | null | undefined)[] = new Array(size).fill(undefined);
  const waiting: (() => void)[] = [];
  const partDone = (part: number, index: IndexParts | null): void => {
    if (parts[part] !== undefined) return;
    parts[part] = index;
    if (parts.some((p) => p === undefined)) return;
    for (const start of waiting.splice(0)) start();
  };
  const indexed = (): IndexParts[] => parts.filter((p): p is IndexParts => Boolean(p));

  const runWorker = (part: number): Promise<void> =>
    new Promise((resolve) => {
      // Each worker gets its share of the memory bounds (model cache, heap threshold).
      const worker = new Worker(script, { workerData: { share: size } });
      let current: LintJob[] | null = null;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        void worker.terminate();
        resolve();
      };
      // A worker that dies hands its batch back; the others (or this thread) finish it.
      const fail = (): void => {
        if (current) batches.push(current);
        current = null;
        finish();
        partDone(part, null);
      };
      const next = (): void => {
        current = batches.shift() ?? null;
        if (!current) return finish();
        worker.postMessage({ type: 'batch', jobs: current } satisfies ToWorker);
      };
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          started++;
          worker.postMessage({ type: 'files', files: requests.map((r) => r.path) } satisfies ToWorker);
          worker.postMessage({ type: 'index', part, parts: size } satisfies ToWorker);
        } else if (message.type === 'index') {
          waiting.push(() => {
            if (finished) return;
            worker.postMessage({ type: 'indexed', parts: indexed() } satisfies ToWorker);
            next();
          });
          partDone(part, message.index);
        } else if (message.type === 'results') {
          for (const { index, result } of message.results) results[index] = result;
          done += message.results.length;
          onProgress?.(done);
          next();
        } else {
          fail();
        }
      });
      worker.on('error', fail);
      worker.on('exit', fail);
    });

  await Promise.all(Array.from({ length: size }, (_, part) => runWorker(part)));
  if (started === 0) return null;
  if (results.some((r) => r === undefined)) return lintSequentially(requests, onProgress, results);
  return results as AnalysisResult[];
}
