// The Node harness of the benchmark engine (protocol.ts): commands as JSON lines on stdin, one
// reply per command as a JSON line on the reply descriptor (the one CONCURRENCY_LENS_REPLY_FD
// names, placed high by the engine; else fd 3), each carrying the init command's token. stdout
// and stderr are left to the user's code, so a console.log in the benchmarked function cannot
// corrupt the protocol, and a line user code writes to the reply descriptor is not believed.
//
// It is a thin executor: it loads the user's module, evaluates the inputs once, keeps pools alive
// between samples and times what it is told. Warm-up, calibration, interleaving and statistics
// live in the engine.
//
// Modes:
//   sequential         tasks one after another on the main thread, each awaited
//   main-thread-async  all tasks of the batch started together on the main thread, Promise.all:
//                      async I/O overlaps without any thread, which is what Node recommends for
//                      I/O-bound work; `workers` is ignored
//   worker_threads     a pool of N Worker threads, each loading the module once
//   child_process      a pool of N forked children (advanced = structured-clone IPC)
// Pool members stay attached (no `detached`, no unref): killing the harness's process group, as
// the engine does on timeout, kills them too.

import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as readline from 'node:readline';
import * as util from 'node:util';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { MAX_TASKS, REPLY_FD_ENV } from '../protocol';
import type {
  DispatchCommand,
  DispatchReply,
  ErrorReply,
  HarnessCommand,
  HarnessReply,
  InitCommand,
  InterpreterFacts,
  Mode,
  NodeMode,
  ReadyReply,
  RunCommand,
  SampleReply,
  SerializationReply,
  SignedReply,
  TaskProfileReply,
} from '../protocol';
import {
  enableSourceMapsFor,
  errorText,
  findFunction,
  HarnessError,
  installTsHook,
  isCloneError,
  loadUserModuleGuarded,
  userStack,
  type FromMember,
  type MemberConfig,
  type ToMember,
} from './node-common';

/**
 * Read, then removed from the environment, before any user code runs. Node cannot move a
 * descriptor itself, so the engine puts the pipe there, with /dev/null on fd 3.
 */
const REPLY_FD = Number(process.env[REPLY_FD_ENV]) || 3;
delete process.env[REPLY_FD_ENV];
/** From the init command; every reply starts with it (the engine checks the first field). */
let token: string | undefined;
const MODES: NodeMode[] = ['sequential', 'main-thread-async', 'worker_threads', 'child_process'];
const WORKER_SCRIPT = path.join(__dirname, 'node-worker.js');
/** The real exit, kept before user code can call the intercepted one. */
const realExit: (code?: number) => never = process.exit.bind(process);

// ---- replies -----------------------------------------------------------------------------------

/**
 * Synchronous writes keep replies ordered and flushed even right before exit. The pipe may be
 * non-blocking (it is the engine's): retry EAGAIN with a short sleep.
 */
function reply(message: HarnessReply): void {
  const signed: SignedReply = token === undefined ? message : { token, ...message };
  const data = Buffer.from(JSON.stringify(signed) + '\n');
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += fs.writeSync(REPLY_FD, data, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(nap, 0, 0, 2);
        continue;
      }
      // The engine is gone (EPIPE, EBADF): nobody to report to.
      killChildrenNow();
      realExit(1);
    }
  }
}

function errorReply(id: number, mode: Mode | null, err: unknown): ErrorReply {
  if (err instanceof HarnessError) return { type: 'error', id, kind: err.kind, mode, message: err.message, detail: err.detail, ...(err.refusal ? { refusal: err.refusal } : {}) };
  return { type: 'error', id, kind: 'internal', mode, message: `Harness error: ${errorText(err)}`, detail: userStack(err) };
}

// ---- user code on the main thread ------------------------------------------------------------

/** process.exit in user code on the main thread would take the harness down: it throws this. */
class ExitCalled extends Error {
  constructor(readonly code: unknown) {
    super(`process.exit(${code === undefined ? '' : String(code)})`);
  }
}

