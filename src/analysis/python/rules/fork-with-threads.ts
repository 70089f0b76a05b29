import type { CallInfo, PythonModel } from '../model';
import { ruleMeta } from '../../catalog';
import { stringLiteralValue } from '../model';
import type { PythonRule } from '../rule';
import { poolConstruction, workerConstructionFamily } from '../spawning';
import { type PyNode, rangeOf } from '../syntax';
import { replaceNode } from '../edits';

// fork() copies only the calling thread. Locks that other threads held at that moment (logging
// handlers, I/O buffers, the allocator, user locks) stay locked forever in the child, which then
// deadlocks at random. CPython 3.12+ warns when a multi-threaded process forks.

const START_METHOD_CALLS = new Set(['multiprocessing.set_start_method', 'multiprocessing.get_context']);
const THREAD_STARTING_FUNCTIONS = new Set(['asyncio.to_thread', '_thread.start_new_thread', '_thread.start_new']);

export const rule: PythonRule = {
  meta: ruleMeta('CL204'),
  check(context) {
    const { model } = context;
    const forks: { call: CallInfo; literal: PyNode }[] = [];
    for (const call of model.calls) {
      if (!call.qualified || !START_METHOD_CALLS.has(call.qualified)) continue;
      const literal = call.kwargs.get('method') ?? call.args[0];
      if (literal?.type === 'string' && stringLiteralValue(model.text(literal)) === 'fork') forks.push({ call, literal });
    }
    if (forks.length === 0) return;
    const thread = firstThreadStart(model);
    if (!thread) return;
    for (const { call, literal } of forks) {
      const quote = /["']{1,3}$/.exec(model.text(literal))?.[0] ?? '"';
      const prefix = /^[rRuU]*/.exec(model.text(literal))?.[0] ?? '';
      context.report({
        node: call.node,
        message:
          `The "fork" start method in a module that also starts threads (\`${model.text(thread.callee)}\`, line ` +
          `${thread.node.startRow + 1}): fork copies only the calling thread, so locks other threads hold stay ` +
          'locked in the child and it can deadlock. Use "spawn" or "forkserver".',
        fix: {
          description: 'Use the "spawn" start method (task functions and their arguments must then be picklable)',
          edits: [replaceNode(literal, `${prefix}${quote}spawn${quote}`)],
          safe: false,
        },
        related: [{ path: model.path, range: rangeOf(thread.node), message: 'a thread is started here' }],
      });
    }
  },
};

function firstThreadStart(model: PythonModel): CallInfo | null {
  for (const call of model.calls) {
    if (workerConstructionFamily(model, call) === 'thread') return call;
    if (poolConstruction(call)?.family === 'thread') return call;
    if (call.qualified && THREAD_STARTING_FUNCTIONS.has(call.qualified)) return call;
    if (call.method === 'run_in_executor' && call.args[0]?.type === 'none') return call;
  }
  return null;
}
