import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { PythonModel } from '../model';
import { FUTURES_EXECUTORS, executorSpec } from '../names';
import type { PythonRule } from '../rule';
import { type TaskSite, taskSites } from '../tasks';
import { type Destination, destinationOf, readsOf } from '../value-flow';
import { insertAt, replaceNode } from '../edits';
import { siteNode } from './shared';

// Calls whose return value is the only channel a task's exception travels through. The blocking
// pool methods (`Pool.map/starmap/apply`), joblib's `Parallel` and tqdm's `thread_map`/`process_map`
// raise in the caller and are not listed; Twisted's Deferreds log a failure nobody handled.
const FUTURES_APIS = new Set(['submit', 'map']);
const PEBBLE_APIS = new Set(['schedule', 'submit', 'map']);
const POOL_APIS = new Set(['apply_async', 'map_async', 'starmap_async', 'imap', 'imap_unordered']);
const DECORATED = new Set(['decorated']);

// Methods that read a Future's/AsyncResult's state without ever raising the task's exception.
const NON_OBSERVING = new Set(['done', 'running', 'cancelled', 'ready', 'wait']);

export const rule: PythonRule = {
  meta: ruleMeta('CL501'),
  check(context) {
    const { model } = context;
    for (const site of taskSites(model)) {
      const api = executorSpec(site.executor)?.api;
      // A call of a function under pebble's `@concurrent.process` returns a Future like `submit`.
      const futures = FUTURES_EXECUTORS.has(site.executor) || api === 'pebble' || site.api === 'decorated';
      const apis = site.api === 'decorated' ? DECORATED : api === 'pebble' ? PEBBLE_APIS : futures ? FUTURES_APIS : POOL_APIS;
      if (site.api === 'run_in_executor' || !apis.has(site.api)) continue;
      // An error_callback hears about failures even when the AsyncResult is dropped.
      if (!futures && site.call.kwargs.has('error_callback')) continue;
      const dest = destinationOf(model, site.call.node);
      if (observed(model, dest, 0)) continue;
      context.report({
        node: siteNode(site),
        message: messageFor(model, site, futures),
        fix: dest.kind === 'discarded' && dest.statement === site.call.node.parent ? fixFor(model, site, futures) : null,
      });
    }
  },
};

function observed(model: PythonModel, dest: Destination, depth: number): boolean {
  // Past a few hops the value has gone somewhere worth trusting.
  if (depth > 4) return true;
  switch (dest.kind) {
    case 'discarded':
      return false;
    case 'attribute':
      return !NON_OBSERVING.has(dest.name);
    case 'variable':
    case 'container':
      return readsOf(model, dest).some((read) => observed(model, destinationOf(model, read), depth + 1));
    default:
      return true;
  }
}

function messageFor(model: PythonModel, site: TaskSite, futures: boolean): string {
  const call = `\`${model.text(site.call.callee)}(...)\``;
  if (executorSpec(site.executor)?.api === 'pebble' && site.api === 'map') {
    return `The Future returned by ${call} is never consumed: if a task raises, the exception is silently lost. ` +
      'Iterate its `.result()`, which re-raises a task\'s exception.';
  }
  if (site.api === 'submit' || site.api === 'schedule' || site.api === 'decorated') {
    return `The Future returned by ${call} is never consumed: if the task raises, the exception is silently lost. ` +
      'Keep the futures and call `.result()` on them (e.g. `for f in as_completed(futures): f.result()`).';
  }
  if (site.api === 'apply_async' || site.api === 'map_async' || site.api === 'starmap_async') {
    return `The AsyncResult of ${call} is never \`.get()\`: if the task raises, the exception is silently lost. ` +
      'Call `.get()` on it or pass `error_callback=`.';
  }
  const how = futures ? '`list(executor.map(...))`' : '`list(pool.imap(...))`';
  return `The results of ${call} are never iterated: if a task raises, the exception is silently lost. Consume them, e.g. ${how}.`;
}

function fixFor(model: PythonModel, site: TaskSite, futures: boolean): Fix | null {
  const node = site.call.node;
  if (site.api === 'map_async' || site.api === 'starmap_async') {
    return {
      description: 'Wait for the results with `.get()`, which re-raises a task\'s exception',
      edits: [insertAt(node.endRow, node.endCol, '.get()')],
      safe: false,
    };
  }
  // pebble's `map` returns a Future, not an iterator: `list(...)` would not consume it.
  const lazy = futures ? site.api === 'map' && executorSpec(site.executor)?.api !== 'pebble' : site.api === 'imap' || site.api === 'imap_unordered';
  // `list` shadowed by a local name would change meaning: leave those alone.
  if (!lazy || model.lookup('list', site.call.scope, node)) return null;
  return {
    description: 'Consume the results with `list(...)`, which re-raises a task\'s exception',
    edits: [replaceNode(node, `list(${model.text(node)})`)],
    safe: false,
  };
}
