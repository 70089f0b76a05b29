import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HarnessFailure, HarnessProcess } from './harness-process';
import type { ErrorReply, HarnessReply, InterpreterFacts, Mode, SampleReply } from './protocol';
import {
  type Cell,
  DEFAULT_MAX_SECONDS,
  DEFAULT_MIN_SAMPLE_MS,
  DEFAULT_SEED,
  DEFAULT_TIMEOUT_SECONDS,
  MIN_ROUNDS,
  WARMUP_RUNS,
  calibrateRepeat,
  cellKey,
  crossesBoundary,
  languageOfFile,
  planCells,
  roundOrder,
  shouldStartRound,
  singleCellMode,
  validateRequest,
  warmupOrder,
} from './plan';
import { classifyWorkload, recommend } from './recommend';
import {
  DEFAULT_CONFIDENCE,
  DEFAULT_RESAMPLES,
  bootstrapMedianCi,
  bootstrapRatioCi,
  fitAmdahl,
  instability,
  karpFlatt,
  mean,
  median,
} from './statistics';
import { findOnPath } from './executables';
import type {
  BenchError,
  BenchLanguage,
  BenchPhase,
  BenchRequest,
  BenchResult,
  CellResult,
  MachineFacts,
  ModeScaling,
  ProgressListener,
  WorkloadClassification,
} from './types';

// runBenchmark: the method (DESIGN.md "Statistics for the benchmark"), once, for every language.
//
//   start the harness → init (import the module, evaluate the inputs, report the interpreter)
//   → profile one task (CPU ÷ wall) → serialization cost
//   → per cell: warm-up run (creates the pool: start-up time), calibration (repeat so a sample
//     lasts ≥ 100 ms), then the pool's per-task dispatch cost with an empty task
//   → interleaved rounds (every cell once per round, seeded shuffle) until the budget is spent
//   → medians, bootstrap CIs, speedups, Amdahl / Karp–Flatt, classification, recommendation.
//
// A mode that fails (raises only in workers, cannot be pickled, hangs) is marked failed and the
// others go on; a hang or a crash costs the harness, which is restarted (at most MAX_RESTARTS
// times). Only a failure of the sequential baseline ends the benchmark early.

const MAX_RESTARTS = 2;
/** Default per-run timeout: at least this many times the estimated sequential batch. */
const ADAPTIVE_TIMEOUT_FACTOR = 5;
/** Calibration re-measures at most this many times when a sample still falls short. */
const CALIBRATION_PASSES = 2;
/** Per-sample protocol overhead added to round estimates (a JSON round trip, timers). */
const SAMPLE_OVERHEAD_MS = 2;

interface CellState {
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
  /** The highest CPU/wall of one sample: the least disturbed by other programs (see finish()). */
  peakCpuWallRatio: number | null;
  error: BenchError | null;
}

class FatalStop extends Error {}

