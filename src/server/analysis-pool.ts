import { Worker } from 'node:worker_threads';
import type { AnalysisResult } from '../analysis';
import type { DocumentSync, FromWorker, JobResult, ToWorker, WorkerJob } from './worker-protocol';

// The language server's analysis workers (issue 14): the request thread only routes LSP messages,
// and the engine runs on worker threads, so a hover is answered while a large file is analyzed.
//
// Two lanes, one worker each: `fast` for ordinary documents, `slow` for documents that are large or
// were slow last time, so one 7 MB file never holds up the rest. Each lane has a queue here (not in
// the worker's message port), which lets the pool
//   - coalesce analyses: a document has at most one queued; a newer edit replaces it before it
//     starts, and its job (with the edits since the last one sent) is made only when it starts;
//   - cancel a stale analysis that is already running long: the worker is ended and a new one
//     started (its caches are rebuilt from the open documents, which every message keeps in sync).
//
// Requests (hover, CodeLens, benchmark target, executor swap, notebook hover) do not wait for
// analyses: a worker is busy until its job ends (the engine is synchronous), so a queue position
// ahead of the analyses was not enough, and a hover on a small file waited out each keystroke's
// analysis of a 5,000-line one. A third worker, `requests`, runs nothing but requests:
//   - a request runs on its document's lane worker when that one is idle (the document's model is
//     there, cached by its last analysis), and on the request worker otherwise;
//   - except a large document's (over SLOW_LANE_CHARS): it waits on the slow lane, ahead of the
//     queued analyses. Its model is one the slow worker builds anyway; building it again on the
//     request worker would take about as long as the wait, hold a second copy of the largest
//     models, and hold up every small document's request behind it. A document on the slow lane
//     only because its last analysis was slow (or the machine busy) is not large: its requests do
//     not wait for another document's analysis there;
//   - the request worker keeps the open documents in sync like the lanes (its own dirty, closed and
//     invalidated sets), so it answers from the current text, unsaved edits included. A request
//     about the document being analyzed builds its model there a second time (from scratch: the
//     incremental parse tree is the lane worker's), in parallel with the analysis. It costs one
//     more engine: a V8 isolate with the parser (about 25 MB of resident memory idle), and the
//     models of the documents it was asked about (`npm run bench:server` prints the server's).
//   Code actions need no worker: the request thread answers them from the findings of the
//   document's current text (server.ts).
// The workspace analysis runs on a worker of its own, ended when it finishes or is cancelled.

export type Lane = 'fast' | 'slow';
/** Which worker a job runs on: a lane's, the request worker, or a workspace run's. */
type SlotName = Lane | 'requests' | 'workspace';

/** Documents this large, or this slow last time, are analyzed on the slow lane (server.ts, notebooks.ts). */
export const SLOW_LANE_CHARS = 256 * 1024;
export const SLOW_LANE_MS = 400;

/** What a request is about: its document's lane and size (see the top of this file). */
export interface RequestSubject {
  lane: Lane;
  chars: number;
}

/** A running analysis older than this, with a newer edit of its document waiting, ends its worker. */
const RESTART_STALE_AFTER_MS = 750;

interface Task {
  id: number;
  kind: 'request' | 'analysis';
  /** The document an analysis is of: a newer analysis of it supersedes a queued one. */
  key?: string;
  make(slot: SlotInfo): WorkerJob;
  resolve(result: JobResult | null): void;
  reject(error: Error): void;
  started?: number;
  /** True once a newer analysis of the same document was asked for. */
  stale?: boolean;
  onFile?: (result: AnalysisResult) => void;
  onProgress?: (done: number, total: number) => void;
}

/** What a job's maker may depend on: which worker will run it (edits are only valid there). */
export interface SlotInfo {
  lane: SlotName;
  generation: number;
}

export interface PoolHost {
  /** The open document's text as the engine should see it; null: too large; undefined: not open. */
  textOf(path: string): string | null | undefined;
  openPaths(): Iterable<string>;
  files(): string[] | undefined;
  log(message: string): void;
}

class Slot {
  worker: Worker | null = null;
  ready = false;
  generation = 0;
  running: Task | null = null;
  readonly queue: Task[] = [];
  /** Documents to send before the next job: changed, closed, invalidated on disk. */
  readonly dirty = new Set<string>();
  readonly closed = new Set<string>();
  readonly invalidated = new Set<string>();
  filesDirty = true;

