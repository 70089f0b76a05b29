import type { ErrorKind, ImportRefusal, InterpreterFacts, Mode } from './protocol';
import type { ImportTarget } from './target-module';

export type { ImportRefusal } from './protocol';
export type { ImportTarget, NodeImportTarget, PythonImportTarget } from './target-module';

// The benchmark's input (BenchRequest) and its result document (BenchResult): what
// `runBenchmark` returns, what `concurrency-lens bench --json` prints and what the editor's
// webview renders. It is the `bench --json` contract (docs/bench.md "The JSON document"):
// fields are only ever added to it.

export type BenchLanguage = 'python' | 'node';

/** What to benchmark and how hard; everything but the first three has a default (plan.ts). */
export interface BenchRequest {
  /** The user's module (.py, or .js/.mjs/.cjs/.ts/... for the Node harness). */
  file: string;
  functionName: string;
  /** An expression in the module's language giving the task inputs; each item is one call. */
  inputs: string;
  /** Modes to compare; `sequential` is always added (it is the baseline). Default: all the harness offers. */
  modes?: Mode[];
  /** Worker counts; default 1, 2, 4, … up to the usable CPU count, and that count itself. */
  workers?: number[];
  /**
   * Accept worker counts above the caps (plan.ts `workerCap`: 256 for threads, 4 × the usable
   * CPUs for every other pool); without it such a request is a usage error.
   */
  allowManyWorkers?: boolean;
  /** Time budget for the whole benchmark, in seconds (default 20). */
  maxSeconds?: number;
  /** Longest any single harness command (one sample, pool start-up, import) may take, in seconds. */
  timeoutSeconds?: number;
  /** Python interpreter; default `python3`, then `python` on PATH. */
  python?: string;
  /** Node executable for JS/TS modules; default `node` on PATH, then this process's own. */
  node?: string;
  /** Working directory of the harness (the user's code sees it); default this process's. */
  cwd?: string;
  /** Seed of the bootstrap and of the interleaving order: the same samples give the same CIs. */
  seed?: number;
  /** Calibration target: one sample lasts at least this long unless one batch is longer (100 ms). */
  minSampleMs?: number;
  /** Folder holding python_harness.py and node-harness.js; default: found beside the bundle. */
  harnessDir?: string;
  /** Also classify the function statically with src/analysis (default true). */
  staticAnalysis?: boolean;
  /**
   * The static class when the caller already has it (the editor: the language server's benchmark
   * target), so the engine need not carry that language's analyzer (the extension's bundle has no
   * JS/TS one).
   */
  staticClass?: { kind: string; reason: string } | null;
  /**
   * How the result's advice names the knobs (the CLI's flags by default). The editor passes its
   * settings, so no text it shows asks for a command-line flag.
   */
  knobs?: Partial<KnobNames>;
}

/** The names of the benchmark's knobs in the advice the result gives (see BenchRequest.knobs). */
export interface KnobNames {
  /** The time budget: `--max-seconds` (CLI), a setting in the editor. */
  maxSeconds: string;
  /** The worker counts: `--workers`. */
  workers: string;
  /** The per-step timeout: `--timeout`. */
  timeout: string;
}

/** Errors of the harness protocol plus the ones only the engine can see. */
export type BenchErrorKind =
  | ErrorKind
  | 'timeout' // a command ran past --timeout: the harness's process tree was killed
  | 'harness-died' // the harness exited or was killed in the middle of a command
  | 'aborted' // cancelled (AbortSignal, Ctrl+C)
  | 'usage' // a bad request: unknown file type, missing file, bad mode or worker count
  // (and 'refused', from ErrorKind: the pre-flight or the import guard would not run the module)
  | 'spawn'; // the interpreter could not be started

export interface BenchError {
  kind: BenchErrorKind;
  /** The mode that hit it, when it happened while running one. */
  mode: Mode | null;
  workers: number | null;
  message: string;
  /** Traceback / stack / the harness's stderr tail. */
  detail: string | null;
}

export interface MachineFacts {
  platform: string;
  arch: string;
  cpuModel: string | null;
  /** Logical CPUs of the machine. */
  cpuCount: number;
  /** CPUs the harness may run on (affinity), as the harness reports it. */
  usableCpus: number;
  totalMemoryMb: number;
  /** 1-minute load average when the benchmark started (other work on the machine adds noise). */
  loadAverage: number | null;
}

export interface Interval {
  low: number;
  high: number;
}

