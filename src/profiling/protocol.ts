// The protocol between the benchmark engine (TypeScript, src/profiling) and the harness programs
// that run user code (src/profiling/harness: a Python script and a Node script).
//
// Why this split: the method (warm-up, calibration, interleaving, time budget, statistics,
// verdict) lives once, in the engine; a harness is a thin executor that imports the user's
// module, keeps pools alive between samples, and times what it is told to run. Both harnesses
// speak exactly this protocol, so the engine treats Python and Node alike.
//
// Transport: the engine writes commands as JSON lines on the harness's stdin and reads replies
// as JSON lines on a descriptor of their own (a pipe): REPLY_FD, named to the harness in
// REPLY_FD_ENV, or fd 3 when a harness is started by hand. stdout and stderr stay the user's:
// code that prints cannot corrupt the protocol. One reply per command, in order, carrying the
// command's id.
//
// The user's code runs in the harness's process and could still write to the reply descriptor,
// by accident (fd 3 is a usual first free descriptor) or on purpose. So the engine sends a random
// token in the init command, every reply carries it as its first field, and the engine ignores
// (and reports) any line without it; and the harness keeps its descriptors out of the way: the
// replies high, at REPLY_FD, the commands moved off stdin (Python), fd 3 pointing at /dev/null so a
// stray write there vanishes instead of landing in a pipe nobody reads.

export type PythonMode = 'sequential' | 'threads' | 'processes' | 'processes-spawn' | 'interpreters';
// 'main-thread-async' (Node harness): every task of the batch started at once on the main thread and
// awaited together (Promise.all), `workers` ignored. Async I/O overlaps there without any thread, so
// this is the mode that shows an I/O-bound async function belongs on the main thread; in
// 'sequential' each task is awaited before the next starts.
export type NodeMode = 'sequential' | 'main-thread-async' | 'worker_threads' | 'child_process';
export type Mode = PythonMode | NodeMode;

/** Where the engine puts the reply pipe in the harness (POSIX): far from the descriptors code opens. */
export const REPLY_FD = 63;
/** The environment variable naming the reply descriptor; the harness removes it before user code runs. */
export const REPLY_FD_ENV = 'CONCURRENCY_LENS_REPLY_FD';

/**
 * The most task inputs a harness accepts (python_harness.py MAX_TASKS is the same number): every
 * batch runs each item once and a pool holds a pending task per item, so ten million items took
 * a harness to 7 GB before any mode ran. A harness refuses more at init, with an `inputs` error.
 */
export const MAX_TASKS = 1_000_000;

export interface InitCommand {
  cmd: 'init';
  id: number;
  /** Absolute path of the user's module. */
  file: string;
  functionName: string;
  /** Python: an expression evaluated once in the module's namespace; Node: a JS expression. Each item is one call's argument; tuples/arrays are spread. */
  inputs: string;
  /**
   * How the project imports the module (target-module.ts). Python: the dotted name and the
   * folders to put first on sys.path, in the harness and in every pool worker; absent or a null
   * `module`: the file is loaded from its path as a script.
   */
  target?: { module: string | null; sysPath: string[] };
  /**
   * Random, per harness: every reply from then on carries it as `token`, its first field. Sent in
   * the first command, not the environment, where user code (and /proc/PID/environ) would see it.
   */
  token?: string;
}

export interface RunCommand {
  cmd: 'run';
  id: number;
  mode: Mode;
  workers: number;
  /** How many times to run the whole batch of tasks back to back in this sample (calibration). */
  repeat: number;
}

/** Time one task alone on the calling thread: wall time and CPU time, to tell I/O from CPU work. */
export interface ProfileTaskCommand {
  cmd: 'profile-task';
  id: number;
}

/** Cost of moving one task's arguments and result across a process boundary. */
export interface SerializationCommand {
  cmd: 'serialization';
  id: number;
}

/** Per-task overhead of a pool: the same batch size with an empty task. */
export interface DispatchCommand {
  cmd: 'dispatch';
  id: number;
  mode: Mode;
  workers: number;
}

export interface ShutdownCommand {
  cmd: 'shutdown';
  id: number;
}

export type HarnessCommand = InitCommand | RunCommand | ProfileTaskCommand | SerializationCommand | DispatchCommand | ShutdownCommand;

