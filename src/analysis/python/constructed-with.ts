import { type PyNode, childByField, namedChildren, walk } from './syntax';
import type { CallInfo, ClassInfo, FunctionInfo, PythonModel, Scope } from './model';
import { canonicalName } from './names';
import { valueOf } from './effects/receivers';

// The callables an instance was constructed with (workload.ts): `WrappedThread(partial(f, x))`
// whose `__init__` stores `self.action = action` and whose `run()` calls `self.action()` runs
// `f`; `super().__init__(self._run)` in a subclass hands the base its own method; `target=`
// reaching `Thread.__init__` is what the inherited `run()` runs. Followed through the `__init__`
// chain of the class and its workspace bases, argument by argument.

export interface ConstructedWith {
  /** What `Thread.run` / `Process.run` runs: the `target=` that reached the library's `__init__`. */
  target: FunctionInfo | null;
  /** `self.NAME` attributes set from a constructor argument that is a known function. */
  stored: ReadonlyMap<string, FunctionInfo>;
}

const WORKER_INITS = new Set(['threading.Thread', 'multiprocessing.Process', 'multiprocessing.process.BaseProcess']);
const MAX_CHAIN = 6;

/** What `Cls(args...)` (a call of a class of the tree) hands the instance; null when nothing known. */
export function constructedWith(model: PythonModel, call: CallInfo, cls: ClassInfo): ConstructedWith | null {
  const out: Out = { target: null, stored: new Map() };
  followInit(model, cls, cls, argumentsOf(model, call, call.args, null), out, 0);
  return out.target || out.stored.size > 0 ? out : null;
}

/** An argument expression with where it is evaluated (the outer call, or an `__init__` body). */
interface Arg {
  node: PyNode;
  model: PythonModel;
  scope: Scope;
}

interface Arguments {
  positional: Arg[];
  keywords: Map<string, Arg>;
}

type Out = { target: FunctionInfo | null; stored: Map<string, FunctionInfo> };

/** What an `__init__`'s parameters were given: by name, and what its `*args` / `**kwargs` collected. */
interface Bound {
  byName: Map<string, Arg>;
  star: { name: string; args: Arg[] } | null;
  starstar: { name: string; args: Map<string, Arg> } | null;
}

function argumentsOf(model: PythonModel, call: CallInfo, positional: PyNode[], bound: Bound | null): Arguments {
  // A parameter passed on (`super().__init__(action)`) is the argument the outer call gave it.
  const arg = (node: PyNode): Arg => (node.type === 'identifier' && bound?.byName.get(model.text(node))) || { node, model, scope: call.scope };
  const out: Arguments = { positional: [], keywords: new Map() };
  // `super().__init__(*args, **kwargs)` passes on what the outer call gave the collectors.
  const splatted = (node: PyNode): string | null => {
    const inner = namedChildren(node)[0];
    return inner?.type === 'identifier' ? model.text(inner) : null;
  };
  for (const node of positional) {
    if (node.type === 'list_splat' && bound?.star && splatted(node) === bound.star.name) out.positional.push(...bound.star.args);
    else if (node.type === 'dictionary_splat') {
      if (bound?.starstar && splatted(node) === bound.starstar.name) for (const [k, v] of bound.starstar.args) out.keywords.set(k, v);
      else out.positional.push(arg(node));
    } else out.positional.push(arg(node));
  }
  for (const [k, v] of call.kwargs) out.keywords.set(k, arg(v));
  return out;
}

