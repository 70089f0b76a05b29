import type { PyNode } from './syntax';
import { childByField, namedChildren } from './syntax';
import type { CallInfo, ClassInfo, FunctionInfo, PythonModel, Value } from './model';
import {
  DECORATOR_EXECUTORS,
  type ExecutorSpec,
  FUTURES_EXECUTORS,
  JOBLIB_BACKEND_CONTEXTS,
  JOBLIB_DELAYED,
  JOBLIB_PARALLEL,
  MAP_FUNCTIONS,
  MAP_LIKE_METHODS,
  OFFLOAD_FUNCTIONS,
  POOL_METHODS,
  type Pickler,
  SELF_CHUNKING_METHODS,
  WORKER_CLASSES,
  canonicalName,
  executorSpec,
  isConcurrencyBase,
} from './names';
import { fact, factBy } from '../core/facts';

// Task sites (docs/architecture.md, "Models and facts"): every place a callable is handed to an executor, with what runs it.

export type ExecutorFamily = 'thread' | 'process';

export type TaskTarget =
  | { kind: 'function'; fn: FunctionInfo }
  | { kind: 'lambda'; node: PyNode }
  | { kind: 'partial'; inner: TaskTarget }
  | { kind: 'unresolved' };

export interface TaskSite {
  family: ExecutorFamily;
  /** Canonical executor class: `concurrent.futures.ThreadPoolExecutor`, `threading.Thread`, `joblib.Parallel`, ... */
  executor: string;
  /**
   * `Thread`, `Process`, `submit`, `map`, `apply_async`, `to_thread`, `run_in_executor`, `subclass`,
   * `schedule` (pebble), `Parallel` (joblib), `thread_map`/`process_map` (tqdm), `run_sync` (anyio),
   * `deferToThread`, `deferToThreadPool`, `callInThread` (Twisted), `decorated` (pebble's decorators).
   */
  api: string;
  /** The call reported for the site. */
  call: CallInfo;
  /** The callable expression handed over (null for Thread subclasses and decorated functions). */
  callableNode: PyNode | null;
  target: TaskTarget;
  /** Where the executor object was constructed (the `ThreadPoolExecutor(...)` call), when known. */
  constructorNode: PyNode | null;
  /** For map-like calls: the iterable and the `chunksize` argument. */
  iterableNode: PyNode | null;
  chunksizeNode: PyNode | null;
  isMapLike: boolean;
  /** How the callable and its arguments reach a process (null for threads). */
  pickler: Pickler | null;
  /** The executor batches the items itself when no chunksize is given (`Pool.map`, joblib's `batch_size='auto'`). */
  selfChunking: boolean;
  /**
   * The arguments the callable is called with, when the site writes them out: `args=(a, b)` of a
   * Thread, `submit(f, a, b)`, `delayed(f)(a, b)`, `apply_async(f, (a, b))` (null: not known).
   */
  callArguments: { positional: PyNode[]; keywords: Map<string, PyNode> } | null;
}

export const taskSites = fact((model: PythonModel): TaskSite[] => {
  const sites: TaskSite[] = [];
  for (const call of model.calls) {
    const site = siteOf(model, call);
    if (site) sites.push(site);
  }
  return sites;
});

/** The function a task site runs, through `functools.partial`; null for lambdas and unresolved names. */
export function targetFunction(target: TaskTarget): FunctionInfo | null {
  if (target.kind === 'function') return target.fn;
  if (target.kind === 'partial') return targetFunction(target.inner);
  return null;
}

/**
 * The canonical name a call's callee stands for: through relative imports (`from .. import
 * to_thread` inside anyio) and through imports that resolve to a function of the workspace
 * (`from twisted.internet.threads import deferToThread` inside Twisted itself).
 */
export function calleeName(model: PythonModel, call: CallInfo): string | null {
  if (call.qualified) return canonicalName(model.absoluteName(call.qualified));
  if (call.callee.type === 'identifier' && call.target.kind === 'function' && call.target.fn.model !== model) {
    const binding = model.lookup(model.text(call.callee), call.scope, call.callee);
    if (binding?.kind === 'import' && binding.qualified) return canonicalName(model.absoluteName(binding.qualified));
  }
  return null;
}

/**
 * The executor or worker class (a key of names.ts' EXECUTORS / WORKER_CLASSES, or `joblib.Parallel`)
 * an instance is, workspace subclasses included.
 */
