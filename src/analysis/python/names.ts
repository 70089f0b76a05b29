// Canonical names of the concurrency APIs, so that aliases and submodule spellings
// (`multiprocessing.pool.Pool`, `multiprocessing.dummy.Pool`, `joblib.externals.loky...`) compare
// equal, and what each executor is: its family, how it takes tasks, how it pickles them.

const CANONICAL: Record<string, string> = {
  'multiprocessing.pool.Pool': 'multiprocessing.Pool',
  'multiprocessing.context.Process': 'multiprocessing.Process',
  'multiprocessing.process.BaseProcess': 'multiprocessing.Process',
  'multiprocessing.dummy.Pool': 'multiprocessing.pool.ThreadPool',
  'multiprocessing.dummy.Process': 'threading.Thread',
  'multiprocessing.dummy.Manager': 'multiprocessing.dummy.Manager',
  'multiprocessing.managers.SyncManager': 'multiprocessing.Manager',
  'multiprocessing.queues.Queue': 'multiprocessing.Queue',
  'concurrent.futures.thread.ThreadPoolExecutor': 'concurrent.futures.ThreadPoolExecutor',
  'concurrent.futures.process.ProcessPoolExecutor': 'concurrent.futures.ProcessPoolExecutor',
  'concurrent.futures.interpreter.InterpreterPoolExecutor': 'concurrent.futures.InterpreterPoolExecutor',
  // The multiprocessing forks keep its module layout.
  'billiard.pool.Pool': 'billiard.Pool',
  'billiard.context.Process': 'billiard.Process',
  'billiard.process.BaseProcess': 'billiard.Process',
  'multiprocess.pool.Pool': 'multiprocess.Pool',
  'multiprocess.context.Process': 'multiprocess.Process',
  'multiprocess.process.BaseProcess': 'multiprocess.Process',
  'multiprocess.dummy.Pool': 'multiprocess.pool.ThreadPool',
  'multiprocess.dummy.Process': 'threading.Thread',
  // loky, standalone or vendored by joblib.
  'joblib.externals.loky.get_reusable_executor': 'loky.get_reusable_executor',
  'joblib.externals.loky.ProcessPoolExecutor': 'loky.ProcessPoolExecutor',
  'joblib.externals.loky.reusable_executor.get_reusable_executor': 'loky.get_reusable_executor',
  'loky.reusable_executor.get_reusable_executor': 'loky.get_reusable_executor',
  'loky.process_executor.ProcessPoolExecutor': 'loky.ProcessPoolExecutor',
  'joblib.parallel.Parallel': 'joblib.Parallel',
  'joblib.parallel.delayed': 'joblib.delayed',
  'joblib.parallel.parallel_backend': 'joblib.parallel_backend',
  'joblib.parallel.parallel_config': 'joblib.parallel_config',
  'sklearn.utils.parallel_backend': 'joblib.parallel_backend',
  'sklearn.utils.delayed': 'joblib.delayed',
  'sklearn.utils.fixes.delayed': 'joblib.delayed',
  'sklearn.utils.parallel.delayed': 'joblib.delayed',
  'pebble.pool.ProcessPool': 'pebble.ProcessPool',
  'pebble.pool.process.ProcessPool': 'pebble.ProcessPool',
  'pebble.pool.ThreadPool': 'pebble.ThreadPool',
  'pebble.pool.thread.ThreadPool': 'pebble.ThreadPool',
  'pebble.concurrent.process': 'pebble.concurrent.process',
  'pebble.concurrent.thread': 'pebble.concurrent.thread',
  'twisted.internet.reactor.callInThread': 'twisted.internet.reactor.callInThread',
};

// A Map: looked up for every resolved name, and `constructor` or `toString` are no aliases.
const CANONICAL_NAMES = new Map(Object.entries(CANONICAL));

export function canonicalName(name: string): string {
  return CANONICAL_NAMES.get(name) ?? name;
}

export type Family = 'thread' | 'process';

/** How tasks are serialised for the workers: the stdlib pickle cannot send lambdas or closures, the other two can. */
export type Pickler = 'pickle' | 'cloudpickle' | 'dill';

export const THREAD_CLASS = 'threading.Thread';
export const PROCESS_CLASS = 'multiprocessing.Process';

