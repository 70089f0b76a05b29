import { type PyNode, childByField, walk } from './syntax';
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

function argumentsOf(model: PythonModel, call: CallInfo, positional: PyNode[], bound: Map<string, Arg> | null): Arguments {
  // A parameter passed on (`super().__init__(action)`) is the argument the outer call gave it.
  const arg = (node: PyNode): Arg => (node.type === 'identifier' && bound?.get(model.text(node))) || { node, model, scope: call.scope };
  return { positional: positional.map(arg), keywords: new Map([...call.kwargs].map(([k, v]) => [k, arg(v)])) };
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
  walk(init.node, (node) => {
    if (node !== init.node && (node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition')) return false;
    if (node.type === 'assignment') {
      const left = childByField(node, 'left');
      const right = childByField(node, 'right');
      const object = left?.type === 'attribute' ? childByField(left, 'object') : null;
      const attr = left?.type === 'attribute' ? childByField(left, 'attribute') : null;
      if (object && attr && right?.type === 'identifier' && initModel.text(object) === init.params[0]) {
        const arg = bound.get(initModel.text(right));
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
function followBaseInit(model: PythonModel, init: FunctionInfo, call: CallInfo, cls: ClassInfo, instanceClass: ClassInfo, bound: Map<string, Arg>, out: Out, depth: number): void {
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

/** Parameter name → the argument the call gives it (positional after `self`, then keywords). */
function bindParameters(init: FunctionInfo, args: Arguments): Map<string, Arg> {
  const bound = new Map<string, Arg>();
  const params = init.params.slice(1);
  for (let i = 0; i < args.positional.length && i < params.length; i++) {
    const arg = args.positional[i];
    // After `*args` the positions no longer line up.
    if (arg.node.type === 'list_splat' || arg.node.type === 'dictionary_splat') break;
    bound.set(params[i], arg);
  }
  for (const [name, arg] of args.keywords) if (params.includes(name)) bound.set(name, arg);
  return bound;
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
