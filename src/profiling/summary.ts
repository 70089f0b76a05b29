import * as os from 'node:os';
import { type Cell, crossesBoundary, describeCell } from './plan';
import { classifyMeasured, recommend } from './recommend';
import { bootstrapMedianCi, bootstrapRatioCi, fitAmdahl, instability, karpFlatt, mean, median } from './statistics';
import type { BenchError, BenchResult, CellResult, KnobNames, LoadReport, ModeScaling, WorkloadClassification } from './types';
import { type StarvedCell, judge, knobNames } from './verdict';
import { breakEven } from './break-even';

// The last phase of a benchmark: from the raw samples the session gathered to the result
// document's statistics, scaling fits, classification, verdict and status. Pure apart from the
// load average quoted in a warning, so it runs the same on a finished session's state or a test's.

/** What the session gathers about one cell while it runs. */
export interface CellState {
  cell: Cell;
  status: 'pending' | 'ok' | 'failed';
  repeat: number;
  samplesMs: number[];
  cpuMs: number;
  wallMs: number;
  cpuKnown: boolean;
  startupMs: number | null;
  dispatchMsPerTask: number | null;
  /** The harness generation whose pool for this cell is warm; -1: none yet. */
  warmGeneration: number;
  lastSampleMs: number;
  /** The highest CPU/wall of one sample: the least disturbed by other programs (see measuredWorkload()). */
  peakCpuWallRatio: number | null;
  error: BenchError | null;
}

export function pendingCell(cell: Cell): CellState {
  return {
    cell,
    status: 'pending',
    repeat: 1,
    samplesMs: [],
    cpuMs: 0,
    wallMs: 0,
    cpuKnown: true,
    startupMs: null,
    dispatchMsPerTask: null,
    warmGeneration: -1,
    lastSampleMs: 0,
    peakCpuWallRatio: null,
    error: null,
  };
}

/** What the summary needs from around the run besides the samples. */
export interface SummaryContext {
  load?: LoadReport;
  knobs?: Partial<KnobNames>;
}

/** Statistics, scaling fits, classification and verdict from the raw samples, into `result`. */
export function summarize(result: BenchResult, states: ReadonlyMap<string, CellState>, staticClass: WorkloadClassification['static'], context: SummaryContext = {}): void {
  const knobs = knobNames(context.knobs);
  const sequential = [...states.values()].find((s) => s.cell.mode === 'sequential');
  const baseline = sequential && sequential.status === 'ok' && sequential.samplesMs.length > 0 ? sequential.samplesMs : null;
  let index = 0;
  for (const state of states.values()) {
    // Each cell's bootstrap gets its own seed, derived from the run's, so the CIs are reproducible.
    const seed = (result.settings.seed + index++ * 7919) >>> 0;
    result.cells.push(cellResult(result, state, baseline, seed));
  }
  result.scaling = scaling(result.cells);
  result.workload = measuredWorkload(result, sequential, staticClass);
  result.recommendation = recommend(result, knobs);
  const starved = starvedCell(result);
  if (starved) result.warnings.push(contentionWarning(result, starved));
  if (context.load) result.load = context.load;
  result.breakEven = breakEven(result);
  result.verdict = judge(result, starved, context.load, knobs);
  // "Run it inline" is a claim too, and the one a starved machine makes up: an untrusted run
  // names no winner unless a pool won despite it.
  if (result.verdict.status === 'inconclusive' && result.recommendation?.mode === 'sequential') result.recommendation = null;
  result.status = overallStatus(result, baseline !== null);
}

function cellResult(result: BenchResult, state: CellState, baseline: number[] | null, seed: number): CellResult {
  const options = { resamples: result.settings.bootstrapResamples, confidence: result.settings.confidence, seed };
  const { cell } = state;
  const samples = state.samplesMs;
  const has = samples.length > 0 && state.status === 'ok';
  const stats = has ? instability(samples) : null;
  const speedup = has && baseline ? median(baseline) / median(samples) : null;
  return {
    mode: cell.mode,
    workers: cell.workers,
    status: state.status === 'failed' ? 'failed' : has ? 'ok' : 'not-run',
    repeat: state.status === 'ok' ? state.repeat : null,
    samplesMs: samples,
    medianMs: has ? median(samples) : null,
    ci95Ms: has ? bootstrapMedianCi(samples, options) : null,
    meanMs: has ? mean(samples) : null,
    minMs: has ? Math.min(...samples) : null,
    maxMs: has ? Math.max(...samples) : null,
    cv: stats?.cv ?? null,
    unstable: stats?.unstable ?? false,
    unstableReason: stats?.reason ?? null,
    speedup,
    speedupCi95: has && baseline ? (cell.mode === 'sequential' ? { low: 1, high: 1 } : bootstrapRatioCi(baseline, samples, options)) : null,
    efficiency: speedup !== null ? speedup / cell.workers : null,
    karpFlatt: speedup !== null ? karpFlatt(speedup, cell.workers) : null,
    startupMs: state.startupMs,
    dispatchMsPerTask: state.dispatchMsPerTask,
    serialization: crossesBoundary(cell.mode) ? result.serialization : null,
    cpuWallRatio: has && state.cpuKnown && state.wallMs > 0 ? state.cpuMs / state.wallMs : null,
    cpuMsPerTask: has && state.cpuKnown && result.taskCount ? state.cpuMs / (samples.length * state.repeat * result.taskCount) : null,
    error: state.error,
  };
}

