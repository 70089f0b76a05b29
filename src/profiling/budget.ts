import { type Cell, MIN_ROUNDS, singleCellMode, workerCap } from './plan';
import type { Mode } from './protocol';

// The time budget (docs/bench.md "The time budget"): a benchmark of `maxSeconds` ends within
// maxSeconds + BUDGET_MARGIN_SECONDS. Once one task has been timed, the cells are estimated
// (pool start-up, warm-up, calibration, the dispatch probe, MIN_ROUNDS samples) and taken in
// order of what they tell, until the budget is spent; the rest are left out and named in the
// result. While it runs, no step starts that cannot end in time, and a step still running at
// the deadline (plus the margin) is stopped. Pure functions: the tests drive them with numbers.

/** What the run may take beyond `maxSeconds`: closing the harness and its pools, the statistics. */
export const BUDGET_MARGIN_SECONDS = 1.5;
/** The share of the remaining budget the first plan fills: estimates come from one task. */
export const PLAN_FILL = 0.85;
/** Per-sample protocol overhead (a JSON round trip, timers), ms. */
export const SAMPLE_OVERHEAD_MS = 2;

/** Pool start-up estimates (ms): a fixed part and a part per worker, before anything was measured. */
const STARTUP: Readonly<Record<Mode, { base: number; perWorker: number }>> = {
  sequential: { base: 0, perWorker: 0 },
  'main-thread-async': { base: 0, perWorker: 0 },
  threads: { base: 2, perWorker: 1 },
  worker_threads: { base: 40, perWorker: 20 },
  interpreters: { base: 50, perWorker: 40 },
  processes: { base: 40, perWorker: 20 },
  child_process: { base: 60, perWorker: 50 },
  'processes-spawn': { base: 150, perWorker: 150 },
};

/** Per-task dispatch estimates (ms) before the probe measured them. */
const DISPATCH: Readonly<Record<Mode, number>> = {
  sequential: 0,
  'main-thread-async': 0.005,
  threads: 0.05,
  worker_threads: 0.1,
  interpreters: 0.2,
  processes: 0.2,
  child_process: 0.3,
  'processes-spawn': 0.2,
};

export interface WorkShape {
  /** One task alone, ms (the task profile). */
  taskMs: number;
  taskCount: number;
  /** CPU ÷ wall of one task: the part that needs a CPU. */
  cpuShare: number;
  usableCpus: number;
  minSampleMs: number;
  /** Python with the GIL: threads do not run the CPU part in parallel. */
  gil: boolean;
}

export interface CellCost {
  cell: Cell;
  /** Warm-up (pool start-up and one batch), calibration and the dispatch probe, ms. */
  setupMs: number;
  /** One sample, ms. */
  sampleMs: number;
}

/** The expected wall time of one batch of `cell`: the CPU part over the usable CPUs, the waiting part over the workers. */
export function batchEstimate(cell: Cell, shape: WorkShape): number {
  const seq = shape.taskMs * shape.taskCount;
  if (cell.mode === 'sequential') return seq;
  const w = singleCellMode(cell.mode) ? shape.taskCount : Math.max(1, cell.workers);
  const cpu = Math.min(1, Math.max(0, shape.cpuShare));
  const cpuParallel = cell.mode === 'threads' && shape.gil ? 1 : cell.mode === 'main-thread-async' ? 1 : Math.min(w, shape.usableCpus);
  return seq * (cpu / cpuParallel + (1 - cpu) / w) + DISPATCH[cell.mode] * shape.taskCount;
}

export function cellCost(cell: Cell, shape: WorkShape): CellCost {
  const batch = batchEstimate(cell, shape);
  const sampleMs = Math.max(batch, shape.minSampleMs * 1.1) + SAMPLE_OVERHEAD_MS;
  const start = STARTUP[cell.mode];
  const startup = start.base + start.perWorker * (singleCellMode(cell.mode) ? 0 : cell.workers);
  // Calibration takes one more sample when a batch is shorter than a sample; the probe ≥ 50 ms.
  const calibration = batch < shape.minSampleMs ? sampleMs : 0;
  const probe = cell.mode === 'sequential' ? 0 : Math.max(55, DISPATCH[cell.mode] * shape.taskCount);
  return { cell, setupMs: startup + batch + calibration + probe + 3 * SAMPLE_OVERHEAD_MS, sampleMs };
}

