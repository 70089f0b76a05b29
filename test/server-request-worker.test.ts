import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { AnalysisPool } from '../src/server/analysis-pool';
import type { JobResult, WorkerJob } from '../src/server/worker-protocol';
import { ensureBuilt } from './support/build';
import { CPU_IN_THREADS, bigPython } from './support/samples';

// Issue 14: a request never waits for an analysis of an ordinary document. A worker is busy until
// its job ends, so a hover queued ahead of the analyses still waited for the one running on its
// lane (each keystroke's analysis of a 5,000-line file). The pool runs on the real worker script;
// only orderings are asserted (the figures are in `npm run bench:server`).

before(() => ensureBuilt('dist/server-worker.js'));

const dir = '/__clens_request_worker__';
const bigFast = path.join(dir, 'big_fast.py');
const bigSlow = path.join(dir, 'big_slow.py');
const small = path.join(dir, 'small.py');
/** `compute` (line 3) as an I/O-bound task: the same lines, another hover. */
const SLEEPY = CPU_IN_THREADS.replace('from concurrent', 'import time\nfrom concurrent').replace('\n\ndef compute', '\ndef compute').replace(
  '    total = 0\n    for i in range(n):\n        total += i * i\n    return total\n',
  '    time.sleep(n)\n',
);

// Open documents as the server's host has them; not on disk.
const open = new Map<string, string>([
  // About 220 K characters (under the server's slow-lane size) and a second or more of analysis.
  [bigFast, bigPython(10_000, 'fast')],
  [bigSlow, bigPython(10_000, 'slow')],
  [small, CPU_IN_THREADS],
]);
const pool = new AnalysisPool(path.resolve('dist/server-worker.js'), {
  textOf: (file) => open.get(file),
  openPaths: () => open.keys(),
  files: () => [],
  log: () => {},
});
after(() => pool.dispose());

const ordinary = { lane: 'fast' as const, chars: CPU_IN_THREADS.length };
const hoverOnCompute: WorkerJob = { op: 'hover', path: small, languageId: 'python', position: { line: 3, column: 6 } };
const markdownOf = (answer: JobResult | null): string | undefined => (answer?.op === 'hover' ? answer.hover?.markdown : undefined);

/** Analyzes a big document on a lane; `started` resolves once its job is on the worker. */
function analyzing(lane: 'fast' | 'slow', file: string, order: string[]): { started: Promise<void>; done: Promise<JobResult | null> } {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const done = pool.analyze(lane, file, () => {
    started(); // called as the job is posted to the lane's worker
    return { op: 'analyze', path: file, languageId: 'python', edits: null, options: {} };
  });
  void done.then(() => order.push(`analysis of ${path.basename(file)}`));
  return { started: running, done };
}

test('hovers on a small document are answered, from its current text, while both lanes analyze other documents', { timeout: 240_000 }, async () => {
  pool.warmUp();
  // No worker is ready yet, so this one goes to the request worker: once answered, it is up.
  assert.match(markdownOf(await pool.request(ordinary, hoverOnCompute)) ?? '', /CPU-bound/);

  const order: string[] = [];
  const fast = analyzing('fast', bigFast, order);
  const slow = analyzing('slow', bigSlow, order);
  await Promise.all([fast.started, slow.started]);

  const first = await pool.request(ordinary, hoverOnCompute);
  order.push('hover');
  assert.match(markdownOf(first) ?? '', /CPU-bound/);

  // An unsaved edit reaches the request worker before its next job, as it reaches the lanes.
  open.set(small, SLEEPY);
  pool.changed(small);
  const edited = await pool.request(ordinary, hoverOnCompute);
  order.push('hover after an edit');
  assert.match(markdownOf(edited) ?? '', /I\/O-bound/);

  // Closed, and not on disk: nothing to hover any more.
  open.delete(small);
  pool.closed(small);
  assert.equal(markdownOf(await pool.request(ordinary, hoverOnCompute)), undefined);
  order.push('hover after closing');

  // On the slow lane only because its last analysis was slow (a busy machine): not large, so it
  // does not wait for the big document's analysis there either.
  open.set(small, CPU_IN_THREADS);
  pool.changed(small);
  assert.match(markdownOf(await pool.request({ lane: 'slow', chars: CPU_IN_THREADS.length }, hoverOnCompute)) ?? '', /CPU-bound/);
  order.push('hover of a slow-lane document');

  const [fastResult, slowResult] = await Promise.all([fast.done, slow.done]);
  assert.equal(fastResult?.op, 'analyze', 'the analyses themselves still finish');
  assert.equal(slowResult?.op, 'analyze');
  assert.deepEqual(
    order.slice(0, 4),
    ['hover', 'hover after an edit', 'hover after closing', 'hover of a slow-lane document'],
    `answered before either analysis ended: ${order.join(', ')}`,
  );
});

test('analyses still coalesce: a queued one is dropped (null) for a newer one of its document', { timeout: 240_000 }, async () => {
  open.set(small, CPU_IN_THREADS);
  pool.changed(small);
  assert.match(markdownOf(await pool.request(ordinary, hoverOnCompute)) ?? '', /CPU-bound/);
  // Coalescing is unchanged: a queued analysis of a document is replaced by the newer one.
  const order: string[] = [];
  const running = analyzing('fast', bigFast, order);
  await running.started;
  const queued = pool.analyze('fast', small, () => ({ op: 'analyze', path: small, languageId: 'python', edits: null, options: {} }));
  const newer = pool.analyze('fast', small, () => ({ op: 'analyze', path: small, languageId: 'python', edits: null, options: {} }));
  assert.equal(await queued, null);
  assert.equal((await newer)?.op, 'analyze');
  assert.equal((await running.done)?.op, 'analyze');
});