export interface CellResult {
  mode: Mode;
  workers: number;
  /** `failed`: the mode hit an error (see `error`); `not-run`: the budget or an earlier error stopped it. */
  status: 'ok' | 'failed' | 'not-run';
  /** Batches per sample (calibration). */
  repeat: number | null;
  /** Wall time of one batch (all tasks once) per sample, in ms, in the order measured. */
  samplesMs: number[];
  medianMs: number | null;
  /** Bootstrap 95% confidence interval of the median. */
  ci95Ms: Interval | null;
  meanMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** Coefficient of variation (stdev / mean). */
  cv: number | null;
  /** CV ≥ 10% or min / max ≥ 50% away from the median: read this cell with care. */
  unstable: boolean;
  unstableReason: string | null;
  /** T(sequential) / T(this cell), medians. */
  speedup: number | null;
  /** Bootstrap 95% CI of the ratio of medians. */
  speedupCi95: Interval | null;
  /** Speedup ÷ workers. */
  efficiency: number | null;
  /** Karp–Flatt experimentally determined serial fraction for this worker count (n ≥ 2). */
  karpFlatt: number | null;
  /** Creating the pool and getting an answer from every worker; not included in the samples. */
  startupMs: number | null;
  /** Per-task cost of the pool itself: an empty task through it. */
  dispatchMsPerTask: number | null;
  /** Pickle / structured-clone cost of one task's call and result, for modes that cross a boundary. */
  serialization: { bytesPerTask: number; msPerTask: number } | null;
  /** CPU time of the harness and its workers ÷ wall time during the samples (≈ busy cores). */
  cpuWallRatio: number | null;
  cpuMsPerTask: number | null;
  error: BenchError | null;
}

export type WorkloadKind = 'cpu-bound' | 'io-bound' | 'mixed' | 'trivial' | 'unknown';

export interface WorkloadClassification {
  /** From the task profile's CPU/wall ratio (and the task's size against the pools' dispatch cost). */
  kind: WorkloadKind;
  cpuWallRatio: number | null;
  taskMs: number | null;
  /** Measured: CPU-bound, yet threads scaled (native code that releases the GIL, or no GIL). */
  releasesGil: boolean | null;
  /** The static analyzer's class of the function (src/analysis), when it could tell. */
  static: { kind: string; reason: string } | null;
  summary: string;
}

export interface AmdahlFit {
  /** Least-squares serial fraction s of T(n) = T(1)·(s + (1−s)/n), from the speedups vs sequential. */
  serialFraction: number;
  /** 1 / s: the speedup no worker count can beat if the fit holds; null when s ≤ 0. */
  maxSpeedup: number | null;
  /** Worker counts (n ≥ 2) the fit used. */
  points: number;
  /** Root-mean-square error of the fitted speedups. */
  rmse: number;
}

export interface ModeScaling {
  mode: Mode;
  amdahl: AmdahlFit | null;
  karpFlatt: { workers: number; value: number }[];
}

export interface Recommendation {
  /** `sequential` means: run it inline, no pool pays off. */
  mode: Mode;
  workers: number;
  reason: string;
  /** The winning cell's speedup and CI (1 for sequential). */
  speedup: number | null;
  speedupCi95: Interval | null;
}

/**
 * Whether the run can be trusted. Inconclusive when its own measurements say they are distorted:
 * the CPUs were taken by other programs (before or during the run, or the pools were starved),
 * the deciding cells were unstable around the decision, or they got too few samples.
 */
export interface Verdict {
  status: 'conclusive' | 'inconclusive';
  /** Why it cannot be trusted, in one sentence; null when conclusive. */
  reason: string | null;
  /** What to do about it; null when conclusive. */
  advice: string | null;
  /** Each problem found (several may apply). */
  problems: { kind: 'busy' | 'starved' | 'unstable' | 'few-samples'; message: string }[];
}

/** The machine's load: before the run (the pre-flight check) and during the sampling. */
export interface LoadReport {
  /** 1-minute load average when the benchmark started (null on Windows). */
  loadAverageBefore: number | null;
  /** CPUs other programs kept busy just before the start (measured over a short interval). */
  busyCpusBefore: number | null;
  /** CPUs other programs kept busy while the samples ran: the machine's busy time minus the harness's. */
  otherBusyCpusDuring: number | null;
  /** 1-minute load average at the end. */
  loadAverageAfter: number | null;
  /** The pre-flight said the machine was already busy: the run may be inconclusive. */
  busyAtStart: boolean;
}

/** How the time budget was spent and what it left out. */
export interface BudgetReport {
  maxSeconds: number;
  /**
   * The run ends within startupSeconds + maxSeconds + this margin (closing the harness, the
   * statistics): the budget's clock starts once the module is imported.
   */
  marginSeconds: number;
  /** Start-up before the budget's clock: the load check, the interpreter starting, the import and the inputs. */
  startupSeconds: number;
  /** Cells the budget left out (never started, or stopped before their first sample). */
  skipped: { mode: Mode; workers: number }[];
  /** Cells measured with fewer samples than the minimum because the budget ran out. */
  short: { mode: Mode; workers: number; samples: number }[];
  /** The budget ran out in the middle of a step, which was stopped. */
  cutShort: boolean;
  /** What the budget could not measure, in words; null when everything planned ran. */
  note: string | null;
}

