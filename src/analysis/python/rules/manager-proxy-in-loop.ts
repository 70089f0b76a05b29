import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { mutationsIn, rootOwner } from '../mutations';
import { taskArguments } from '../task-reach';
import { taskSites, targetFunction } from '../tasks';
import { type PyNode, rangeOf } from '../syntax';

// What a SyncManager hands out: every method call or item access on these proxies is a round trip
// (pickle, socket, manager process, reply).
const PROXY_PREFIX = 'multiprocessing.Manager.';

export const rule: PythonRule = {
  meta: ruleMeta('CL406'),
  check(context) {
    const { model } = context;
    const reported = new Set<PyNode>();
    for (const site of taskSites(model)) {
      const fn = targetFunction(site.target);
      if (!fn || fn.model !== model) continue;
      for (const [param, arg] of taskArguments(model, site)) {
        const value = model.resolve(arg, site.call.scope);
        if (value.kind !== 'instance' || !value.of.startsWith(PROXY_PREFIX)) continue;
        const kind = value.of.slice(PROXY_PREFIX.length);
        for (const m of mutationsIn(model, fn)) {
          const owner = rootOwner(model, fn, m);
          if (owner.kind !== 'param' || owner.name !== param) continue;
          // Only the task's own loops: one mutation per task is the recommended shape.
          if (model.contextOf(m.node).loops.length === 0 || reported.has(m.node)) continue;
          reported.add(m.node);
          context.report({
            node: m.node,
            message:
              `\`${param}\` is a Manager \`${kind}()\` proxy: each change is a round trip to the manager process, here once per loop iteration. ` +
              'Accumulate in a local variable and send the result once (return it, or one update after the loop).',
            related: [{ path: model.path, range: rangeOf(arg), message: `the proxy is passed to \`${fn.name}\` here` }],
          });
        }
      }
    }
  },
};