  constructor(
    readonly lane: SlotName,
    private readonly pool: AnalysisPool,
  ) {}

  /** Started, and neither running nor holding a job: one given now starts at once. */
  get idle(): boolean {
    return this.ready && !this.running && this.queue.length === 0;
  }

  start(): void {
    this.generation++;
    this.ready = false;
    this.dirty.clear();
    this.closed.clear();
    this.invalidated.clear();
    for (const path of this.pool.host.openPaths()) this.dirty.add(path);
    this.filesDirty = true;
    const worker = new Worker(this.pool.script);
    this.worker = worker;
    worker.on('message', (message: FromWorker) => {
      if (this.worker === worker) this.onMessage(message);
    });
    worker.on('error', (error) => {
      if (this.worker === worker) this.pool.host.log(`analysis worker (${this.lane}) failed: ${error.stack ?? error.message}`);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return; // ended on purpose, already replaced
      this.pool.host.log(`analysis worker (${this.lane}) exited with code ${code}`);
      const started = this.ready;
      this.worker = null;
      this.ready = false;
      const running = this.running;
      this.running = null;
      const error = new Error(`the analysis worker exited (code ${code})`);
      running?.reject(error);
      // One that never started (a missing script) would fail again at once: fail what waits, and
      // try again on the next job. One that crashed on a job gets a successor for the rest.
      if (!started) for (const task of this.queue.splice(0)) task.reject(error);
      else if (this.queue.length > 0) this.pump();
    });
  }

  /** Ends the worker (a stale job, or shutdown); queued tasks go to its successor. */
  stop(restart: boolean): void {
    const worker = this.worker;
    this.worker = null;
    this.ready = false;
    const running = this.running;
    this.running = null;
    running?.resolve(null);
    void worker?.terminate();
    if (restart) this.pump();
  }

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.pump();
        return;
      case 'fatal': {
        this.pool.host.log(`analysis worker (${this.lane}) could not start: ${message.message}`);
        // Starting another would fail the same way: fail what waits, and try again on the next job.
        const waiting = this.queue.splice(0);
        this.stop(false);
        for (const task of waiting) task.reject(new Error(`the analysis worker could not start: ${message.message}`));
        return;
      }
      case 'log':
        this.pool.host.log(message.message);
        return;
      case 'file':
        if (this.running?.id === message.id) this.running.onFile?.(message.result);
        return;
      case 'progress':
        if (this.running?.id === message.id) this.running.onProgress?.(message.done, message.total);
        return;
      case 'done':
      case 'failed': {
        const task = this.running;
        if (!task || task.id !== message.id) return;
        this.running = null;
        if (message.type === 'done') task.resolve(task.stale ? null : message.result);
        else task.reject(new Error(message.message));
        this.pump();
        return;
      }
    }
  }

  enqueue(task: Task): void {
    if (task.kind === 'request') {
      // Requests go ahead of analyses, in their own order.
      const firstAnalysis = this.queue.findIndex((t) => t.kind === 'analysis');
      this.queue.splice(firstAnalysis < 0 ? this.queue.length : firstAnalysis, 0, task);
    } else {
      this.queue.push(task);
    }
    this.pump();
  }

  pump(): void {
    if (this.running || this.queue.length === 0) return;
    if (!this.worker) {
      this.start();
      return; // 'ready' pumps again
    }
    if (!this.ready) return;
    const task = this.queue.shift()!;
    const info: SlotInfo = { lane: this.lane, generation: this.generation };
    let job: WorkerJob;
    try {
      job = task.make(info);
    } catch (error) {
      task.reject(error as Error);
      this.pump();
      return;
    }
    const sync: DocumentSync[] = [];
    for (const path of this.dirty) {
      const text = this.pool.host.textOf(path);
      if (text !== undefined) sync.push({ path, text });
    }
    const message: ToWorker = {
      id: task.id,
      sync,
      closed: [...this.closed],
      invalidated: [...this.invalidated],
      files: this.filesDirty ? this.pool.host.files() : undefined,
      job,
    };
    this.dirty.clear();
    this.closed.clear();
    this.invalidated.clear();
    if (message.files) this.filesDirty = false;
    task.started = performance.now();
    this.running = task;
    this.worker.postMessage(message);
  }
}