/** Per pool mode: the Amdahl fit over its speedups and the Karp–Flatt metric at each worker count. */
function scaling(cells: readonly CellResult[]): ModeScaling[] {
  const modes = [...new Set(cells.map((c) => c.mode))].filter((m) => m !== 'sequential');
  return modes.map((mode): ModeScaling => {
    const points = cells.filter((c) => c.mode === mode && c.speedup !== null).map((c) => ({ workers: c.workers, speedup: c.speedup as number }));
    return {
      mode,
      amdahl: fitAmdahl(points),
      karpFlatt: points.filter((p) => p.workers >= 2).map((p) => ({ workers: p.workers, value: karpFlatt(p.speedup, p.workers) as number })),
    };
  });
}

function measuredWorkload(result: BenchResult, sequential: CellState | undefined, staticClass: WorkloadClassification['static']): WorkloadClassification | null {
  // Other programs on the machine only ever lower CPU ÷ wall (the task waits for a CPU, and that
  // counts as wall time), never raise it; so the least disturbed measurement, the highest ratio
  // among the one-task profile and the sequential samples, is the one that tells computing from
  // waiting. (A task that only waits cannot reach a high ratio by accident.)
  const seqPeak = sequential?.status === 'ok' ? sequential.peakCpuWallRatio : null;
  const profile =
    result.taskProfile && seqPeak !== null && seqPeak !== undefined
      ? { ...result.taskProfile, cpuWallRatio: Math.max(result.taskProfile.cpuWallRatio, seqPeak) }
      : result.taskProfile;
  return profile ? classifyMeasured(profile, result.cells, result.interpreter, staticClass) : null;
}

function overallStatus(result: BenchResult, hasBaseline: boolean): BenchResult['status'] {
  const aborted = result.errors.some((e) => e.kind === 'aborted');
  const anyOk = result.cells.some((c) => c.status === 'ok' && c.mode !== 'sequential') && hasBaseline;
  return aborted ? 'aborted' : !hasBaseline ? 'failed' : result.errors.length > 0 || !anyOk ? 'partial' : 'ok';
}

/**
 * CPU-bound work on N worker processes should keep about N CPUs busy. When the pool's CPU/wall
 * stays far below that, the workers waited for CPUs: other programs were competing, and the
 * speedups understate what an idle machine gives. The most starved such cell, or null.
 */
function starvedCell(result: BenchResult): StarvedCell | null {
  if (result.workload?.kind !== 'cpu-bound') return null;
  const usable = result.interpreter?.usableCpus ?? result.machine.usableCpus;
  const expectedOf = (c: CellResult): number => Math.min(c.workers, usable) * (result.workload?.cpuWallRatio ?? 1);
  const starved = result.cells.filter((c) => {
    if (c.status !== 'ok' || c.workers < 2 || c.cpuWallRatio === null || !crossesBoundary(c.mode)) return false;
    const expected = expectedOf(c);
    return expected >= 1.5 && c.cpuWallRatio < expected * 0.7;
  });
  if (starved.length === 0) return null;
  const worst = starved.reduce((a, b) => ((a.cpuWallRatio as number) / a.workers < (b.cpuWallRatio as number) / b.workers ? a : b));
  return { cell: worst, expectedCpus: expectedOf(worst) };
}

/** The starved cell said out loud, since it changes the verdict. */
function contentionWarning(result: BenchResult, starved: StarvedCell): string {
  const worst = starved.cell;
  const usable = result.interpreter?.usableCpus ?? result.machine.usableCpus;
  const load = os.loadavg()[0];
  return (
    `${describeCell(worst)} kept only ${(worst.cpuWallRatio as number).toFixed(2)} CPUs busy on CPU-bound work (up to ${Math.min(worst.workers, usable)} expected): ` +
    `other programs were probably competing for the CPUs${process.platform === 'win32' ? '' : ` (load average ${load.toFixed(2)})`}, so the parallel speedups understate what an idle machine gives.`
  );
}
