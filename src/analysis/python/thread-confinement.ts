import type { FunctionInfo, PythonModel, Scope } from './model';
import { fact } from '../core/facts';
import { type Mutation, mutationsIn, rootOwner } from './mutations';
import type { Reached } from './task-reach';
import { type TaskSite, taskSites, targetFunction } from './tasks';
import { type PyNode, childByField } from './syntax';
import { identifiersNamed } from './value-flow';

// Code confined to threads the program starts, and names only one of them writes.
//
// "Only what runs at once counts" for a name rebound on a thread (CL401): `n += 1` loses updates
// only when another thread can write `n` between the read and the write. A name written by one
// thread alone, while the code that started it only reads it, has no second writer. That holds when
// the thread is started once (one site, not in a loop, not a map over items), by code that itself
// runs once per variable (the module body for a global; the owner function's own body for a
// `nonlocal`, which has a fresh variable per call), and every other write of the name happens on
// that thread or before it starts. Anything this cannot see (the functions passed elsewhere, a site
// in a function that may run twice, a container that may be aliased) keeps the finding.

export function writtenByOneThreadOnly(model: PythonModel, entry: Reached, m: Mutation): boolean {
  if (m.kind === 'method' || m.target !== m.root || !m.root) return false;
  const owner = rootOwner(model, entry.fn, m);
  if (owner.kind !== 'global' && owner.kind !== 'nonlocal') return false;
  const site = entry.site;
  if (site.family !== 'thread' || site.isMapLike || !site.callableNode) return false;
  const where = model.contextOf(site.call.node);
  if (where.loops.length > 0) return false;
  const ownerScope = owner.kind === 'global' ? model.moduleScope : enclosingBinder(owner.name, entry.fn.scope.parent);
  if (!ownerScope) return false;
  // The code that starts the thread runs once per variable.
  if (owner.kind === 'global' ? where.fn !== null || where.cls !== null : where.fn !== ownerScope.owner) return false;
  const thread = functionsOnThread(model, site);
  if (!thread || !thread.has(entry.fn)) return false;
  return onlyWritesOf(model, owner.name, ownerScope, site, thread);
}

/** The nearest enclosing function scope that binds `name` itself (a `nonlocal` declaration's target). */
function enclosingBinder(name: string, from: Scope | null): Scope | null {
  for (let scope = from; scope; scope = scope.parent) {
    if (scope.kind === 'module') return null;
    if (scope.kind !== 'function' || scope.nonlocals.has(name)) continue;
    if (scope.bindings.has(name)) return scope;
  }
  return null;
}

/**
 * The same-file functions that run on the thread `site` starts, when nothing else can run them:
 * every mention of their names is a call made on that thread or the site's own callable, and no
 * other task site starts any of them. Null when some mention escapes.
 */
function functionsOnThread(model: PythonModel, site: TaskSite): Set<FunctionInfo> | null {
  const start = targetFunction(site.target);
  if (!start || start.model !== model || start.isLambda) return null;
  const reached = new Set<FunctionInfo>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const call of model.callsIn(queue.shift()!)) {
      if (call.target.kind !== 'function' || call.target.fn.model !== model || reached.has(call.target.fn)) continue;
      if (call.target.fn.isLambda) return null;
      reached.add(call.target.fn);
      queue.push(call.target.fn);
    }
  }
  for (const other of taskSites(model)) {
    if (other === site) continue;
    const fn = targetFunction(other.target);
    if (fn && reached.has(fn)) return null;
    const inside = model.contextOf(other.call.node).fn;
    if (inside && reached.has(inside)) return null;
  }
  const definitions = definitionNames(model);
  const callable = site.callableNode!;
  for (const fn of reached) {
    for (const node of identifiersNamed(model, fn.name)) {
      if (definitions.has(node)) continue;
      if (callable.startIndex <= node.startIndex && node.endIndex <= callable.endIndex) continue;
      const inside = model.contextOf(node).fn;
      if (!inside || !reached.has(inside) || !isCallee(node)) return null;
    }
  }
  return reached;
}

