// Canonical names of the standard-library concurrency APIs, so that aliases and submodule
// spellings (`multiprocessing.pool.Pool`, `multiprocessing.dummy.Pool`, ...) compare equal.

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
};

export function canonicalName(name: string): string {
  return CANONICAL[name] ?? name;
}

export const THREAD_CLASS = 'threading.Thread';
export const PROCESS_CLASS = 'multiprocessing.Process';

export const THREAD_POOLS = new Set(['concurrent.futures.ThreadPoolExecutor', 'multiprocessing.pool.ThreadPool']);
export const PROCESS_POOLS = new Set([
  'concurrent.futures.ProcessPoolExecutor',
  'multiprocessing.Pool',
  'concurrent.futures.InterpreterPoolExecutor',
]);

/** concurrent.futures executors: `submit(fn, *args)`, `map(fn, *iterables, chunksize=1)`. */
export const FUTURES_EXECUTORS = new Set([
  'concurrent.futures.ThreadPoolExecutor',
  'concurrent.futures.ProcessPoolExecutor',
  'concurrent.futures.InterpreterPoolExecutor',
]);

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
