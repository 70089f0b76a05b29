import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import type { CallInfo, PythonModel, Scope } from '../model';
import { type TaskSite, taskSites, targetFunction } from '../tasks';
import { taskArguments } from '../task-reach';
import { type PyNode, childByField, namedChildren, rangeOf } from '../syntax';

// multiprocessing.Queue hands data to a feeder thread; a child that put data does not exit until
// it is flushed into the pipe, which needs the parent to read. Joining first can deadlock.
const PROCESS_QUEUES = new Set(['multiprocessing.Queue', 'multiprocessing.JoinableQueue', 'multiprocessing.SimpleQueue']);

export const rule: PythonRule = {
  meta: ruleMeta('CL405'),
  check(context) {
    const { model } = context;
    const reported = new Set<PyNode>();
    for (const site of taskSites(model)) {
      if (site.family !== 'process' || site.api !== 'Process') continue;
      const fn = targetFunction(site.target);
      if (!fn) continue;
      for (const [param, arg] of taskArguments(model, site)) {
        const queue = model.resolve(arg, site.call.scope);
        if (queue.kind !== 'instance' || !PROCESS_QUEUES.has(queue.of) || !queue.origin) continue;
        const put = fn.model.callsIn(fn).find(
          (c) => (c.method === 'put' || c.method === 'put_nowait') && c.receiverNode?.type === 'identifier' && fn.model.text(c.receiverNode) === param,
        );
        if (!put) continue;
        for (const join of joinsOf(model, site)) {
          const scopeFn = model.contextOf(join.node).fn;
          const gets = model.calls.filter(
            (c) =>
              (c.method === 'get' || c.method === 'get_nowait') &&
              c.receiverNode &&
              model.contextOf(c.node).fn === scopeFn &&
              sameInstance(model, c.receiverNode, c.scope, queue.origin!),
          );
          if (gets.length === 0 || gets.some((g) => g.node.startIndex < join.node.startIndex)) continue;
          if (reported.has(join.node)) continue;
          reported.add(join.node);
          const queueName = model.text(arg);
          context.report({
            node: join.node,
            message:
              `\`${model.text(join.node)}\` waits for a process that puts to \`${queueName}\`, but \`${queueName}.get()\` only comes ` +
              `at line ${gets[0].node.startRow + 1}: a child does not exit until its queued data is read, so this can deadlock. ` +
              'Drain the queue before joining.',
            related: [
              { path: model.path, range: rangeOf(gets[0].node), message: 'the queue is read here, after the join' },
              ...(fn.model === model ? [{ path: model.path, range: rangeOf(put.node), message: `\`${fn.name}\` puts to the queue here` }] : []),
            ],
          });
        }
      }
    }
  },
};

function sameInstance(model: PythonModel, expr: PyNode, scope: Scope, origin: PyNode): boolean {
  const value = model.resolve(expr, scope);
  return value.kind === 'instance' && value.origin === origin;
}

/** `p.join()` calls on the process a site creates: directly bound, or through a list of them. */
function joinsOf(model: PythonModel, site: TaskSite): CallInfo[] {
  return model.calls.filter((c) => c.method === 'join' && c.receiverNode && denotesProcess(model, c.receiverNode, c.scope, site.call.node));
}

function denotesProcess(model: PythonModel, expr: PyNode, scope: Scope, processCall: PyNode): boolean {
  if (sameInstance(model, expr, scope, processCall)) return true;
  // `for p in procs: p.join()` where procs holds the processes.
  if (expr.type !== 'identifier') return false;
  const binding = model.lookup(model.text(expr), scope, expr);
  if (!binding || binding.kind !== 'for') return false;
  const iterable = childByField(binding.node, 'right');
  if (!iterable || iterable.type !== 'identifier') return false;
  return listHolds(model, iterable, model.scopeOfNode(binding.node), processCall);
}

/** The list named by `expr` is built from the process call: a comprehension, a literal, or appends. */
function listHolds(model: PythonModel, expr: PyNode, scope: Scope, processCall: PyNode): boolean {
  const name = model.text(expr);
  const binding = model.lookup(name, scope, expr);
  if (!binding || binding.kind !== 'assign') return false;
  const value = childByField(binding.node, 'right');
  if (value?.type === 'list_comprehension' && childByField(value, 'body') === processCall) return true;
  if (value?.type === 'list' && namedChildren(value).some((e) => e === processCall || sameInstance(model, e, scope, processCall))) return true;
  return model.calls.some(
    (c) =>
      c.method === 'append' &&
      c.receiverNode?.type === 'identifier' &&
      model.text(c.receiverNode) === name &&
      model.lookup(name, c.scope, c.node) === binding &&
      c.args[0] !== undefined &&
      (c.args[0] === processCall || sameInstance(model, c.args[0], c.scope, processCall)),
  );
}
