import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { taskSites, targetFunction } from '../tasks';
import { siteGivenTarget, siteWorkload } from '../workload';
import { swapExecutorFix } from '../executor-swap';
import { benchSubject, evidenceRelated, siteNode } from './shared';

export const rule: PythonRule = {
  meta: ruleMeta('CL102'),
  check(context) {
    const { model } = context;
    for (const site of taskSites(model)) {
      if (site.family !== 'process') continue;
      const fn = targetFunction(site.target);
      if (!fn) continue;
      // A worker subclass whose inherited run() calls `self.m()` runs the subclass's `m`: classify it there.
      const workload = siteWorkload(model, site)!;
      // `Worker(target=f)` whose run() hands over to the base's: the work (and the benchmark) is `f`'s.
      const given = siteGivenTarget(model, site);
      const name = given ? `\`${fn.name}\` (running \`${given.name}\`)` : `\`${fn.name}\``;
      if (workload.kind !== 'io') continue;
      // Only waiting on a queue, a lock or another process is no I/O a thread would overlap
      // better: the process may exist to receive its work that way.
      if (workload.evidence.every((e) => e.kind !== 'io' || e.waitsOnWorker)) continue;
      context.report({
        node: siteNode(site),
        message:
          `${name} is I/O-bound (${workload.evidence.find((e) => e.kind === 'io')?.reason}); ` +
          'threads overlap the waits without the start-up and pickling cost of processes.',
        fix: swapExecutorFix(context, site, 'thread'),
        related: evidenceRelated(workload, 'io'),
        subject: benchSubject(given ?? fn),
      });
    }
  },
};
