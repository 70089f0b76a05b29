import { parentPort, workerData } from 'node:worker_threads';
import { MODEL_CACHE_CHARS, createProjects, initEngine } from '../analysis';
import { lintFile } from '../workspace/lint-file';
import { boundHeap } from './lint-pool';
import { diskSources } from '../workspace/read-source';
import type { FromWorker, ToWorker } from './lint-protocol';

// A lint worker thread (dist/lint-worker.js): loads the parsers once, then analyzes the batches
// the pool sends. Its projects cache the modules they parsed for cross-file resolution, so
// imports shared by many files of a batch are parsed once per worker.

const port = parentPort;
if (!port) throw new Error('lint-worker must run in a worker thread');

let context = createProjects(diskSources);
/** How many workers split the run's memory bounds (lint-pool.ts). */
const share = Math.max(1, Number((workerData as { share?: number } | null)?.share ?? 1));
const send = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'files') {
    context = createProjects(diskSources, message.files);
    return;
  }
  const results = message.jobs.map((job) => {
    const result = lintFile(job.path, job.options, context);
    context.releaseModels(MODEL_CACHE_CHARS / share);
    boundHeap(share);
    return { index: job.index, result };
  });
  send({ type: 'results', results });
});

initEngine().then(
  () => send({ type: 'ready' }),
  (error: unknown) => send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) }),
);
