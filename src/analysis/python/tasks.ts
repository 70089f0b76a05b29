import type { PyNode } from './syntax';
import { childByField } from './syntax';
import type { CallInfo, ClassInfo, FunctionInfo, PythonModel, Value } from './model';
import {
  FUTURES_EXECUTORS,
  MAP_LIKE_METHODS,
  POOL_METHODS,
  PROCESS_CLASS,
  PROCESS_POOLS,
  THREAD_CLASS,
  THREAD_POOLS,
} from './names';
import { fact } from '../core/facts';

// Task sites (docs/architecture.md, "Models and facts"): every place a callable is handed to an executor, with what runs it.

export type ExecutorFamily = 'thread' | 'process';

export type TaskTarget =
  | { kind: 'function'; fn: FunctionInfo }
  | { kind: 'lambda'; node: PyNode }
  | { kind: 'partial'; inner: TaskTarget }
  | { kind: 'unresolved' };

export interface TaskSite {
  family: ExecutorFamily;
  /** Canonical executor class: `concurrent.futures.ThreadPoolExecutor`, `threading.Thread`, ... */
  executor: string;
  /** `Thread`, `Process`, `submit`, `map`, `apply_async`, `to_thread`, `run_in_executor`, `subclass`. */
  api: string;
  /** The call reported for the site. */
  call: CallInfo;
  /** The callable expression handed over (null for Thread subclasses). */
  callableNode: PyNode | null;
  target: TaskTarget;
  /** Where the executor object was constructed (the `ThreadPoolExecutor(...)` call), when known. */
  constructorNode: PyNode | null;
  /** For map-like calls: the iterable and the `chunksize` argument. */
  iterableNode: PyNode | null;
  chunksizeNode: PyNode | null;
  isMapLike: boolean;
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

function siteOf(model: PythonModel, call: CallInfo): TaskSite | null {
  const name = call.qualified;
  // threading.Thread(target=f) / multiprocessing.Process(target=f)
  if (name === THREAD_CLASS || name === PROCESS_CLASS) {
    const callableNode = call.kwargs.get('target') ?? call.args[1] ?? null;
    if (!callableNode) return null;
    return makeSite(model, call, name === THREAD_CLASS ? 'thread' : 'process', name, name === THREAD_CLASS ? 'Thread' : 'Process', callableNode, call.node);
  }
  if (name === 'asyncio.to_thread') {
    return makeSite(model, call, 'thread', 'asyncio.to_thread', 'to_thread', call.args[0] ?? null, null);
  }
  if (call.method === 'run_in_executor') {
    const executorArg = call.args[0];
    const callableNode = call.args[1] ?? null;
    if (!executorArg || !callableNode) return null;
    if (executorArg.type === 'none') {
      return makeSite(model, call, 'thread', 'concurrent.futures.ThreadPoolExecutor', 'run_in_executor', callableNode, null);
    }
    const executor = model.resolve(executorArg, call.scope);
    if (executor.kind !== 'instance') return null;
    const family = familyOf(executor.of);
    if (!family) return null;
    return makeSite(model, call, family, executor.of, 'run_in_executor', callableNode, executor.origin);
  }
  if (call.method && call.receiver?.kind === 'instance') {
    const executor = call.receiver.of;
    const family = familyOf(executor);
    if (!family) return null;
    const isFutures = FUTURES_EXECUTORS.has(executor);
    const supported = isFutures ? call.method === 'submit' || call.method === 'map' : POOL_METHODS.has(call.method);
    if (!supported) return null;
    return makeSite(model, call, family, executor, call.method, call.args[0] ?? call.kwargs.get('func') ?? call.kwargs.get('fn') ?? null, call.receiver.origin);
  }
  // Instantiating a same-file subclass of Thread/Process runs its `run` method.
  if (call.target.kind === 'class') {
    const base = threadOrProcessBase(model, call.target.cls, 0);
    if (!base) return null;
    const run = call.target.cls.methods.get('run') ?? null;
    const site = makeSite(model, call, base === THREAD_CLASS ? 'thread' : 'process', base, 'subclass', null, call.node);
    if (run) site.target = { kind: 'function', fn: run };
    return site;
  }
  return null;
}

function familyOf(executor: string): ExecutorFamily | null {
  if (THREAD_POOLS.has(executor)) return 'thread';
  if (PROCESS_POOLS.has(executor)) return 'process';
  return null;
}

function threadOrProcessBase(model: PythonModel, cls: ClassInfo, depth: number): string | null {
  if (depth > 8) return null;
  for (const base of cls.bases) {
    const value = model.resolve(base, cls.scope.parent ?? model.moduleScope);
    if (value.kind === 'ref' && (value.name === THREAD_CLASS || value.name === PROCESS_CLASS)) return value.name;
    if (value.kind === 'class') {
      const inherited = threadOrProcessBase(model, value.cls, depth + 1);
      if (inherited) return inherited;
    }
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
): TaskSite {
  const isMapLike = api === 'map' || MAP_LIKE_METHODS.has(api);
  let chunksizeNode = call.kwargs.get('chunksize') ?? null;
  if (!chunksizeNode && isMapLike && !FUTURES_EXECUTORS.has(executor) && call.args.length >= 3) chunksizeNode = call.args[2];
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
