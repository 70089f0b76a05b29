import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { PythonModel } from '../model';
import type { PythonRule } from '../rule';
import { type Family, innermostLoop, integerLiteral, literalRangeCount, poolConstructions, workerConstructionFamily } from '../spawning';
import type { PyNode } from '../syntax';
import { referenceTo, replaceNode } from '../edits';
import { iterationLifetime } from '../liveness';
import { isTestCode } from '../test-code';

// A literal worker count is tuned for one machine: on a smaller one the workers compete for the
// cores, on a bigger one cores sit idle. Threads are cheap and usually wait on I/O, so a literal
// thread count is only suspicious when it is large. Only workers that run at once count: a loop
// that joins each worker before starting the next runs one at a time. Tests are left alone: a
// test that needs exactly three workers (to see three pids, to fill a pool) says so with a literal.

/** Thread pools up to this size are a deliberate I/O concurrency limit, not a CPU-count guess. */
const THREAD_LIMIT = 64;
/** ProcessPoolExecutor raises ValueError above this on Windows. */
const WINDOWS_PROCESS_LIMIT = 61;

export const rule: PythonRule = {
  meta: ruleMeta('CL301'),
  check(context) {
    const { model } = context;
    for (const pool of poolConstructions(model)) {
      if (!pool.sizeNode || isTestCode(model, pool.call.node)) continue;
      const count = integerLiteral(model, pool.sizeNode);
      if (count === null || !flagged(pool.family, count)) continue;
      const ctor = `${model.text(pool.call.callee)}(...)`;
      const joblib = pool.executor === 'joblib.Parallel';
      // joblib spells "every CPU" itself: n_jobs=-1.
      const processAdvice = joblib
        ? 'Use `n_jobs=-1` (every CPU) or a setting.'
        : 'Size the pool from `os.cpu_count()` (`os.process_cpu_count()` on Python 3.13+).';
      let message =
        pool.family === 'process'
          ? `\`${ctor}\` hardcodes ${count} worker processes: fewer cores than that and they compete, more and ` +
            `cores sit idle. ${processAdvice}`
          : `\`${ctor}\` hardcodes ${count} threads: past a few dozen, threads add memory and contention rather ` +
            'than throughput. Use the default size or one derived from `os.cpu_count()`.';
      // Only where it bites: `max_workers=4` is no nearer the limit than the default is.
      if (pool.executor === 'concurrent.futures.ProcessPoolExecutor' && count > WINDOWS_PROCESS_LIMIT) {
        message += ` Note: on Windows ProcessPoolExecutor rejects max_workers above ${WINDOWS_PROCESS_LIMIT}, so this pool fails there.`;
      }
      const fix: Fix =
        joblib && pool.family === 'process'
          ? { description: 'Use every CPU: `n_jobs=-1`', edits: [replaceNode(pool.sizeNode, '-1')], safe: false }
          : countFix(model, pool.sizeNode, pool.family, false);
      context.report({ node: pool.sizeNode, message, fix });
    }

    // `for _ in range(8): Process(...).start()`: a literal number of workers started by hand.
    const reported = new Set<PyNode>();
    for (const call of model.calls) {
      const family = workerConstructionFamily(model, call);
      if (!family) continue;
      const loop = innermostLoop(model, call.node);
      if (!loop || loop.iterables.length !== 1) continue;
      const range = literalRangeCount(model, loop.iterables[0]);
      if (!range || !flagged(family, range.count) || reported.has(range.literal)) continue;
      if (isTestCode(model, call.node) || iterationLifetime(model, call, loop.loop) !== 'overlapping') continue;
      reported.add(range.literal);
      const what = family === 'process' ? 'processes' : 'threads';
      context.report({
        node: range.literal,
        message:
          `This loop starts a hardcoded number of ${what} (${range.count}, \`${model.text(call.callee)}\` at line ${call.node.startRow + 1}). ` +
          (family === 'process'
            ? 'Derive the count from `os.cpu_count()` (`os.process_cpu_count()` on Python 3.13+).'
            : 'Past a few dozen, threads add memory and contention rather than throughput.'),
        // range(None) raises, so the loop bound needs the `or 1` fallback.
        fix: countFix(model, range.literal, family, true),
      });
    }
  },
};

function flagged(family: Family, count: number): boolean {
  // A single worker is a deliberate choice (sequential execution, isolation), never a sizing guess.
  if (count <= 1) return false;
  return family === 'process' || count > THREAD_LIMIT;
}

export function countFix(model: PythonModel, literal: PyNode, family: Family, needsInt: boolean): Fix {
  const cpuCount = referenceTo(model, 'os', 'cpu_count', 'qualified');
  let text: string;
  let description: string;
  if (family === 'thread') {
    // What ThreadPoolExecutor picks by default: enough threads to overlap I/O, bounded.
    text = `min(32, (${cpuCount.text}() or 1) + 4)`;
    description = `Use the default thread-pool sizing of concurrent.futures: \`${text}\``;
  } else {
    text = needsInt ? `${cpuCount.text}() or 1` : `${cpuCount.text}()`;
    description = `Size it from the CPU count: \`${text}\``;
  }
  return { description, edits: [replaceNode(literal, text), ...cpuCount.edits], safe: false };
}