export function concurrencyClassOf(model: PythonModel, value: Value | null): string | null {
  if (!value || value.kind !== 'instance') return null;
  if (value.cls) return model.concurrencyBase(value.cls);
  const name = canonicalName(model.absoluteName(value.of));
  if (isConcurrencyBase(name)) return name;
  const imported = model.importedClass(value.of);
  return imported ? imported.model.concurrencyBase(imported.cls) : null;
}

/** What a constructor call creates, as `concurrencyClassOf` names it, with whether it is a workspace subclass. */
export function constructedClass(model: PythonModel, call: CallInfo): { readonly name: string; readonly subclass: boolean } | null {
  return constructedClasses(model, call);
}

// Once per call: the task sites, the pool and worker constructions and the main-guard rule each
// ask about every call of the file.
const constructedClasses = factBy((model: PythonModel, call: CallInfo) => constructedClassOf(model, call));

function constructedClassOf(model: PythonModel, call: CallInfo): { name: string; subclass: boolean } | null {
  const name = calleeName(model, call);
  if (name && isConcurrencyBase(name)) return { name, subclass: false };
  if (call.target.kind === 'class') {
    const base = model.concurrencyBase(call.target.cls);
    return base ? { name: base, subclass: true } : null;
  }
  if (call.qualified) {
    const imported = model.importedClass(call.qualified);
    const base = imported ? imported.model.concurrencyBase(imported.cls) : null;
    return base ? { name: base, subclass: true } : null;
  }
  return null;
}

function siteOf(model: PythonModel, call: CallInfo): TaskSite | null {
  const name = calleeName(model, call);
  const constructed = constructedClass(model, call);
  // threading.Thread(target=f) / multiprocessing.Process(target=f), and the forks' Process.
  if (constructed && !constructed.subclass && constructed.name in WORKER_CLASSES && constructed.name !== 'threading.Timer') {
    const worker = WORKER_CLASSES[constructed.name];
    const callableNode = call.kwargs.get('target') ?? call.args[1] ?? null;
    if (!callableNode) return null;
    const api = worker.family === 'thread' ? 'Thread' : 'Process';
    const site = makeSite(model, call, worker.family, constructed.name, api, callableNode, call.node, worker.pickler);
    site.callArguments = tupleArguments(call.kwargs.get('args') ?? call.args[3] ?? null);
    return site;
  }
  // Instantiating a subclass of Thread/Process (of this file or the workspace) runs its `run` method.
  if (constructed && constructed.subclass && constructed.name in WORKER_CLASSES) {
    const worker = WORKER_CLASSES[constructed.name];
    const site = makeSite(model, call, worker.family, constructed.name, 'subclass', null, call.node, worker.pickler);
    const run = inheritedMethod(model, call, 'run');
    if (run) site.target = { kind: 'function', fn: run };
    else if (call.kwargs.has('target') && !inheritedMethod(model, call, '__init__')) {
      // `class Named(Thread): pass` takes Thread's own arguments.
      site.callableNode = call.kwargs.get('target')!;
      site.target = resolveTarget(model, site.callableNode, call, 0);
    }
    return site;
  }
  if (name && name in OFFLOAD_FUNCTIONS) {
    const offload = OFFLOAD_FUNCTIONS[name];
    const api = name.slice(name.lastIndexOf('.') + 1);
    const site = makeSite(model, call, offload.family, name, api === 'to_thread' ? 'to_thread' : api, call.args[offload.callable] ?? null, null, offload.pickler);
    site.callArguments = { positional: call.args.slice(offload.callable + 1), keywords: new Map(call.kwargs) };
    return site;
  }
  if (name && name in MAP_FUNCTIONS) {
    const map = MAP_FUNCTIONS[name];
    return makeSite(model, call, map.family, name, name.slice(name.lastIndexOf('.') + 1), call.args[0] ?? null, null, map.pickler);
  }
  if (call.method === 'run_in_executor') {
    const executorArg = call.args[0];
    const callableNode = call.args[1] ?? null;
    if (!executorArg || !callableNode) return null;
    if (executorArg.type === 'none') {
      return makeSite(model, call, 'thread', 'concurrent.futures.ThreadPoolExecutor', 'run_in_executor', callableNode, null, null);
    }
    const executor = model.resolve(executorArg, call.scope);
    const spec = executorSpec(concurrencyClassOf(model, executor));
    if (!spec || executor.kind !== 'instance') return null;
    return makeSite(model, call, spec.family, concurrencyClassOf(model, executor)!, 'run_in_executor', callableNode, executor.origin, spec.pickler);
  }
  const joblib = joblibSite(model, call);
  if (joblib) return joblib;
  if (call.method && call.receiver?.kind === 'instance') {
    const executor = concurrencyClassOf(model, call.receiver);
    const spec = executorSpec(executor);
    if (!executor || !spec || !supports(spec, call.method)) return null;
    const callableNode = call.args[0] ?? call.kwargs.get('func') ?? call.kwargs.get('fn') ?? call.kwargs.get('function') ?? null;
    const site = makeSite(model, call, spec.family, executor, call.method, callableNode, call.receiver.origin, spec.pickler);
    if (call.method === 'submit' && callableNode === call.args[0]) site.callArguments = { positional: call.args.slice(1), keywords: new Map(call.kwargs) };
    if ((call.method === 'apply_async' || call.method === 'apply') && callableNode === call.args[0]) site.callArguments = tupleArguments(call.kwargs.get('args') ?? call.args[1] ?? null);
    return site;
  }
  const decorated = decoratedSite(model, call);
  if (decorated) return decorated;
  return null;
}

