import { factBy } from '../core/facts';
import type { FunctionInfo, PythonModel } from './model';
import { type Mutation, mutationsIn, rootOwner } from './mutations';
import { type PyNode, childByField, namedChildren } from './syntax';

// State a function changes that lives outside the process running it. Threads share it with the
// caller; a child process changes its own copy and the parent never sees the change. CL404
// reports it for process tasks; the thread→process swap (CL101's fix) refuses to move a task
// that depends on it, because the swap would silently change what the program computes.

export interface StateWrite {
  /** The variable as written: `hits`, `results`, `self.total`, the parameter `items`. */
  name: string;
  node: PyNode;
  fn: FunctionInfo;
}

/** The module-level variable a mutation changes, when the change is lost on the parent's side. */
export function parentState(model: PythonModel, fn: FunctionInfo, m: Mutation): string | null {
  const owner = rootOwner(model, fn, m);
  if (owner.kind !== 'global' || !m.root) return null;
  const name = owner.name;
  if (m.target === m.root && m.kind !== 'method') {
    // `global x; x = value` rebinds; `if x is None: x = ...` is a per-process lazy cache.
    return lazyInit(model, m.node, name) ? null : name;
  }
  return isPlainContainer(model, name) ? name : null;
}

// Calls are followed this deep (the classifier's own bound); deeper chains count as unknown.
const MAX_DEPTH = 48;

/**
 * The first change `fn`, or a function of the workspace it calls, makes to state its caller
 * would see under threads: module state (as CL404 judges it), an enclosing function's variable,
 * `self`, or a mutable argument changed in place. Null when it only changes its own locals.
 */
export function sharedStateWrite(fn: FunctionInfo): StateWrite | null {
  return sharedStateWriteOf(fn.model, fn);
}

// Once per function and model: CL101 asks for every thread task and its swap fix again for every
// task of the same executor.
const sharedStateWriteOf = factBy((_: PythonModel, fn: FunctionInfo) => firstSharedStateWrite(fn));

function firstSharedStateWrite(fn: FunctionInfo): StateWrite | null {
  const seen = new Set<FunctionInfo>([fn]);
  const stack: { fn: FunctionInfo; depth: number }[] = [{ fn, depth: 0 }];
  while (stack.length > 0) {
    const { fn: current, depth } = stack.pop()!;
    const model = current.model;
    for (const m of mutationsIn(model, current)) {
      const module = parentState(model, current, m);
      if (module) return { name: module, node: m.node, fn: current };
      const owner = rootOwner(model, current, m);
      if (owner.kind === 'nonlocal' || owner.kind === 'closure' || owner.kind === 'self') {
        return { name: owner.kind === 'self' ? 'self' : owner.name, node: m.node, fn: current };
      }
      // An argument changed in place (`items.append(x)`, `data[i] = v`): the caller's object under
      // threads, a pickled copy in a process. Rebinding the parameter name changes nothing outside.
      if (owner.kind === 'param' && !(m.target === m.root && m.kind !== 'method')) {
        return { name: owner.name, node: m.node, fn: current };
      }
    }
    if (depth >= MAX_DEPTH) continue;
    for (const call of model.callsIn(current)) {
      if (call.target.kind === 'function' && !seen.has(call.target.fn)) {
        seen.add(call.target.fn);
        stack.push({ fn: call.target.fn, depth: depth + 1 });
      }
    }
  }
  return null;
}

/**
 * Module-level values whose mutation stays in the child: builtin and collections containers and
 * instances of the file's own classes. Manager proxies, `Value`/`Array`, queues and shared memory
 * resolve to multiprocessing types and are left alone, as is anything the model cannot see.
 */
function isPlainContainer(model: PythonModel, name: string): boolean {
  const bindings = model.moduleScope.bindings.get(name) ?? [];
  const values = bindings.filter((b) => b.kind === 'assign' && b.value).map((b) => b.value!);
  if (values.length === 0 || bindings.some((b) => b.kind !== 'assign' && b.kind !== 'global-decl')) return false;
  return values.every((value) => {
    if (['list', 'dictionary', 'set', 'list_comprehension', 'dictionary_comprehension', 'set_comprehension'].includes(value.type)) return true;
    const resolved = model.resolve(value, model.moduleScope);
    if (resolved.kind !== 'instance') return false;
    if (resolved.cls) return true;
    return /^(builtins\.(list|dict|set|bytearray)|collections\.(defaultdict|Counter|OrderedDict|deque))$/.test(resolved.of);
  });
}

function lazyInit(model: PythonModel, node: PyNode, name: string): boolean {
  for (let p = node.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const condition = childByField(p, 'condition');
    if (!condition) continue;
    const mentions = (n: PyNode): boolean => (n.type === 'identifier' && model.text(n) === name) || namedChildren(n).some(mentions);
    if (mentions(condition)) return true;
  }
  return false;
}
