import type { InterpreterFacts, Mode } from './protocol';
import { MODE_COST, crossesBoundary, singleCellMode } from './plan';
import type { BenchResult, CellResult, KnobNames, Recommendation, WorkloadClassification, WorkloadKind } from './types';

// The verdict: which cell wins and why, in words that follow the measurements. A pool is only
// recommended when it is clearly faster than running inline (its speedup CI lies above 1);
// near-ties go to the cheaper mode and the fewer workers, since they cost less to run.

/** CPU/wall at or above this: the task computes. */
export const CPU_BOUND_RATIO = 0.7;
/** CPU/wall at or below this: the task mostly waits. */
export const IO_BOUND_RATIO = 0.3;
/** Speedups within this fraction of the best count as a tie. */
export const TIE_TOLERANCE = 0.05;
/** Gains below this do not pay for a pool's complexity (and are within a noisy machine's drift). */
export const MIN_GAIN = 1.1;
/** Threads at this speedup or more on CPU-bound work mean the GIL is not in the way. */
const THREADS_SCALE = 1.3;

/** A mode as the reports name it: Node.js's by their own names (main thread, worker_threads, child_process). */
export const modeLabel = (mode: Mode): string => (mode === 'processes-spawn' ? 'processes (spawn)' : mode === 'main-thread-async' ? 'main thread (async)' : mode);

export const cellLabel = (cell: { mode: Mode; workers: number }): string =>
  singleCellMode(cell.mode) ? modeLabel(cell.mode) : `${modeLabel(cell.mode)} × ${cell.workers}`;

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  if (ms >= 0.001) return `${(ms * 1000).toFixed(ms >= 0.01 ? 0 : 1)} µs`;
  return `${(ms * 1e6).toFixed(0)} ns`;
}

