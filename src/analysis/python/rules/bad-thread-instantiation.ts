import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { CallInfo, PythonModel } from '../model';
import { THREAD_CLASS } from '../names';
import type { PythonRule } from '../rule';
import { insertAt } from '../edits';
import { expectedToRaise, isTestCode } from '../test-code';
import { destinationOf, readsOf } from '../value-flow';

// Parity: pylint W1506 bad-thread-instantiation. Subclasses are a different callee (the local
// class), so `Worker()` for `class Worker(threading.Thread)` never reaches this rule.
// `Thread(work)` raises at once, wherever it is. `Thread()` without a target is only a bug when
// the thread is started expecting work: a Thread object made to read its name or daemon flag (the
// tests of threading itself do this) runs nothing and harms nothing.

/** Context managers under which a call is expected to raise. */

export const rule: PythonRule = {
  meta: ruleMeta('CL504'),
  check(context) {
    const { model } = context;
    for (const call of model.calls) {
      if (call.qualified !== THREAD_CLASS) continue;
      if (call.kwargs.has('target') || call.args.length >= 2) continue;
      // `*args` / `**kwargs` may carry the target: the analyzer cannot see inside them.
      if (call.args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) continue;
      // `Thread(None)` passes the default group: no target, not a misplaced one.
      const first = call.args[0]?.type === 'none' ? undefined : call.args[0];
      let fix: Fix | null = null;
      let message =
        '`threading.Thread(...)` has no `target=`, so the started thread runs nothing. Pass `target=` ' +
        'or subclass `threading.Thread` and override `run`.';
      if (first) {
        if (expectedToRaise(model, call)) continue;
        message =
          `\`${model.text(first)}\` is passed as \`group\`, the first positional parameter of \`threading.Thread\`, ` +
          'not as the function to run (it raises at once). Pass it as `target=`.';
        const value = model.resolve(first, call.scope);
        if (value.kind === 'function' || value.kind === 'lambda') {
          fix = {
            description: `Pass \`${model.text(first)}\` as \`target=\``,
            edits: [insertAt(first.startRow, first.startCol, 'target=')],
            safe: false,
          };
        }
      } else if (isTestCode(model, call.node) || !startedWithoutRun(model, call)) {
        continue;
      }
      context.report({ node: call.node, message, fix });
    }
  },
};

/**
 * The thread is started (`Thread().start()`, `t = Thread(); t.start()`) and nothing gives it a
 * `run` of its own (`t.run = work`). Never started, it runs nothing and harms nothing.
 */
function startedWithoutRun(model: PythonModel, call: CallInfo): boolean {
  const dest = destinationOf(model, call.node);
  if (dest.kind === 'attribute') return dest.name === 'start';
  if (dest.kind !== 'variable') return false;
  let started = false;
  for (const read of readsOf(model, dest)) {
    const use = destinationOf(model, read);
    if (use.kind !== 'attribute') continue;
    if (use.name === 'run' || use.name === '_target') return false;
    if (use.name === 'start') started = true;
  }
  return started;
}