/** `f` in `f(...)` or `obj.f(...)`: a mention that calls rather than hands the function on. */
function isCallee(node: PyNode): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'call') return node.field === 'function';
  return parent.type === 'attribute' && node.field === 'attribute' && parent.parent?.type === 'call' && parent.field === 'function';
}

/** Every write of `name` (bound in `ownerScope`) is on the thread or before the site starts it. */
function onlyWritesOf(model: PythonModel, name: string, ownerScope: Scope, site: TaskSite, thread: Set<FunctionInfo>): boolean {
  const startsAt = site.call.node.startIndex;
  for (const binding of ownerScope.bindings.get(name) ?? []) {
    const inside = model.contextOf(binding.node).fn;
    if (inside && thread.has(inside)) continue;
    if (binding.node.endIndex > startsAt) return false;
  }
  for (const fn of model.functions) {
    if (thread.has(fn)) continue;
    for (const other of mutationsIn(model, fn)) {
      if (!other.root || model.text(other.root) !== name) continue;
      const owner = rootOwner(model, fn, other);
      if (fn === ownerScope.owner) {
        // The owner's own writes are sequential with the start when they come before it.
        if ((owner.kind === 'local' || owner.kind === 'param') && other.node.endIndex > startsAt) return false;
        continue;
      }
      const writesOwner =
        (owner.kind === 'global' && ownerScope.kind === 'module') ||
        (owner.kind === 'nonlocal' && enclosingBinder(name, fn.scope.parent) === ownerScope) ||
        (owner.kind === 'closure' && owner.scope === ownerScope);
      if (writesOwner) return false;
    }
  }
  if (ownerScope.kind === 'module') {
    for (const other of mutationsIn(model, null)) {
      if (other.root && model.text(other.root) === name && other.node.endIndex > startsAt) return false;
    }
  }
  return true;
}

/**
 * The function runs only on threads the program starts, never on the main thread: it is a thread
 * site's callable (a target, a Thread subclass's `run`), or called only from such functions, and
 * mentioned nowhere else. KeyboardInterrupt is delivered to the main thread alone, so a blocking
 * wait there cannot be interrupted by it.
 */
export function onlyOnStartedThreads(model: PythonModel, fn: FunctionInfo): boolean {
  return confinedToThreads(model).has(fn);
}

const confinedToThreads = fact((model: PythonModel) => {
  const entries = new Set<FunctionInfo>();
  const callables: PyNode[] = [];
  for (const site of taskSites(model)) {
    const fn = targetFunction(site.target);
    if (site.family !== 'thread' || !fn || fn.model !== model) continue;
    entries.add(fn);
    if (site.callableNode) callables.push(site.callableNode);
  }
  const definitions = definitionNames(model);
  const within = (node: PyNode): boolean => callables.some((c) => c.startIndex <= node.startIndex && node.endIndex <= c.endIndex);
  // Grow from the sites' functions to the functions only they call, until nothing changes.
  const confined = new Set<FunctionInfo>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const fn of model.functions) {
      if (confined.has(fn) || fn.isLambda) continue;
      const uses = identifiersNamed(model, fn.name).filter((n) => !definitions.has(n) && !within(n));
      // Recursion keeps a function where it is; some other confined function must call it.
      if (!entries.has(fn) && !uses.some((n) => model.contextOf(n).fn !== fn)) continue;
      const ok = uses.every((n) => {
        const inside = model.contextOf(n).fn;
        return !!inside && (inside === fn || confined.has(inside)) && isCallee(n);
      });
      if (ok) {
        confined.add(fn);
        changed = true;
      }
    }
  }
  return confined;
});

/** The name nodes of the file's `def`s and `class`es: definitions, not mentions. */
const definitionNames = fact((model: PythonModel) => {
  const names = new Set<PyNode>();
  for (const fn of model.functions) if (fn.nameNode) names.add(fn.nameNode);
  for (const node of model.nodesOfType('class_definition')) {
    const name = childByField(node, 'name');
    if (name) names.add(name);
  }
  return names;
});