function followInit(model: PythonModel, cls: ClassInfo, instanceClass: ClassInfo, args: Arguments, out: Out, depth: number): void {
  if (depth > MAX_CHAIN) return;
  const member = model.classMember(cls, '__init__');
  const init = member?.fn;
  if (!init || !member) {
    // No `__init__` of the tree: the library's own, which for a thread or process takes `target=`.
    if (libraryWorkerBase(model, cls)) bindLibraryTarget(args, instanceClass, out);
    return;
  }
  const initModel = member.model;
  const bound = bindParameters(init, args);
  const byName = bound.byName;
  walk(init.node, (node) => {
    if (node !== init.node && (node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition')) return false;
    if (node.type === 'assignment') {
      const left = childByField(node, 'left');
      const right = childByField(node, 'right');
      const object = left?.type === 'attribute' ? childByField(left, 'object') : null;
      const attr = left?.type === 'attribute' ? childByField(left, 'attribute') : null;
      if (object && attr && right?.type === 'identifier' && initModel.text(object) === init.params[0]) {
        const arg = byName.get(initModel.text(right));
        const fn = arg ? callableOf(arg, instanceClass) : null;
        if (fn) out.stored.set(initModel.text(attr), fn);
      }
    } else if (node.type === 'call') {
      const call = initModel.callAt(node);
      if (call) followBaseInit(initModel, init, call, init.parentClass ?? cls, instanceClass, bound, out, depth);
    }
    return true;
  });
}

/** `super().__init__(...)` / `Base.__init__(self, ...)` inside an `__init__`: the base's, with these arguments. */
function followBaseInit(model: PythonModel, init: FunctionInfo, call: CallInfo, cls: ClassInfo, instanceClass: ClassInfo, bound: Bound, out: Out, depth: number): void {
  if (call.method !== '__init__' || !call.receiverNode) return;
  const receiver = call.receiverNode;
  const viaSuper = receiver.type === 'call' && model.text(childByField(receiver, 'function') ?? receiver) === 'super';
  let positional = call.args;
  if (!viaSuper) {
    // `Base.__init__(self, ...)`: the first argument is the instance itself.
    if (!call.args[0] || model.text(call.args[0]) !== init.params[0]) return;
    positional = call.args.slice(1);
  }
  const args = argumentsOf(model, call, positional, bound);
  const bases = viaSuper ? cls.bases : [receiver];
  for (const base of bases) {
    const value = model.resolve(base, viaSuper ? cls.scope.parent ?? model.moduleScope : call.scope);
    const imported = value.kind === 'ref' ? model.importedClass(value.name) : null;
    const baseClass = value.kind === 'class' ? { model, cls: value.cls } : imported;
    if (baseClass) {
      followInit(baseClass.model, baseClass.cls, instanceClass, args, out, depth + 1);
      return;
    }
    if (value.kind === 'ref' && WORKER_INITS.has(canonicalName(value.name))) {
      bindLibraryTarget(args, instanceClass, out);
      return;
    }
  }
}

/**
 * Parameter name → the argument the call gives it (positional after `self`, then keywords), and
 * what `*args` / `**kwargs` collect: the positions past the named ones, the unmatched keywords.
 */
function bindParameters(init: FunctionInfo, args: Arguments): Bound {
  const byName = new Map<string, Arg>();
  const { positional: named, star, starstar } = parameterKinds(init);
  const params = named.slice(1);
  let i = 0;
  let aligned = true;
  for (; i < args.positional.length && i < params.length; i++) {
    const arg = args.positional[i];
    // After `*args` the positions no longer line up.
    if (arg.node.type === 'list_splat' || arg.node.type === 'dictionary_splat') {
      aligned = false;
      break;
    }
    byName.set(params[i], arg);
  }
  const rest = aligned ? args.positional.slice(i) : [];
  const restKeywords = new Map<string, Arg>();
  for (const [name, arg] of args.keywords) {
    if (init.params.includes(name) && name !== star && name !== starstar) byName.set(name, arg);
    else restKeywords.set(name, arg);
  }
  const collects = aligned && !rest.some((a) => a.node.type === 'list_splat' || a.node.type === 'dictionary_splat');
  return {
    byName,
    star: star && collects ? { name: star, args: rest } : null,
    starstar: starstar ? { name: starstar, args: restKeywords } : null,
  };
}

/** A function's positional parameters (before `*`), and the names of its `*args` and `**kwargs`. */
function parameterKinds(fn: FunctionInfo): { positional: string[]; star: string | null; starstar: string | null } {
  const out = { positional: [] as string[], star: null as string | null, starstar: null as string | null };
  const list = childByField(fn.node, 'parameters');
  let keywordOnly = false;
  for (const param of list ? namedChildren(list) : []) {
    const id = param.type === 'identifier' ? param : namedChildren(param).find((c) => c.type === 'identifier') ?? null;
    const name = id ? fn.model.text(id) : null;
    if (param.type === 'list_splat_pattern') {
      out.star = name;
      keywordOnly = true;
    } else if (param.type === 'dictionary_splat_pattern') out.starstar = name;
    else if (param.type === 'keyword_separator') keywordOnly = true;
    else if (name && !keywordOnly) out.positional.push(name);
  }
  return out;
}

function bindLibraryTarget(args: Arguments, instanceClass: ClassInfo, out: Out): void {
  // Thread(group=None, target=None, ...): `target` is the second positional parameter.
  const arg = args.keywords.get('target') ?? args.positional[1] ?? null;
  const fn = arg ? callableOf(arg, instanceClass) : null;
  if (fn) out.target = fn;
}

function libraryWorkerBase(model: PythonModel, cls: ClassInfo): boolean {
  const base = model.concurrencyBase(cls);
  return !!base && WORKER_INITS.has(base);
}

/** The function an argument stands for: a function, a method of the instance, `partial(f, ...)`. */
function callableOf(arg: Arg, instanceClass: ClassInfo, depth = 0): FunctionInfo | null {
  const { node, model, scope } = arg;
  if (depth > 4) return null;
  if (node.type === 'attribute') {
    // `self._run`: the instance's own method, as the class it was made as overrides it.
    const object = childByField(node, 'object');
    const attr = childByField(node, 'attribute');
    const fn = model.contextOf(node).fn;
    if (object && attr && fn?.parentClass && fn.params[0] === model.text(object)) {
      const member = model.classMember(instanceClass, model.text(attr));
      return member?.fn ?? null;
    }
  }
  if (node.type === 'call') {
    const call = model.callAt(node);
    if (call?.qualified === 'functools.partial' && call.args[0]) return callableOf({ node: call.args[0], model, scope }, instanceClass, depth + 1);
    return null;
  }
  const value = valueOf(model, node, scope, 0);
  return value.kind === 'function' && !value.fn.isLambda ? value.fn : null;
}