export const formatX = (x: number): string => `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
const pct = (x: number): string => `${Math.round(x * 100)}%`;

function okCells(cells: readonly CellResult[]): CellResult[] {
  return cells.filter((c) => c.status === 'ok' && c.speedup !== null);
}

function best(cells: readonly CellResult[], predicate: (c: CellResult) => boolean): CellResult | null {
  let found: CellResult | null = null;
  for (const cell of okCells(cells)) if (predicate(cell) && (!found || (cell.speedup ?? 0) > (found.speedup ?? 0))) found = cell;
  return found;
}

function threadLike(mode: Mode): boolean {
  return mode === 'threads' || mode === 'worker_threads' || mode === 'interpreters';
}

/**
 * The workload's class from the task profile: CPU time ÷ wall time of one task tells computing
 * from waiting; a task shorter than handing it to a process pool is "trivial" whatever it does.
 * Measured, unlike the static analyzer's classifyWorkload, which reads the source; that guess
 * arrives here as `staticClass` (see static-class.ts) and is shown beside this one.
 */
export function classifyMeasured(
  profile: BenchResult['taskProfile'],
  cells: readonly CellResult[],
  facts: InterpreterFacts | null,
  staticClass: WorkloadClassification['static'],
): WorkloadClassification {
  if (!profile) {
    return { kind: 'unknown', cpuWallRatio: null, taskMs: null, releasesGil: null, static: staticClass, summary: 'the task could not be profiled' };
  }
  const ratio = profile.cpuWallRatio;
  const dispatch = cells.filter((c) => crossesBoundary(c.mode) && c.dispatchMsPerTask !== null).map((c) => c.dispatchMsPerTask as number);
  const handoff = dispatch.length > 0 ? Math.min(...dispatch) : null;
  let kind: WorkloadKind;
  if (handoff !== null ? profile.wallMs < handoff : profile.wallMs < 0.05) kind = 'trivial';
  else if (ratio >= CPU_BOUND_RATIO) kind = 'cpu-bound';
  else if (ratio <= IO_BOUND_RATIO) kind = 'io-bound';
  else kind = 'mixed';
  // Wall time beyond CPU time is waiting, but the measurement alone cannot tell waiting for I/O
  // from waiting for a CPU (a busy machine stretches wall time, not CPU time). Code the analyzer
  // sees doing CPU-heavy work and no I/O (its class is `cpu`, not `mixed` or `io`) settles it.
  const cpuByCode = (kind === 'mixed' || kind === 'io-bound') && staticClass?.kind === 'cpu';
  if (cpuByCode) kind = 'cpu-bound';

  let releasesGil: boolean | null = null;
  const python = facts?.language === 'python';
  if (python && facts?.gilEnabled !== false && (kind === 'cpu-bound' || kind === 'mixed')) {
    const threads = best(cells, (c) => c.mode === 'threads' && c.workers >= 2);
    if (threads?.speedup != null) releasesGil = threads.speedup >= THREADS_SCALE ? true : threads.speedup < 1.15 ? false : null;
  }

  const share = `${pct(Math.min(ratio, 1))} of its ${formatMs(profile.wallMs)} on the CPU`;
  let summary: string;
  switch (kind) {
    case 'trivial':
      summary = `trivial: a task takes ${formatMs(profile.wallMs)}${handoff !== null ? `, less than handing it to a process pool (${formatMs(handoff)})` : ''}`;
      break;
    case 'cpu-bound':
      summary = cpuByCode
        ? `CPU-bound by its code: a task spends ${share}, the rest waiting (for a CPU when the machine is busy)`
        : `CPU-bound: a task spends ${share}`;
      if (releasesGil === true) summary += '; threads still scale, so the work runs in native code that releases the GIL';
      else if (releasesGil === false) summary += '; threads do not scale: the GIL serialises it';
      else if (python && facts?.gilEnabled === false) summary += '; free-threaded Python (no GIL): threads can run it in parallel';
      break;
    case 'io-bound':
      summary = `I/O-bound (waiting): a task spends ${share}, the rest waiting`;
      break;
    case 'mixed':
      summary = `mixed: a task spends ${share}`;
      break;
    default:
      summary = 'unknown';
  }
  if (staticClass) summary += `; static analysis: ${staticClass.kind} (${staticClass.reason})`;
  return { kind, cpuWallRatio: ratio, taskMs: profile.wallMs, releasesGil, static: staticClass, summary };
}

/** Picks the winner and explains it; null when not even sequential ran. */
export function recommend(result: Pick<BenchResult, 'cells' | 'workload' | 'interpreter' | 'taskProfile'>, knobs?: Pick<KnobNames, 'workers'>): Recommendation | null {
  const sequential = result.cells.find((c) => c.mode === 'sequential' && c.status === 'ok' && c.medianMs !== null);
  if (!sequential) return null;
  const pools = okCells(result.cells).filter((c) => c.mode !== 'sequential');
  const workload = result.workload;
  const python = result.interpreter?.language === 'python';

  if (pools.length === 0) {
    return inline('Run it inline: no pool could be measured (see the errors), so sequential is the only result.', null);
  }
  const fastest = pools.reduce((a, b) => ((b.speedup ?? 0) > (a.speedup ?? 0) ? b : a));
  // A win is a speedup whose whole CI lies above 1× and that is worth a pool at all.
  const winners = pools.filter((c) => c.speedupCi95 !== null && c.speedupCi95.low > 1 && (c.speedup as number) >= MIN_GAIN);
  if (winners.length === 0) {
    const lines: string[] = [];
    const s = fastest.speedup as number;
    if (s < 1) {
      lines.push(`Run it inline: every pool was slower than sequential (the best, ${cellLabel(fastest)}, ran at ${formatX(s)}${ciText(fastest)}).`);
    } else if (fastest.speedupCi95 && fastest.speedupCi95.low > 1) {
      lines.push(`Run it inline: the best pool, ${cellLabel(fastest)}, gained only ${formatX(s)}${ciText(fastest)}, less than the ${formatX(MIN_GAIN)} that pays for a pool's complexity.`);
    } else {
      lines.push(`Run it inline: no pool was clearly faster than sequential (the best, ${cellLabel(fastest)}, ran at ${formatX(s)}${ciText(fastest)}, an interval that does not lie above 1×).`);
    }
    lines.push(...inlineWhy(result.cells, workload, result.interpreter, python));
    return inline(lines.join(' '), sequential);
  }
  const top = winners.reduce((a, b) => ((b.speedup ?? 0) > (a.speedup ?? 0) ? b : a));
  const topSpeedup = top.speedup as number;
  // Near-ties go to the cheaper choice: fewer moving parts, no pickling, fewer workers.
  const contenders = winners.filter((c) => (c.speedup as number) >= topSpeedup * (1 - TIE_TOLERANCE));
  contenders.sort((a, b) => MODE_COST[a.mode] - MODE_COST[b.mode] || a.workers - b.workers);
  const choice = contenders[0];

  const lines: string[] = [];
  lines.push(
    `${capitalise(cellLabel(choice))} ran ${formatX(choice.speedup as number)} faster than sequential${ciText(choice)}: ` +
      `${formatMs(sequential.medianMs as number)} → ${formatMs(choice.medianMs as number)} per batch.`,
  );
  if (choice !== top) lines.push(`${capitalise(cellLabel(top))} was within ${pct(TIE_TOLERANCE)} (${formatX(topSpeedup)}) but costs more to run.`);
  lines.push(...winnerWhy(choice, result.cells, workload, python, result.interpreter, knobs?.workers ?? '--workers'));
  return {
    mode: choice.mode,
    workers: choice.workers,
    reason: lines.join(' '),
    speedup: choice.speedup,
    speedupCi95: choice.speedupCi95,
  };

  function inline(reason: string, seq: CellResult | null): Recommendation {
    return { mode: 'sequential', workers: 1, reason, speedup: seq ? 1 : null, speedupCi95: seq ? { low: 1, high: 1 } : null };
  }
}