export async function runBenchmark(
  request: BenchRequest,
  onProgress: ProgressListener = () => {},
  signal?: AbortSignal,
): Promise<BenchResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const elapsed = (): number => performance.now() - t0;
  const maxSeconds = request.maxSeconds ?? DEFAULT_MAX_SECONDS;
  // Without an explicit --timeout, the limit grows with the work once one task has been timed
  // (a batch of long tasks must not be mistaken for a hang).
  let timeoutMs = (request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const minSampleMs = request.minSampleMs ?? DEFAULT_MIN_SAMPLE_MS;
  const seed = request.seed ?? DEFAULT_SEED;
  const budgetMs = maxSeconds * 1000;
  const cwd = request.cwd ?? process.cwd();
  const file = path.resolve(cwd, request.file);

  const result: BenchResult = {
    version: 1,
    status: 'failed',
    file,
    functionName: request.functionName,
    inputs: request.inputs,
    inputPreview: null,
    taskCount: null,
    language: languageOfFile(file),
    machine: machineFacts(),
    interpreter: null,
    settings: {
      maxSeconds,
      timeoutSeconds: timeoutMs / 1000,
      minSampleMs,
      warmupRuns: WARMUP_RUNS,
      confidence: DEFAULT_CONFIDENCE,
      bootstrapResamples: DEFAULT_RESAMPLES,
      seed,
      modes: [],
      workers: [],
    },
    taskProfile: null,
    serialization: null,
    workload: null,
    cells: [],
    scaling: [],
    recommendation: null,
    errors: [],
    warnings: [],
    rounds: 0,
    startedAt: startedAt.toISOString(),
    durationMs: 0,
  };
  const fail = (error: BenchError): BenchResult => {
    result.errors.push(error);
    result.durationMs = elapsed();
    return result;
  };
  const usage = (message: string): BenchResult => fail({ kind: 'usage', mode: null, workers: null, message, detail: null });

  const problems = validateRequest({ ...request, file });
  if (problems.length > 0) return usage(problems.join('; '));
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return usage(`no such file: ${request.file}`);
  const language = result.language as BenchLanguage;

  // The static analyzer's class of the function, shown beside the measured one; computed while
  // the benchmark runs. Nice to have: any failure there leaves it null.
  const staticClass: Promise<WorkloadClassification['static']> =
    request.staticAnalysis === false || language !== 'python'
      ? Promise.resolve(null)
      : import('./static-class').then((m) => m.staticWorkloadOf(file, request.functionName)).catch(() => null);

  const launch = resolveLauncher(language, request);
  if ('error' in launch) return fail({ kind: launch.kind, mode: null, workers: null, message: launch.error, detail: null });

  let lastFraction = 0;
  const progress = (phase: BenchPhase, fraction: number, message: string, cell?: Cell): void => {
    lastFraction = Math.max(lastFraction, Math.min(fraction, 1));
    onProgress({ type: 'progress', phase, fraction: lastFraction, message, mode: cell?.mode, workers: cell?.workers });
  };
  progress('starting', 0, `starting ${path.basename(launch.command)}`);

  // The harness: restarted after a timeout or a crash that only one mode caused.
  let harness: HarnessProcess | null = null;
  let generation = -1;
  let facts: InterpreterFacts | null = null;
  const harnesses: HarnessProcess[] = [];

  const startHarness = async (): Promise<void> => {
    harness = null;
    let started: HarnessProcess;
    try {
      started = await HarnessProcess.start({
        command: launch.command,
        args: launch.args,
        cwd,
        onOutput: (stream, text) => onProgress({ type: 'output', stream, text }),
      });
    } catch (error) {
      const failure = error instanceof HarnessFailure ? error : new HarnessFailure('spawn', String(error));
      result.errors.push({ kind: failure.kind, mode: null, workers: null, message: failure.message, detail: failure.detail });
      throw new FatalStop();
    }
    harnesses.push(started);
    generation++;
    onProgress({ type: 'harness', pid: started.pid, command: [launch.command, ...launch.args] });
    const ready = await started.request({ cmd: 'init', file, functionName: request.functionName, inputs: request.inputs }, timeoutMs, signal);
    if (ready.type === 'error') {
      result.errors.push(errorFromReply(ready, null));
      throw new FatalStop();
    }
    if (ready.type !== 'ready') throw new HarnessFailure('internal', `unexpected reply to init: ${ready.type}`);
    facts = ready.facts;
    result.taskCount = ready.taskCount;
    result.inputPreview = ready.inputPreview;
    harness = started;
  };

  const states = new Map<string, CellState>();
  let current: Cell | null = null;

  /** Marks every cell of a mode failed, recording the error once. */
  const failMode = (mode: Mode, error: BenchError): void => {
    for (const state of states.values()) {
      if (state.cell.mode === mode && state.status !== 'failed') {
        state.status = 'failed';
        state.error = error;
      }
    }
    result.errors.push(error);
    if (mode === 'sequential') throw new FatalStop();
  };

  /** A harness failure (timeout, death) during `cell`: that mode fails, the harness restarts. */
  const recover = async (failure: HarnessFailure, cell: Cell | null): Promise<void> => {
    if (failure.kind === 'aborted' || signal?.aborted) {
      result.errors.push({ kind: 'aborted', mode: cell?.mode ?? null, workers: cell?.workers ?? null, message: 'the benchmark was cancelled', detail: null });
      throw new FatalStop();
    }
    const error: BenchError = { kind: failure.kind, mode: cell?.mode ?? null, workers: cell?.workers ?? null, message: failure.message, detail: failure.detail };
    if (!cell) {
      result.errors.push(error);
      throw new FatalStop();
    }
    error.message = `${singleCellMode(cell.mode) ? `mode ${cell.mode}` : `mode ${cell.mode} with ${cell.workers} worker${cell.workers === 1 ? '' : 's'}`}: ${failure.message}`;
    failMode(cell.mode, error);
    if (harnesses.length > MAX_RESTARTS) {
      result.errors.push({ kind: 'internal', mode: null, workers: null, message: `the harness had to be restarted ${MAX_RESTARTS} times; stopping`, detail: null });
      throw new FatalStop();
    }
    harness?.kill();
    await startHarness();
  };

  const run = async (cell: Cell, repeat: number): Promise<SampleReply | ErrorReply> => {
    current = cell;
    const reply = await (harness as HarnessProcess).request({ cmd: 'run', mode: cell.mode, workers: cell.workers, repeat }, timeoutMs, signal, cell.mode);
    return expect(reply, 'sample');
  };

  /** Warm-up (discarded; creates the pool) and, the first time, calibration. Returns false if the mode failed. */
  const warm = async (state: CellState): Promise<boolean> => {
    const { cell } = state;
    let batchMs = Infinity;
    for (let i = 0; i < WARMUP_RUNS; i++) {
      const reply = await run(cell, 1);
      if (reply.type === 'error') {
        failMode(cell.mode, errorFromReply(reply, cell));
        return false;
      }
      if (reply.startupMs !== null) state.startupMs = reply.startupMs;
      batchMs = Math.min(batchMs, reply.wallMs);
    }
    state.warmGeneration = generation;
    if (state.status === 'ok') return true;
    // Calibration: batches per sample so that one sample lasts ≥ minSampleMs.
    let repeat = calibrateRepeat(batchMs, minSampleMs);
    for (let pass = 0; pass < CALIBRATION_PASSES && repeat > 1; pass++) {
      const reply = await run(cell, repeat);
      if (reply.type === 'error') {
        failMode(cell.mode, errorFromReply(reply, cell));
        return false;
      }
      if (reply.wallMs >= minSampleMs) break;
      repeat = Math.max(repeat + 1, calibrateRepeat(reply.wallMs / repeat, minSampleMs));
    }
    state.repeat = repeat;
    state.lastSampleMs = batchMs * repeat;
    state.status = 'ok';
    return true;
  };

  try {
    await startHarness();
    const f = facts as unknown as InterpreterFacts;
    result.interpreter = f;
    result.machine.usableCpus = f.usableCpus;
    const planned = planCells(f, request);
    result.settings.modes = planned.modes;
    result.settings.workers = planned.workers;
    result.warnings.push(...planned.warnings);
    for (const cell of planned.cells) {
      states.set(cellKey(cell), {
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
      });
    }
    const sequentialCell: Cell = { mode: 'sequential', workers: 1 };

    // 1. One task alone: CPU ÷ wall tells computing from waiting.
    progress('profiling', 0.01, 'profiling one task');
    current = sequentialCell;
    const profile = expect(await harnessNow().request({ cmd: 'profile-task' }, timeoutMs, signal, 'sequential'), 'task-profile');
    if (profile.type === 'error') failMode('sequential', errorFromReply(profile, sequentialCell));
    else {
      result.taskProfile = { wallMs: profile.wallMs, cpuMs: profile.cpuMs, cpuWallRatio: profile.wallMs > 0 ? profile.cpuMs / profile.wallMs : 0 };
      if (request.timeoutSeconds === undefined) {
        timeoutMs = Math.max(timeoutMs, Math.ceil(ADAPTIVE_TIMEOUT_FACTOR * profile.wallMs * (result.taskCount ?? 1)));
        result.settings.timeoutSeconds = Math.round(timeoutMs / 100) / 10;
      }
    }

    // 2. Serialization: a function that cannot be pickled fails every boundary-crossing mode now,
    //    with one clear error per mode, instead of deep inside a pool.
    current = null;
    const serialization = expect(await harnessNow().request({ cmd: 'serialization' }, timeoutMs, signal), 'serialization');
    if (serialization.type === 'error') {
      if (serialization.kind === 'unpicklable') {
        for (const mode of planned.modes.filter(crossesBoundary)) {
          failMode(mode, { ...errorFromReply(serialization, null), mode, message: `mode ${mode}: ${serialization.message}` });
        }
      } else result.warnings.push(`the serialization cost could not be measured: ${serialization.message}`);
    } else {
      result.serialization = { bytesPerTask: serialization.bytesPerTask, msPerTask: serialization.msPerTask };
    }

    // 3. Warm-up and calibration, cell by cell.
    const order = warmupOrder(planned.cells);
    for (const [index, cell] of order.entries()) {
      const state = states.get(cellKey(cell)) as CellState;
      if (state.status === 'failed') continue;
      progress('warmup', (0.15 * index) / order.length, `warming up ${describeCell(cell)}`, cell);
      try {
        await warm(state);
      } catch (error) {
        if (!(error instanceof HarnessFailure)) throw error;
        await recover(error, cell);
      }
    }

    // 4. Per-task dispatch cost of each pool (an empty task), measured once the pools are warm.
    for (const state of states.values()) {
      if (state.status !== 'ok') continue;
      const { cell } = state;
      progress('warmup', 0.16, `measuring the dispatch cost of ${describeCell(cell)}`, cell);
      try {
        if (state.warmGeneration !== generation && !(await warm(state))) continue;
        current = cell;
        const reply = expect(await harnessNow().request({ cmd: 'dispatch', mode: cell.mode, workers: cell.workers }, timeoutMs, signal, cell.mode), 'dispatch');
        if (reply.type === 'error') result.warnings.push(`the dispatch cost of ${describeCell(cell)} could not be measured: ${reply.message}`);
        else state.dispatchMsPerTask = reply.perTaskMs;
      } catch (error) {
        if (!(error instanceof HarnessFailure)) throw error;
        await recover(error, cell);
      }
    }

    // 5. Interleaved rounds within the budget.
    const sampling = (): CellState[] => [...states.values()].filter((s) => s.status === 'ok');
    let estimatedRoundMs = sampling().reduce((sum, s) => sum + s.lastSampleMs + SAMPLE_OVERHEAD_MS, 0);
    while (sampling().length > 0 && shouldStartRound(result.rounds, elapsed(), estimatedRoundMs, budgetMs)) {
      const round = result.rounds;
      let roundMs = 0;
      for (const state of roundOrder(sampling(), round, seed)) {
        if (state.status !== 'ok') continue;
        const { cell } = state;
        const expectedEnd = round < MIN_ROUNDS ? Math.max(budgetMs, elapsed() + (MIN_ROUNDS - round) * estimatedRoundMs) : budgetMs;
        progress('sampling', 0.17 + 0.82 * (elapsed() / expectedEnd), `round ${round + 1}: ${describeCell(cell)}`, cell);
        try {
          if (state.warmGeneration !== generation && !(await warm(state))) continue;
          const reply = await run(cell, state.repeat);
          if (reply.type === 'error') {
            failMode(cell.mode, errorFromReply(reply, cell));
            continue;
          }
          state.samplesMs.push(reply.wallMs / reply.repeat);
          state.wallMs += reply.wallMs;
          if (reply.cpuMs === null) state.cpuKnown = false;
          else {
            state.cpuMs += reply.cpuMs;
            if (reply.wallMs > 0) state.peakCpuWallRatio = Math.max(state.peakCpuWallRatio ?? 0, reply.cpuMs / reply.wallMs);
          }
          state.lastSampleMs = reply.wallMs;
          roundMs += reply.wallMs + SAMPLE_OVERHEAD_MS;
        } catch (error) {
          if (!(error instanceof HarnessFailure)) throw error;
          await recover(error, cell);
        }
      }
      result.rounds++;
      estimatedRoundMs = roundMs;
    }
    if (result.rounds >= MIN_ROUNDS && elapsed() > budgetMs * 1.25) {
      result.warnings.push(
        `the benchmark took ${(elapsed() / 1000).toFixed(1)} s, over its ${maxSeconds} s budget: ${MIN_ROUNDS} samples per cell is the minimum. ` +
          'Use fewer or smaller inputs, or raise --max-seconds.',
      );
    }
    progress('finishing', 0.99, 'computing statistics');
  } catch (error) {
    if (error instanceof HarnessFailure) {
      const cell = current as Cell | null;
      if (error.kind === 'aborted' || signal?.aborted) result.errors.push({ kind: 'aborted', mode: cell?.mode ?? null, workers: cell?.workers ?? null, message: 'the benchmark was cancelled', detail: null });
      else result.errors.push({ kind: error.kind, mode: cell?.mode ?? null, workers: cell?.workers ?? null, message: cell ? `${describeCell(cell)}: ${error.message}` : error.message, detail: error.detail });
    } else if (!(error instanceof FatalStop)) {
      result.errors.push({ kind: 'internal', mode: null, workers: null, message: `internal error: ${(error as Error).message}`, detail: (error as Error).stack ?? null });
    }
  } finally {
    const active = harness as HarnessProcess | null;
    for (const h of harnesses) if (h !== active) h.kill();
    if (active) await (signal?.aborted ? Promise.resolve(active.kill()) : active.close());
  }

  finish(result, states, await staticClass);
  result.durationMs = elapsed();
  return result;

  function harnessNow(): HarnessProcess {
    if (!harness) throw new HarnessFailure('internal', 'the harness is not running');
    return harness;
  }
}