/** Modes in the order the budget serves them: the article's two first, then each language's others. */
const MODE_RANK: readonly Mode[] = ['sequential', 'threads', 'processes', 'worker_threads', 'child_process', 'main-thread-async', 'interpreters', 'processes-spawn'];

/**
 * The cells in the order of what they tell: sequential (the baseline), then each mode at the
 * worker count that uses the machine (the CPU count; for waiting work, the most workers), then
 * the largest count, then the counts in between from the top, and one worker last (a pool of
 * one only shows the pool's overhead).
 */
export function cellPriority(cells: readonly Cell[], usableCpus: number, waiting: boolean): Cell[] {
  const byMode = new Map<Mode, number[]>();
  for (const c of cells) byMode.set(c.mode, [...(byMode.get(c.mode) ?? []), c.workers]);
  const rankOf = (c: Cell): number => {
    if (c.mode === 'sequential') return -1;
    if (singleCellMode(c.mode)) return 0;
    const counts = [...(byMode.get(c.mode) ?? [])].sort((a, b) => a - b);
    const most = counts[counts.length - 1];
    const fitting = counts.filter((n) => n <= Math.max(1, usableCpus));
    const main = waiting ? most : (fitting[fitting.length - 1] ?? counts[0]);
    if (c.workers === main) return 0;
    if (c.workers === most) return 1;
    if (c.workers === 1) return 3;
    return 2;
  };
  return [...cells].sort(
    (a, b) => rankOf(a) - rankOf(b) || (rankOf(a) === 2 ? b.workers - a.workers : 0) || MODE_RANK.indexOf(a.mode) - MODE_RANK.indexOf(b.mode) || a.workers - b.workers,
  );
}

/**
 * Which cells (in priority order) fit in `availableMs` with `rounds` samples each. Sequential
 * and the first pool cell are always kept: without them there is no comparison at all.
 */
export function fitCells(costs: readonly CellCost[], availableMs: number, rounds: number = MIN_ROUNDS): { keep: Cell[]; drop: Cell[] } {
  const keep: Cell[] = [];
  const drop: Cell[] = [];
  let used = 0;
  let pools = 0;
  for (const { cell, setupMs, sampleMs } of costs) {
    const cost = setupMs + rounds * sampleMs;
    const required = cell.mode === 'sequential' || pools === 0;
    if (required || used + cost <= availableMs) {
      keep.push(cell);
      used += cost;
      if (cell.mode !== 'sequential') pools++;
    } else drop.push(cell);
  }
  return { keep, drop };
}

/**
 * After warm-up, with each kept cell's real sample length: drop cells from the end of the
 * priority order until `rounds` rounds fit in `availableMs` (keeping sequential and one pool).
 */
export function trimToRounds(samples: readonly { cell: Cell; sampleMs: number }[], availableMs: number, rounds: number = MIN_ROUNDS): Cell[] {
  const kept = [...samples];
  const dropped: Cell[] = [];
  const roundMs = (): number => kept.reduce((sum, s) => sum + s.sampleMs + SAMPLE_OVERHEAD_MS, 0);
  while (kept.length > 2 && rounds * roundMs() > availableMs) dropped.push((kept.pop() as { cell: Cell }).cell);
  return dropped;
}

/**
 * Worker counts for work that mostly waits: beyond the CPU count, doubling up to `factor` × the
 * CPUs and never past the mode's cap (plan.ts workerCap), since waits overlap without a CPU each.
 */
export function waitingWorkerCounts(mode: Mode, base: readonly number[], usableCpus: number, factor = 8): number[] {
  const cap = Math.min(workerCap(mode, usableCpus), factor * Math.max(1, usableCpus));
  const counts = new Set(base.filter((n) => n <= cap));
  let n = Math.max(1, ...base);
  while (n * 2 <= cap) {
    n *= 2;
    counts.add(n);
  }
  return [...counts].sort((a, b) => a - b);
}

/** "threads × 1, processes × 1": cells as the budget note names them. */
export function cellList(cells: readonly Cell[]): string {
  return cells.map((c) => (singleCellMode(c.mode) ? c.mode : `${c.mode} × ${c.workers}`)).join(', ');
}
