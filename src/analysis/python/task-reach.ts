import type { FunctionInfo, PythonModel } from './model';
import { factBy } from '../core/facts';
import { heldLocks, referenceKey } from './locks';
import { type PyNode, childByField, namedChildren } from './syntax';
import { type ExecutorFamily, type TaskSite, taskSites, targetFunction } from './tasks';

// The functions of this file that run on an executor: each task site's callable and, transitively,
// the same-file functions it calls. Shared by the rules about state touched by tasks.

export interface Reached {
  fn: FunctionInfo;
  /** The task site that (first) leads here. */
  site: TaskSite;
  /** The task's own function when `fn` is reached through calls, else null. */
  via: FunctionInfo | null;
  /** `self` is one object several tasks run on at once (a bound method handed out repeatedly). */
  selfShared: boolean;
}

export interface ReachOptions {
  /** Do not follow calls made while a lock is held: what they change is guarded by it. */
  skipLockedCalls: boolean;
}

export function reachedFunctions(model: PythonModel, family: ExecutorFamily, options: ReachOptions): Map<FunctionInfo, Reached> {
  return reachedFor(model, { family, options });
}

const reachedFor = factBy(
  (model: PythonModel, { family, options }: { family: ExecutorFamily; options: ReachOptions }) => reach(model, family, options),
  ({ family, options }) => `${family}:${options.skipLockedCalls}`,
);

function reach(model: PythonModel, family: ExecutorFamily, options: ReachOptions): Map<FunctionInfo, Reached> {
  const reached = new Map<FunctionInfo, Reached>();
  const queue: Reached[] = [];
  const visit = (entry: Reached): void => {
    const known = reached.get(entry.fn);
    // Revisit only to upgrade `selfShared`, so the walk ends on recursive calls.
    if (known && (known.selfShared || !entry.selfShared)) return;
    reached.set(entry.fn, known ? { ...known, selfShared: true } : entry);
    queue.push(entry);
  };
  const sites = taskSites(model).filter((s) => s.family === family);
  for (const site of sites) {
    const fn = targetFunction(site.target);
    if (!fn || fn.model !== model) continue;
    const selfShared = !!fn.parentClass && site.api !== 'subclass' && boundObjectShared(model, site, sites);
    visit({ fn, site, via: null, selfShared });
  }
  while (queue.length > 0) {
    const entry = queue.shift()!;
    for (const call of model.callsIn(entry.fn)) {
      if (call.target.kind !== 'function' || call.target.fn.model !== model || call.target.fn.isLambda) continue;
      if (options.skipLockedCalls && heldLocks(model, call.node).length > 0) continue;
      const viaSelf = call.receiverNode?.type === 'identifier' && model.text(call.receiverNode) === 'self';
      visit({ fn: call.target.fn, site: entry.site, via: entry.via ?? entry.fn, selfShared: entry.selfShared && viaSelf });
    }
  }
  return reached;
}

/**
 * `obj.method` handed to executors so that several tasks run on the same `obj` at once: in a loop,
 * through a map, or from more than one site.
 */
function boundObjectShared(model: PythonModel, site: TaskSite, sites: TaskSite[]): boolean {
  const object = boundObject(site);
  // `Worker().run`: a new object for this task alone.
  if (!object || object.type === 'call') return false;
  if (site.isMapLike) return true;
  const loops = model.contextOf(site.call.node).loops;
  if (loops.length > 0 && !freshPerIteration(model, object, site, loops[loops.length - 1])) return true;
  const key = referenceKey(model, object, site.call.scope)?.key;
  if (!key) return false;
  return sites.some((other) => {
    if (other === site) return false;
    const otherObject = boundObject(other);
    return !!otherObject && referenceKey(model, otherObject, other.call.scope)?.key === key;
  });
}

function boundObject(site: TaskSite): PyNode | null {
  const callable = site.callableNode;
  if (!callable || callable.type !== 'attribute') return null;
  return childByField(callable, 'object');
}

/**
 * The arguments a task passes to its function's parameters (`args=(q, n)`, `submit(f, a, b)`,
 * `partial(f, a)`), by parameter name. Map-like sites pass varying items and are left out.
 */
export function taskArguments(model: PythonModel, site: TaskSite): Map<string, PyNode> {
  const out = new Map<string, PyNode>();
  const fn = targetFunction(site.target);
  if (!fn) return out;
  const positional: PyNode[] = [];
  const call = site.call;
  if (site.api === 'Thread' || site.api === 'Process') {
    const args = call.kwargs.get('args') ?? call.args[3];
    if (args && (args.type === 'tuple' || args.type === 'list')) positional.push(...namedChildren(args));
  } else if (site.api === 'submit' || site.api === 'to_thread') {
    positional.push(...call.args.slice(1));
  } else if (site.api === 'run_in_executor') {
    positional.push(...call.args.slice(2));
  } else if (site.api === 'apply' || site.api === 'apply_async') {
    const args = call.args[1] ?? call.kwargs.get('args');
    if (args && (args.type === 'tuple' || args.type === 'list')) positional.push(...namedChildren(args));
  }
  // `partial(f, a, b)` binds the first parameters before the task's own arguments.
  const bound: PyNode[] = [];
  if (site.target.kind === 'partial' && site.callableNode?.type === 'call') {
    const partial = model.callAt(site.callableNode);
    if (partial) bound.push(...partial.args.slice(1));
  }
  const params = fn.parentClass && fn.params[0] === 'self' ? fn.params.slice(1) : fn.params;
  [...bound, ...positional].forEach((arg, i) => {
    if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') return;
    if (params[i] !== undefined) out.set(params[i], arg);
  });
  return out;
}

/** `for w in workers: Thread(target=w.run)` / `w = W(); Thread(target=w.run)` in the loop: one object per task. */
function freshPerIteration(model: PythonModel, object: PyNode, site: TaskSite, loop: PyNode): boolean {
  if (object.type !== 'identifier') return false;
  const name = model.text(object);
  // Comprehension variables are not bound in the model: read them off the clause.
  for (const clause of loop.children) {
    if (clause.type !== 'for_in_clause') continue;
    const left = childByField(clause, 'left');
    if (left && boundNames(model, left).includes(name)) return true;
  }
  const binding = model.lookup(name, site.call.scope, object);
  return !!binding && binding.node.startIndex >= loop.startIndex && binding.node.endIndex <= loop.endIndex;
}

function boundNames(model: PythonModel, target: PyNode): string[] {
  if (target.type === 'identifier') return [model.text(target)];
  return namedChildren(target).flatMap((child) => boundNames(model, child));
}