/** Narrows a reply to the expected type (or an error reply). */
function expect<T extends HarnessReply['type']>(reply: HarnessReply, type: T): Extract<HarnessReply, { type: T }> | ErrorReply {
  if (reply.type === type || reply.type === 'error') return reply as Extract<HarnessReply, { type: T }> | ErrorReply;
  throw new HarnessFailure('internal', `expected a ${type} reply, got ${reply.type}`);
}

function errorFromReply(reply: ErrorReply, cell: Cell | null): BenchError {
  return { kind: reply.kind, mode: reply.mode ?? cell?.mode ?? null, workers: cell?.workers ?? null, message: reply.message, detail: reply.detail };
}

function describeCell(cell: Cell): string {
  return singleCellMode(cell.mode) ? cell.mode : `${cell.mode} × ${cell.workers}`;
}

/** Statistics, scaling fits, classification and verdict from the raw samples. */
function finish(result: BenchResult, states: Map<string, CellState>, staticClass: WorkloadClassification['static']): void {
  const options = { resamples: result.settings.bootstrapResamples, confidence: result.settings.confidence };
  const sequential = [...states.values()].find((s) => s.cell.mode === 'sequential');
  const baseline = sequential && sequential.status === 'ok' && sequential.samplesMs.length > 0 ? sequential.samplesMs : null;
  let index = 0;
  for (const state of states.values()) {
    const { cell } = state;
    const seed = (result.settings.seed + index++ * 7919) >>> 0;
    const samples = state.samplesMs;
    const has = samples.length > 0 && state.status === 'ok';
    const stats = has ? instability(samples) : null;
    const speedup = has && baseline ? median(baseline) / median(samples) : null;
    const cellResult: CellResult = {
      mode: cell.mode,
      workers: cell.workers,
      status: state.status === 'failed' ? 'failed' : has ? 'ok' : 'not-run',
      repeat: state.status === 'ok' ? state.repeat : null,
      samplesMs: samples,
      medianMs: has ? median(samples) : null,
      ci95Ms: has ? bootstrapMedianCi(samples, { ...options, seed }) : null,
      meanMs: has ? mean(samples) : null,
      minMs: has ? Math.min(...samples) : null,
      maxMs: has ? Math.max(...samples) : null,
      cv: stats?.cv ?? null,
      unstable: stats?.unstable ?? false,
      unstableReason: stats?.reason ?? null,
      speedup,
      speedupCi95: has && baseline ? (cell.mode === 'sequential' ? { low: 1, high: 1 } : bootstrapRatioCi(baseline, samples, { ...options, seed })) : null,
      efficiency: speedup !== null ? speedup / cell.workers : null,
      karpFlatt: speedup !== null ? karpFlatt(speedup, cell.workers) : null,
      startupMs: state.startupMs,
      dispatchMsPerTask: state.dispatchMsPerTask,
      serialization: crossesBoundary(cell.mode) ? result.serialization : null,
      cpuWallRatio: has && state.cpuKnown && state.wallMs > 0 ? state.cpuMs / state.wallMs : null,
      cpuMsPerTask: has && state.cpuKnown && result.taskCount ? state.cpuMs / (samples.length * state.repeat * result.taskCount) : null,
      error: state.error,
    };
    result.cells.push(cellResult);
  }
  const modes = [...new Set(result.cells.map((c) => c.mode))].filter((m) => m !== 'sequential');
  result.scaling = modes.map((mode): ModeScaling => {
    const points = result.cells.filter((c) => c.mode === mode && c.speedup !== null).map((c) => ({ workers: c.workers, speedup: c.speedup as number }));
    return {
      mode,
      amdahl: fitAmdahl(points),
      karpFlatt: points.filter((p) => p.workers >= 2).map((p) => ({ workers: p.workers, value: karpFlatt(p.speedup, p.workers) as number })),
    };
  });
  // Other programs on the machine only ever lower CPU ÷ wall (the task waits for a CPU, and that
  // counts as wall time), never raise it; so the least disturbed measurement, the highest ratio
  // among the one-task profile and the sequential samples, is the one that tells computing from
  // waiting. (A task that only waits cannot reach a high ratio by accident.)
  const seqPeak = sequential?.status === 'ok' ? sequential.peakCpuWallRatio : null;
  const profile =
    result.taskProfile && seqPeak !== null && seqPeak !== undefined
      ? { ...result.taskProfile, cpuWallRatio: Math.max(result.taskProfile.cpuWallRatio, seqPeak) }
      : result.taskProfile;
  result.workload = profile ? classifyWorkload(profile, result.cells, result.interpreter, staticClass) : null;
  result.recommendation = recommend(result);
  result.warnings.push(...contentionWarnings(result));
  const aborted = result.errors.some((e) => e.kind === 'aborted');
  const anyOk = result.cells.some((c) => c.status === 'ok' && c.mode !== 'sequential') && baseline !== null;
  result.status = aborted ? 'aborted' : !baseline ? 'failed' : result.errors.length > 0 || !anyOk ? 'partial' : 'ok';
}

