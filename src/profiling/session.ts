import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HarnessFailure, HarnessProcess } from './harness-process';
import { type Launcher, resolveLauncher } from './launch';
import { preflight, refusalMessage } from './preflight';
import { firstCallAdvice } from './first-call';
import { importTarget } from './target-module';
import type { ErrorReply, HarnessReply, ImportRefusal, InterpreterFacts, Mode, SampleReply } from './protocol';
import {
  type Cell,
  DEFAULT_MAX_SECONDS,
  DEFAULT_MIN_SAMPLE_MS,
  DEFAULT_SEED,
  DEFAULT_TIMEOUT_SECONDS,
  MAX_ROUNDS,
  MIN_ROUNDS,
  WARMUP_RUNS,
  calibrateRepeat,
  cellKey,
  crossesBoundary,
  describeCell,
  languageOfFile,
  planCells,
  roundOrder,
  singleCellMode,
  validateRequest,
  warmupOrder,
} from './plan';
import { DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES } from './statistics';
import { type CellState, pendingCell, summarize } from './summary';
import { BUDGET_MARGIN_SECONDS, PLAN_FILL, SAMPLE_OVERHEAD_MS, type WorkShape, cellCost, cellList, cellPriority, fitCells, trimToRounds, waitingWorkerCounts } from './budget';
import { busyCpusBetween, cpuSnapshot, loadAverage, preflightBusyCpus } from './load';
import { CPU_BOUND_RATIO, IO_BOUND_RATIO } from './recommend';
import { busyThreshold, knobNames } from './verdict';
import type {
  BenchError,
  BenchLanguage,
  BenchPhase,
  BenchRequest,
  BenchResult,
  BudgetReport,
  KnobNames,
  LoadReport,
  MachineFacts,
  ProgressListener,
  WorkloadClassification,
} from './types';

// One benchmark run, phase by phase (the method in docs/bench.md), the same for every language:
//
//   start the harness → init (import the module, evaluate the inputs, report the interpreter)
//   → profile one task (CPU ÷ wall) → serialization cost
//   → per cell: warm-up run (creates the pool: start-up time), calibration (repeat so a sample
//     lasts ≥ 100 ms), then the pool's per-task dispatch cost with an empty task
//   → interleaved rounds (every cell once per round, seeded shuffle) until the budget is spent
//   → medians, bootstrap CIs, speedups, Amdahl / Karp–Flatt, classification, recommendation
//     (summary.ts).
//
// A mode that fails (raises only in workers, cannot be pickled, hangs) is marked failed and the
// others go on; a hang or a crash costs the harness, which is restarted (at most MAX_RESTARTS
// times). Only a failure of the sequential baseline ends the benchmark early: then `stopped` is
// set, and every phase and loop returns at its next check, straight to the summary.

const MAX_RESTARTS = 2;
/** Default per-run timeout: at least this many times the estimated sequential batch. */
const ADAPTIVE_TIMEOUT_FACTOR = 5;
/** Calibration re-measures at most this many times when a sample still falls short. */
const CALIBRATION_PASSES = 2;
/** A step cut by the budget still gets this long: a kill and a restart cost more than a short wait. */
const MIN_STEP_MS = 200;

export class BenchmarkSession {
  private readonly t0 = performance.now();
  private readonly file: string;
  private readonly cwd: string;
  private readonly budgetMs: number;
  private readonly result: BenchResult;
  /** Without an explicit --timeout, this grows once one task is timed (see profileTask). */
  private timeoutMs: number;
  /** Progress only moves forward, whatever a phase estimates. */
  private lastFraction = 0;
  private launcher: Launcher | null = null;
  /** The harness in use; null while one is being started. */
  private harness: HarnessProcess | null = null;
  /** Every harness started, restarts included: none may outlive the session. */
  private readonly harnesses: HarnessProcess[] = [];
  /** Counts harness starts: a cell's pool is warm only in the generation that warmed it. */
  private generation = -1;
  private readonly states = new Map<string, CellState>();
  /** The cell whose request is in flight, named when a harness failure escapes every phase. */
  private current: Cell | null = null;
  /** The benchmark cannot go on (the reason is in result.errors): every phase returns early. */
  private stopped = false;
  /** Lines the user's code wrote to the reply channel (ignored), and the first of them. */
  private strayReplies = 0;
  private firstStrayReply = '';
  private readonly knobs: KnobNames;
  private readonly load: LoadReport = { loadAverageBefore: null, busyCpusBefore: null, otherBusyCpusDuring: null, loadAverageAfter: null, busyAtStart: false };
  /** The static class, computed while the harness starts (see staticClass()). */
  private staticClassPromise: Promise<WorkloadClassification['static']> = Promise.resolve(null);
  /** The cells in the order of what they tell (budget.ts cellPriority); fixed once a task is timed. */
  private priority: Cell[] = [];
  /** Cells the budget left out, by key. */
  private readonly skipped = new Set<string>();
  /** The running step's timeout was set by the deadline, not by --timeout. */
  private budgetBound = false;
  /** The deadline stopped a step in flight. */
  private budgetCut = false;
  /**
   * When the budget's clock started: the first harness ready (interpreter started, module
   * imported, inputs evaluated). Start-up before it is bounded by the timeout and reported.
   */
  private budgetStart: number | null = null;

