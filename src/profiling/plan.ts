import { languageOf } from '../analysis';
import * as os from 'node:os';
import * as path from 'node:path';
import type { InterpreterFacts, Mode } from './protocol';
import type { BenchLanguage, BenchRequest } from './types';
import { seededRandom } from './statistics';

// The shape of a benchmark: which cells (mode × worker count) to measure, how many batches make
// one sample (calibration), in which order to run them (interleaved), and when the time budget is
// spent. Pure functions: the tests drive them with synthetic numbers.

export const DEFAULT_MAX_SECONDS = 20;
export const DEFAULT_TIMEOUT_SECONDS = 60;
/** pyperf's floor: shorter samples are dominated by timer and scheduler noise. */
export const DEFAULT_MIN_SAMPLE_MS = 100;
export const DEFAULT_SEED = 0x5eed;
/** Warm-up runs per cell, discarded: pool workers start, imports and caches settle. */
export const WARMUP_RUNS = 1;
/** Fewer samples than this give no usable interval: they are taken even past the budget. */
export const MIN_ROUNDS = 3;
/** More rounds than this add little to the intervals; stop early even with budget left. */
export const MAX_ROUNDS = 30;
/** Calibration never batches more than this many runs into one sample. */
export const MAX_REPEAT = 1_000_000;

export const PYTHON_MODES: readonly Mode[] = ['sequential', 'threads', 'processes', 'processes-spawn', 'interpreters'];
export const NODE_MODES: readonly Mode[] = ['sequential', 'main-thread-async', 'worker_threads', 'child_process'];
export const ALL_MODES: readonly Mode[] = [...new Set([...PYTHON_MODES, ...NODE_MODES])];

/**
 * Worker-count caps. A thread of Python's ThreadPoolExecutor costs a stack and a scheduler slot,
 * so hundreds are plausible (I/O-bound work); every other pool starts a process (processes,
 * processes-spawn, child_process) or a whole runtime with its own heap (interpreters,
 * worker_threads) per worker, and ten thousand of them exhaust memory and the PID table before
 * they measure anything. Beyond the cap the request is a usage error unless `allowManyWorkers`.
 */
export const MAX_THREAD_WORKERS = 256;
export const WORKERS_PER_CPU = 4;

/** The most workers `mode` may have on a machine with `cpus` usable CPUs. */
export function workerCap(mode: Mode, cpus: number): number {
  return mode === 'threads' ? MAX_THREAD_WORKERS : WORKERS_PER_CPU * Math.max(1, cpus);
}

/** The CPUs this process may use: the harness, its child, sees the same. */
export function usableCpus(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length || 1;
}

/** Modes whose tasks cross a process or interpreter boundary (their arguments get serialized). */
export function crossesBoundary(mode: Mode): boolean {
  return mode !== 'sequential' && mode !== 'threads' && mode !== 'main-thread-async';
}

/** Modes without a worker count: measured once (the Node harness's async mode ignores `workers`). */
export function singleCellMode(mode: Mode): boolean {
  return mode === 'sequential' || mode === 'main-thread-async';
}

/** Cheaper-first order of modes, used to break near-ties in the recommendation. */
export const MODE_COST: Readonly<Record<Mode, number>> = {
  sequential: 0,
  'main-thread-async': 1,
  threads: 1,
  worker_threads: 2,
  interpreters: 2,
  processes: 3,
  child_process: 3,
  'processes-spawn': 4,
};

export function languageOfFile(file: string): BenchLanguage | null {
  // A stub (.pyi) has no code to run.
  if (path.extname(file).toLowerCase() === '.pyi') return null;
  const language = languageOf({ path: file });
  return language === 'python' ? 'python' : language === 'javascript' ? 'node' : null;
}

/** 1, 2, 4, … up to the CPU count, and the CPU count itself (6 CPUs: 1, 2, 4, 6). */
export function defaultWorkers(cpus: number): number[] {
  const counts: number[] = [];
  for (let n = 1; n <= Math.max(1, cpus); n *= 2) counts.push(n);
  if (cpus > 1 && !counts.includes(cpus)) counts.push(cpus);
  return counts;
}

