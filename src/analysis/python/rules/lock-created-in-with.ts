import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { withItemExpression } from '../locks';
import { type LockType, constructedLock } from '../lock-types';
import { type PyNode, childByField, namedChildren } from '../syntax';

// Only the standard library's in-memory locks (lock-types.ts): `with FileLock(path):` builds a new
// object but locks a shared file, and `with threading.Condition(shared_lock):` takes that shared lock.
function isFreshLock(type: LockType | null): boolean {
  if (!type) return false;
  return type.kind === 'mutex' || type.kind === 'rlock' || type.kind === 'semaphore' || (type.kind === 'condition' && !type.wraps);
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
      if (!isFreshLock(constructedLock(model, expr, model.scopeOfNode(expr)))) continue;
      // The callee as written, arguments dropped: `multiprocessing.get_context("spawn").Lock`.
      const callee = childByField(expr, 'function');
      const name = callee ? model.text(callee) : model.text(expr).replace(/\(.*$/s, '');
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