function interceptExit(): void {
  process.exit = ((code?: number | string | null) => {
    throw new ExitCalled(code);
  }) as typeof process.exit;
}

/** Maps what user code threw on the main thread to the protocol's kinds. */
function userError(err: unknown, where: string): HarnessError {
  if (err instanceof HarnessError) return err;
  if (err instanceof ExitCalled) {
    return new HarnessError(
      'worker-died',
      `The function called ${err.message} ${where}, on the harness's main thread; the harness stopped it there`,
      userStack(err),
    );
  }
  return new HarnessError('raised', `The function threw ${where}: ${errorText(err)}`, userStack(err));
}

// ---- state -------------------------------------------------------------------------------------

type UserFunction = (...args: unknown[]) => unknown;

interface Loaded {
  file: string;
  functionName: string;
  fn: UserFunction;
  /** One entry per task: the call's arguments (array items are spread, others are one argument). */
  tasks: unknown[][];
  /** The first task's result, once profile-task or serialization computed it. */
  firstResult: { value: unknown } | null;
}

let loaded: Loaded | null = null;
const tsCache = new Map<string, string>();
const pools = new Map<string, Pool>();
let shuttingDown = false;
/** Fails the command in progress: set while one runs, for errors user code throws asynchronously. */
let abortCurrent: ((err: unknown) => void) | null = null;
let currentMode: Mode | null = null;

function requireLoaded(): Loaded {
  if (!loaded) throw new HarnessError('internal', 'No module loaded: send init first');
  return loaded;
}

// ---- init --------------------------------------------------------------------------------------

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval require').split(' '),
);

/**
 * The inputs expression runs in this realm (arrays pass `instanceof Array` in the user's code) with
 * the module's exports and a `require` relative to the module in scope, like Python's harness
 * evaluating in the module's namespace. A promise is awaited.
 */
async function evaluateInputs(expression: string, ns: Record<string, unknown>, file: string): Promise<unknown[]> {
  // A CommonJS module's exports are the default export's properties (import() finds only the ones
  // cjs-module-lexer can see statically as named exports).
  const scope: Record<string, unknown> = {};
  const fallback = ns.default;
  if (fallback !== null && typeof fallback === 'object') Object.assign(scope, fallback);
  Object.assign(scope, ns);
  const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && !RESERVED.has(n));
  let value: unknown;
  try {
    const make = vm.compileFunction(`return (${expression}\n);`, ['require', ...names], { filename: 'inputs-expression' });
    value = await make(createRequire(file), ...names.map((n) => scope[n]));
  } catch (err) {
    throw new HarnessError('inputs', `The inputs expression failed: ${errorText(err)}`, userStack(err));
  }
  const iterable =
    value !== null && value !== undefined && typeof value !== 'string' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
  if (!iterable) {
    throw new HarnessError(
      'inputs',
      `The inputs expression must give an iterable with one item per task (e.g. Array(8).fill(2e6)); got ${util.inspect(value, { depth: 0 }).slice(0, 80)}`,
    );
  }
  const items = boundedItems(value as Iterable<unknown>);
  if (items.length === 0) throw new HarnessError('inputs', 'The inputs expression gave no tasks');
  return items;
}

/** The items, refused beyond MAX_TASKS before they are all built (an endless generator stops here too). */
function boundedItems(value: Iterable<unknown>): unknown[] {
  const known = Array.isArray(value) || ArrayBuffer.isView(value) ? (value as ArrayLike<unknown>).length : value instanceof Set || value instanceof Map ? value.size : null;
  if (known !== null && known > MAX_TASKS) throw tooMany(known);
  const items: unknown[] = [];
  try {
    for (const item of value) {
      if (items.length === MAX_TASKS) throw tooMany(null);
      items.push(item);
    }
  } catch (err) {
    if (err instanceof HarnessError) throw err;
    throw new HarnessError('inputs', `Iterating over the inputs failed: ${errorText(err)}`, userStack(err));
  }
  return items;
}

