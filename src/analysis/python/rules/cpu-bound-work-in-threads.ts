import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { taskSites, targetFunction } from '../tasks';
import { siteGivenTarget, siteWorkload } from '../workload';
import { swapExecutorFix } from '../executor-swap';
import { sharedStateWrite } from '../parent-state';
import { benchSubject, evidenceRelated, siteNode } from './shared';

export const rule: PythonRule = {
  meta: ruleMeta('CL101'),
  check(context) {
    if (!context.gilEnabled) return;
    const { model } = context;
    for (const site of taskSites(model)) {
      if (site.family !== 'thread') continue;
      const fn = targetFunction(site.target);
      if (!fn) continue;
      // A worker subclass whose inherited run() calls `self.m()` runs the subclass's `m`: classify it there.
      const workload = siteWorkload(model, site)!;
      // `Worker(target=f)` whose run() hands over to the base's: the work (and the benchmark) is `f`'s.
      const given = siteGivenTarget(model, site);
      const name = given ? `\`${fn.name}\` (running \`${given.name}\`)` : `\`${fn.name}\``;
      if (workload.kind !== 'cpu') continue;
      const movable = site.target.kind === 'function' && !fn.parentFunction && !fn.parentClass && !fn.inMainGuard;
      const write = sharedStateWrite(fn) ?? (given ? sharedStateWrite(given) : null);
      const advice = write
        ? `Processes would run it in parallel, but \`${write.fn.name}\` changes \`${write.name}\` (line ${write.node.startRow + 1}), ` +
          'which a process would change only in its own copy: return the result (or use a multiprocessing Queue or Manager) first, then use processes.'
        : 'Use processes for CPU-bound work.';
      context.report({
        node: siteNode(site),
        message:
          `${name} is CPU-bound (${workload.evidence.find((e) => e.kind === 'cpu')?.reason}); ` +
          `under the GIL threads run it one at a time. ${advice}`,
        fix: movable && !write ? swapExecutorFix(context, site, 'process') : null,
        related: evidenceRelated(workload, 'cpu'),
        subject: benchSubject(given ?? fn),
      });
    }
  },
};
