import { parentPort, workerData } from 'node:worker_threads';
import { createProjects } from '../analysis';
import { lintFile } from '../workspace/lint-file';
import { POOL_MODEL_CACHE_CHARS, boundHeap, initLanguagesOf } from './lint-pool';
import { diskSources } from '../workspace/read-source';
import type { FromWorker, LintJob, ToWorker } from './lint-protocol';

// A lint worker thread (dist/lint-worker.js): analyzes the batches the pool sends, loading each
// language's parser when its first file comes. Its projects cache the modules they parsed for
// cross-file resolution, so imports shared by many files of a batch are parsed once per worker.

const port = parentPort;
if (!port) throw new Error('lint-worker must run in a worker thread');

/** How many workers split the run's memory bounds (lint-pool.ts). */
const share = Math.max(1, Number((workerData as { share?: number } | null)?.share ?? 1));
// Collecting between the steps of a file too: one large file's parse and rules allocate far more
// than they keep, and V8 let a worker's heap reach 2-3 times its live size on them.
const betweenSteps = (): void => boundHeap(share);
let context = createProjects(diskSources, [], betweenSteps);
const send = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'files') {
    context = createProjects(diskSources, message.files, betweenSteps);
    return;
  }
  if (message.type === 'indexed') {
    for (const part of message.parts) context.addIndex(part);
    return;
  }
  // The pool sends one request at a time and waits for the reply, so they never interleave. The
  // index needs no parser that needs loading (JS/TS's needs none).
  const paths = message.type === 'batch' ? message.jobs.map((job) => job.path) : [];
  initLanguagesOf(paths).then(
    () => {
      if (message.type === 'batch') lintBatch(message.jobs);
      else send({ type: 'index', index: context.buildIndex(message.part, message.parts, () => boundHeap(share)) });
    },
    (error: unknown) => send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) }),
  );
});

function lintBatch(jobs: readonly LintJob[]): void {
  const results = jobs.map((job) => {
    const result = lintFile(job.path, job.options, context);
    context.releaseModels(POOL_MODEL_CACHE_CHARS / share);
    boundHeap(share);
    return { index: job.index, result };
  });
  send({ type: 'results', results });
}

send({ type: 'ready' });