/** `count` is null when the iteration was cut at the limit: the length is unknown. */
function tooMany(count: number | null): HarnessError {
  const n = (x: number): string => x.toLocaleString('en-US');
  const given = count === null ? `more than ${n(MAX_TASKS)} items (the limit)` : `${n(count)} items, more than the limit of ${n(MAX_TASKS)}`;
  return new HarnessError(
    'inputs',
    `The inputs expression gives ${given}: every batch runs each item once and a pool holds a pending task per item. Put several items into one task (one call per chunk) instead.`,
  );
}

function facts(): InterpreterFacts {
  const usable = os.availableParallelism();
  return {
    language: 'node',
    version: process.versions.node,
    implementation: 'node',
    executable: process.execPath,
    gilEnabled: null,
    defaultStartMethod: null,
    hasInterpreterPool: false,
    cpuCount: os.cpus().length || usable,
    usableCpus: usable,
    modes: [...MODES],
  };
}

async function init(cmd: InitCommand): Promise<ReadyReply> {
  if (loaded) throw new HarnessError('internal', 'init was already received');
  installTsHook(tsCache, () => {
    // A bundle of its own (node-ts.js), required at run time: only TypeScript users parse the compiler.
    const req = createRequire(__filename);
    return (req(path.join(__dirname, 'node-ts.js')) as typeof import('./node-ts')).transpile;
  });
  enableSourceMapsFor(cmd.file);
  // Guarded: a module that starts a server at import is refused, not run (node-common.ts).
  const ns = await loadUserModuleGuarded(cmd.file, cmd.functionName);
  const fn = findFunction(ns, cmd.functionName, cmd.file);
  const items = await evaluateInputs(cmd.inputs, ns, cmd.file);
  loaded = {
    file: cmd.file,
    functionName: cmd.functionName,
    fn,
    tasks: items.map((item) => (Array.isArray(item) ? item : [item])),
    firstResult: null,
  };
  // From here on user code runs; before, the harness may still exit on its own.
  interceptExit();
  const preview = util.inspect(items[0], { depth: 2, breakLength: Infinity, maxArrayLength: 6, maxStringLength: 60 });
  return {
    type: 'ready',
    id: cmd.id,
    facts: facts(),
    taskCount: items.length,
    inputPreview: preview.length > 100 ? `${preview.slice(0, 99)}…` : preview,
  };
}

// ---- pools -------------------------------------------------------------------------------------

type PoolMode = 'worker_threads' | 'child_process';

const isPoolMode = (mode: Mode): mode is PoolMode => mode === 'worker_threads' || mode === 'child_process';
const noun = (mode: PoolMode): string => (mode === 'worker_threads' ? 'worker thread' : 'child process');

interface Waiter {
  resolve(message: FromMember): void;
  reject(err: HarnessError): void;
}

/**
 * One worker thread or forked child. It has at most one request in flight (the pool hands a task
 * to an idle member only), so a single waiter routes the reply.
 */
class Member {
  private waiter: Waiter | null = null;
  private dead: HarnessError | null = null;
  /** What a child said about its uncaught exception before exiting. */
  private fatal: { message: string; detail: string | null } | null = null;
  private closing = false;
  private readonly exited: Promise<void>;
  private readonly worker: Worker | null = null;
  /** The harness's end of the worker thread's private channel. */
  private readonly port: MessagePort | null = null;
  readonly child: ChildProcess | null = null;
  /** The first message: 'ready' once the module is loaded, or 'load-error'. */
  readonly ready: Promise<FromMember>;

