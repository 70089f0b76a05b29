import type { Effect } from './types';

// Methods called on a receiver whose type the analyzer does not know. Only names that do the
// same thing on practically every object that has them are listed: `append`, `strip`, `is_set`,
// `logger.info`-style reporting, `recv`. Names that mean different things on different objects
// (`get`: a dict or a queue or an HTTP session; `read`, `write`, `run`, `start`) are left out, so
// the call stays unknown.

const names = (effect: Effect, list: string): [string, Effect][] =>
  list.trim().split(/\s+/).map((name) => [name, effect]);

const BY_NAME = new Map<string, Effect>([
  // containers, strings, bytes, numbers
  ...names('neutral', `append appendleft extend extendleft insert pop popleft popitem remove discard clear add
    items keys values setdefault copy split rsplit splitlines partition rpartition strip lstrip rstrip
    lower upper title capitalize casefold swapcase replace startswith endswith encode decode format format_map
    count index find rfind rindex isdigit isalpha isalnum isspace isupper islower isnumeric isdecimal
    isidentifier isprintable zfill ljust rjust center expandtabs translate removeprefix removesuffix
    is_integer bit_length to_bytes from_bytes hex fromhex reverse tolist item most_common elements subtract
    getvalue`),
  // regex matches, hashes, dates
  ...names('neutral', 'group groups groupdict span hexdigest digest total_seconds isoformat strftime timestamp astimezone'),
  // threads, events, locks and queues: the calls that never block
  ...names('neutral', `is_set isSet set notify notify_all notifyAll release locked task_done put_nowait get_nowait
    qsize empty full is_alive isAlive isDaemon setDaemon getName setName cancel cancelled done running
    add_done_callback`),
  // files and sockets: releasing them is cheap
  ...names('neutral', 'close flush fileno isatty seekable readable writable settimeout setblocking setsockopt bind listen'),
  // loggers and logger-like reporters, and setting up their handlers
  ...names('neutral', `debug info warning warn error exception critical log isEnabledFor setLevel setFormatter
    setTarget addHandler removeHandler addFilter removeFilter`),
  // event loops: scheduling a callback only queues it
  ...names('neutral', 'call_soon call_soon_threadsafe call_later call_at set_event_loop new_event_loop'),
  // array methods: only numpy, pandas, scipy.sparse and torch objects have these
  ...names('native', `ravel reshape astype flatten toarray todense tocsr tocsc tocoo transpose squeeze nonzero
    argsort argmax argmin cumsum cumprod dot clip sum mean std var take`),
  // sockets, connections, DB-API cursors, paths
  ...names('io', `accept recv recv_into recvfrom recvfrom_into sendall sendto send urlopen execute executemany
    executescript fetchall fetchone fetchmany communicate`),
  ...names('file', 'read_text write_text read_bytes write_bytes readline readlines writelines'),
  // waits
  ...names('wait', 'wait wait_for acquire result'),
  // protocol hooks that convert or compare (`x.__array_namespace__()`, `super().__init__()`)
  ...names('neutral', `__init__ __new__ __str__ __repr__ __format__ __hash__ __eq__ __ne__ __lt__ __le__ __gt__
    __ge__ __len__ __bool__ __contains__ __getstate__ __setstate__ __reduce__ __reduce_ex__ __copy__
    __array_namespace__ __init_subclass__ __class_getitem__ __fspath__ __index__ __int__ __float__`),
]);

/**
 * Checks that call the callable they are given after this many arguments (`assertRaises(E, f,
 * x)`); with no more arguments they are context managers.
 */
export const CALLS_ARGUMENT_AFTER: Readonly<Record<string, number>> = {
  assertRaises: 1, assertWarns: 1, assertRaisesRegex: 2, assertWarnsRegex: 2, assertRaisesRegexp: 2, failUnlessRaises: 1,
};

/**
 * Methods that run a loop until the program stops it: on an unknown receiver the task is whatever
 * that loop serves, so the call decides the class.
 */
export const RUNS_FOREVER = new Set(['serve_forever', 'run_forever', 'mainloop', 'loop_forever', 'serve']);

/**
 * What a method does on an unknown receiver, when its name alone says so (null: it does not).
 * `args` is the number of arguments; `timeoutArg` whether the first one looks like a timeout
 * (a number, or a `timeout` name or keyword).
 */
export function methodByName(method: string, args: number, timeoutArg: boolean): Effect | null {
  if (method === 'join') {
    // `sep.join(parts)` builds a string; `t.join()` / `t.join(timeout)` waits for a thread or queue.
    return args === 0 || timeoutArg ? 'wait' : 'neutral';
  }
  // `d.update(other)` merges dicts; a bare `plugin.update()` refreshes something the name
  // does not describe.
  if (method === 'update') return args > 0 ? 'neutral' : null;
  // `self.assertEqual(a, b)` in a test mixin whose TestCase base comes in a subclass: a check of
  // the values it is given. The forms that call a callable they are given are not.
  if (/^assert[A-Z]/.test(method)) {
    const runs = CALLS_ARGUMENT_AFTER[method];
    return runs !== undefined && args > runs ? null : 'neutral';
  }
  return BY_NAME.get(method) ?? null;
}
