import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Readable } from 'node:stream';
import { descendantsOf, killProcess, type ProcessRef, RUN_TAG_ENV, taggedWith } from './process-tree';
import { type HarnessCommand, type HarnessReply, type Mode, REPLY_FD, REPLY_FD_ENV, type SignedReply } from './protocol';
import type { BenchErrorKind } from './types';

// Runs one harness program (python_harness.py / node-harness.js) and speaks the protocol with it
// (protocol.ts): commands as JSON lines on its stdin, replies as JSON lines on REPLY_FD (fd 3 on
// Windows), each carrying this harness's random token; lines without it are the user's code
// writing there, and are ignored.
//
// The harness runs in its OWN process group (detached), and every pool worker it forks or spawns
// inherits that group, so killing the group (`kill(-pid)`) takes the whole tree down at once: on
// a timeout, on cancellation, when the harness dies, and when this process exits. Without that,
// a hung worker process would outlive the benchmark. Processes that left the group (detached,
// setsid) are found by the run's tag and by ancestry (process-tree.ts) and killed with it, on
// every end: timeout, cancellation, death and a normal shutdown alike.

/** Why a command did not get its reply. */
export class HarnessFailure extends Error {
  constructor(
    readonly kind: Extract<BenchErrorKind, 'timeout' | 'harness-died' | 'aborted' | 'spawn' | 'internal'>,
    message: string,
    readonly detail: string | null = null,
  ) {
    super(message);
    this.name = 'HarnessFailure';
  }
}

export interface HarnessStartOptions {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Receives what the user's code prints; the pipes are always drained so it never blocks. */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** Receives each line on the reply channel that did not come from the harness (no token). */
  onStrayReply?: (line: string) => void;
}

type CommandBody = HarnessCommand extends infer C ? (C extends HarnessCommand ? Omit<C, 'id'> : never) : never;

interface Pending {
  resolve(reply: HarnessReply): void;
  reject(error: HarnessFailure): void;
}

/** Keep this much of the harness's stderr to explain a crash. */
const STDERR_TAIL = 4000;
/** After the harness exits, replies still in the pipe get this long to arrive. */
const EXIT_GRACE_MS = 100;
/**
 * How often the harness's descendants are sampled while it runs, to know the ones that clear
 * their environment (no tag) and are orphaned before the kill (no ancestry left then). One scan
 * of /proc costs 3–6 ms of CPU with 150 processes: under 1% of a core, below the noise of any
 * measurement (a cell is unstable from a 10% CV).
 */
const TRACK_INTERVAL_MS = 1000;
/** A reply line longer than this is not one: a traceback of 1,000 frames is ≈ 150 KB. */
const MAX_REPLY_CHARS = 4 * 1024 * 1024;
/** Tag scans after the kill, for processes a tagged one forked while the first scan ran. */
const KILL_ROUNDS = 3;

const live = new Set<HarnessProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: whatever way this process ends (normally, process.exit, an uncaught error), take
  // the harness trees with it. 'exit' handlers must be synchronous; kill() is.
  process.on('exit', () => {
    for (const harness of live) harness.kill();
  });
}

export class HarnessProcess {
  readonly pid: number;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffer = '';
  private stderrTail = '';
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private killed = false;
  /** Set once the group was killed after the harness exited: nothing of it can be left, and the
   *  group id may later be reused by an unrelated process, so it must not be signalled again. */
  private groupReaped = false;
  /** Set once every tagged and tracked process was killed after the harness exited. */
  private treeReaped = false;
  /** Descendants seen while the harness ran (pid → start time). */
  private readonly tracked = new Map<number, number>();
  private readonly tracker: NodeJS.Timeout | null = null;
  private readonly exitPromise: Promise<void>;

  /** Sent in init; a reply line is the harness's only when it starts with `{"token":"<it>"`. */
  private readonly token = randomBytes(16).toString('hex');
  private readonly signature = `{"token":${JSON.stringify(this.token)}`;