function supports(spec: ExecutorSpec, method: string): boolean {
  if (spec.api === 'futures') return method === 'submit' || method === 'map';
  if (spec.api === 'pebble') return method === 'schedule' || method === 'submit' || method === 'map';
  return POOL_METHODS.has(method);
}

/** The `run` (or other) method a Thread/Process subclass instance runs, looked up along its bases. */
export function inheritedMethod(model: PythonModel, call: CallInfo, method: string): FunctionInfo | null {
  let start: { model: PythonModel; cls: ClassInfo } | null = null;
  if (call.target.kind === 'class') start = { model, cls: call.target.cls };
  else if (call.qualified) start = model.importedClass(call.qualified);
  if (!start) return null;
  for (const step of classAncestry(start)) {
    const found = 'cls' in step ? step.cls.methods.get(method) : undefined;
    if (found) return found;
  }
  return null;
}

/**
 * A class of the tree and its ancestors, nearest first (breadth-first, at most 16 classes of the
 * tree): each class of the tree, and the canonical names of library bases where the walk leaves
 * the tree.
 */
export function* classAncestry(start: { model: PythonModel; cls: ClassInfo }): Generator<{ model: PythonModel; cls: ClassInfo } | { library: string }> {
  const queue = [start];
  const seen = new Set<ClassInfo>();
  while (queue.length > 0 && seen.size < 16) {
    const step = queue.shift()!;
    const { model: owner, cls } = step;
    if (seen.has(cls)) continue;
    seen.add(cls);
    yield step;
    for (const base of cls.bases) {
      const value = owner.resolve(base, cls.scope.parent ?? owner.moduleScope);
      if (value.kind === 'class') queue.push({ model: owner, cls: value.cls });
      else if (value.kind === 'ref') {
        const imported = owner.importedClass(value.name);
        if (imported) queue.push(imported);
        else yield { library: canonicalName(value.name) };
      }
    }
  }
}

/**
 * `Parallel(n_jobs=4)(delayed(f)(x) for x in xs)` and `parallel = Parallel(...); parallel(...)`:
 * a thread site with `backend="threading"`, `prefer="threads"` or `require="sharedmem"` (also from
 * an enclosing `with parallel_backend("threading"):`), else a process site (loky). Left out when
 * it cannot run in parallel (`n_jobs` absent, None or 1) or the backend is not written out.
 */
