// Workers incrementing a shared counter with plain writes: increments get lost.
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

if (isMainThread) {
  const shared = new SharedArrayBuffer(4);
  for (let i = 0; i < availableParallelism(); i++) {
    const worker = new Worker(new URL(import.meta.url), { workerData: shared });
    worker.on('error', (error) => console.error(error));
  }
} else {
  const counter = new Int32Array(workerData);
  for (let i = 0; i < 1_000_000; i++) counter[0]++;
}