/** Classes whose instances run their `target` (or their `run` method) in a new thread or process. */
export const WORKER_CLASSES: Record<string, { family: Family; pickler: Pickler | null }> = {
  'threading.Thread': { family: 'thread', pickler: null },
  'threading.Timer': { family: 'thread', pickler: null },
  'multiprocessing.Process': { family: 'process', pickler: 'pickle' },
  'billiard.Process': { family: 'process', pickler: 'pickle' },
  'multiprocess.Process': { family: 'process', pickler: 'dill' },
};

/**
 * How an executor object takes tasks:
 * - `futures`: `submit(fn, *args)` → Future, `map(fn, *iterables, chunksize=1)` → lazy iterator;
 * - `pool`: the multiprocessing.Pool methods, the callable first (`map` chunks the items itself);
 * - `pebble`: `schedule(fn, args=, kwargs=)` / `submit(fn, timeout, *args)` → Future,
 *   `map(fn, *iterables, chunksize=1)` → a Future of the results.
 */
export type ExecutorApi = 'futures' | 'pool' | 'pebble';

export interface ExecutorSpec {
  family: Family;
  api: ExecutorApi;
  /** The constructor keyword that sets the number of workers (else its first positional argument). */
  sizeKeyword: string;
  pickler: Pickler | null;
  /** A function that creates one should release it (CL502); false for process-wide shared executors. */
  closable: boolean;
}

export const EXECUTORS: Record<string, ExecutorSpec> = {
  'concurrent.futures.ThreadPoolExecutor': { family: 'thread', api: 'futures', sizeKeyword: 'max_workers', pickler: null, closable: true },
  'concurrent.futures.ProcessPoolExecutor': { family: 'process', api: 'futures', sizeKeyword: 'max_workers', pickler: 'pickle', closable: true },
  'concurrent.futures.InterpreterPoolExecutor': { family: 'process', api: 'futures', sizeKeyword: 'max_workers', pickler: 'pickle', closable: true },
  'multiprocessing.Pool': { family: 'process', api: 'pool', sizeKeyword: 'processes', pickler: 'pickle', closable: true },
  'multiprocessing.pool.ThreadPool': { family: 'thread', api: 'pool', sizeKeyword: 'processes', pickler: null, closable: true },
  'billiard.Pool': { family: 'process', api: 'pool', sizeKeyword: 'processes', pickler: 'pickle', closable: true },
  'multiprocess.Pool': { family: 'process', api: 'pool', sizeKeyword: 'processes', pickler: 'dill', closable: true },
  'multiprocess.pool.ThreadPool': { family: 'thread', api: 'pool', sizeKeyword: 'processes', pickler: null, closable: true },
  'loky.ProcessPoolExecutor': { family: 'process', api: 'futures', sizeKeyword: 'max_workers', pickler: 'cloudpickle', closable: true },
  // One executor reused by every caller: shutting it down is the caller's choice, not a duty.
  'loky.get_reusable_executor': { family: 'process', api: 'futures', sizeKeyword: 'max_workers', pickler: 'cloudpickle', closable: false },
  'pebble.ProcessPool': { family: 'process', api: 'pebble', sizeKeyword: 'max_workers', pickler: 'pickle', closable: true },
  'pebble.ThreadPool': { family: 'thread', api: 'pebble', sizeKeyword: 'max_workers', pickler: null, closable: true },
};

export function executorSpec(name: string | null | undefined): ExecutorSpec | null {
  return name ? EXECUTORS[name] ?? null : null;
}

export const THREAD_POOLS = new Set(Object.keys(EXECUTORS).filter((name) => EXECUTORS[name].family === 'thread'));
export const PROCESS_POOLS = new Set(Object.keys(EXECUTORS).filter((name) => EXECUTORS[name].family === 'process'));

/** concurrent.futures-style executors: `submit(fn, *args)`, `map(fn, *iterables, chunksize=1)`. */
export const FUTURES_EXECUTORS = new Set(Object.keys(EXECUTORS).filter((name) => EXECUTORS[name].api === 'futures'));

/** Calls that run a function on the workers of an executor they create and shut down themselves, like `executor.map`. */
export const MAP_FUNCTIONS: Record<string, { family: Family; pickler: Pickler | null; sizeKeyword: string }> = {
  'tqdm.contrib.concurrent.thread_map': { family: 'thread', pickler: null, sizeKeyword: 'max_workers' },
  'tqdm.contrib.concurrent.process_map': { family: 'process', pickler: 'pickle', sizeKeyword: 'max_workers' },
};

