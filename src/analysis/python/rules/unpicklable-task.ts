import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { type TaskTarget, taskSites } from '../tasks';
import { siteNode } from './shared';
import { neverStarted } from '../liveness';
import type { FunctionInfo } from '../model';
import { rangeOf } from '../syntax';
import { startMethodOf } from '../start-method';

export const rule: PythonRule = {
  meta: ruleMeta('CL202'),
  check(context) {
    const { model } = context;
    for (const site of taskSites(model)) {
      // cloudpickle (loky, joblib) and dill (multiprocess) send lambdas and closures by value.
      if (site.family !== 'process' || (site.pickler !== null && site.pickler !== 'pickle')) continue;
      // A Process object made and never started sends nothing anywhere.
      if (site.api === 'Process' && neverStarted(model, site.call)) continue;
      const problem = unpicklable(site.target);
      if (!problem) continue;
      // A pool pickles every task. A Process pickles its target only when the child does not
      // fork from the parent (spawn, forkserver), so under fork a closure target works.
      const method = site.api === 'Process' ? startMethodOf(model, site.call) : 'spawn';
      if (method === 'fork') continue;
      context.report({
        node: siteNode(site),
        message:
          method === 'spawn' || method === 'forkserver'
            ? `${problem.what} cannot be pickled to send to a process; move it to module top level.`
            : `${problem.what} cannot be pickled, and a process started by spawn or forkserver pickles its target (the default start method on macOS and Windows, and on Linux from Python 3.14; fork does not); move it to module top level.`,
        related: problem.fn?.nameNode
          ? [{ path: model.path, range: rangeOf(problem.fn.nameNode), message: `\`${problem.fn.name}\` is defined here` }]
          : [],
      });
    }
  },
};

function unpicklable(target: TaskTarget): { what: string; fn?: FunctionInfo } | null {
  switch (target.kind) {
    case 'lambda':
      return { what: 'A lambda' };
    case 'partial':
      return unpicklable(target.inner);
    case 'unresolved':
      return null;
    case 'function': {
      const fn = target.fn;
      if (fn.parentFunction) return { what: `\`${fn.name}\`, a function nested in \`${fn.parentFunction.name}\`,`, fn };
      if (fn.inMainGuard && !fn.parentClass) {
        return { what: `\`${fn.name}\`, defined inside the \`if __name__ == "__main__":\` block (absent when a worker imports the module),`, fn };
      }
      if (fn.parentClass && fn.parentClass.parentFunction) {
        return { what: `\`${fn.name}\`, a method of \`${fn.parentClass.name}\` which is defined inside a function,`, fn };
      }
      return null;
    }
  }
}
