// Code shared by the Node harness (node-harness.ts) and its pool members (node-worker.ts): loading
// the user's module, finding the function, the TypeScript require hook, and turning errors into
// the protocol's plain {message, detail} pairs. Bundled into both entry points by esbuild.

import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ErrorKind, ImportRefusal } from '../protocol';

export const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];

/** An error the harness reports as-is: its kind maps to ErrorReply.kind. */
export class HarnessError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly detail: string | null = null,
    /** kind `refused`: what the import guard caught (protocol.ts ImportRefusal). */
    readonly refusal: ImportRefusal | null = null,
  ) {
    super(message);
  }
}

// ---- messages between the harness and a pool member (worker thread or forked child) ----------

export interface MemberConfig {
  file: string;
  functionName: string;
  /** Transpiled TypeScript by absolute filename, so members never load `typescript` themselves. */
  tsCache: Array<[string, string]>;
  /** worker_threads only: the member's end of its private channel to the harness (not parentPort). */
  port?: import('node:worker_threads').MessagePort;
}

export type ToMember =
  | ({ type: 'init' } & MemberConfig) // child_process only: worker threads get it as workerData
  | { type: 'ping' }
  | { type: 'task'; args: unknown[] }
  | { type: 'noop' }
  | { type: 'cpu' };

export type FromMember =
  | { type: 'ready' }
  | { type: 'load-error'; kind: ErrorKind; message: string; detail: string | null }
  | { type: 'pong' }
  | { type: 'done'; result?: unknown }
  | { type: 'error'; kind: ErrorKind; message: string; detail: string | null }
  | { type: 'cpu'; usage: NodeJS.CpuUsage }
  /** An uncaught exception outside a task (child_process): sent just before the child exits. */
  | { type: 'fatal'; message: string; detail: string | null };

// ---- errors --------------------------------------------------------------------------------

/** `throw 'x'` is legal JS: describe anything that was thrown. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (err !== null && typeof err === 'object' && 'message' in err) {
    const e = err as { name?: unknown; message?: unknown };
    return `${String(e.name ?? 'Error')}: ${String(e.message)}`;
  }
  return `thrown value: ${String(err)}`;
}

/** The stack with the harness's own frames and Node internals removed: the user reads their frames. */
export function userStack(err: unknown): string | null {
  const stack = err !== null && typeof err === 'object' ? (err as { stack?: unknown }).stack : undefined;
  if (typeof stack !== 'string') return null;
  const here = __dirname; // dist/harness once bundled
  const lines = stack.split('\n').filter((line, i) => {
    if (i === 0 || !/^\s+at /.test(line)) return true;
    // Harness frames appear bundled (dist/harness) or source-mapped back to src/profiling/harness.
    if (line.includes(here) || /[\\/]profiling[\\/]harness[\\/]node-[a-z]+\.[jt]s/.test(line)) return false;
    return !line.includes('node:internal') && !/\(node:[a-z_]+/.test(line);
  });
  return lines.join('\n');
}

/** v8's serializer (postMessage, advanced IPC, v8.serialize) throws "X could not be cloned.". */
export function isCloneError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const e = err as { name?: unknown; message?: unknown };
  return e.name === 'DataCloneError' || (typeof e.message === 'string' && /could not be cloned/.test(e.message));
}

// ---- TypeScript --------------------------------------------------------------------------------

type Transpile = (filename: string, source: string) => string;

interface ModuleInternals {
  _extensions: Record<string, (module: { _compile(code: string, filename: string, format?: 'commonjs'): void }, filename: string) => void>;
  _resolveFilename: (this: unknown, request: string, ...rest: unknown[]) => string;
}

let hookInstalled = false;

/**
 * Registers .ts/.mts/.cts/.tsx with the CommonJS loader: each file is transpiled (no type check)
 * to CommonJS on first require. `cache` holds what was already transpiled (the harness fills it,
 * members reuse it), so `typescript` (several MB of JS) is loaded only where something is new.
 * Relative `./x.js` specifiers fall back to `./x.ts` as TypeScript's own resolution does.
 */
export function installTsHook(cache: Map<string, string>, loadTranspiler: () => Transpile): void {
  if (hookInstalled) return;
  hookInstalled = true;
  const internals = Module as unknown as ModuleInternals;
  let transpile: Transpile | null = null;
  for (const ext of TS_EXTENSIONS) {
    internals._extensions[ext] = (module, filename) => {
      let code = cache.get(filename);
      if (code === undefined) {
        transpile ??= loadTranspiler();
        code = transpile(filename, fs.readFileSync(filename, 'utf8'));
        cache.set(filename, code);
      }
      module._compile(code, filename, 'commonjs');
    };
  }
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    try {
      return resolve.call(this, request, ...rest);
    } catch (err) {
      const match = /^(\.{1,2}[\\/].*)\.(m|c)?js(x?)$/.exec(request);
      if (!match || (err as { code?: string }).code !== 'MODULE_NOT_FOUND') throw err;
      const stem = match[1];
      const candidates = match[3] ? ['.tsx'] : match[2] === 'm' ? ['.mts'] : match[2] === 'c' ? ['.cts'] : ['.ts', '.tsx'];
      for (const ext of candidates) {
        try {
          return resolve.call(this, stem + ext, ...rest);
        } catch {
          // try the next extension; the original error is the one worth reporting
        }
      }
      throw err;
    }
  };
}