function joblibSite(model: PythonModel, call: CallInfo): TaskSite | null {
  const value = call.target;
  let constructorNode: PyNode | null = null;
  if (value.kind === 'instance' && concurrencyClassOf(model, value) === JOBLIB_PARALLEL) constructorNode = value.origin;
  if (!constructorNode) return null;
  const ctor = model.callAt(constructorNode);
  if (!ctor) return null;
  const backendContext = enclosingBackend(model, call);
  if (backendContext === 'unknown') return null;
  const nJobs = ctor.kwargs.get('n_jobs') ?? ctor.args[0] ?? null;
  if (!backendContext && (!nJobs || nJobs.type === 'none' || model.text(nJobs) === '1')) return null;
  const family = joblibFamily(model, ctor, backendContext?.family ?? null);
  if (!family) return null;
  // The argument: a generator (the call's own parentheses) or a list of `delayed(f)(x)` calls.
  const argsNode = childByField(call.node, 'arguments');
  let iterable: PyNode | null = argsNode?.type === 'generator_expression' ? argsNode : call.args[0] ?? null;
  while (iterable?.type === 'parenthesized_expression') iterable = namedChildren(iterable)[0] ?? null;
  // `jobs = (delayed(f)(x) for x in xs)` built first, then `Parallel(...)(jobs)`.
  if (iterable?.type === 'identifier') {
    const binding = model.lookup(model.text(iterable), call.scope, iterable);
    iterable = binding?.kind === 'assign' ? binding.value ?? null : null;
  }
  if (!iterable || !['generator_expression', 'list_comprehension'].includes(iterable.type)) return null;
  const body = childByField(iterable, 'body');
  const clause = iterable.children.find((c) => c.type === 'for_in_clause');
  let delayedCall = body?.type === 'call' ? childByField(body, 'function') : null;
  // `fd = delayed(_dist_wrapper)` bound once, then `fd(func, X, s) for s in ...`.
  if (delayedCall?.type === 'identifier') {
    const binding = model.lookup(model.text(delayedCall), call.scope, delayedCall);
    delayedCall = binding?.kind === 'assign' ? binding.value ?? null : null;
  }
  if (!delayedCall || delayedCall.type !== 'call') return null;
  const delayed = model.callAt(delayedCall);
  if (!delayed || !isDelayed(model, delayed)) return null;
  const callableNode = delayed.args[0] ?? null;
  const site = makeSite(model, call, family, JOBLIB_PARALLEL, 'Parallel', callableNode, constructorNode, family === 'process' ? 'cloudpickle' : null);
  site.isMapLike = true;
  site.iterableNode = clause ? childByField(clause, 'right') : null;
  site.chunksizeNode = ctor.kwargs.get('batch_size') ?? null;
  site.selfChunking = true;
  // `delayed(f)(a, b=c)`: what `f` is called with on every item.
  const job = body?.type === 'call' ? model.callAt(body) : undefined;
  if (job) site.callArguments = { positional: job.args, keywords: new Map(job.kwargs) };
  return site;
}

/** `args=(a, b)`: the tuple's items, when written as a tuple or list literal. */
function tupleArguments(node: PyNode | null): TaskSite['callArguments'] {
  if (!node) return { positional: [], keywords: new Map() };
  while (node.type === 'parenthesized_expression' && namedChildren(node).length === 1) node = namedChildren(node)[0];
  if (node.type !== 'tuple' && node.type !== 'list' && node.type !== 'parenthesized_expression') return null;
  return { positional: namedChildren(node).filter((n) => n.type !== 'comment'), keywords: new Map() };
}

export function isDelayed(model: PythonModel, call: CallInfo): boolean {
  const name = calleeName(model, call);
  if (name === JOBLIB_DELAYED || name?.endsWith('.delayed')) return true;
  // scikit-learn's own `delayed` wrapper, seen from inside scikit-learn: a workspace function.
  return call.target.kind === 'function' && call.target.fn.name === 'delayed';
}

