import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import { THREAD_CLASS } from '../names';
import type { PythonRule } from '../rule';
import { insertAt } from '../edits';

// Parity: pylint W1506 bad-thread-instantiation. Subclasses are a different callee (the local
// class), so `Worker()` for `class Worker(threading.Thread)` never reaches this rule.

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
        '`threading.Thread(...)` has no `target=`, so the thread runs nothing. Pass `target=` ' +
        'or subclass `threading.Thread` and override `run`.';
      if (first) {
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
      }
      context.report({ node: call.node, message, fix });
    }
  },
};
