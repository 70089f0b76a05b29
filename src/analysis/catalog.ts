import type { Language, RuleMeta, Severity, SeveritySetting } from './core/types';

// The rule catalogue: the one source of truth for every rule's public facts (code, name,
// languages, default severity, summary, fix, whether the benchmark can measure its subject).
// Rule modules take their metadata from here (`ruleMeta`), the `rules` command, SARIF, hover and
// code actions read it, and the docs page headers and the README rule table are generated from
// it (`npm run docs:rules`; test/catalog.test.ts fails when they drift). Codes and names are
// public (suppressions, settings, SARIF, docs links): never rename or renumber one.

export interface CatalogEntry {
  name: string;
  languages: readonly Language[];
  severity: Severity;
  /** One line for `rules` listings and SARIF shortDescription. */
  summary: string;
  /** What the fix does, as the docs header and the README say it; null when there is none. */
  fix: string | null;
  /** Findings name a function the benchmark can measure ("Measure it", measurements cited). */
  measurable: boolean;
  /**
   * The severity in test files (the test-file profile: README.md, "Test files"), or null for the
   * same as elsewhere. Rules whose premise is production behaviour (performance advice, pool
   * sizing, locks held on purpose to test them) are off or info there; bugs that break a test
   * run too (unpicklable tasks, lost process state, deadlocks) keep their severity.
   */
  inTests: SeveritySetting | null;
}