/**
 * From which per-call duration and item count a process pool beats running sequentially, from
 * this run's measured costs of the pool (start-up, dispatch, serialisation) on this machine.
 */
export interface BreakEven {
  mode: Mode;
  workers: number;
  /** Pool start-up, paid once per pool (ms). */
  startupMs: number;
  /** Per-item cost of the pool: dispatch plus serialisation (ms). */
  perItemOverheadMs: number;
  /** The parallel speedup assumed for the work itself (the measured one when it is above 1, else the workers usable). */
  parallelism: number;
  /** With the pool reused (start-up paid once): a call must take at least this long (ms). */
  minTaskMs: number | null;
  /** For this function's measured call duration: the fewest items per batch that pay for a new pool. */
  minItems: number | null;
  /** The measured duration of one call (ms). */
  taskMs: number | null;
  summary: string;
}

export interface BenchResult {
  version: 1;
  /** ok: everything ran; partial: some modes failed; failed: no usable comparison; aborted: cancelled. */
  status: 'ok' | 'partial' | 'failed' | 'aborted';
  file: string;
  functionName: string;
  inputs: string;
  inputPreview: string | null;
  taskCount: number | null;
  language: BenchLanguage | null;
  machine: MachineFacts;
  interpreter: InterpreterFacts | null;
  settings: {
    maxSeconds: number;
    timeoutSeconds: number;
    minSampleMs: number;
    warmupRuns: number;
    confidence: number;
    bootstrapResamples: number;
    seed: number;
    modes: Mode[];
    workers: number[];
  };
  /** One task run alone on the harness's main thread. */
  taskProfile: { wallMs: number; cpuMs: number; cpuWallRatio: number } | null;
  /** One task's call and result through pickle (Python) / structured clone (Node). */
  serialization: { bytesPerTask: number; msPerTask: number } | null;
  workload: WorkloadClassification | null;
  cells: CellResult[];
  scaling: ModeScaling[];
  /**
   * The measured winner; null when none can be named: no baseline, or an inconclusive run in
   * which no pool won ("run it inline" is not claimed from a run that cannot be trusted).
   */
  recommendation: Recommendation | null;
  /** Whether to trust the run (absent in results from before the verdict existed: read as conclusive). */
  verdict?: Verdict;
  load?: LoadReport;
  budget?: BudgetReport;
  breakEven?: BreakEven | null;
  errors: BenchError[];
  warnings: string[];
  /**
   * How the module was imported (target-module.ts): Python's dotted name and sys.path folders,
   * Node's package and format. Absent in documents from before it existed.
   */
  target?: ImportTarget & { importedAs?: string | null };
  /**
   * Set when the module was not benchmarked because importing it does work (preflight.ts, or the
   * harness's import guard); `errors` then holds one error of kind `refused`. Absent otherwise.
   */
  refusal?: ImportRefusal;
  /** Pre-flight step two: one call timed, how long the run takes, smaller inputs when they do not fit (first-call.ts). */
  firstCall?: FirstCallAdvice | null;
  /** Interleaved rounds completed (each measures every cell once). */
  rounds: number;
  startedAt: string;
  durationMs: number;
}

/** One call timed before the run (first-call.ts): what the run will take, and smaller inputs when it cannot fit. */
export interface FirstCallAdvice {
  /** One call on the first input, ms. */
  callMs: number;
  taskCount: number;
  /** Every item once, one after another, ms. */
  batchMs: number;
  /** The smallest comparison (sequential and one pool, the minimum samples each, with warm-up), ms. */
  neededMs: number;
  /** How long the whole run will take, start-up included, ms. */
  expectedMs: number;
  /** Set when the inputs are too big for the budget. */
  proposal: {
    /** About how many times less work. */
    factor: number;
    /** Items to keep (null: fewer items would not help, the calls themselves are too long). */
    items: number | null;
    /** How long one call may take for the run to fit (null: fewer items are enough). */
    callLimitMs: number | null;
    /** The inputs expression with `items` items (null without `items`). */
    inputs: string | null;
    /** The time budget that would hold the inputs as they are, seconds. */
    maxSeconds: number;
  } | null;
  /** The advice in one paragraph. */
  message: string;
}

export type BenchPhase = 'starting' | 'profiling' | 'warmup' | 'sampling' | 'finishing';

export type ProgressEvent =
  | {
      type: 'progress';
      phase: BenchPhase;
      /** 0…1 of the expected work (the time budget drives it). */
      fraction: number;
      message: string;
      mode?: Mode;
      workers?: number;
    }
  /** The harness process started: its pid is also its process group's id. */
  | { type: 'harness'; pid: number; command: string[] }
  /** One call was timed (pre-flight step two): the run's expected length, and smaller inputs when they do not fit. */
  | { type: 'first-call'; advice: FirstCallAdvice }
  /** Something the user's code (or the interpreter) wrote on stdout / stderr. */
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string };

export type ProgressListener = (event: ProgressEvent) => void;