function ciText(cell: CellResult): string {
  return cell.speedupCi95 ? ` (95% CI ${cell.speedupCi95.low.toFixed(2)}–${cell.speedupCi95.high.toFixed(2)}×)` : '';
}

function capitalise(text: string): string {
  // Identifiers (worker_threads, child_process) keep their spelling.
  return /^[a-z]+[_-]/.test(text) ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

function inlineWhy(cells: readonly CellResult[], workload: WorkloadClassification | null, facts: InterpreterFacts | null, python: boolean): string[] {
  const why: string[] = [];
  const taskMs = workload?.taskMs ?? null;
  const costs = cells
    .filter((c) => c.mode !== 'sequential' && c.dispatchMsPerTask !== null)
    .reduce<Map<Mode, number>>((m, c) => m.set(c.mode, Math.min(m.get(c.mode) ?? Infinity, c.dispatchMsPerTask as number)), new Map());
  if (taskMs !== null && costs.size > 0) {
    const parts = [...costs].map(([mode, ms]) => `${modeLabel(mode)} ${formatMs(ms)}`);
    const cheapest = Math.min(...costs.values());
    if (taskMs < cheapest * 10) {
      why.push(
        `A task takes ${formatMs(taskMs)}, while handing one to a pool costs ${parts.join(', ')} per task: ` +
          'the overhead eats the gain. Give each task more work (batch items, or use a chunksize) before reaching for a pool.',
      );
    }
  }
  if (workload?.kind === 'cpu-bound' && python && facts?.gilEnabled !== false) {
    const procs = best(cells, (c) => c.mode === 'processes' || c.mode === 'processes-spawn');
    if (procs && (facts?.usableCpus ?? 2) < 2) why.push('The task is CPU-bound, and with one usable CPU processes have no second core to run on.');
    else if (procs) why.push(`The task is CPU-bound: threads are held back by the GIL and processes peaked at ${formatX(procs.speedup as number)}.`);
  }
  if ((facts?.usableCpus ?? 2) < 2 && why.length === 0) why.push('This machine gives the benchmark one CPU: CPU-bound work cannot run in parallel here.');
  return why;
}

function winnerWhy(
  choice: CellResult,
  cells: readonly CellResult[],
  workload: WorkloadClassification | null,
  python: boolean,
  facts: InterpreterFacts | null,
  workersKnob: string,
): string[] {
  const why: string[] = [];
  const ratio = workload?.cpuWallRatio ?? null;
  const cpuShare = ratio !== null ? ` (CPU is ${pct(Math.min(ratio, 1))} of a task's time)` : '';
  const bestThreads = best(cells, (c) => threadLike(c.mode) && c.mode !== choice.mode);
  const bestProcesses = best(cells, (c) => crossesBoundary(c.mode) && !threadLike(c.mode) && c.mode !== choice.mode);
  if (choice.mode === 'main-thread-async') {
    why.push(`Started together and awaited with Promise.all, the tasks' waits overlap on the main thread's event loop${cpuShare}: no thread or process is needed.`);
  } else if (threadLike(choice.mode)) {
    if (workload?.kind === 'io-bound') {
      why.push(`The task mostly waits${cpuShare}, and threads overlap the waits without the start-up and pickling costs of processes.`);
    } else if (python && choice.mode === 'threads' && facts?.gilEnabled === false) {
      why.push('This is free-threaded Python (no GIL): threads run Python code in parallel.');
    } else if (python && choice.mode === 'threads' && workload?.kind === 'cpu-bound' && workload.releasesGil === true) {
      why.push(`The task is CPU work${cpuShare}, yet threads scale: it runs in native code that releases the GIL, so threads get parallelism without pickling.`);
    } else if (python && choice.mode === 'threads' && (workload?.kind === 'cpu-bound' || workload?.kind === 'mixed')) {
      why.push(
        `Threads gained only ${formatX(choice.speedup as number)} on work that is ${pct(Math.min(ratio ?? 1, 1))} CPU: the part that releases the GIL (C code, I/O) overlaps, the Python part does not.`,
      );
    } else if (choice.mode === 'interpreters') {
      why.push('Each sub-interpreter has its own GIL: parallel Python code without separate processes.');
    } else if (choice.mode === 'worker_threads') {
      why.push('Worker threads run JavaScript in parallel, each on its own event loop, at a lower start-up cost than processes.');
    }
    if (bestProcesses) why.push(`The best process pool reached ${formatX(bestProcesses.speedup as number)} (${cellLabel(bestProcesses)}).`);
    if (workload?.kind === 'io-bound' && choice.workers === Math.max(...cells.filter((c) => c.mode === choice.mode).map((c) => c.workers))) {
      const most = choice.workers;
      why.push(`The most ${choice.mode === 'threads' ? 'threads' : 'workers'} measured (${most}) won, and waiting tasks often gain from still more: try larger counts (${workersKnob}).`);
    }
  } else {
    if (workload?.kind === 'cpu-bound' && python && facts?.gilEnabled !== false) {
      why.push(
        `The task is CPU-bound${cpuShare} and the GIL lets one thread run Python bytecode at a time` +
          (bestThreads ? ` (threads peaked at ${formatX(bestThreads.speedup as number)})` : '') +
          ', so separate processes, each with its own interpreter, use the cores.',
      );
    } else if (workload?.kind === 'cpu-bound') {
      why.push(`The task is CPU-bound${cpuShare}; separate processes use the cores` + (bestThreads ? ` (threads peaked at ${formatX(bestThreads.speedup as number)}).` : '.'));
    } else if (bestThreads) {
      why.push(`Threads peaked at ${formatX(bestThreads.speedup as number)} (${cellLabel(bestThreads)}).`);
    }
    const seq = cells.find((c) => c.mode === 'sequential' && c.medianMs !== null);
    if (seq && choice.startupMs !== null && choice.medianMs !== null) {
      const saved = (seq.medianMs as number) - choice.medianMs;
      if (choice.startupMs > saved) {
        why.push(`Its pool start-up (${formatMs(choice.startupMs)}) costs more than one batch saves (${formatMs(saved)}): create the pool once and reuse it for many batches.`);
      }
    }
    if (choice.serialization && workload?.taskMs && choice.serialization.msPerTask > workload.taskMs * 0.1) {
      why.push(`${python ? 'Pickling' : 'Structured cloning'} is ${pct(choice.serialization.msPerTask / workload.taskMs)} of a task's time (${choice.serialization.bytesPerTask} bytes): send less data per task.`);
    }
  }
  if (choice.unstable) why.push(`Its samples were noisy (${choice.unstableReason}): rerun on a quieter machine to confirm.`);
  return why;
}