export const CATALOG = {
  CL101: {
    name: 'cpu-bound-work-in-threads',
    languages: ['python'],
    severity: 'warning',
    summary: 'CPU-bound pure-Python work handed to threads, which the GIL runs one at a time',
    fix: 'swap to the process twin (unsafe)',
    measurable: true,
    inTests: 'off',
  },
  CL102: {
    name: 'io-bound-work-in-processes',
    languages: ['python'],
    severity: 'warning',
    summary: 'I/O-bound work handed to processes, which pay start-up and pickling for waits threads overlap',
    fix: 'swap to the thread twin (unsafe)',
    measurable: true,
    inTests: 'off',
  },
  CL103: {
    name: 'tiny-tasks-in-processes',
    languages: ['python'],
    severity: 'warning',
    summary: 'Trivial tasks sent one by one to a process pool, where pickling and dispatch cost more than the work',
    fix: 'add `chunksize=` (safe)',
    measurable: true,
    inTests: 'off',
  },
  CL104: {
    name: 'cpu-bound-work-on-event-loop',
    languages: ['javascript'],
    severity: 'warning',
    summary: 'CPU-heavy code in a request handler or other event callback blocks the event loop',
    fix: '`await promisify(crypto.pbkdf2)(…)` for `pbkdf2Sync`/`scryptSync` in async code (unsafe)',
    measurable: true,
    inTests: 'off',
  },
  CL105: {
    name: 'blocking-io-on-event-loop',
    languages: ['javascript'],
    severity: 'warning',
    summary: 'Synchronous file or process I/O on a path that runs while serving (a handler, or an async function it reaches) blocks the event loop',
    fix: '`await fs.promises.X(…)` / promisified `exec` in async functions (unsafe)',
    measurable: false,
    inTests: 'off',
  },
  CL106: {
    name: 'io-bound-work-in-workers',
    languages: ['javascript'],
    severity: 'info',
    summary: 'A worker whose task only awaits async I/O, which the main thread already does concurrently',
    fix: null,
    measurable: false,
    inTests: 'off',
  },
  CL107: {
    name: 'blocking-call-in-async',
    languages: ['python'],
    severity: 'warning',
    summary: 'Blocking call (sleep, requests, file or subprocess I/O) directly inside an async def',
    fix: '`await asyncio.sleep(...)` / `await asyncio.to_thread(...)` (unsafe)',
    measurable: false,
    // As CL105 (the same premise in JS): a blocking call in an async test stalls only that test's
    // loop, and event-loop tests block it on purpose ("pretend the loop is busy").
    inTests: 'off',
  },
  CL201: {
    name: 'missing-main-guard',
    languages: ['python'],
    severity: 'error',
    summary: 'Module-level code creates processes without an if __name__ == "__main__": guard',
    fix: 'wrap the module-level code in a main guard (unsafe)',
    measurable: false,
    inTests: 'info',
  },
  CL202: {
    name: 'unpicklable-task',
    languages: ['python'],
    severity: 'error',
    summary: 'A lambda, closure or function pickle cannot find by name, handed to a process executor',
    fix: null,
    measurable: false,
    inTests: null,
  },
  CL203: {
    name: 'self-spawning-worker-without-guard',
    languages: ['javascript'],
    severity: 'error',
    summary: 'A file that starts a copy of itself at load time without an isMainThread / cluster.isPrimary guard',
    fix: 'wrap in `if (isMainThread) { … }` / `cluster.isPrimary` / `!process.send` (unsafe)',
    measurable: false,
    inTests: null,
  },
  CL204: {
    name: 'fork-with-threads',
    languages: ['python'],
    severity: 'warning',
    summary: 'The fork start method chosen in a module that also starts threads',
    fix: 'use "spawn" (unsafe)',
    measurable: false,
    inTests: 'info',
  },
  CL205: {
    name: 'uncloneable-message',
    languages: ['javascript'],
    severity: 'error',
    summary: 'A function, class instance, stream or socket sent through postMessage, workerData or process.send',
    fix: null,
    measurable: false,
    inTests: null,
  },
  CL206: {
    name: 'task-defined-in-notebook',
    languages: ['python'],
    severity: 'error',
    summary: 'A function defined in a notebook handed to a process executor, whose spawned workers cannot import it',
    fix: 'move the function and what it needs into `<notebook>_tasks.py` and import it (safe unless it copies mutable notebook state)',
    measurable: false,
    inTests: null,
  },
  CL301: {
    name: 'hardcoded-worker-count',
    languages: ['python', 'javascript'],
    severity: 'warning',
    summary: 'A process pool, worker pool or spawning loop sized with an integer literal instead of the CPU count',
    fix: 'size from the CPU count (unsafe)',
    measurable: false,
    inTests: 'off',
  },
  CL302: {
    name: 'unbounded-workers',
    languages: ['python', 'javascript'],
    severity: 'warning',
    summary: 'The number of threads, processes or workers grows with the input: one per item, or a pool sized by its length without a cap',
    fix: 'cap the pool size with `min(...)` (unsafe, pool sizes only)',
    measurable: false,
    inTests: 'info',
  },
  CL303: {
    name: 'cpu-count-may-be-none',
    languages: ['python'],
    severity: 'warning',
    summary: 'os.cpu_count() used in arithmetic or comparison without a fallback for None',
    fix: '`(os.cpu_count() or 1)` (safe)',
    measurable: false,
    inTests: null,
  },
  CL401: {
    name: 'unsynchronized-shared-mutation',
    languages: ['python'],
    severity: 'warning',
    summary: 'Read-modify-write of shared state in a thread task outside any lock',
    fix: 'wrap the statement in `with <lock>:` (unsafe)',
    measurable: false,
    inTests: 'info',
  },
  CL402: {
    name: 'lock-acquire-without-release',
    languages: ['python'],
    severity: 'warning',
    summary: 'lock.acquire() whose release() is not in a finally block',
    fix: 'rewrite `acquire(); …; release()` as `with lock:` (unsafe)',
    measurable: false,
    inTests: 'off',
  },
  CL403: {
    name: 'inconsistent-lock-order',
    languages: ['python'],
    severity: 'warning',
    summary: 'Two locks acquired in opposite orders in the same module',
    fix: null,
    measurable: false,
    inTests: 'info',
  },
  CL404: {
    name: 'process-mutates-parent-state',
    languages: ['python'],
    severity: 'warning',
    summary: 'A process task mutates module state the parent never sees',
    fix: null,
    measurable: false,
    inTests: null,
  },
  CL405: {
    name: 'join-before-queue-drained',
    languages: ['python'],
    severity: 'warning',
    summary: 'join() on a process before draining the queue it puts to',
    fix: null,
    measurable: false,
    inTests: null,
  },
  CL406: {
    name: 'manager-proxy-in-loop',
    languages: ['python'],
    severity: 'info',
    summary: 'A Manager proxy mutated inside a loop, one round trip per item',
    fix: null,
    measurable: false,
    inTests: 'off',
  },
  CL407: {
    name: 'unguarded-shared-buffer',
    languages: ['javascript'],
    severity: 'warning',
    summary: 'A plain write or read-modify-write on a SharedArrayBuffer view that another thread can access',
    fix: '`Atomics.store` / `Atomics.add` / `Atomics.sub`… (safe)',
    measurable: false,
    inTests: 'info',
  },
  CL408: {
    name: 'lock-created-in-with',
    languages: ['python'],
    severity: 'error',
    summary: 'with threading.Lock(): creates a fresh lock that guards nothing',
    fix: null,
    measurable: false,
    inTests: null,
  },
  CL501: {
    name: 'unobserved-task-exceptions',
    languages: ['python'],
    severity: 'warning',
    summary: 'Futures or async results discarded, so task exceptions are never seen',
    fix: 'consume the results (unsafe), for lazy `map`/`imap` and `map_async`',
    measurable: false,
    inTests: 'info',
  },
  CL502: {
    name: 'pool-not-closed',
    languages: ['python'],
    severity: 'warning',
    summary: 'Pool or executor created in a function and never shut down',
    fix: 'convert to `with` (unsafe)',
    measurable: false,
    inTests: 'off',
  },
  CL503: {
    name: 'worker-errors-unhandled',
    languages: ['javascript'],
    severity: 'warning',
    summary: 'A worker or child process with no \'error\' listener: its failure crashes the parent',
    fix: 'add `w.on(\'error\', …)` (unsafe)',
    measurable: false,
    inTests: 'off',
  },
  CL504: {
    name: 'bad-thread-instantiation',
    languages: ['python'],
    severity: 'warning',
    summary: 'threading.Thread created with neither target= nor a subclass',
    fix: 'pass a positional function as `target=` (unsafe)',
    measurable: false,
    inTests: null,
  },
  CL505: {
    name: 'preexec-fn-with-threads',
    languages: ['python'],
    severity: 'warning',
    summary: 'subprocess with preexec_fn, unsafe in a process that has threads',
    fix: '`start_new_session=True` (safe) / `process_group=0` (unsafe)',
    measurable: false,
    inTests: 'info',
  },
  CL900: {
    name: 'unused-suppression',
    languages: ['python', 'javascript'],
    severity: 'warning',
    summary: 'A suppression comment, or a code in one, that suppresses nothing',
    fix: 'remove the comment or the unused codes (safe)',
    measurable: false,
    inTests: null,
  },
} as const satisfies Record<string, CatalogEntry>;

