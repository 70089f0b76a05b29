import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { siteNode } from './shared';
import { moveToModuleFix, notebookTasks } from '../notebook-tasks';
import { rangeOf } from '../syntax';

// A notebook runs as an interactive `__main__` that has no file: a worker process started with
// spawn or forkserver (the default on macOS and Windows, and on Linux from Python 3.14) cannot
// re-import it, so a task function defined in a cell is missing in the worker
// (python/notebook-tasks.ts). Only notebooks (AnalyzeOptions.notebook): a script's `__main__`
// is re-imported from its file, so its module-level functions reach the workers.

export const rule: PythonRule = {
  meta: ruleMeta('CL206'),
  check(context) {
    const { model } = context;
    if (!context.notebook) return;
    const tasks = notebookTasks(model);
    if (tasks.length === 0) return;
    const move = moveToModuleFix(model, context.options.sources);
    for (const { site, fn, startMethod } of tasks) {
      const how =
        startMethod === 'default'
          ? 'worker processes started with spawn or forkserver (the default on macOS and Windows, and on Linux from Python 3.14)'
          : `worker processes started with ${startMethod}, as chosen here,`;
      context.report({
        node: siteNode(site),
        message:
          `\`${fn.name}\` is defined in the notebook, which runs as \`__main__\` with no file: ${how} cannot import it, ` +
          `so the task fails with "AttributeError: Can't get attribute '${fn.name}' on <module '__main__'>" or the pool hangs. ` +
          `Move \`${fn.name}\` into a module next to the notebook and import it from there.`,
        fix: move?.tasks.has(fn) ? move.fix : null,
        related: fn.nameNode ? [{ path: model.path, range: rangeOf(fn.nameNode), message: `\`${fn.name}\` is defined here, in the notebook` }] : [],
      });
    }
  },
};
