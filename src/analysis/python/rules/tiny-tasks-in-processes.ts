import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { isInLoop, taskSites, targetFunction } from '../tasks';
import { classifyWorkload } from '../workload';
import { childByField, rangeOf } from '../syntax';
import { insertAt } from '../edits';
import { benchSubject, siteNode } from './shared';
import type { Fix } from '../../core/types';

export const rule: PythonRule = {
  meta: ruleMeta('CL103'),
  check(context) {
    const { model } = context;
    for (const site of taskSites(model)) {
      if (site.family !== 'process') continue;
      const fn = targetFunction(site.target);
      // Closures and lambdas cannot reach a process at all: CL202 says so.
      if (!fn || fn.parentFunction || fn.inMainGuard || site.target.kind !== 'function') continue;
      const manyItems = site.isMapLike || (site.api === 'submit' || site.api === 'apply_async') && isInLoop(model, site);
      if (!manyItems) continue;
      if (site.chunksizeNode && chunksizeAboveOne(model.text(site.chunksizeNode))) continue;
      if (classifyWorkload(fn).kind !== 'trivial') continue;
      let fix: Fix | null = null;
      if (site.isMapLike && !site.chunksizeNode) {
        const args = childByField(site.call.node, 'arguments');
        if (args && args.type === 'argument_list') {
          const end = rangeOf(args).end;
          fix = {
            description: 'Send the items in chunks: add `chunksize=256`',
            edits: [insertAt(end.line, end.column - 1, ', chunksize=256')],
            safe: true,
          };
        }
      }
      context.report({
        node: siteNode(site),
        message:
          `\`${fn.name}\` does almost no work per call; sending items one at a time to processes costs more ` +
          'in pickling and dispatch than it saves. Batch them with `chunksize=` or run it inline.',
        fix,
        subject: benchSubject(fn),
      });
    }
  },
};

function chunksizeAboveOne(text: string): boolean {
  const value = Number(text.replace(/_/g, ''));
  // A non-literal chunksize is the user's decision: trust it.
  return Number.isNaN(value) || value > 1;
}