export class AnalysisPool {
  private readonly slots: Record<Lane | 'requests', Slot>;
  private readonly extra = new Set<Slot>();
  private nextId = 1;

  constructor(
    readonly script: string,
    readonly host: PoolHost,
  ) {
    this.slots = { fast: new Slot('fast', this), slow: new Slot('slow', this), requests: new Slot('requests', this) };
  }

  /**
   * Starts the workers ahead of the first document (each loads the parser wasm): the request
   * worker too, or the first request diverted to it would wait for its start.
   */
  warmUp(): void {
    for (const slot of this.all()) if (!slot.worker) slot.start();
  }

  private all(): Slot[] {
    return [this.slots.fast, this.slots.slow, this.slots.requests, ...this.extra];
  }

  generation(lane: Lane): number {
    return this.slots[lane].generation;
  }

  /** An open document's text changed (or it was opened): every worker gets it before its next job. */
  changed(path: string): void {
    for (const slot of this.all()) {
      slot.closed.delete(path);
      slot.dirty.add(path);
    }
  }

  closed(path: string): void {
    for (const slot of this.all()) {
      slot.dirty.delete(path);
      slot.closed.add(path);
    }
    this.supersede(path);
  }

  /** A file changed on disk. */
  invalidated(path: string): void {
    for (const slot of this.all()) slot.invalidated.add(path);
  }

  filesChanged(): void {
    for (const slot of this.all()) slot.filesDirty = true;
  }

  /**
   * Analyzes a document on a lane. A queued analysis of the same document is dropped (resolved
   * null), and one running long on a worker is cancelled by ending that worker. Resolves null when
   * superseded. `make` is called when the job starts, so it takes the edits of that moment.
   */
  analyze(lane: Lane, key: string, make: (slot: SlotInfo) => WorkerJob): Promise<JobResult | null> {
    this.supersede(key);
    return new Promise((resolve, reject) => {
      this.slots[lane].enqueue({ id: this.nextId++, kind: 'analysis', key, make, resolve, reject });
    });
  }

  /** A request (hover, lenses, ...): on a worker that is not analyzing, but for a large document's. */
  request(subject: RequestSubject, job: WorkerJob, isCancelled?: () => boolean): Promise<JobResult | null> {
    const own = this.slots[subject.lane];
    const slot = subject.chars > SLOW_LANE_CHARS || own.idle ? own : this.slots.requests;
    return new Promise((resolve, reject) => {
      slot.enqueue({
        id: this.nextId++,
        kind: 'request',
        make: () => {
          if (isCancelled?.()) throw new CancelledError();
          return job;
        },
        resolve,
        reject,
      });
    });
  }

  /** The workspace run: a worker of its own, ended afterwards. `cancel` stops it between files. */
  workspace(job: WorkerJob, onFile: (result: AnalysisResult) => void, onProgress: (done: number, total: number) => void): { result: Promise<JobResult | null>; cancel(): void } {
    const slot = new Slot('workspace', this);
    this.extra.add(slot);
    const id = this.nextId++;
    const result = new Promise<JobResult | null>((resolve, reject) => {
      slot.enqueue({ id, kind: 'request', make: () => job, resolve, reject, onFile, onProgress });
    }).finally(() => {
      this.extra.delete(slot);
      slot.stop(false);
    });
    return { result, cancel: () => slot.worker?.postMessage({ cancel: id }) };
  }

  /** A newer version of the document exists: its queued analysis is dropped, a long running one ended. */
  supersede(key: string): void {
    for (const slot of this.all()) {
      for (let i = slot.queue.length - 1; i >= 0; i--) {
        const task = slot.queue[i];
        if (task.kind === 'analysis' && task.key === key) {
          slot.queue.splice(i, 1);
          task.resolve(null);
        }
      }
      const running = slot.running;
      if (running?.kind === 'analysis' && running.key === key) {
        running.stale = true;
        // A long stale run would hold the lane for seconds more: end it. A short one finishes and
        // its result is dropped (restarting costs the worker's caches, more than waiting).
        if (running.started !== undefined && performance.now() - running.started > RESTART_STALE_AFTER_MS) {
          this.host.log(`cancelled a stale analysis of ${key} after ${Math.round(performance.now() - running.started)} ms`);
          slot.stop(true);
        }
      }
    }
  }

  dispose(): void {
    for (const slot of this.all()) slot.stop(false);
  }
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}