// ---- loading the user's module -------------------------------------------------------------

/**
 * Source maps for TypeScript users only, so their stacks show .ts lines: enabling them costs on
 * every stack a benchmarked function builds, which plain JS users should not pay. Must precede
 * loading (Node records a module's map when it compiles it).
 */
export function enableSourceMapsFor(file: string): void {
  if (TS_EXTENSIONS.includes(path.extname(file).toLowerCase())) process.setSourceMapsEnabled(true);
}

/**
 * JS goes through `import()` with a file URL, so Node decides ESM or CommonJS exactly as it would
 * for the user (extension, package.json "type"). TypeScript goes through `require` and the hook.
 */
export async function loadUserModule(file: string): Promise<Record<string, unknown>> {
  if (!path.isAbsolute(file)) throw new HarnessError('import', `The module path must be absolute: ${file}`);
  if (!fs.existsSync(file)) throw new HarnessError('import', `No such file: ${file}`);
  try {
    if (TS_EXTENSIONS.includes(path.extname(file).toLowerCase())) {
      const exported: unknown = createRequire(file)(file);
      return (exported !== null && (typeof exported === 'object' || typeof exported === 'function')
        ? exported
        : { default: exported }) as Record<string, unknown>;
    }
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new HarnessError('import', `Cannot load ${file}: ${errorText(err)}`, userStack(err));
  }
}

type UserFunction = (...args: unknown[]) => unknown;

/** A named export, or a property of the default export (CommonJS `module.exports = {f}`). */
export function findFunction(ns: Record<string, unknown>, name: string, file: string): UserFunction {
  const fallback = ns.default;
  const direct = ns[name];
  if (typeof direct === 'function') return direct as UserFunction;
  const candidates: unknown[] = [direct];
  if (fallback !== null && (typeof fallback === 'object' || typeof fallback === 'function')) {
    const member = (fallback as Record<string, unknown>)[name];
    // A method of the default export keeps its `this` (`export default { n: 2, f() { this.n } }`).
    if (typeof member === 'function') return (member as UserFunction).bind(fallback);
    candidates.push(member);
    // `module.exports = function name() {}`
    if (typeof fallback === 'function' && fallback.name === name) return fallback as UserFunction;
  }
  const found = candidates.find((c) => c !== undefined);
  const names = Object.keys(ns).filter((k) => k !== '__esModule');
  const why = found !== undefined ? `"${name}" is a ${typeof found}, not a function` : `no export named "${name}"`;
  throw new HarnessError('no-function', `${file}: ${why} (exports: ${names.join(', ') || 'none'})`);
}

// ---- the import guard ----------------------------------------------------------------------

/** Thrown by the guard's stand-ins (`listen`, `new Worker`, `fork`) while the module is imported. */
class WorkAtImport extends Error {}

type Tripped = { error: Error; what: 'listen' | 'worker' | 'fork' | 'cluster'; target: string | null };

/**
 * Imports the user's module with these refused for the duration:
 * - `net.Server.prototype.listen` (every http, https, net and framework server): a server that
 *   starts listening at import would run in the harness and in every pool member, and blame its
 *   time on the function;
 * - `new Worker(file)` and `child_process.fork(file)` of the module itself, and `cluster.fork()`
 *   (which re-runs the main script, the module's own intent): a self-spawning worker imported by
 *   the harness starts copies of itself, whose worker code then answers the pool's messages, and
 *   the run ends killed by its timeout.
 * The engine's pre-flight (src/profiling/preflight.ts) refuses what the analyzer sees (CL203:
 * `new Worker(__filename)`); this is the net for the rest (`require.resolve('./self')`, a path
 * built with `path.join(__dirname, …)`, a helper in another file). The first refusal stands even
 * if the user's code catches the error. Stand-ins captured by the module (`const { Worker } =
 * require(…)`) behave as the originals once the import is over.
 */