export interface InterpreterFacts {
  language: 'python' | 'node';
  /** e.g. "3.11.7" or "20.20.2". */
  version: string;
  /** e.g. "CPython", "PyPy", "node". */
  implementation: string;
  executable: string;
  /** Python: `sys._is_gil_enabled()` on 3.13+, true before; Node: null. */
  gilEnabled: boolean | null;
  /** Python: multiprocessing's default start method; Node: null. */
  defaultStartMethod: string | null;
  /** Python 3.14+: concurrent.futures.InterpreterPoolExecutor exists. */
  hasInterpreterPool: boolean;
  cpuCount: number;
  /** CPUs this process may run on (sched_getaffinity / availableParallelism). */
  usableCpus: number;
  /** The modes this harness can run here. */
  modes: Mode[];
}

export interface ReadyReply {
  type: 'ready';
  id: number;
  facts: InterpreterFacts;
  taskCount: number;
  /** A short repr of the first input, for the report. */
  inputPreview: string;
  /** Python: the dotted name the module was imported by; null when it was loaded from its path. */
  importedAs?: string | null;
  /** Why the module was not imported by the name the engine asked for (a name already taken), when so. */
  importNote?: string | null;
}

export interface SampleReply {
  type: 'sample';
  id: number;
  mode: Mode;
  workers: number;
  repeat: number;
  /** Wall time of the whole sample (all repeats), excluding pool start-up. */
  wallMs: number;
  /** CPU time of this process and its workers during the sample, when measurable. */
  cpuMs: number | null;
  /** Set when this sample had to create the pool: its start-up time, measured separately. */
  startupMs: number | null;
}

export interface TaskProfileReply {
  type: 'task-profile';
  id: number;
  wallMs: number;
  cpuMs: number;
}

export interface SerializationReply {
  type: 'serialization';
  id: number;
  /** Bytes of one task's arguments plus its result when serialized (pickle / structured clone). */
  bytesPerTask: number;
  /** Milliseconds to serialize and deserialize them once. */
  msPerTask: number;
}

export interface DispatchReply {
  type: 'dispatch';
  id: number;
  mode: Mode;
  workers: number;
  perTaskMs: number;
}

export interface ByeReply {
  type: 'bye';
  id: number;
}

export type ErrorKind =
  | 'import' // the module could not be loaded
  | 'no-function' // no such function (or not exported)
  | 'inputs' // the inputs expression failed or is not iterable
  | 'raised' // the user's function raised / threw
  | 'unpicklable' // the function, an argument or a result cannot be sent to a process / worker
  | 'worker-died' // a worker process exited or crashed
  | 'unsupported' // the mode does not exist here (e.g. interpreters before 3.14)
  | 'refused' // the module does work at import (starts processes, listens): not run (see ImportRefusal)
  | 'internal';

/**
 * Why a module was not benchmarked: importing it does work of its own (a process pool at module
 * level, a server that listens, a worker script's message loop, a file that spawns itself). Found
 * statically before anything runs (preflight.ts, from the analyzer's facts), or by the harness's
 * import guard while importing.
 */
export interface ImportRefusal {
  /** static: the analyzer found it, nothing ran; import: the harness's guard stopped it during the import. */
  stage: 'static' | 'import';
  reason: 'process-at-import' | 'server-at-import' | 'worker-script' | 'self-spawning-worker';
  /** The rule that flags the same code (CL201, CL203), whose fix applies; null when none does. */
  rule: string | null;
  /** Absolute path and 1-based line (and column) of the code that does the work. */
  path: string;
  line: number | null;
  column: number | null;
  /** What the module does at import, in one sentence. */
  message: string;
  /** What to change. */
  fix: string;
}

export interface ErrorReply {
  type: 'error';
  id: number;
  kind: ErrorKind;
  /** The mode that hit it, when it happened while running one. */
  mode: Mode | null;
  message: string;
  /** Traceback / stack, trimmed to the user's frames when possible. */
  detail: string | null;
  /** kind `refused`: what the import guard caught, and where. */
  refusal?: ImportRefusal;
}

export type HarnessReply = ReadyReply | SampleReply | TaskProfileReply | SerializationReply | DispatchReply | ByeReply | ErrorReply;

/** A reply as written: the init command's token first (absent before init, or when none was sent). */
export type SignedReply = { token?: string } & HarnessReply;
