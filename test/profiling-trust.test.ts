import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runBenchmark } from '../src/profiling/run';
import { BUDGET_MARGIN_SECONDS } from '../src/profiling/budget';
import { verdictSentence } from '../src/profiling/report/format';
import { formatBenchText } from '../src/profiling/report/text';
import { summarizeMeasurement } from '../src/extension/measurements';
import { ensureBuilt, python, skipPython } from './support/bench';

// The verdict and the budget against real Python (docs/bench.md "Inconclusive runs", "The time
// budget"). With a CPU burner on every core, a CPU-bound benchmark cannot tell processes from
// inline, and must say so: inconclusive, never "run it inline", never a diagnostic. A budget is a
// budget: the run ends within it plus the stated margin. Statuses and the budget are asserted,
// not speedups.

const FIXTURES = path.join(__dirname, 'fixtures', 'bench', 'python');
const cores = os.availableParallelism();

before(ensureBuilt);

describe('an untrusted machine (Python)', { skip: skipPython }, () => {
  const burners: ChildProcess[] = [];
  after(() => {
    for (const b of burners) b.kill('SIGKILL');
  });

  test('CPU burners on every core: a CPU-bound benchmark ends inconclusive, not "run it inline"', async () => {
    for (let i = 0; i < cores; i++) burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    // Let the burners reach the CPUs before the pre-flight looks.
    await new Promise((resolve) => setTimeout(resolve, 500));
    try {
      const result = await runBenchmark({ file: path.join(FIXTURES, 'cpu_loop.py'), functionName: 'f', inputs: '[300_000]*4', modes: ['processes'], workers: [cores], maxSeconds: 6, python });
      assert.notEqual(result.status, 'failed', JSON.stringify(result.errors));
      assert.equal(result.verdict?.status, 'inconclusive', JSON.stringify(result.verdict));
      assert.ok(result.verdict?.problems.some((p) => p.kind === 'busy' || p.kind === 'starved'), JSON.stringify(result.verdict?.problems));
      assert.ok(result.load?.busyAtStart, 'the pre-flight saw the burners');
      assert.notEqual(result.recommendation?.mode, 'sequential');
      assert.match(verdictSentence(result), /^Inconclusive/);
      assert.doesNotMatch(formatBenchText(result), /run it inline/i);
      assert.equal(summarizeMeasurement(result), null, 'never fed to diagnostics');
    } finally {
      for (const b of burners.splice(0)) b.kill('SIGKILL');
    }
  });

  test('--max-seconds is a budget: the run ends within it plus the stated margin, and says what it left out', async () => {
    const maxSeconds = 5;
    const t0 = performance.now();
    // Every mode at every default worker count does not fit in 5 s with 8 × 60 ms tasks.
    const result = await runBenchmark({ file: path.join(FIXTURES, 'cpu_loop.py'), functionName: 'f', inputs: '[300_000]*8', maxSeconds, python });
    const wall = (performance.now() - t0) / 1000;
    assert.notEqual(result.status, 'failed', JSON.stringify(result.errors));
    // The budget's clock starts once the module is imported; start-up before it is reported.
    const startup = result.budget?.startupSeconds ?? NaN;
    assert.ok(startup >= 0 && startup < 30, `start-up ${startup} s`);
    assert.ok(wall <= startup + maxSeconds + BUDGET_MARGIN_SECONDS, `took ${wall.toFixed(1)} s for a ${maxSeconds} s budget (start-up ${startup} s)`);
    assert.ok(result.budget, 'the result reports the budget');
    assert.equal(result.budget?.marginSeconds, BUDGET_MARGIN_SECONDS);
    const notRun = result.cells.filter((c) => c.status === 'not-run');
    assert.equal(result.budget?.skipped.length, notRun.length);
    if (notRun.length > 0) assert.match(result.budget?.note ?? '', /time budget left out .* raise the time budget \(--max-seconds\)/);
  });

  test('waiting work is measured beyond the CPU count', async () => {
    const result = await runBenchmark({ file: path.join(FIXTURES, 'sleep_io.py'), functionName: 'f', inputs: '[0.02]*16', modes: ['threads'], maxSeconds: 6, python });
    assert.notEqual(result.status, 'failed', JSON.stringify(result.errors));
    const counts = result.cells.filter((c) => c.mode === 'threads').map((c) => c.workers);
    assert.ok(Math.max(...counts) >= 4 * cores, `threads at ${counts.join(', ')} on ${cores} CPUs`);
    assert.ok(Math.max(...result.settings.workers) <= 8 * cores);
  });
});
