import type { CallInfo, PythonModel } from '../model';
import { ruleMeta } from '../../catalog';
import { stringLiteralValue } from '../model';
import type { PythonRule } from '../rule';
import { poolConstruction, workerConstructionFamily } from '../spawning';
import { threadAliveAt } from '../liveness';
import { type PyNode, childByField, rangeOf } from '../syntax';
import { replaceNode } from '../edits';

// fork() copies only the calling thread. Locks that other threads held at that moment (logging
// handlers, I/O buffers, the allocator, user locks) stay locked forever in the child, which then
// deadlocks at random. CPython 3.12+ warns when a multi-threaded process forks. What matters is a
// process forked while threads run: a "fork" context that creates no process, or a thread in an
// unrelated function of the module, is no such moment.

const GLOBAL_SETTER = 'multiprocessing.set_start_method';
/** Process pools that do not fork through multiprocessing's start method. */
const OWN_START_METHOD = new Set([
  'concurrent.futures.InterpreterPoolExecutor',
  'joblib.Parallel',
  'loky.ProcessPoolExecutor',
  'loky.get_reusable_executor',
]);

interface ForkChoice {
  /** The `get_context("fork")` / `set_start_method("fork")` call. */
  call: CallInfo;
  literal: PyNode;
}

export const rule: PythonRule = {
  meta: ruleMeta('CL204'),
  check(context) {
    const { model } = context;
    const setters = model.calls.filter((call) => isGlobalSetter(model, call));
    const forks = setters.map((call) => forkChoice(model, call)).filter((choice): choice is ForkChoice => choice !== null);
    // A module that also sets another method (or one held in a variable) may not fork by default.
    const globalForks = forks.length === setters.length ? forks : [];
    const reported = new Set<CallInfo>();
    for (const call of model.calls) {
      const what = processCreation(model, call);
      if (!what) continue;
      const choice = startMethodChoice(model, call, globalForks);
      if (!choice || reported.has(choice.call)) continue;
      const thread = threadAliveAt(model, call.node);
      if (!thread) continue;
      reported.add(choice.call);
      const { literal } = choice;
      const quote = /["']{1,3}$/.exec(model.text(literal))?.[0] ?? '"';
      const prefix = /^[rRuU]*/.exec(model.text(literal))?.[0] ?? '';
      context.report({
        node: choice.call.node,
        message:
          `\`${what}\` (line ${call.node.startRow + 1}) forks with the "fork" start method while a thread may be running ` +
          `(${thread.reason}): fork copies only the calling thread, so locks other threads hold stay locked in the child ` +
          'and it can deadlock. Use "spawn" or "forkserver".',
        fix: {
          description: 'Use the "spawn" start method (task functions and their arguments must then be picklable)',
          edits: [replaceNode(literal, `${prefix}${quote}spawn${quote}`)],
          safe: false,
        },
        related: [
          { path: model.path, range: rangeOf(call.node), message: 'the process is created here' },
          { path: model.path, range: rangeOf(thread.node), message: thread.label },
        ],
      });
    }
  },
};

/** `multiprocessing.set_start_method(...)`, or `ctx.set_start_method(...)` on a context, which sets the same global. */
function isGlobalSetter(model: PythonModel, call: CallInfo): boolean {
  if (call.qualified === GLOBAL_SETTER) return true;
  if (call.method !== 'set_start_method' || !call.receiverNode) return false;
  return model.resolve(call.receiverNode, call.scope).kind === 'context';
}

function forkChoice(model: PythonModel, call: CallInfo): ForkChoice | null {
  const literal = call.kwargs.get('method') ?? call.args[0];
  if (literal?.type !== 'string' || stringLiteralValue(model.text(literal)) !== 'fork') return null;
  return { call, literal };
}

/** What the call creates when it starts processes through multiprocessing: a Process, a pool, a Manager. */
function processCreation(model: PythonModel, call: CallInfo): string | null {
  const callee = model.text(call.callee);
  if (workerConstructionFamily(model, call) === 'process') return `${callee}(...)`;
  const pool = poolConstruction(model, call);
  if (pool?.family === 'process' && !OWN_START_METHOD.has(pool.executor)) return `${callee}(...)`;
  if (call.qualified === 'multiprocessing.Manager') return `${callee}()`;
  return null;
}

/**
 * The "fork" choice a creation uses: the context it is created from (`ctx.Process`,
 * `ProcessPoolExecutor(mp_context=ctx)`), else the global start method when the module sets it to
 * "fork". Null when it uses another method, or one the analysis cannot read.
 */
function startMethodChoice(model: PythonModel, call: CallInfo, globalForks: ForkChoice[]): ForkChoice | null {
  const contextNode =
    call.kwargs.get('mp_context') ?? call.kwargs.get('context') ?? (call.callee.type === 'attribute' ? childByField(call.callee, 'object') : null);
  const ctx = contextNode ? model.resolve(contextNode, call.scope) : null;
  if (ctx?.kind === 'context' && ctx.startMethod !== null) {
    const origin = model.callAt(ctx.origin);
    return origin ? forkChoice(model, origin) : null;
  }
  // `get_context()` without a method, or no context at all: the global start method.
  return globalForks[0] ?? null;
}