export interface Cell {
  mode: Mode;
  workers: number;
}

export const cellKey = (cell: Cell): string => `${cell.mode}×${cell.workers}`;

/** A cell as the engine's messages name it (the raw mode, unlike the reports' cellLabel). */
export const describeCell = (cell: Cell): string => (singleCellMode(cell.mode) ? cell.mode : `${cell.mode} × ${cell.workers}`);

/**
 * The cells to measure: sequential once (the baseline, always), then each requested mode the
 * harness offers at each worker count. Modes the interpreter lacks become warnings.
 */
export function planCells(facts: InterpreterFacts, request: Pick<BenchRequest, 'modes' | 'workers'>): { cells: Cell[]; modes: Mode[]; workers: number[]; warnings: string[] } {
  const warnings: string[] = [];
  const offered = facts.modes;
  let modes: Mode[];
  if (request.modes && request.modes.length > 0) {
    modes = [];
    for (const mode of request.modes) {
      if (offered.includes(mode)) {
        if (!modes.includes(mode)) modes.push(mode);
      } else {
        warnings.push(`mode ${mode} is not available here (${unavailableReason(mode, facts)}); skipped`);
      }
    }
  } else {
    modes = [...offered];
  }
  if (!modes.includes('sequential')) modes.unshift('sequential');
  modes.sort((a, b) => offered.indexOf(a) - offered.indexOf(b));
  const workers = request.workers && request.workers.length > 0 ? [...new Set(request.workers)].sort((a, b) => a - b) : defaultWorkers(facts.usableCpus);
  const cells: Cell[] = [];
  for (const mode of modes) {
    if (singleCellMode(mode)) cells.push({ mode, workers: 1 });
    else for (const n of workers) cells.push({ mode, workers: n });
  }
  return { cells, modes, workers, warnings };
}

function unavailableReason(mode: Mode, facts: InterpreterFacts): string {
  if (mode === 'interpreters') return `InterpreterPoolExecutor needs Python 3.14+, this is ${facts.version}`;
  if (mode === 'processes-spawn') return `the default start method is already ${facts.defaultStartMethod ?? 'spawn'}`;
  if (facts.language === 'python' && NODE_MODES.includes(mode)) return 'a Node.js mode, and this is a Python module';
  if (facts.language === 'node' && PYTHON_MODES.includes(mode)) return 'a Python mode, and this is a Node.js module';
  return `${facts.implementation} ${facts.version} does not offer it`;
}

/**
 * Batches per sample so that a sample lasts at least `minSampleMs` (×1.1 headroom: the estimate
 * comes from one noisy run); 1 when one batch is already that long.
 */
export function calibrateRepeat(batchMs: number, minSampleMs: number = DEFAULT_MIN_SAMPLE_MS): number {
  if (!(batchMs > 0)) return MAX_REPEAT;
  if (batchMs >= minSampleMs) return 1;
  return Math.min(MAX_REPEAT, Math.ceil((minSampleMs * 1.1) / batchMs));
}

/**
 * Warm-up order: sequential first (a function that fails everywhere fails there, fast), then the
 * process pools (fork()ing before this harness has thread pools running is the safe order), then
 * the rest.
 */
export function warmupOrder(cells: readonly Cell[]): Cell[] {
  const rank = (cell: Cell): number => (cell.mode === 'sequential' ? 0 : cell.mode === 'processes' ? 1 : cell.mode === 'processes-spawn' ? 2 : 3);
  return cells.map((cell, index) => ({ cell, index })).sort((a, b) => rank(a.cell) - rank(b.cell) || a.index - b.index).map((e) => e.cell);
}

/**
 * The order of one interleaved round: every cell once, shuffled with a seeded PRNG so that no
 * cell always runs right after the same neighbour (a slow cell heats the CPU, fills caches,
 * leaves garbage for the next), yet the schedule is reproducible.
 */