/**
 * CPU-bound work on N worker processes should keep about N CPUs busy. When the pool's CPU/wall
 * stays far below that, the workers waited for CPUs: other programs were competing, and the
 * speedups understate what an idle machine gives. Said out loud, since it changes the verdict.
 */
function contentionWarnings(result: BenchResult): string[] {
  if (result.workload?.kind !== 'cpu-bound') return [];
  const usable = result.interpreter?.usableCpus ?? result.machine.usableCpus;
  const starved = result.cells.filter((c) => {
    if (c.status !== 'ok' || c.workers < 2 || c.cpuWallRatio === null || !crossesBoundary(c.mode)) return false;
    const expected = Math.min(c.workers, usable) * (result.workload?.cpuWallRatio ?? 1);
    return expected >= 1.5 && c.cpuWallRatio < expected * 0.7;
  });
  if (starved.length === 0) return [];
  const worst = starved.reduce((a, b) => ((a.cpuWallRatio as number) / a.workers < (b.cpuWallRatio as number) / b.workers ? a : b));
  const load = os.loadavg()[0];
  return [
    `${describeCell(worst)} kept only ${(worst.cpuWallRatio as number).toFixed(2)} CPUs busy on CPU-bound work (up to ${Math.min(worst.workers, usable)} expected): ` +
      `other programs were probably competing for the CPUs${process.platform === 'win32' ? '' : ` (load average ${load.toFixed(2)})`}, so the parallel speedups understate what an idle machine gives.`,
  ];
}