  constructor(
    readonly mode: PoolMode,
    config: MemberConfig,
  ) {
    this.ready = new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
    let onExit!: () => void;
    this.exited = new Promise((resolve) => (onExit = resolve));
    if (mode === 'worker_threads') {
      // stdout/stderr not captured: the thread's console output goes to the harness's stdout/stderr.
      // A channel of our own: the user's module may use parentPort itself (a worker script whose
      // function we benchmark), and its messages must neither reach nor disturb ours.
      const channel = new MessageChannel();
      const worker = new Worker(WORKER_SCRIPT, {
        workerData: { ...config, port: channel.port2 },
        transferList: [channel.port2],
        stdout: false,
        stderr: false,
      });
      this.worker = worker;
      this.port = channel.port1;
      channel.port1.on('message', (m: FromMember) => this.deliver(m));
      worker.on('error', (err) =>
        this.die(new HarnessError('raised', `A worker thread hit an uncaught exception in worker_threads mode: ${errorText(err)}`, userStack(err))),
      );
      channel.port1.on('messageerror', (err) =>
        this.die(new HarnessError('unpicklable', `A message from a worker thread could not be deserialized in worker_threads mode: ${errorText(err)}`)),
      );
      worker.on('exit', (code) => {
        channel.port1.close();
        this.die(
          new HarnessError(
            'worker-died',
            `A worker thread exited with code ${code} in worker_threads mode (the function called process.exit, or the thread crashed)`,
          ),
        );
        onExit();
      });
    } else {
      // stdin ignored: the harness's stdin carries the engine's commands. stdout/stderr inherited:
      // they are the user's. Not detached: the child stays in the harness's process group.
      const child = fork(WORKER_SCRIPT, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      this.child = child;
      child.on('message', (m: FromMember) => {
        if (m.type === 'fatal') this.fatal = { message: m.message, detail: m.detail };
        else this.deliver(m);
      });
      child.on('error', (err) => this.die(new HarnessError('worker-died', `A child process failed in child_process mode: ${errorText(err)}`)));
      child.on('exit', (code, signal) => {
        this.die(
          this.fatal
            ? new HarnessError('raised', `A child process hit an uncaught exception in child_process mode: ${this.fatal.message}`, this.fatal.detail)
            : new HarnessError(
                'worker-died',
                signal
                  ? `A child process was killed by ${signal} in child_process mode`
                  : `A child process exited with code ${code} in child_process mode (the function called process.exit, or the process crashed)`,
              ),
        );
        onExit();
      });
      this.post({ type: 'init', ...config });
    }
  }

  private post(message: ToMember): void {
    if (this.port) this.port.postMessage(message);
    else this.child!.send(message);
  }

  private deliver(message: FromMember): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(message);
  }

  private die(err: HarnessError): void {
    if (this.closing || this.dead) return;
    this.dead = err;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(err);
  }