export function roundOrder<T>(cells: readonly T[], round: number, seed: number = DEFAULT_SEED): T[] {
  const random = seededRandom((seed ^ Math.imul(round + 1, 0x9e3779b1)) >>> 0);
  const order = [...cells];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Whether to start another round: always until MIN_ROUNDS, never beyond MAX_ROUNDS, otherwise
 * when the next round (estimated from the last one) still ends within the budget.
 */
export function shouldStartRound(roundsDone: number, elapsedMs: number, estimatedRoundMs: number, budgetMs: number): boolean {
  if (roundsDone < MIN_ROUNDS) return true;
  if (roundsDone >= MAX_ROUNDS) return false;
  return elapsedMs + estimatedRoundMs <= budgetMs;
}

/** Checks a request before anything starts; returns the problems (empty when fine). */
export function validateRequest(request: BenchRequest, cpus: number = usableCpus()): string[] {
  const problems: string[] = [];
  if (!request.functionName) problems.push('--function is required');
  if (request.inputs === undefined || request.inputs.trim() === '') problems.push('--inputs is required');
  if (request.maxSeconds !== undefined && !(request.maxSeconds > 0)) problems.push('--max-seconds must be a positive number');
  if (request.timeoutSeconds !== undefined && !(request.timeoutSeconds > 0)) problems.push('--timeout must be a positive number');
  for (const n of request.workers ?? []) {
    if (!Number.isInteger(n) || n < 1) problems.push(`worker count ${n} is not a whole number ≥ 1`);
  }
  for (const mode of request.modes ?? []) {
    if (!ALL_MODES.includes(mode)) problems.push(`unknown mode ${JSON.stringify(mode)} (modes: ${ALL_MODES.join(', ')})`);
  }
  const language = languageOfFile(request.file);
  if (!language) problems.push(`${request.file}: not a Python (.py) or JavaScript/TypeScript file`);
  else {
    const ours = language === 'python' ? PYTHON_MODES : NODE_MODES;
    for (const mode of request.modes ?? []) {
      if (ALL_MODES.includes(mode) && !ours.includes(mode)) problems.push(`mode ${mode} does not apply to a ${language === 'python' ? 'Python' : 'Node.js'} module (modes: ${ours.join(', ')})`);
    }
    if (!request.allowManyWorkers) {
      const tooMany = tooManyWorkers(request.modes && request.modes.length > 0 ? request.modes.filter((m) => ours.includes(m)) : ours, request.workers ?? [], cpus);
      if (tooMany) problems.push(tooMany);
    }
  }
  return problems;
}

/**
 * The worker count over the strictest cap among the pool modes that will run it, as a message;
 * null when every count fits. The default worker counts never exceed the CPU count, so only an
 * explicit list can trip this.
 */
function tooManyWorkers(modes: readonly Mode[], workers: readonly number[], cpus: number): string | null {
  const pools = modes.filter((m) => !singleCellMode(m));
  if (pools.length === 0 || workers.length === 0) return null;
  const most = Math.max(...workers);
  const strictest = pools.reduce((a, b) => (workerCap(b, cpus) < workerCap(a, cpus) ? b : a));
  const cap = workerCap(strictest, cpus);
  if (most <= cap) return null;
  const why =
    strictest === 'threads'
      ? `at most ${MAX_THREAD_WORKERS} threads`
      : `at most ${cap} (${WORKERS_PER_CPU} × ${cpus} usable CPU${cpus === 1 ? '' : 's'}): each worker is a process or a runtime of its own`;
  return (
    `--workers ${most} is too many for mode ${strictest}: ${why}. Pass fewer workers` +
    (strictest === 'threads' ? '' : ', or only --modes threads') +
    `, or allow it explicitly (CLI: CONCURRENCY_LENS_ALLOW_MANY_WORKERS=1; engine: allowManyWorkers)`
  );
}
