// Code shared by the Node harness (node-harness.ts) and its pool members (node-worker.ts): loading
// the user's module, finding the function, the TypeScript require hook, and turning errors into
// the protocol's plain {message, detail} pairs. Bundled into both entry points by esbuild.

import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** Thrown by the guard's stand-in for `listen` while the module is imported. */
class ListenAtImport extends Error {}

/**
 * Imports the user's module with `net.Server.prototype.listen` (every http, https, net and
 * framework server) refused for the duration: a server that starts listening at import would run
 * in the harness and in every pool member, and blame its time on the function. The engine's
 * pre-flight (src/profiling/preflight.ts) refuses what the analyzer sees; this is the net for the
 * rest (a server started by a helper in another file). The first refusal stands even if the
 * user's code catches the error.
 */
export async function loadUserModuleGuarded(file: string, functionName: string): Promise<Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const net = require('node:net') as typeof import('node:net');
  const proto = net.Server.prototype as unknown as { listen: (...args: unknown[]) => unknown };
  const original = proto.listen;
  let tripped: Error | null = null;
  proto.listen = function listen(): never {
    const error = new ListenAtImport('listens on a port while it is imported');
    tripped ??= error;
    throw error;
  };
  let ns: Record<string, unknown> | null = null;
  let failure: unknown = null;
  try {
    ns = await loadUserModule(file);
  } catch (err) {
    failure = err;
  } finally {
    proto.listen = original;
  }
  if (tripped) throw refusedListen(file, functionName, tripped);
  if (failure) throw failure;
  return ns as Record<string, unknown>;
}

function refusedListen(file: string, functionName: string, error: Error): HarnessError {
  const stack = userStack(error) ?? '';
  // The module's own line (the load-time code to change), else the first user frame that called listen().
  const frames = stack
    .split('\n')
    .slice(1)
    .map((line) => /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1].startsWith('file://') ? new URL(m[1]).pathname : m[1], m[2], m[3]] as const);
  const frame = frames.find((f) => f[0] === file) ?? frames[0];
  const where = frame ? frame[0] : file;
  const line = frame ? Number(frame[1]) : null;
  const column = frame ? Number(frame[2]) : null;
  const fix =
    'Start the server only when the file is run directly (`if (require.main === module)`, or a check of `process.argv[1]` in ESM), ' +
    'or export the function from a module that does not start it.';
  const refusal: ImportRefusal = {
    stage: 'import',
    reason: 'server-at-import',
    rule: null,
    path: where,
    line,
    column,
    message: `${path.basename(file)} starts a server that listens while it is imported`,
    fix,
  };
  return new HarnessError(
    'refused',
    `${refusal.message}${line ? ` (${path.basename(where)}:${line})` : ''}: the benchmark would run it and blame its time on ${functionName}(). Not run. ${fix}`,
    stack || null,
    refusal,
  );
}