  constructor(
    private readonly request: BenchRequest,
    private readonly onProgress: ProgressListener,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.cwd = request.cwd ?? process.cwd();
    this.file = path.resolve(this.cwd, request.file);
    // A batch of long tasks must not be mistaken for a hang, hence the adaptive default.
    this.timeoutMs = (request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    this.result = emptyResult(request, this.file, this.timeoutMs);
    this.budgetMs = this.result.settings.maxSeconds * 1000;
    this.knobs = knobNames(request.knobs);
  }

  async run(): Promise<BenchResult> {
    const problem = this.requestProblem();
    if (problem) return this.fail({ kind: 'usage', mode: null, workers: null, message: problem, detail: null });
    const language = this.result.language as BenchLanguage;
    // How the project imports the module, and whether importing it does work (preflight.ts).
    this.result.target = importTarget(this.file, language);
    const refusal = await preflight(this.file, language);
    if (refusal) return this.refuse(refusal);
    const launch = resolveLauncher(language, this.request);
    if ('error' in launch) return this.fail({ kind: launch.kind, mode: null, workers: null, message: launch.error, detail: null });
    this.launcher = launch;
    await this.checkLoad();
    this.staticClassPromise = this.staticClass();
    this.progress('starting', 0, `starting ${path.basename(launch.command)}`);
    try {
      await this.measure();
    } catch (error) {
      this.recordEscaped(error);
    } finally {
      await this.closeHarnesses();
    }
    this.reportStrayReplies();
    this.reportEmptyBudget();
    this.load.loadAverageAfter = loadAverage();
    summarize(this.result, this.states, await this.staticClassPromise, { load: this.load, knobs: this.knobs });
    this.result.budget = this.budgetReport();
    return this.done();
  }

  /**
   * The load check before anything starts: how busy the machine already is. A busy machine is
   * said at once (progress and a warning): CPU-bound measurements taken now may end inconclusive.
   */
  private async checkLoad(): Promise<void> {
    this.progress('starting', 0, 'checking the machine\'s load');
    const busy = await preflightBusyCpus(250);
    const avg = loadAverage();
    const usable = this.result.machine.usableCpus;
    this.load.loadAverageBefore = avg;
    this.load.busyCpusBefore = busy === null ? null : Number(busy.toFixed(2));
    const busyNow = busy !== null && busy >= busyThreshold(usable);
    const loaded = avg !== null && avg >= usable * 1.5;
    if (!busyNow && !loaded) return;
    this.load.busyAtStart = true;
    const what = [busyNow ? `other programs are keeping ${(busy as number).toFixed(1)} of ${usable} CPUs busy` : '', avg !== null ? `load average ${avg.toFixed(2)}` : '']
      .filter(Boolean)
      .join(', ');
    this.result.warnings.push(`The machine was already busy when the benchmark started (${what}): CPU-bound measurements may be distorted and the run may end inconclusive.`);
    this.progress('starting', 0, `the machine is busy (${what}): the run may be inconclusive`);
  }

  /** The phases in order; each may fail modes, and a stop ends the sequence. */
  private async measure(): Promise<void> {
    const facts = await this.startHarness();
    if (!facts) return;
    this.plan(facts);
    const phases = [this.profileTask, this.measureSerialization, this.planBudget, this.warmUp, this.trimAfterWarmUp, this.measureDispatch, this.sampleRounds];
    for (const phase of phases) {
      await phase.call(this);
      if (this.stopped) return;
    }
    this.progress('finishing', 0.99, 'computing statistics');
  }

  // -------------------------------------------------------------------------------------------
  // Before the harness

  private requestProblem(): string | null {
    const problems = validateRequest({ ...this.request, file: this.file });
    if (problems.length > 0) return problems.join('; ');
    if (!fs.existsSync(this.file) || !fs.statSync(this.file).isFile()) return `no such file: ${this.request.file}`;
    return null;
  }

  /**
   * The static analyzer's class of the function, shown beside the measured one; computed while
   * the benchmark runs. Nice to have: any failure there leaves it null.
   */
  private staticClass(): Promise<WorkloadClassification['static']> {
    if (this.request.staticAnalysis === false) return Promise.resolve(null);
    if (this.request.staticClass) return Promise.resolve(this.request.staticClass);
    return import('./static-class').then((m) => m.staticWorkloadOf(this.file, this.request.functionName)).catch(() => null);
  }

  // -------------------------------------------------------------------------------------------
  // The harness

  /**
   * Starts (or restarts, after a timeout or a crash that only one mode caused) the harness and
   * initialises it. Null when it cannot start: the benchmark stops.
   */
  private async startHarness(): Promise<InterpreterFacts | null> {
    this.harness = null;
    const launch = this.launcher;
    if (!launch) throw new HarnessFailure('internal', 'the harness has no command');
    let started: HarnessProcess;
    try {
      started = await HarnessProcess.start({
        command: launch.command,
        args: launch.args,
        cwd: this.cwd,
        onOutput: (stream, text) => this.onProgress({ type: 'output', stream, text }),
        onStrayReply: (line) => {
          if (this.strayReplies++ === 0) this.firstStrayReply = line;
        },
      });
    } catch (error) {
      const failure = error instanceof HarnessFailure ? error : new HarnessFailure('spawn', String(error));
      return this.stop({ kind: failure.kind, mode: null, workers: null, message: failure.message, detail: failure.detail });
    }
    this.harnesses.push(started);
    this.generation++;
    this.onProgress({ type: 'harness', pid: started.pid, command: [launch.command, ...launch.args] });
    const target = this.result.target?.language === 'python' ? { module: this.result.target.module, sysPath: this.result.target.sysPath } : undefined;
    // The first import is start-up (bounded by --timeout, outside the budget); a restart's is not.
    const ready = await started.request(
      { cmd: 'init', file: this.file, functionName: this.request.functionName, inputs: this.request.inputs, target },
      this.budgetStart === null ? this.timeoutMs : this.stepTimeout(),
      this.signal,
    );
    if (ready.type === 'error' && ready.refusal) {
      this.refuse(ready.refusal, ready.detail);
      return null;
    }
    if (ready.type === 'error') return this.stop(errorFromReply(ready, null));
    if (ready.type !== 'ready') throw new HarnessFailure('internal', `unexpected reply to init: ${ready.type}`);
    if (this.result.target && ready.importedAs !== undefined) this.result.target.importedAs = ready.importedAs;
    if (ready.importNote) this.result.warnings.push(ready.importNote);
    this.result.taskCount = ready.taskCount;
    this.result.inputPreview = ready.inputPreview;
    this.harness = started;
    this.budgetStart ??= performance.now();
    return ready.facts;
  }

  private harnessNow(): HarnessProcess {
    if (!this.harness) throw new HarnessFailure('internal', 'the harness is not running');
    return this.harness;
  }

  /** One batch `repeat` times in a row for `cell`. */
  private async sample(cell: Cell, repeat: number): Promise<SampleReply | ErrorReply> {
    this.current = cell;
    const reply = await this.harnessNow().request({ cmd: 'run', mode: cell.mode, workers: cell.workers, repeat }, this.stepTimeout(), this.signal, cell.mode);
    return expect(reply, 'sample');
  }

  /** Runs one step of `cell`; a harness failure (timeout, death) fails that mode and restarts the harness. */
  private async guarded<T>(cell: Cell, step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof HarnessFailure)) throw error;
      await this.recover(error, cell);
      return undefined;
    }
  }

  private async recover(failure: HarnessFailure, cell: Cell): Promise<void> {
    if (failure.kind === 'aborted' || this.signal?.aborted) {
      this.stop({ kind: 'aborted', mode: cell.mode, workers: cell.workers, message: 'the benchmark was cancelled', detail: null });
      return;
    }
    if (failure.kind === 'timeout' && this.budgetBound) {
      // Not "it hangs" (its --timeout was not reached): the budget ended while it ran.
      this.result.warnings.push(`${describeCell(cell)} was still running when the ${this.result.settings.maxSeconds} s time budget ran out; it was stopped.`);
      this.budgetStop();
      return;
    }
    const which = singleCellMode(cell.mode) ? `mode ${cell.mode}` : `mode ${cell.mode} with ${cell.workers} worker${cell.workers === 1 ? '' : 's'}`;
    this.failMode(cell.mode, { kind: failure.kind, mode: cell.mode, workers: cell.workers, message: `${which}: ${failure.message}`, detail: failure.detail });
    if (this.stopped) return;
    if (this.harnesses.length > MAX_RESTARTS) {
      this.stop({ kind: 'internal', mode: null, workers: null, message: `the harness had to be restarted ${MAX_RESTARTS} times; stopping`, detail: null });
      return;
    }
    this.harness?.kill();
    await this.startHarness();
  }

  private async closeHarnesses(): Promise<void> {
    const active = this.harness;
    for (const h of this.harnesses) if (h !== active) h.kill();
    // Closing shares the margin: a harness slow to shut its pools down is killed in time.
    const grace = Math.max(300, Math.min(3000, this.budgetMs + BUDGET_MARGIN_SECONDS * 1000 * 0.7 - this.spent()));
    if (active) await (this.signal?.aborted ? Promise.resolve(active.kill()) : active.close(grace));
  }

  // -------------------------------------------------------------------------------------------
  // The budget (budget.ts)

  /**
   * The timeout of the next harness step: --timeout, or less when the deadline (the budget plus
   * half its margin) comes first; then a timeout means "the budget ran out", not "it hangs".
   */
  private stepTimeout(): number {
    const left = this.budgetMs + BUDGET_MARGIN_SECONDS * 1000 * 0.5 - this.spent();
    const byBudget = Math.max(MIN_STEP_MS, Math.floor(left));
    this.budgetBound = byBudget < this.timeoutMs;
    return Math.min(this.timeoutMs, byBudget);
  }

  /** The deadline stopped a step: what was measured stands, the rest is named in the result. */
  private budgetStop(): void {
    this.budgetCut = true;
    this.stopped = true;
    this.harness?.kill();
    this.harness = null;
  }

  /** Budget time spent so far: 0 until the module is imported. */
  private spent(): number {
    return this.budgetStart === null ? 0 : performance.now() - this.budgetStart;
  }

  private remaining(): number {
    return this.budgetMs - this.spent();
  }

  /** What one task costs, as the budget's estimates need it; null before the task profile. */
  private shape(): WorkShape | null {
    const p = this.result.taskProfile;
    if (!p || this.result.taskCount === null) return null;
    return {
      taskMs: p.wallMs,
      taskCount: Math.max(1, this.result.taskCount),
      cpuShare: Math.min(1, p.cpuWallRatio),
      usableCpus: this.result.machine.usableCpus,
      minSampleMs: this.result.settings.minSampleMs,
      gil: this.result.interpreter?.language === 'python' && this.result.interpreter.gilEnabled !== false,
    };
  }

  /**
   * Once one task is timed: for work that mostly waits, worker counts beyond the CPU count; then
   * the cells in order of what they tell, as many as the budget holds (MIN_ROUNDS samples each).
   */
  private async planBudget(): Promise<void> {
    const shape = this.shape();
    if (!shape) return;
    const usable = shape.usableCpus;
    const staticClass = await Promise.race([this.staticClassPromise, new Promise<null>((resolve) => setTimeout(() => resolve(null), 500))]);
    // The source's class breaks a tie a busy machine makes: computing work waiting for a CPU looks like waiting.
    const computes = staticClass?.kind === 'cpu' || staticClass?.kind === 'mixed' || staticClass?.kind === 'native';
    const waiting = (shape.cpuShare <= IO_BOUND_RATIO && !computes) || (staticClass?.kind === 'io' && shape.cpuShare < CPU_BOUND_RATIO);
    if (waiting && !(this.request.workers && this.request.workers.length > 0)) this.addWaitingCounts(usable);
    this.priority = cellPriority(
      [...this.states.values()].map((s) => s.cell),
      usable,
      waiting,
    );
    const live = this.priority.filter((c) => this.states.get(cellKey(c))?.status !== 'failed');
    this.adviseOnFirstCall(shape, live);
    const costs = live.map((c) => cellCost(c, shape));
    const { drop } = fitCells(costs, this.remaining() * PLAN_FILL);
    for (const cell of drop) this.skip(cell);
  }

  /** Pre-flight step two (first-call.ts): say how long the run takes, and propose smaller inputs when they do not fit. */
  private adviseOnFirstCall(shape: WorkShape, cells: Cell[]): void {
    const advice = firstCallAdvice({
      shape,
      cells,
      availableMs: this.remaining(),
      elapsedMs: performance.now() - this.t0,
      language: this.result.language as BenchLanguage,
      inputs: this.request.inputs,
    });
    this.result.firstCall = advice;
    if (advice.proposal) this.result.warnings.push(advice.message);
    this.onProgress({ type: 'first-call', advice });
    this.progress('profiling', 0.02, advice.proposal ? 'the inputs are too big for the time budget' : `the run will take about ${Math.round(advice.expectedMs / 1000)} s`);
  }

  /** Waiting work: the pools get worker counts up to 8 × the CPUs, within each mode's cap. */
  private addWaitingCounts(usable: number): void {
    const base = this.result.settings.workers;
    const ordered = new Map<string, CellState>();
    const all = new Set<number>(base);
    for (const mode of this.result.settings.modes) {
      const existing = [...this.states.values()].filter((s) => s.cell.mode === mode);
      if (singleCellMode(mode)) {
        for (const s of existing) ordered.set(cellKey(s.cell), s);
        continue;
      }
      for (const n of waitingWorkerCounts(mode, base, usable)) {
        all.add(n);
        const key = cellKey({ mode, workers: n });
        const state = this.states.get(key) ?? pendingCell({ mode, workers: n });
        const failed = existing.find((s) => s.status === 'failed');
        if (failed && state.status !== 'failed') {
          state.status = 'failed';
          state.error = failed.error;
        }
        ordered.set(key, state);
      }
    }
    this.states.clear();
    for (const [key, state] of ordered) this.states.set(key, state);
    this.result.settings.workers = [...all].sort((a, b) => a - b);
  }

  /** After warm-up, with every kept cell's real sample length: keep what MIN_ROUNDS rounds can cover. */
  private async trimAfterWarmUp(): Promise<void> {
    const order = this.priority.length > 0 ? this.priority : [...this.states.values()].map((s) => s.cell);
    const samples = order
      .map((cell) => this.states.get(cellKey(cell)))
      .filter((s): s is CellState => !!s && s.status === 'ok')
      .map((s) => ({ cell: s.cell, sampleMs: s.lastSampleMs }));
    // The dispatch probes come first: about 60 ms per pool.
    const probes = samples.filter((s) => s.cell.mode !== 'sequential').length * 60;
    for (const cell of trimToRounds(samples, this.remaining() - probes)) this.skip(cell);
  }

  private skip(cell: Cell): void {
    const state = this.states.get(cellKey(cell));
    if (!state || state.status === 'failed') return;
    state.status = 'pending';
    state.samplesMs = [];
    this.skipped.add(cellKey(cell));
  }

  /** A run that ended without a single baseline sample and no error: the budget was too short, said as an error. */
  private reportEmptyBudget(): void {
    const sequential = [...this.states.values()].find((s) => s.cell.mode === 'sequential');
    if (!sequential || sequential.samplesMs.length > 0 || this.result.errors.length > 0 || sequential.status === 'failed') return;
    this.result.errors.push({
      kind: 'timeout',
      mode: 'sequential',
      workers: 1,
      message: `the ${this.result.settings.maxSeconds} s time budget ran out before the sequential baseline got a sample (start-up took ${(((this.budgetStart ?? performance.now()) - this.t0) / 1000).toFixed(1)} s); raise the time budget (${this.knobs.maxSeconds})`,
      detail: null,
    });
  }

  /** The budget part of the result: what it left out, what got too few samples. */
  private budgetReport(): BudgetReport {
    const states = [...this.states.values()];
    const skipped = states.filter((s) => s.status !== 'failed' && s.samplesMs.length === 0 && (this.skipped.has(cellKey(s.cell)) || this.budgetCut));
    const short = states.filter((s) => s.status === 'ok' && s.samplesMs.length > 0 && s.samplesMs.length < MIN_ROUNDS);
    const notes: string[] = [];
    const budget = `${this.result.settings.maxSeconds} s`;
    if (skipped.length > 0) notes.push(`the ${budget} time budget left out ${cellList(skipped.map((s) => s.cell))}`);
    if (short.length > 0) notes.push(`${cellList(short.map((s) => s.cell))} got fewer than ${MIN_ROUNDS} samples`);
    if (this.budgetCut) notes.push('the step running at the deadline was stopped');
    const note =
      notes.length > 0
        ? `${notes.join('; ')}. To measure ${skipped.length > 0 ? 'them' : 'more'}, raise the time budget (${this.knobs.maxSeconds}) or use fewer or smaller inputs.`
        : null;
    if (note) this.result.warnings.push(note.charAt(0).toUpperCase() + note.slice(1));
    return {
      maxSeconds: this.result.settings.maxSeconds,
      marginSeconds: BUDGET_MARGIN_SECONDS,
      startupSeconds: Math.round(((this.budgetStart ?? performance.now()) - this.t0) / 10) / 100,
      skipped: skipped.map((s) => ({ mode: s.cell.mode, workers: s.cell.workers })),
      short: short.map((s) => ({ mode: s.cell.mode, workers: s.cell.workers, samples: s.samplesMs.length })),
      cutShort: this.budgetCut,
      note,
    };
  }

  // -------------------------------------------------------------------------------------------
  // The phases

  /** The cells the interpreter offers, from the harness's facts. */
  private plan(facts: InterpreterFacts): void {
    this.result.interpreter = facts;
    this.result.machine.usableCpus = facts.usableCpus;
    const planned = planCells(facts, this.request);
    this.result.settings.modes = planned.modes;
    this.result.settings.workers = planned.workers;
    this.result.warnings.push(...planned.warnings);
    for (const cell of planned.cells) this.states.set(cellKey(cell), pendingCell(cell));
  }

  /** One task alone: CPU ÷ wall tells computing from waiting. */
  private async profileTask(): Promise<void> {
    const sequential: Cell = { mode: 'sequential', workers: 1 };
    this.progress('profiling', 0.01, 'profiling one task');
    this.current = sequential;
    const profile = expect(await this.harnessNow().request({ cmd: 'profile-task' }, this.stepTimeout(), this.signal, 'sequential'), 'task-profile');
    if (profile.type === 'error') {
      this.failMode('sequential', errorFromReply(profile, sequential));
      return;
    }
    this.result.taskProfile = { wallMs: profile.wallMs, cpuMs: profile.cpuMs, cpuWallRatio: profile.wallMs > 0 ? profile.cpuMs / profile.wallMs : 0 };
    if (this.request.timeoutSeconds === undefined) {
      this.timeoutMs = Math.max(this.timeoutMs, Math.ceil(ADAPTIVE_TIMEOUT_FACTOR * profile.wallMs * (this.result.taskCount ?? 1)));
      this.result.settings.timeoutSeconds = Math.round(this.timeoutMs / 100) / 10;
    }
  }

  /**
   * A function that cannot be pickled fails every boundary-crossing mode now, with one clear
   * error per mode, instead of deep inside a pool.
   */
  private async measureSerialization(): Promise<void> {
    this.current = null;
    const reply = expect(await this.harnessNow().request({ cmd: 'serialization' }, this.stepTimeout(), this.signal), 'serialization');
    if (reply.type !== 'error') {
      this.result.serialization = { bytesPerTask: reply.bytesPerTask, msPerTask: reply.msPerTask };
    } else if (reply.kind === 'unpicklable') {
      for (const mode of this.result.settings.modes.filter(crossesBoundary)) {
        this.failMode(mode, { ...errorFromReply(reply, null), mode, message: `mode ${mode}: ${reply.message}` });
      }
    } else this.result.warnings.push(`the serialization cost could not be measured: ${reply.message}`);
  }

  /** Warm-up and calibration, cell by cell. */
  private async warmUp(): Promise<void> {
    const order = warmupOrder([...this.states.values()].map((s) => s.cell));
    for (const [index, cell] of order.entries()) {
      if (this.stopped) return;
      const state = this.states.get(cellKey(cell)) as CellState;
      if (state.status === 'failed' || this.skipped.has(cellKey(cell))) continue;
      // Past the budget, a cell is not started; but the first pool always is (without it there is
      // no comparison at all), and the deadline still bounds its steps.
      const shape = this.shape();
      const anyPool = [...this.states.values()].some((s) => s.cell.mode !== 'sequential' && s.status === 'ok');
      if (shape && cell.mode !== 'sequential' && anyPool && this.spent() + cellCost(cell, shape).setupMs > this.budgetMs) {
        this.skip(cell);
        continue;
      }
      this.progress('warmup', (0.15 * index) / order.length, `warming up ${describeCell(cell)}`, cell);
      await this.guarded(cell, () => this.warm(state));
    }
  }

  /** Warm-up runs (discarded; they create the pool) and, the first time, calibration. False if the mode failed. */
  private async warm(state: CellState): Promise<boolean> {
    const { cell } = state;
    let batchMs = Infinity;
    for (let i = 0; i < WARMUP_RUNS; i++) {
      const reply = await this.sample(cell, 1);
      if (reply.type === 'error') {
        this.failMode(cell.mode, errorFromReply(reply, cell));
        return false;
      }
      if (reply.startupMs !== null) state.startupMs = reply.startupMs;
      batchMs = Math.min(batchMs, reply.wallMs);
    }
    state.warmGeneration = this.generation;
    if (state.status === 'ok') return true;
    return this.calibrate(state, batchMs);
  }

  /** Batches per sample so that one sample lasts ≥ minSampleMs. False if the mode failed. */
  private async calibrate(state: CellState, batchMs: number): Promise<boolean> {
    const { cell } = state;
    const { minSampleMs } = this.result.settings;
    let repeat = calibrateRepeat(batchMs, minSampleMs);
    // One batch's time as last measured: a first batch can be far slower than the rest (imports,
    // caches, a child started once), and the budget plans with this.
    let perBatchMs = batchMs;
    for (let pass = 0; pass < CALIBRATION_PASSES && repeat > 1; pass++) {
      const reply = await this.sample(cell, repeat);
      if (reply.type === 'error') {
        this.failMode(cell.mode, errorFromReply(reply, cell));
        return false;
      }
      perBatchMs = reply.wallMs / repeat;
      if (reply.wallMs >= minSampleMs) break;
      repeat = Math.max(repeat + 1, calibrateRepeat(perBatchMs, minSampleMs));
    }
    state.repeat = repeat;
    state.lastSampleMs = perBatchMs * repeat;
    state.status = 'ok';
    return true;
  }

  /** Per-task dispatch cost of each pool (an empty task), measured once the pools are warm. */
  private async measureDispatch(): Promise<void> {
    for (const state of this.states.values()) {
      if (this.stopped) return;
      if (state.status !== 'ok') continue;
      const { cell } = state;
      this.progress('warmup', 0.16, `measuring the dispatch cost of ${describeCell(cell)}`, cell);
      await this.guarded(cell, async () => {
        if (state.warmGeneration !== this.generation && !(await this.warm(state))) return;
        this.current = cell;
        const reply = expect(await this.harnessNow().request({ cmd: 'dispatch', mode: cell.mode, workers: cell.workers }, this.stepTimeout(), this.signal, cell.mode), 'dispatch');
        if (reply.type === 'error') this.result.warnings.push(`the dispatch cost of ${describeCell(cell)} could not be measured: ${reply.message}`);
        else state.dispatchMsPerTask = reply.perTaskMs;
      });
    }
  }

  /**
   * Interleaved rounds within the budget: a round starts when it fits (the first MIN_ROUNDS
   * always try), and within it a sample starts only when it can end before the deadline, so the
   * deadline holds even when the estimates were short.
   */
  private async sampleRounds(): Promise<void> {
    const before = cpuSnapshot();
    const cpuBefore = new Map([...this.states.values()].map((s) => [s, s.cpuMs]));
    let estimatedRoundMs = this.sampling().reduce((sum, s) => sum + s.lastSampleMs + SAMPLE_OVERHEAD_MS, 0);
    while (this.sampling().length > 0 && this.result.rounds < MAX_ROUNDS && (this.result.rounds < MIN_ROUNDS || this.spent() + estimatedRoundMs <= this.budgetMs)) {
      const { roundMs, complete } = await this.sampleRound();
      // A round cut short (by a stop or the deadline) does not count.
      if (this.stopped || !complete) break;
      this.result.rounds++;
      estimatedRoundMs = roundMs;
    }
    // Other programs' share of the CPUs meanwhile: the machine's busy time minus the harness's.
    let harnessCpuMs = 0;
    let cpuKnown = true;
    for (const s of this.states.values()) {
      if (!s.cpuKnown) cpuKnown = false;
      harnessCpuMs += s.cpuMs - (cpuBefore.get(s) ?? 0);
    }
    if (cpuKnown) {
      const others = busyCpusBetween(before, cpuSnapshot(), harnessCpuMs);
      this.load.otherBusyCpusDuring = others === null ? null : Number(others.toFixed(2));
    }
  }

  /** Every sampling cell once, in this round's seeded order, each only if it ends before the deadline. */
  private async sampleRound(): Promise<{ roundMs: number; complete: boolean }> {
    const round = this.result.rounds;
    let roundMs = 0;
    for (const state of roundOrder(this.sampling(), round, this.result.settings.seed)) {
      if (this.stopped) break;
      if (state.status !== 'ok') continue;
      const { cell } = state;
      if (this.spent() + state.lastSampleMs + SAMPLE_OVERHEAD_MS > this.budgetMs) return { roundMs, complete: false };
      this.progress('sampling', 0.17 + 0.82 * Math.min(1, this.spent() / this.budgetMs), `round ${round + 1}: ${describeCell(cell)}`, cell);
      roundMs += (await this.guarded(cell, () => this.sampleCell(state))) ?? 0;
    }
    return { roundMs, complete: !this.stopped };
  }

  /** One sample of a cell (re-warming a pool the harness lost); its share of the round, 0 if it failed. */
  private async sampleCell(state: CellState): Promise<number> {
    const { cell } = state;
    if (state.warmGeneration !== this.generation && !(await this.warm(state))) return 0;
    const reply = await this.sample(cell, state.repeat);
    if (reply.type === 'error') {
      this.failMode(cell.mode, errorFromReply(reply, cell));
      return 0;
    }
    state.samplesMs.push(reply.wallMs / reply.repeat);
    state.wallMs += reply.wallMs;
    if (reply.cpuMs === null) state.cpuKnown = false;
    else {
      state.cpuMs += reply.cpuMs;
      if (reply.wallMs > 0) state.peakCpuWallRatio = Math.max(state.peakCpuWallRatio ?? 0, reply.cpuMs / reply.wallMs);
    }
    state.lastSampleMs = reply.wallMs;
    return reply.wallMs + SAMPLE_OVERHEAD_MS;
  }

  private sampling(): CellState[] {
    return [...this.states.values()].filter((s) => s.status === 'ok');
  }

  /** The measurements stand (forged lines were ignored), but writing there is a bug worth knowing about. */
  private reportStrayReplies(): void {
    if (this.strayReplies === 0) return;
    // What user code wrote may hold any byte: no control or bidirectional character reaches a terminal.
    // eslint-disable-next-line no-control-regex
    const line = this.firstStrayReply.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
    const first = line.length > 120 ? `${line.slice(0, 117)}...` : line;
    this.result.warnings.push(
      `the benchmarked code wrote ${this.strayReplies} line${this.strayReplies === 1 ? '' : 's'} to the harness's reply channel that did not come from the harness; ignored ` +
        `(they lack the run's token), the measurements are the harness's own. The first: ${first}`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Failures, progress, the end

  /** Marks every cell of a mode failed, recording the error once; the baseline's failure stops the benchmark. */
  private failMode(mode: Mode, error: BenchError): void {
    for (const state of this.states.values()) {
      if (state.cell.mode === mode && state.status !== 'failed') {
        state.status = 'failed';
        state.error = error;
      }
    }
    this.result.errors.push(error);
    if (mode === 'sequential') this.stopped = true;
  }

  private stop(error: BenchError): null {
    this.result.errors.push(error);
    this.stopped = true;
    return null;
  }

  /** A harness failure outside any cell's step (init, the task profile, serialization), or a bug. */
  private recordEscaped(error: unknown): void {
    if (error instanceof HarnessFailure) {
      const cell = this.current;
      if (error.kind === 'timeout' && this.budgetBound) {
        this.budgetCut = true;
        this.result.errors.push({
          kind: 'timeout',
          mode: cell?.mode ?? null,
          workers: cell?.workers ?? null,
          message: `the ${this.result.settings.maxSeconds} s time budget ran out ${cell ? `while measuring ${describeCell(cell)}` : 'while profiling one task'}; raise the time budget (${this.knobs.maxSeconds})`,
          detail: null,
        });
        return;
      }
      if (error.kind === 'aborted' || this.signal?.aborted) {
        this.result.errors.push({ kind: 'aborted', mode: cell?.mode ?? null, workers: cell?.workers ?? null, message: 'the benchmark was cancelled', detail: null });
      } else {
        const message = cell ? `${describeCell(cell)}: ${error.message}` : error.message;
        this.result.errors.push({ kind: error.kind, mode: cell?.mode ?? null, workers: cell?.workers ?? null, message, detail: error.detail });
      }
    } else {
      this.result.errors.push({ kind: 'internal', mode: null, workers: null, message: `internal error: ${(error as Error).message}`, detail: (error as Error).stack ?? null });
    }
  }

  private progress(phase: BenchPhase, fraction: number, message: string, cell?: Cell): void {
    this.lastFraction = Math.max(this.lastFraction, Math.min(fraction, 1));
    this.onProgress({ type: 'progress', phase, fraction: this.lastFraction, message, mode: cell?.mode, workers: cell?.workers });
  }

  private elapsed(): number {
    return performance.now() - this.t0;
  }

  /** Not run: importing the module does work (the pre-flight, or the harness's import guard). */
  private refuse(refusal: ImportRefusal, detail: string | null = null): BenchResult {
    this.result.refusal = refusal;
    const message = refusalMessage(refusal, this.request.functionName, (p) => path.relative(this.cwd, p) || p);
    this.stopped = true;
    return this.fail({ kind: 'refused', mode: null, workers: null, message, detail });
  }

  private fail(error: BenchError): BenchResult {
    this.result.errors.push(error);
    return this.done();
  }

  private done(): BenchResult {
    this.result.durationMs = this.elapsed();
    return this.result;
  }
}

/** The result document before anything ran: status failed until the summary says otherwise. */
function emptyResult(request: BenchRequest, file: string, timeoutMs: number): BenchResult {
  return {
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
      maxSeconds: request.maxSeconds ?? DEFAULT_MAX_SECONDS,
      timeoutSeconds: timeoutMs / 1000,
      minSampleMs: request.minSampleMs ?? DEFAULT_MIN_SAMPLE_MS,
      warmupRuns: WARMUP_RUNS,
      confidence: DEFAULT_CONFIDENCE,
      bootstrapResamples: DEFAULT_RESAMPLES,
      seed: request.seed ?? DEFAULT_SEED,
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
    startedAt: new Date().toISOString(),
    durationMs: 0,
  };
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

/** Narrows a reply to the expected type (or an error reply). */
function expect<T extends HarnessReply['type']>(reply: HarnessReply, type: T): Extract<HarnessReply, { type: T }> | ErrorReply {
  if (reply.type === type || reply.type === 'error') return reply as Extract<HarnessReply, { type: T }> | ErrorReply;
  throw new HarnessFailure('internal', `expected a ${type} reply, got ${reply.type}`);
}

function errorFromReply(reply: ErrorReply, cell: Cell | null): BenchError {
  return { kind: reply.kind, mode: reply.mode ?? cell?.mode ?? null, workers: cell?.workers ?? null, message: reply.message, detail: reply.detail };
}
