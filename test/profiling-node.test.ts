import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBenchmark } from '../src/profiling/run';
import type { BenchRequest, BenchResult, ProgressEvent } from '../src/profiling/types';
import { ensureBuilt, eventually, noOrphans, speedupOf } from './support/bench';

// The benchmark engine end to end with the Node harness, on workloads of known physics:
//   a multiply loop          → worker_threads scale on ≥ 2 cores: recommended;
//   an awaited timer (async) → the waits overlap on the event loop: it stays on the main thread.
// Wide margins and up to three attempts: these machines are noisy and shared.

const FIXTURES = path.join(__dirname, 'fixtures', 'bench', 'node');
const cores = os.availableParallelism();

before(ensureBuilt);

async function bench(request: BenchRequest): Promise<{ result: BenchResult; pids: number[] }> {
  const pids: number[] = [];
  const result = await runBenchmark({ maxSeconds: 5, ...request }, (event: ProgressEvent) => {
    if (event.type === 'harness') pids.push(event.pid);
  });
  return { result, pids };
}

describe('benchmark physics (Node)', () => {
  test('a CPU-bound loop: worker_threads scale and are recommended', { skip: cores < 2 ? 'needs 2 cores' : false, timeout: 180_000 }, async () => {
    await eventually(async () => {
      const { result, pids } = await bench({
        file: path.join(FIXTURES, 'cpu.mjs'),
        functionName: 'spin',
        inputs: 'Array(4).fill(20_000_000)',
        modes: ['worker_threads'],
        workers: [1, 2],
      });
      assert.equal(result.status, 'ok', JSON.stringify(result.errors));
      assert.equal(result.language, 'node');
      assert.equal(result.workload?.kind, 'cpu-bound');
      const two = speedupOf(result, 'worker_threads', 2);
      assert.ok(two > 1.3, `worker_threads × 2 should scale a CPU loop on ${cores} cores: ${two}`);
      assert.equal(result.recommendation?.mode, 'worker_threads', result.recommendation?.reason);
      await noOrphans(pids);
    });
  });

  test('an awaited timer: the waits overlap on the main thread, no worker is recommended', { timeout: 120_000 }, async () => {
    await eventually(async () => {
      const { result, pids } = await bench({
        file: path.join(FIXTURES, 'sleep.mjs'),
        functionName: 'wait',
        inputs: 'Array(8).fill(50)',
        modes: ['main-thread-async', 'worker_threads'],
        workers: [2],
      });
      assert.equal(result.status, 'ok', JSON.stringify(result.errors));
      assert.equal(result.workload?.kind, 'io-bound');
      const together = speedupOf(result, 'main-thread-async', 1);
      assert.ok(together > 3, `eight 50 ms waits awaited together should overlap: ${together}`);
      assert.equal(result.recommendation?.mode, 'main-thread-async', result.recommendation?.reason);
      await noOrphans(pids);
    });
  });
});