function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  const load = os.loadavg()[0];
  return {
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpus[0]?.model?.trim() || null,
    cpuCount: cpus.length || 1,
    usableCpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length || 1,
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    loadAverage: process.platform === 'win32' ? null : Number(load.toFixed(2)),
  };
}

/** Where python_harness.py and node-harness.js are: beside the bundle, or in dist/ when running from src/. */
export function harnessDirectory(explicit?: string): string {
  if (explicit) return explicit;
  const candidates = [path.join(__dirname, 'harness'), path.join(__dirname, '..', '..', 'dist', 'harness')];
  return candidates.find((dir) => fs.existsSync(dir)) ?? candidates[0];
}


function resolveLauncher(language: BenchLanguage, request: BenchRequest): { command: string; args: string[] } | { error: string; kind: 'spawn' | 'internal' } {
  const dir = harnessDirectory(request.harnessDir);
  if (language === 'python') {
    const script = path.join(dir, 'python_harness.py');
    if (!fs.existsSync(script)) return { error: `the Python harness is missing (${script}); run the build`, kind: 'internal' };
    const python = request.python ?? findOnPath(['python3', 'python']);
    if (!python) return { error: 'no Python interpreter found: python3 and python are not on PATH (pass --python PATH)', kind: 'spawn' };
    return { command: python, args: [script] };
  }
  // The Node harness is bundled to JS by the build; from sources, src/profiling/harness/ has no
  // .js, so the built one in dist/ is used.
  const candidates = [path.join(dir, 'node-harness.js'), path.join(__dirname, '..', '..', 'dist', 'harness', 'node-harness.js')];
  const script = candidates.find((c) => fs.existsSync(c));
  if (!script) return { error: `the Node harness is missing (${candidates[0]}); run the build`, kind: 'internal' };
  const node = request.node ?? findOnPath(['node']) ?? process.execPath;
  return { command: node, args: [script] };
}