export async function loadUserModuleGuarded(file: string, functionName: string): Promise<Record<string, unknown>> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const net = require('node:net') as typeof import('node:net');
  const threads = require('node:worker_threads') as { Worker: typeof import('node:worker_threads').Worker };
  const children = require('node:child_process') as { fork: (...args: unknown[]) => unknown };
  const cluster = require('node:cluster') as unknown as { fork: (...args: unknown[]) => unknown; settings?: { exec?: string } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  let importing = true;
  let tripped: Tripped | null = null;
  const trip = (what: Tripped['what'], target: string | null, message: string): never => {
    const error = new WorkAtImport(message);
    tripped ??= { error, what, target };
    throw error;
  };

  const proto = net.Server.prototype as unknown as { listen: (...args: unknown[]) => unknown };
  const originalListen = proto.listen;
  proto.listen = function listen(this: unknown, ...args: unknown[]): unknown {
    if (importing) trip('listen', null, 'listens on a port while it is imported');
    return originalListen.apply(this, args);
  };
  const OriginalWorker = threads.Worker;
  class Worker extends OriginalWorker {
    constructor(filename: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      const target = !options?.eval ? spawnedFile(filename) : null;
      if (importing && target && sameModule(target, file)) trip('worker', target, 'creates a worker thread of itself while it is imported');
      super(filename, options);
    }
  }
  const originalFork = children.fork;
  const fork = function fork(this: unknown, ...args: unknown[]): unknown {
    const target = spawnedFile(args[0]);
    if (importing && target && sameModule(target, file)) trip('fork', target, 'forks a child process of itself while it is imported');
    return originalFork.apply(this, args);
  };
  const originalClusterFork = cluster.fork;
  const clusterFork = function clusterFork(this: unknown, ...args: unknown[]): unknown {
    // Without `cluster.setupPrimary({ exec })` a cluster worker runs the main script again: the
    // module means itself (in the harness it would be the harness).
    const exec = cluster.settings?.exec ? spawnedFile(cluster.settings.exec) : null;
    if (importing && (!exec || sameModule(exec, file))) trip('cluster', exec, 'calls cluster.fork() while it is imported');
    return originalClusterFork.apply(this, args);
  };
  threads.Worker = Worker;
  children.fork = fork;
  cluster.fork = clusterFork;
  // `import { Worker } from 'node:worker_threads'` reads the builtin's ESM facade: update it too.
  Module.syncBuiltinESMExports();

  let ns: Record<string, unknown> | null = null;
  let failure: unknown = null;
  try {
    ns = await loadUserModule(file);
  } catch (err) {
    failure = err;
  } finally {
    importing = false;
    proto.listen = originalListen;
    threads.Worker = OriginalWorker;
    children.fork = originalFork;
    cluster.fork = originalClusterFork;
    Module.syncBuiltinESMExports();
  }
  if (tripped) throw refusedAtImport(file, functionName, tripped);
  if (failure) throw failure;
  return ns as Record<string, unknown>;
}

/** The file a `new Worker` / `fork` argument names: a path (relative ones are relative to the working directory, as in Node) or a file URL. */
function spawnedFile(arg: unknown): string | null {
  try {
    if (arg instanceof URL) return arg.protocol === 'file:' ? fileURLToPath(arg) : null;
    if (typeof arg !== 'string') return null;
    if (arg.startsWith('file:')) return fileURLToPath(arg);
    return path.resolve(arg);
  } catch {
    return null;
  }
}

/** The same module: the same file (links resolved), or its compiled twin (`self.ts` started as `self.js`). */
function sameModule(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const ra = real(a);
  const rb = real(b);
  if (ra === rb) return true;
  const stem = (p: string): string => p.slice(0, p.length - path.extname(p).length);
  return stem(ra) === stem(rb);
}

const CALLS: Record<Tripped['what'], string> = {
  listen: 'listen()',
  worker: '`new Worker()`',
  fork: '`child_process.fork()`',
  cluster: '`cluster.fork()`',
};

function refusedAtImport(file: string, functionName: string, tripped: Tripped): HarnessError {
  const stack = userStack(tripped.error) ?? '';
  // The module's own outermost line (the load-time statement to change), else the first user frame that made the call.
  const frames = stack
    .split('\n')
    .slice(1)
    .map((line) => /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1].startsWith('file://') ? new URL(m[1]).pathname : m[1], m[2], m[3]] as const);
  const frame = frames.filter((f) => f[0] === file).pop() ?? frames[0];
  const where = frame ? frame[0] : file;
  const line = frame ? Number(frame[1]) : null;
  const column = frame ? Number(frame[2]) : null;
  const name = path.basename(file);
  const server = tripped.what === 'listen';
  const fix = server
    ? 'Start the server only when the file is run directly (`if (require.main === module)`, or a check of `process.argv[1]` in ESM), ' +
      'or export the function from a module that does not start it.'
    : `Start the ${tripped.what === 'worker' ? 'worker' : 'child process'} only when the file is run directly (\`if (require.main === module)\`, or a check of \`process.argv[1]\` in ESM), ` +
      'or move the worker code to a file of its own and export the function from a module that starts nothing when imported.';
  const message = server
    ? `${name} starts a server that listens while it is imported`
    : `${name} ${tripped.what === 'worker' ? 'creates a worker thread of itself' : tripped.what === 'fork' ? 'forks a child process of itself' : 'forks cluster workers (copies of the main script)'} while it is imported: ${CALLS[tripped.what]}${tripped.target ? ` of ${path.basename(tripped.target)}` : ''}`;
  const refusal: ImportRefusal = {
    stage: 'import',
    reason: server ? 'server-at-import' : 'self-spawning-worker',
    rule: null,
    path: where,
    line,
    column,
    message,
    fix,
  };
  return new HarnessError(
    'refused',
    `${refusal.message}${line ? ` (${path.basename(where)}:${line})` : ''}: the benchmark would run ${server ? 'it' : 'those copies'} and blame ${server ? 'its' : 'their'} time on ${functionName}(). Not run. ${fix}`,
    stack || null,
    refusal,
  );
}
