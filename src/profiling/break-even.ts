import { singleCellMode } from './plan';
import type { Mode } from './protocol';
import { cellLabel, formatMs } from './recommend';
import type { BenchResult, BreakEven, CellResult } from './types';

// The break-even estimate (docs/bench.md "Break-even"): from this run's measured costs of a
// process pool on this machine (start-up once per pool; dispatch and serialisation per item),
// from which call duration and item count the pool beats running sequentially.
//
// The model, for N items of t ms each on P parallel workers, with the parent handing items out
// one after the other:
//   sequential  N·t
//   pool        S + N·d + N·t/P        (S start-up, d dispatch + serialisation per item)
// A pool kept and reused (S paid once) wins when t/P + d < t, i.e. t > d·P/(P − 1).
// A new pool for one batch wins when N·(t·(1 − 1/P) − d) > S.
// P is the worker count at most the usable CPUs for work that computes (it cannot run faster
// than the cores), the worker count for work that waits.

/** The process-pool modes, most common first. */
const PROCESS_MODES: readonly Mode[] = ['processes', 'child_process', 'processes-spawn'];

export function breakEven(result: Pick<BenchResult, 'cells' | 'workload' | 'interpreter' | 'machine' | 'serialization' | 'language'>): BreakEven | null {
  const usable = Math.max(1, result.interpreter?.usableCpus ?? result.machine.usableCpus);
  const measured = (c: CellResult): boolean => c.status === 'ok' && c.startupMs !== null && c.dispatchMsPerTask !== null && !singleCellMode(c.mode);
  const mode = PROCESS_MODES.find((m) => result.cells.some((c) => c.mode === m && measured(c)));
  if (!mode) return null;
  const cells = result.cells.filter((c) => c.mode === mode && measured(c));
  // The most parallel pool that the CPUs can all serve, else the smallest.
  const within = cells.filter((c) => c.workers <= usable);
  const cell = within.length > 0 ? within.reduce((a, c) => (c.workers > a.workers ? c : a)) : cells.reduce((a, c) => (c.workers < a.workers ? c : a));
  const waiting = result.workload?.kind === 'io-bound';
  const parallelism = waiting ? cell.workers : Math.min(cell.workers, usable);
  const serialization = cell.serialization?.msPerTask ?? result.serialization?.msPerTask ?? 0;
  const perItem = (cell.dispatchMsPerTask as number) + serialization;
  const startup = cell.startupMs as number;
  const taskMs = result.workload?.taskMs ?? null;
  const label = cellLabel(cell);
  const costs = `start-up ${formatMs(startup)} once, then ${formatMs(perItem)} per item to hand it over${serialization > 0 ? ' and serialise it' : ''}`;

  if (parallelism < 2) {
    return {
      mode,
      workers: cell.workers,
      startupMs: startup,
      perItemOverheadMs: perItem,
      parallelism,
      minTaskMs: null,
      minItems: null,
      taskMs,
      summary: `With one usable CPU, a process pool (${label}: ${costs}) cannot beat running sequentially on work that computes: there is no second core to run on.`,
    };
  }
  const minTaskMs = (perItem * parallelism) / (parallelism - 1);
  const gainPerItem = taskMs !== null ? taskMs * (1 - 1 / parallelism) - perItem : null;
  const minItems = gainPerItem !== null && gainPerItem > 0 ? Math.max(1, Math.ceil(startup / gainPerItem)) : null;
  const parts = [`On this machine a process pool (${label}: ${costs}) beats running sequentially once a call takes more than ${formatMs(minTaskMs)} and the pool is created once and reused.`];
  if (taskMs !== null) {
    if (minItems !== null) {
      parts.push(`This function's calls take ${formatMs(taskMs)}: a pool created for one batch pays for its start-up from ${minItems} item${minItems === 1 ? '' : 's'} per batch.`);
    } else {
      const batch = Math.ceil(minTaskMs / Math.max(taskMs, 1e-6));
      parts.push(
        `This function's calls take ${formatMs(taskMs)}, less than that: put about ${batch} or more items into each call (or a chunksize of that many) before reaching for a pool.`,
      );
    }
  }
  parts.push(`(Estimated from ${parallelism} ${waiting ? 'overlapping waits' : 'cores working in parallel'}; measured costs, not a promise.)`);
  return { mode, workers: cell.workers, startupMs: startup, perItemOverheadMs: perItem, parallelism, minTaskMs, minItems, taskMs, summary: parts.join(' ') };
}
