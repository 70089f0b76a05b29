// A pool member of the Node harness: the same script runs as a worker thread (worker_threads mode)
// and as a forked child (child_process mode). It loads the user's module once, then answers one
// request at a time: the harness never sends a second request before the reply to the first.

import { createRequire } from 'node:module';
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import {
  enableSourceMapsFor,
  errorText,
  findFunction,
  HarnessError,
  installTsHook,
  loadUserModule,
  userStack,
  type FromMember,
  type MemberConfig,
  type ToMember,
} from './node-common';

// Worker threads talk to the harness on a private port, not parentPort: the user's module may be
// a worker script with parentPort handlers of its own.
const thread = parentPort ? (workerData as MemberConfig).port ?? null : null;

function send(message: FromMember): void {
  // Throws synchronously on a value structured clone cannot handle (DataCloneError): callers decide.
  if (thread) thread.postMessage(message);
  else process.send!(message);
}

let fn: ((...args: unknown[]) => unknown) | null = null;

async function start(config: MemberConfig): Promise<void> {
  installTsHook(new Map(config.tsCache), () => {
    // Only for a .ts file the harness did not see (e.g. required lazily inside the function).
    const req = createRequire(__filename);
    return (req(path.join(__dirname, 'node-ts.js')) as typeof import('./node-ts')).transpile;
  });
  enableSourceMapsFor(config.file);
  try {
    fn = findFunction(await loadUserModule(config.file), config.functionName, config.file);
    send({ type: 'ready' });
  } catch (err) {
    const e = err instanceof HarnessError ? err : new HarnessError('import', errorText(err), userStack(err));
    send({ type: 'load-error', kind: e.kind, message: e.message, detail: e.detail });
  }
}

async function handle(message: ToMember): Promise<void> {
  switch (message.type) {
    case 'init':
      return start(message);
    case 'ping':
      return send({ type: 'pong' });
    case 'noop':
      return send({ type: 'done' });
    case 'cpu':
      return send({ type: 'cpu', usage: process.cpuUsage() });
    case 'task': {
      let result: unknown;
      try {
        result = await fn!(...message.args);
      } catch (err) {
        return send({ type: 'error', kind: 'raised', message: errorText(err), detail: userStack(err) });
      }
      try {
        send({ type: 'done', result });
      } catch (err) {
        // The result travels back like a real pool's would: if it cannot be cloned, say so.
        send({ type: 'error', kind: 'unpicklable', message: errorText(err), detail: null });
      }
      return;
    }
  }
}

if (thread) {
  thread.on('message', (m: ToMember) => void handle(m));
  void start(workerData as MemberConfig);
} else {
  process.on('message', (m: ToMember) => void handle(m));
  // The harness went away (killed without its process group): do not outlive it.
  process.on('disconnect', () => process.exit(0));
  // A worker thread's uncaught exception reaches the harness as an 'error' event; a child's would
  // only show as exit code 1, so describe it before dying.
  process.on('uncaughtException', (err) => {
    const exit = (): never => process.exit(70);
    setTimeout(exit, 1000).unref(); // IPC is asynchronous: give the message a moment, not forever
    try {
      process.send!({ type: 'fatal', message: errorText(err), detail: userStack(err) } satisfies FromMember, undefined, undefined, exit);
    } catch {
      exit();
    }
  });
}