  request(message: ToMember, task?: number): Promise<FromMember> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      try {
        this.post(message);
      } catch (err) {
        this.waiter = null;
        const what = task === undefined ? 'A message' : `The arguments of task ${task}`;
        reject(
          isCloneError(err)
            ? new HarnessError('unpicklable', `${what} cannot be sent to a ${noun(this.mode)} in ${this.mode} mode (structured clone): ${errorText(err)}`)
            : (this.dead ?? new HarnessError('worker-died', `A ${noun(this.mode)} stopped accepting work in ${this.mode} mode: ${errorText(err)}`)),
        );
      }
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.waiter?.reject(new HarnessError('internal', 'The pool was closed'));
    this.waiter = null;
    if (this.worker) {
      this.port?.close();
      await this.worker.terminate();
      return;
    }
    const child = this.child!;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    // A child that ignores SIGTERM (user signal handler) gets SIGKILL.
    const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Synchronous last resort (signal handlers, lost engine): children must not outlive the harness. */
  killNow(): void {
    this.closing = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

class Pool {
  private constructor(
    readonly mode: PoolMode,
    readonly members: Member[],
  ) {}

  /** Starts the members, waits for each to load the module, then one no-op round trip each. */
  static async create(mode: PoolMode, size: number, config: MemberConfig): Promise<Pool> {
    const pool = new Pool(mode, []);
    try {
      for (let i = 0; i < size; i++) pool.members.push(new Member(mode, config));
      const firsts = await Promise.all(pool.members.map((m) => m.ready));
      for (const first of firsts) {
        if (first.type === 'load-error') {
          throw new HarnessError(first.kind, `A ${noun(mode)} could not load the function in ${mode} mode: ${first.message}`, first.detail);
        }
      }
      await Promise.all(pool.members.map((m) => m.request({ type: 'ping' })));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Hands the items to idle members until all are done; the first failure rejects. */
  async runBatch(items: ToMember[]): Promise<void> {
    let next = 0;
    let failed = false;
    const drain = async (member: Member): Promise<void> => {
      while (!failed && next < items.length) {
        const index = next++;
        const answer = await member.request(items[index], index);
        if (answer.type === 'error') {
          const message =
            answer.kind === 'unpicklable'
              ? `The result of task ${index} cannot be sent back from a ${noun(this.mode)} in ${this.mode} mode (structured clone): ${answer.message}`
              : `The function threw in ${this.mode} mode: ${answer.message}`;
          throw new HarnessError(answer.kind, message, answer.detail);
        }
      }
    };
    try {
      await Promise.all(this.members.map(drain));
    } catch (err) {
      failed = true;
      throw err;
    }
  }

  /** Cumulative CPU time of the children, in ms (worker threads are in process.cpuUsage already). */
  async childCpuMs(): Promise<number> {
    const answers = await Promise.all(this.members.map((m) => m.request({ type: 'cpu' })));
    let total = 0;
    for (const a of answers) if (a.type === 'cpu') total += (a.usage.user + a.usage.system) / 1000;
    return total;
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.close()));
  }

  killNow(): void {
    for (const m of this.members) m.killNow();
  }
}

const poolKey = (mode: PoolMode, workers: number): string => `${mode}:${workers}`;

/** Pools live per (mode, workers) across samples; only the sample that creates one pays start-up. */
async function getPool(mode: PoolMode, workers: number): Promise<{ pool: Pool; startupMs: number | null }> {
  const key = poolKey(mode, workers);
  const existing = pools.get(key);
  if (existing) return { pool: existing, startupMs: null };
  const l = requireLoaded();
  const started = performance.now();
  const pool = await Pool.create(mode, workers, { file: l.file, functionName: l.functionName, tsCache: [...tsCache] });
  const startupMs = performance.now() - started;
  pools.set(key, pool);
  return { pool, startupMs };
}

/** After a failure a pool may hold a dead or busy member: the next sample starts a fresh one. */
async function dropPool(mode: PoolMode, workers: number): Promise<void> {
  const key = poolKey(mode, workers);
  const pool = pools.get(key);
  pools.delete(key);
  await pool?.close();
}

async function closeAll(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}

function killChildrenNow(): void {
  for (const pool of pools.values()) pool.killNow();
}

// ---- commands ----------------------------------------------------------------------------------

function checkMode(mode: Mode, workers: number): void {
  if (!(MODES as Mode[]).includes(mode)) {
    throw new HarnessError('unsupported', `Mode ${String(mode)} does not exist in the Node harness (modes: ${MODES.join(', ')})`);
  }
  if (!Number.isInteger(workers) || workers < 1) throw new HarnessError('internal', `workers must be a positive integer, got ${String(workers)}`);
}

async function runOnMainThread(mode: 'sequential' | 'main-thread-async', fn: UserFunction, tasks: unknown[][]): Promise<void> {
  try {
    if (mode === 'sequential') {
      for (const args of tasks) await fn(...args);
    } else {
      // async wrapper: a synchronous throw becomes a rejection like an async one.
      await Promise.all(tasks.map(async (args) => fn(...args)));
    }
  } catch (err) {
    throw userError(err, `in ${mode} mode`);
  }
}

async function run(cmd: RunCommand): Promise<SampleReply> {
  const l = requireLoaded();
  checkMode(cmd.mode, cmd.workers);
  const repeat = Number.isInteger(cmd.repeat) && cmd.repeat >= 1 ? cmd.repeat : 1;
  const mode = cmd.mode as NodeMode;
  let pool: Pool | null = null;
  let startupMs: number | null = null;
  if (isPoolMode(mode)) ({ pool, startupMs } = await getPool(mode, cmd.workers));
  const items: ToMember[] = l.tasks.map((args) => ({ type: 'task', args }));

  // Children's CPU is asked outside the timed window; this process's (all its threads) read around it.
  const childrenBefore = pool?.mode === 'child_process' ? await pool.childCpuMs() : 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    for (let r = 0; r < repeat; r++) {
      if (pool) await pool.runBatch(items);
      else await runOnMainThread(mode as 'sequential' | 'main-thread-async', l.fn, l.tasks);
    }
  } catch (err) {
    if (pool) await dropPool(pool.mode, cmd.workers);
    throw err;
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  let cpuMs = (cpu.user + cpu.system) / 1000;
  if (pool?.mode === 'child_process') cpuMs += (await pool.childCpuMs()) - childrenBefore;
  return { type: 'sample', id: cmd.id, mode: cmd.mode, workers: cmd.workers, repeat, wallMs, cpuMs, startupMs };
}

async function firstResult(l: Loaded, where: string): Promise<unknown> {
  if (l.firstResult) return l.firstResult.value;
  try {
    const value = await l.fn(...l.tasks[0]);
    l.firstResult = { value };
    return value;
  } catch (err) {
    throw userError(err, where);
  }
}

async function profileTask(cmd: { id: number }): Promise<TaskProfileReply> {
  const l = requireLoaded();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    l.firstResult = { value: await l.fn(...l.tasks[0]) };
  } catch (err) {
    throw userError(err, 'while profiling one task on the main thread');
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { type: 'task-profile', id: cmd.id, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Structured clone (v8.serialize), what postMessage and advanced IPC do to each task's data. */
async function serialization(cmd: { id: number }): Promise<SerializationReply> {
  const l = requireLoaded();
  const args = l.tasks[0];
  const result = await firstResult(l, 'while computing one result for the serialization cost');
  let bytes = 0;
  try {
    bytes += v8.serialize(args).length;
  } catch (err) {
    throw new HarnessError('unpicklable', `The first task's arguments cannot be structured-cloned (as postMessage and IPC would): ${errorText(err)}`);
  }
  try {
    bytes += v8.serialize(result).length;
  } catch (err) {
    throw new HarnessError('unpicklable', `The function's result cannot be structured-cloned (as postMessage and IPC would): ${errorText(err)}`);
  }
  // Repeat until the total is long enough for the clock to resolve it.
  let iterations = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    v8.deserialize(v8.serialize(args));
    v8.deserialize(v8.serialize(result));
    iterations++;
    elapsed = performance.now() - started;
  } while ((elapsed < 20 || iterations < 5) && elapsed < 2000 && iterations < 100_000);
  return { type: 'serialization', id: cmd.id, bytesPerTask: bytes, msPerTask: elapsed / iterations };
}

const noop = (): undefined => undefined;

/** Per-task overhead: batches of the same size with an empty task, repeated for ≥ 50 ms. */
async function dispatch(cmd: DispatchCommand): Promise<DispatchReply> {
  const l = requireLoaded();
  checkMode(cmd.mode, cmd.workers);
  const mode = cmd.mode as NodeMode;
  const n = l.tasks.length;
  let once: () => Promise<unknown>;
  if (isPoolMode(mode)) {
    const { pool } = await getPool(mode, cmd.workers);
    const items: ToMember[] = Array.from({ length: n }, () => ({ type: 'noop' }));
    once = () => pool.runBatch(items);
  } else if (mode === 'sequential') {
    once = async () => {
      for (let i = 0; i < n; i++) await noop();
    };
  } else {
    once = () => Promise.all(Array.from({ length: n }, async () => noop()));
  }
  try {
    await once(); // warm-up
    let batches = 0;
    const started = performance.now();
    let elapsed = 0;
    do {
      await once();
      batches++;
      elapsed = performance.now() - started;
    } while ((elapsed < 50 || batches < 3) && batches < 10_000);
    return { type: 'dispatch', id: cmd.id, mode: cmd.mode, workers: cmd.workers, perTaskMs: elapsed / (batches * n) };
  } catch (err) {
    if (isPoolMode(mode)) await dropPool(mode, cmd.workers);
    throw err;
  }
}

async function execute(cmd: HarnessCommand): Promise<HarnessReply> {
  switch (cmd.cmd) {
    case 'init':
      return init(cmd);
    case 'run':
      return run(cmd);
    case 'profile-task':
      return profileTask(cmd);
    case 'serialization':
      return serialization(cmd);
    case 'dispatch':
      return dispatch(cmd);
    case 'shutdown':
      shuttingDown = true;
      await closeAll();
      return { type: 'bye', id: cmd.id };
    default:
      throw new HarnessError('internal', `Unknown command ${JSON.stringify((cmd as { cmd?: unknown }).cmd)}`);
  }
}

async function handleLine(line: string): Promise<void> {
  if (line.trim() === '') return;
  let cmd: HarnessCommand;
  try {
    cmd = JSON.parse(line) as HarnessCommand;
  } catch (err) {
    reply(errorReply(-1, null, new HarnessError('internal', `Not a JSON command: ${errorText(err)}`)));
    return;
  }
  const id = typeof cmd.id === 'number' ? cmd.id : -1;
  // Only the first init sets it: a later command cannot change who the replies are from.
  if (token === undefined && cmd.cmd === 'init' && typeof cmd.token === 'string') token = cmd.token;
  const mode = 'mode' in cmd ? cmd.mode : null;
  currentMode = mode;
  // Errors user code throws outside any awaited promise (a timer callback) fail the command too.
  const aborted = new Promise<never>((_, reject) => (abortCurrent = reject));
  try {
    reply(await Promise.race([execute(cmd), aborted]));
  } catch (err) {
    reply(errorReply(id, mode, err));
  } finally {
    abortCurrent = null;
    currentMode = null;
  }
  if (cmd.cmd === 'shutdown') setImmediate(() => realExit(0));
}

function onStrayError(err: unknown): void {
  if (abortCurrent) {
    abortCurrent(userError(err, currentMode ? `in ${currentMode} mode (uncaught, outside the awaited call)` : '(uncaught)'));
    return;
  }
  // Between commands nothing can be failed; the harness itself must keep serving.
  process.stderr.write(`[concurrency-lens node harness] uncaught error from user code between commands: ${errorText(err)}\n`);
}

function main(): void {
  try {
    fs.fstatSync(REPLY_FD);
  } catch {
    process.stderr.write(`node-harness: file descriptor ${REPLY_FD} must be open (replies are written there); it is started by the benchmark engine\n`);
    realExit(2);
  }
  process.on('uncaughtException', onStrayError);
  process.on('unhandledRejection', onStrayError);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killChildrenNow();
      realExit(128 + (os.constants.signals[signal] ?? 15));
    });
  }
  // Commands run one at a time, in order: one reply per command.
  let chain = Promise.resolve();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (/"cmd"\s*:\s*"shutdown"/.test(line)) shuttingDown = true;
    chain = chain.then(() => handleLine(line));
  });
  lines.on('close', () => {
    // The engine closed stdin: after a shutdown, let it finish; otherwise stop now, pools included.
    if (shuttingDown) return;
    void closeAll().finally(() => realExit(0));
  });
}

main();
