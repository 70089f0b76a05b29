import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { LOCK_CLASSES } from '../names';
import { withItemExpression } from '../locks';
import { type PyNode, namedChildren } from '../syntax';

// Only in-memory locks: `with FileLock(path):` builds a new object but locks a shared file.
function isFreshLock(qualified: string): boolean {
  return LOCK_CLASSES.has(qualified) || /^multiprocessing\.Manager\.(Lock|RLock|Semaphore|BoundedSemaphore|Condition)$/.test(qualified);
}

export const rule: PythonRule = {
  meta: ruleMeta('CL408'),
  check(context) {
    const { model } = context;
    for (const item of model.nodesOfType('with_item')) {
      const withStatement = item.parent?.parent;
      if (!withStatement || withStatement.type !== 'with_statement') continue;
      let expr = withItemExpression(item);
      while (expr?.type === 'parenthesized_expression') expr = namedChildren(expr)[0] ?? null;
      if (!expr || expr.type !== 'call') continue;
      const value = model.resolve(expr, model.scopeOfNode(expr));
      if (value.kind !== 'instance' || value.cls || !isFreshLock(value.of)) continue;
      const name = model.text(expr).replace(/\(.*$/s, '');
      // Highlight the constructor; fall back to the `with` keyword when the item sits on a later line.
      const keyword: PyNode | undefined = withStatement.children.find((c) => c.type === 'with');
      const node = expr.startRow === withStatement.startRow || !keyword ? expr : keyword;
      context.report({
        node,
        message:
          `\`with ${name}():\` creates a new lock each time it runs, so no other code ever waits on it: it guards nothing. ` +
          'Create the lock once (module level or in `__init__`) and share it.',
      });
    }
  },
};