/** The backend written on the constructor wins over an enclosing context, which wins over `prefer`/`require`; null when not written out. */
export function joblibFamily(model: PythonModel, ctor: CallInfo, contextFamily: ExecutorFamily | null): ExecutorFamily | null {
  const literal = (key: string): string | null | undefined => {
    const node = ctor.kwargs.get(key);
    if (!node || node.type === 'none') return undefined;
    return node.type === 'string' ? model.text(node).replace(/^[rRuU]?["']+|["']+$/g, '') : null;
  };
  const backend = literal('backend');
  if (backend === null) return null;
  if (backend !== undefined) return backend === 'threading' ? 'thread' : 'process';
  if (contextFamily) return contextFamily;
  const prefer = literal('prefer');
  const require = literal('require');
  if (prefer === null || require === null) return null;
  if (require === 'sharedmem' || prefer === 'threads') return 'thread';
  // loky, joblib's default backend, runs the tasks in worker processes.
  return 'process';
}

/** The backend an enclosing `with parallel_backend(...)` sets: a family, 'unknown' when not a literal, null when none. */
export function enclosingBackend(model: PythonModel, call: CallInfo): { family: ExecutorFamily } | 'unknown' | null {
  const withs = model.contextOf(call.node).withs;
  for (let i = withs.length - 1; i >= 0; i--) {
    for (const item of withs[i].children.filter((c) => c.type === 'with_clause').flatMap((c) => namedChildren(c))) {
      let expr = childByField(item, 'value');
      if (expr?.type === 'as_pattern') expr = namedChildren(expr)[0] ?? null;
      const ctx = expr?.type === 'call' ? model.callAt(expr) : undefined;
      if (!ctx || !JOBLIB_BACKEND_CONTEXTS.has(calleeName(model, ctx) ?? '')) continue;
      const backend = ctx.kwargs.get('backend') ?? ctx.args[0];
      if (!backend || backend.type !== 'string') return 'unknown';
      return { family: /threading/.test(model.text(backend)) ? 'thread' : 'process' };
    }
  }
  return null;
}

/** A call of a function decorated with pebble's `@concurrent.process` / `@concurrent.thread`. */
function decoratedSite(model: PythonModel, call: CallInfo): TaskSite | null {
  if (call.target.kind !== 'function' || call.target.fn.isLambda) return null;
  const fn = call.target.fn;
  const definition = fn.node.parent;
  if (definition?.type !== 'decorated_definition') return null;
  for (const decorator of definition.children.filter((c) => c.type === 'decorator')) {
    let expr = namedChildren(decorator)[0];
    if (expr?.type === 'call') expr = childByField(expr, 'function') ?? expr;
    if (!expr) continue;
    const value = fn.model.resolve(expr, fn.scope.parent ?? fn.model.moduleScope);
    const name = value.kind === 'ref' ? canonicalName(fn.model.absoluteName(value.name)) : null;
    const family = name ? DECORATOR_EXECUTORS[name] : undefined;
    if (!name || !family) continue;
    const site = makeSite(model, call, family, name, 'decorated', null, null, family === 'process' ? 'pickle' : null);
    site.target = { kind: 'function', fn };
    return site;
  }
  return null;
}

function makeSite(
  model: PythonModel,
  call: CallInfo,
  family: ExecutorFamily,
  executor: string,
  api: string,
  callableNode: PyNode | null,
  constructorNode: PyNode | null,
  pickler: Pickler | null,
): TaskSite {
  const spec = executorSpec(executor);
  const isMapLike = api === 'map' || MAP_LIKE_METHODS.has(api) || api === 'thread_map' || api === 'process_map';
  let chunksizeNode = call.kwargs.get('chunksize') ?? null;
  if (!chunksizeNode && isMapLike && spec?.api === 'pool' && call.args.length >= 3) chunksizeNode = call.args[2];
  return {
    family,
    executor,
    api,
    call,
    callableNode,
    target: callableNode ? resolveTarget(model, callableNode, call, 0) : { kind: 'unresolved' },
    constructorNode,
    iterableNode: isMapLike ? call.args[1] ?? null : null,
    chunksizeNode,
    isMapLike,
    pickler,
    selfChunking: spec?.api === 'pool' && SELF_CHUNKING_METHODS.has(api),
    callArguments: null,
  };
}

function resolveTarget(model: PythonModel, node: PyNode, call: CallInfo, depth: number): TaskTarget {
  if (depth > 4) return { kind: 'unresolved' };
  const value: Value = model.resolve(node, call.scope);
  if (value.kind === 'function') {
    return value.fn.isLambda ? { kind: 'lambda', node: value.fn.node } : { kind: 'function', fn: value.fn };
  }
  if (value.kind === 'lambda') return { kind: 'lambda', node: value.node };
  if (node.type === 'call') {
    const inner = model.callAt(node);
    if (inner?.qualified === 'functools.partial' && inner.args[0]) {
      return { kind: 'partial', inner: resolveTarget(model, inner.args[0], call, depth + 1) };
    }
  }
  return { kind: 'unresolved' };
}

/** True when the site sits inside a loop of its own function (`for x in xs: ex.submit(f, x)`). */
export function isInLoop(model: PythonModel, site: TaskSite): boolean {
  return model.contextOf(site.call.node).loops.length > 0;
}

/** Whether the executor of a site follows the concurrent.futures API (Futures from `submit`, lazy `map`). */
export function isFuturesSite(site: TaskSite): boolean {
  return FUTURES_EXECUTORS.has(site.executor);
}

/** The `name=` keyword or positional argument of the executor constructor, when known. */
export function constructorArgument(model: PythonModel, site: TaskSite, keyword: string, position: number): PyNode | null {
  if (!site.constructorNode) return null;
  const ctor = model.callAt(site.constructorNode);
  if (!ctor) return null;
  return ctor.kwargs.get(keyword) ?? ctor.args[position] ?? null;
}

export function calleeNameNode(call: CallInfo): PyNode {
  if (call.callee.type === 'attribute') return childByField(call.callee, 'attribute') ?? call.callee;
  return call.callee;
}