export type RuleCode = keyof typeof CATALOG;

export const RULE_CODES = Object.keys(CATALOG).sort() as RuleCode[];

export const DOCS_BASE_URL = 'https://github.com/concurrency-lens/concurrency-lens/blob/main/docs/rules/';

export function docsUrl(code: string): string {
  return `${DOCS_BASE_URL}${code}.md`;
}

/** The repository-relative path of a rule's page. */
export function docsPath(code: string): string {
  return `docs/rules/${code}.md`;
}

export function isRuleCode(code: string): code is RuleCode {
  return Object.prototype.hasOwnProperty.call(CATALOG, code);
}

/** A rule's metadata, for its module (`meta: ruleMeta('CL101')`) and every listing. */
export function ruleMeta(code: RuleCode): RuleMeta {
  const entry: CatalogEntry = CATALOG[code];
  return {
    code,
    name: entry.name,
    languages: [...entry.languages],
    defaultSeverity: entry.severity,
    summary: entry.summary,
    fixable: entry.fix !== null,
  };
}

export function allRules(): RuleMeta[] {
  return RULE_CODES.map(ruleMeta);
}

export function findRule(codeOrName: string): RuleMeta | undefined {
  const key = codeOrName.trim();
  return allRules().find((r) => r.code === key.toUpperCase() || r.name === key.toLowerCase());
}

/** Severities the test-file profile sets, by code (rules that keep theirs are absent). */
export function testProfileSeverities(): Record<string, SeveritySetting> {
  const out: Record<string, SeveritySetting> = {};
  for (const code of RULE_CODES) {
    const inTests: SeveritySetting | null = CATALOG[code].inTests;
    if (inTests) out[code] = inTests;
  }
  return out;
}

export function isMeasurable(code: string): boolean {
  return isRuleCode(code) && CATALOG[code].measurable;
}
