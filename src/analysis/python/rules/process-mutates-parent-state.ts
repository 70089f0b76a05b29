import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { mutationsIn } from '../mutations';
import { parentState } from '../parent-state';
import { reachedFunctions } from '../task-reach';
import { type PyNode, rangeOf } from '../syntax';

export const rule: PythonRule = {
  meta: ruleMeta('CL404'),
  check(context) {
    const { model } = context;
    const reported = new Set<PyNode>();
    for (const entry of reachedFunctions(model, 'process', { skipLockedCalls: false }).values()) {
      for (const m of mutationsIn(model, entry.fn)) {
        if (reported.has(m.node)) continue;
        const name = parentState(model, entry.fn, m);
        if (!name) continue;
        reported.add(m.node);
        const runs = entry.via
          ? `\`${entry.fn.name}\` (called from \`${entry.via.name}\`) runs in a child process`
          : `\`${entry.fn.name}\` runs in a child process`;
        context.report({
          node: m.node,
          message:
            `${runs}: this changes the child's own copy of \`${name}\`, and the parent never sees it. ` +
            'Return the value, or send it through a multiprocessing Queue or a Manager.',
          related: [{ path: model.path, range: rangeOf(entry.site.call.callee), message: `\`${model.text(entry.site.call.callee)}\` runs it in another process` }],
        });
      }
    }
  },
};