  private constructor(
    child: ChildProcess,
    private readonly options: HarnessStartOptions,
    /** This harness tree's RUN_TAG_ENV value. */
    private readonly tag: string,
    replyFd: number,
  ) {
    this.child = child;
    this.pid = child.pid ?? -1;
    live.add(this);
    installExitHook();
    if (process.platform === 'linux') {
      this.tracker = setInterval(() => this.track(), TRACK_INTERVAL_MS);
      this.tracker.unref();
    }

    const replies = child.stdio[replyFd] as Readable | null;
    replies?.setEncoding('utf8');
    replies?.on('data', (chunk: string) => this.onReplyData(chunk));
    replies?.on('error', () => {});
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => options.onOutput?.('stdout', text));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
      options.onOutput?.('stderr', text);
    });
    // Writing to a harness that died raises EPIPE here; the exit handler reports the death.
    child.stdin?.on('error', () => {});
    // A failed kill() of an already dead child emits 'error': nothing to add to the exit report.
    child.on('error', () => {});

    this.exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exited = { code, signal };
        if (this.tracker) clearInterval(this.tracker);
        // Its workers may still be alive (a crash of the harness does not stop them), and so may
        // what the user's code detached, even after a clean shutdown: take the whole tree down,
        // then fail whatever still waits, once late replies had a chance to land.
        this.killTree();
        this.groupReaped = true;
        this.treeReaped = true;
        setTimeout(() => {
          live.delete(this);
          this.failAll(this.deathFailure());
          this.closePipes();
          resolve();
        }, EXIT_GRACE_MS);
      });
    });
  }

  /** Starts the harness; rejects with a `spawn` failure when the interpreter cannot be run. */
  static start(options: HarnessStartOptions): Promise<HarnessProcess> {
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      // Random, so that one run's kill never touches another run's processes.
      const tag = randomBytes(12).toString('hex');
      // stdin: commands; stdout/stderr: the user's prints; REPLY_FD: replies. fd 3, where the
      // replies used to be and the first descriptor code tends to get, is /dev/null: a write
      // there vanishes instead of filling a pipe nobody reads (which blocked the writer until
      // the timeout). Windows keeps the replies on fd 3, as before: the layout relies on POSIX
      // descriptor inheritance, which its C runtime only emulates.
      const posix = process.platform !== 'win32';
      const replyFd = posix ? REPLY_FD : 3;
      let sink: number | null = null;
      try {
        sink = posix ? fs.openSync(os.devNull, 'r+') : null;
        const stdio: Array<'pipe' | 'ignore' | number> = ['pipe', 'pipe', 'pipe'];
        if (sink !== null) stdio.push(sink);
        while (stdio.length < replyFd) stdio.push('ignore');
        stdio.push('pipe');
        child = spawn(options.command, options.args, {
          cwd: options.cwd,
          // The tag is inherited by every descendant, detached or not.
          env: { ...(options.env ?? process.env), [RUN_TAG_ENV]: tag, [REPLY_FD_ENV]: String(replyFd) },
          stdio,
          // Its own process group (POSIX), so that kill(-pid) reaches every worker. On Windows
          // `detached` would open a console window instead; the tree is killed with taskkill there.
          detached: process.platform !== 'win32',
          windowsHide: true,
        });
      } catch (error) {
        reject(new HarnessFailure('spawn', `cannot start ${options.command}: ${(error as Error).message}`));
        return;
      } finally {
        // The child has its own copy now.
        if (sink !== null) fs.closeSync(sink);
      }
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new HarnessFailure(
            'spawn',
            error.code === 'ENOENT' ? `cannot start ${options.command}: not found` : `cannot start ${options.command}: ${error.message}`,
          ),
        );
      });
      child.once('spawn', () => resolve(new HarnessProcess(child, options, tag, replyFd)));
    });
  }

  get alive(): boolean {
    return this.exited === null;
  }

  /**
   * Sends one command and waits for its reply. Error replies resolve (they are answers);
   * the promise rejects only when no answer can come: timeout, death, abort.
   */
  request(body: CommandBody, timeoutMs: number, signal?: AbortSignal, mode: Mode | null = null): Promise<HarnessReply> {
    if (this.exited) return Promise.reject(this.deathFailure());
    if (signal?.aborted) {
      this.kill();
      return Promise.reject(new HarnessFailure('aborted', 'the benchmark was cancelled'));
    }
    const id = this.nextId++;
    const command = (body.cmd === 'init' ? { ...body, id, token: this.token } : { ...body, id }) as HarnessCommand;
    return new Promise<HarnessReply>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      const onAbort = (): void => {
        cleanup();
        this.kill();
        reject(new HarnessFailure('aborted', 'the benchmark was cancelled'));
      };
      const timer = setTimeout(() => {
        cleanup();
        this.kill();
        const what = mode ? `mode ${mode}` : `the ${body.cmd} step`;
        reject(
          new HarnessFailure(
            'timeout',
            `${what} did not finish within ${formatSeconds(timeoutMs)} (--timeout); the harness and all its workers were killed. ` +
              'The function may hang (a deadlock, a wait that never ends) or one run may simply need a longer --timeout.',
          ),
        );
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (reply) => {
          cleanup();
          resolve(reply);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      });
      this.child.stdin?.write(`${JSON.stringify(command)}\n`);
    });
  }

  /** Asks the harness to shut its pools down and exit; kills the group if it does not within `graceMs`. */
  async close(graceMs = 3000): Promise<void> {
    if (this.exited) return this.exitPromise;
    // Once the harness has exited its children are orphans, no longer found by ancestry: note
    // them while they still are its descendants.
    this.track();
    try {
      await this.request({ cmd: 'shutdown' }, graceMs);
    } catch {
      // Dead or stuck already: kill below.
    }
    this.child.stdin?.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    // The exit handler kills the group: stragglers (a multiprocessing resource tracker, a process
    // the user's code started) go with it.
    await this.exitPromise;
    clearTimeout(timer);
  }

  /** Kills the harness's whole process tree now, detached descendants included (synchronous, idempotent). */
  kill(): void {
    this.killed = true;
    this.killTree();
  }

  /**
   * Stops reading the harness's pipes once it is gone. A process of the user's that escaped the
   * kill (no tag, orphaned before it was seen) may still hold the write ends, and open pipes keep
   * this process's event loop alive: the CLI waited 122 s past a 5 s budget for one. What such a
   * process prints after the harness's end is not the benchmark's.
   */
  private closePipes(): void {
    for (const stream of this.child.stdio) stream?.destroy();
  }

  /** Remembers the harness's current descendants, to kill them even once they are orphaned. */
  private track(): void {
    if (this.exited || this.pid <= 0) return;
    for (const ref of descendantsOf(this.pid)) this.tracked.set(ref.pid, ref.start);
  }

  /**
   * The group, then every process tagged with this run or known as a descendant. The victims are
   * collected before anything is signalled: a killed parent's children are reparented, and the
   * ancestry that named them is gone.
   */
  private killTree(): void {
    if (this.treeReaped) return;
    const victims: ProcessRef[] = [...this.tracked].map(([pid, start]) => ({ pid, start }));
    if (this.exited === null && this.pid > 0) victims.push(...descendantsOf(this.pid));
    victims.push(...taggedWith(this.tag));
    this.killGroup();
    const signalled = new Set<number>();
    const killAll = (refs: ProcessRef[]): void => {
      for (const ref of refs) if (!signalled.has(ref.pid) && killProcess(ref)) signalled.add(ref.pid);
    };
    killAll(victims);
    // A tagged process may have forked between the scan and its kill; its child is tagged too.
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const more = taggedWith(this.tag).filter((ref) => !signalled.has(ref.pid));
      if (more.length === 0) break;
      killAll(more);
    }
  }

  private killGroup(): void {
    if (this.pid <= 0 || this.groupReaped) return;
    if (process.platform === 'win32') {
      if (this.exited === null) spawnSync('taskkill', ['/pid', String(this.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
      return;
    }
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already empty.
    }
  }

  private onReplyData(chunk: string): void {
    this.buffer += chunk;
    for (let newline = this.buffer.indexOf('\n'); newline !== -1; newline = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line.length > 0) this.onReplyLine(line);
    }
    // Megabytes without a newline are not a reply in progress: keep the channel's memory bounded.
    if (this.buffer.length > MAX_REPLY_CHARS) {
      const ours = this.buffer.lastIndexOf(this.signature);
      this.options.onStrayReply?.(this.buffer.slice(0, 200));
      this.buffer = ours > 0 ? this.buffer.slice(ours) : '';
    }
  }

  /**
   * One line of the reply channel. The harness's replies start with its token; anything before
   * the token on the same line is what user code wrote there without a newline. Lines without it
   * are ignored, so a forged reply neither answers a command nor fails it.
   */
  private onReplyLine(line: string): void {
    const at = line.indexOf(this.signature);
    if (at !== 0) this.options.onStrayReply?.(at > 0 ? line.slice(0, at) : line);
    if (at === -1) return;
    let reply: SignedReply;
    try {
      reply = JSON.parse(line.slice(at)) as SignedReply;
    } catch {
      // Ours, but garbled (user code wrote into the middle of it): no answer will come.
      this.failAll(new HarnessFailure('internal', `the harness sent a malformed reply: ${line.slice(at, at + 200)}`));
      return;
    }
    if (reply.token !== this.token) return;
    const waiter = this.pending.get(reply.id);
    if (waiter) waiter.resolve(reply);
    else if (reply.type === 'error' && this.pending.size === 1) {
      // A reply to a command it could not parse (id -1) answers the one command in flight.
      this.pending.values().next().value?.resolve(reply);
    }
  }

  private failAll(error: HarnessFailure): void {
    for (const waiter of [...this.pending.values()]) waiter.reject(error);
  }

  private deathFailure(): HarnessFailure {
    if (this.killed) return new HarnessFailure('aborted', 'the harness was stopped');
    const how = this.exited?.signal ? `was killed by ${this.exited.signal}` : `exited with code ${this.exited?.code ?? '?'}`;
    const tail = this.stderrTail.trim();
    return new HarnessFailure(
      'harness-died',
      `the harness (${this.options.command}) ${how} in the middle of a run. The function may call os._exit() / process.exit(), ` +
        'crash the interpreter, or be killed for using too much memory.',
      tail.length > 0 ? tail : null,
    );
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