/** Calls that hand one function to a shared thread (or process) pool: the position of the callable. */
export const OFFLOAD_FUNCTIONS: Record<string, { family: Family; callable: number; pickler: Pickler | null }> = {
  'asyncio.to_thread': { family: 'thread', callable: 0, pickler: null },
  'anyio.to_thread.run_sync': { family: 'thread', callable: 0, pickler: null },
  'anyio.to_process.run_sync': { family: 'process', callable: 0, pickler: 'pickle' },
  'twisted.internet.threads.deferToThread': { family: 'thread', callable: 0, pickler: null },
  'twisted.internet.threads.deferToThreadPool': { family: 'thread', callable: 2, pickler: null },
  'twisted.internet.reactor.callInThread': { family: 'thread', callable: 0, pickler: null },
};

/** `joblib.Parallel(...)(delayed(f)(x) for x in xs)`. */
export const JOBLIB_PARALLEL = 'joblib.Parallel';
export const JOBLIB_DELAYED = 'joblib.delayed';
/** Context managers that set the backend of the `Parallel` calls inside them. */
export const JOBLIB_BACKEND_CONTEXTS = new Set(['joblib.parallel_backend', 'joblib.parallel_config']);

/** pebble's decorators: each call of the decorated function runs it in a new thread or process. */
export const DECORATOR_EXECUTORS: Record<string, Family> = {
  'pebble.concurrent.process': 'process',
  'pebble.concurrent.thread': 'thread',
  'pebble.asynchronous.process': 'process',
  'pebble.asynchronous.thread': 'thread',
};

/** Classes a workspace class may derive from to become an executor or a worker (see `subclassBase`). */
export function isConcurrencyBase(name: string): boolean {
  return name in EXECUTORS || name in WORKER_CLASSES || name === JOBLIB_PARALLEL;
}

/** Modules a `pytest.importorskip("name")` / `importlib.import_module("name")` call returns. */
export const MODULE_IMPORTERS = new Set(['pytest.importorskip', 'importlib.import_module']);

/** multiprocessing pools (process or thread): the callable is always the first argument. */
export const POOL_METHODS = new Set([
  'map',
  'imap',
  'imap_unordered',
  'starmap',
  'apply',
  'apply_async',
  'map_async',
  'starmap_async',
]);

export const MAP_LIKE_METHODS = new Set(['map', 'imap', 'imap_unordered', 'starmap', 'map_async', 'starmap_async']);

/** multiprocessing.Pool methods that split the items into chunks themselves when no `chunksize` is given. */
export const SELF_CHUNKING_METHODS = new Set(['map', 'starmap', 'map_async', 'starmap_async']);

export const LOCK_CLASSES = new Set([
  'threading.Lock',
  'threading.RLock',
  'threading.Semaphore',
  'threading.BoundedSemaphore',
  'threading.Condition',
  'multiprocessing.Lock',
  'multiprocessing.RLock',
  'multiprocessing.Semaphore',
  'multiprocessing.BoundedSemaphore',
  'multiprocessing.Condition',
  'asyncio.Lock',
]);

/** Functions whose result is a multiprocessing context: its attributes mirror the module's. */
export const CONTEXT_FACTORIES = new Set(['multiprocessing.get_context']);

/** The twin in the other family, used by the executor-swapping fixes. */
export const THREAD_TO_PROCESS: Record<string, { module: string; name: string }> = {
  'concurrent.futures.ThreadPoolExecutor': { module: 'concurrent.futures', name: 'ProcessPoolExecutor' },
  'multiprocessing.pool.ThreadPool': { module: 'multiprocessing', name: 'Pool' },
  'threading.Thread': { module: 'multiprocessing', name: 'Process' },
};

export const PROCESS_TO_THREAD: Record<string, { module: string; name: string }> = {
  'concurrent.futures.ProcessPoolExecutor': { module: 'concurrent.futures', name: 'ThreadPoolExecutor' },
  'multiprocessing.Pool': { module: 'multiprocessing.pool', name: 'ThreadPool' },
  'multiprocessing.Process': { module: 'threading', name: 'Thread' },
};
