import type { CallInfo, ClassInfo, PythonModel } from './model';
import { fact } from '../core/facts';
import { PROCESS_CLASS, PROCESS_POOLS, THREAD_CLASS, THREAD_POOLS } from './names';
import { type PyNode, childByField, namedChildren } from './syntax';

// Where threads and processes come into existence: pool constructors with their size argument,
// Thread/Process constructions (including same-file subclasses), and the loops that repeat them.
// The sizing rules (CL301, CL302), the main-guard rule (CL201) and fork-with-threads (CL204) share
// these facts.

export type Family = 'thread' | 'process';

export interface PoolConstruction {
  call: CallInfo;
  family: Family;
  /** Canonical class name, e.g. `multiprocessing.Pool`. */
  executor: string;
  /** The argument that sets the number of workers (`processes=` / `max_workers=` or the first positional). */
  sizeNode: PyNode | null;
}

/** A pool constructor call (`Pool(4)`, `ProcessPoolExecutor(max_workers=n)`, `ctx.Pool()`...), or null. */
export function poolConstruction(call: CallInfo): PoolConstruction | null {
  const executor = call.qualified;
  if (!executor) return null;
  const family: Family | null = PROCESS_POOLS.has(executor) ? 'process' : THREAD_POOLS.has(executor) ? 'thread' : null;
  if (!family) return null;
  // multiprocessing pools name the size `processes`, concurrent.futures executors `max_workers`.
  const keyword = executor.startsWith('multiprocessing.') ? 'processes' : 'max_workers';
  return { call, family, executor, sizeNode: call.kwargs.get(keyword) ?? call.args[0] ?? null };
}

export const poolConstructions = fact((model: PythonModel) => {
  const pools: PoolConstruction[] = [];
  for (const call of model.calls) {
    const pool = poolConstruction(call);
    if (pool) pools.push(pool);
  }
  return pools;
});

/** The family of a `Thread(...)` / `Process(...)` construction, including same-file subclasses. */
export function workerConstructionFamily(model: PythonModel, call: CallInfo): Family | null {
  if (call.qualified === THREAD_CLASS || call.qualified === 'threading.Timer') return 'thread';
  if (call.qualified === PROCESS_CLASS) return 'process';
  if (call.target.kind === 'class') return classFamily(model, call.target.cls);
  return null;
}

/** Whether a same-file class derives (transitively) from threading.Thread or multiprocessing.Process. */
export function classFamily(model: PythonModel, cls: ClassInfo, depth = 0): Family | null {
  if (depth > 8) return null;
  for (const base of cls.bases) {
    const value = model.resolve(base, cls.scope.parent ?? model.moduleScope);
    if (value.kind === 'ref' && (value.name === THREAD_CLASS || value.name === 'threading.Timer')) return 'thread';
    if (value.kind === 'ref' && value.name === PROCESS_CLASS) return 'process';
    if (value.kind === 'class' && value.cls !== cls) {
      const inherited = classFamily(model, value.cls, depth + 1);
      if (inherited) return inherited;
    }
  }
  return null;
}

/** `p.start()` / `Process(...).start()`: the family of the started object, when it is a thread or process. */
export function startedFamily(model: PythonModel, call: CallInfo): Family | null {
  if (call.method !== 'start' || call.receiver?.kind !== 'instance') return null;
  const receiver = call.receiver;
  if (receiver.cls) return classFamily(model, receiver.cls);
  if (receiver.of === PROCESS_CLASS) return 'process';
  if (receiver.of === THREAD_CLASS || receiver.of === 'threading.Timer') return 'thread';
  return null;
}

/** Integer value of a literal like `8`, `0x10`, `1_000` (through parentheses), or null. */
export function integerLiteral(model: PythonModel, node: PyNode): number | null {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = namedChildren(current)[0];
    if (!inner) return null;
    current = inner;
  }
  if (current.type !== 'integer') return null;
  const value = Number(model.text(current).replace(/_/g, ''));
  return Number.isFinite(value) ? value : null;
}

export interface LoopIterable {
  loop: PyNode;
  /** The iterated expressions: one for a `for` statement, one per `for` clause of a comprehension. */
  iterables: PyNode[];
}

/** The innermost loop around a node in its own function, with what it iterates (null for `while`). */
export function innermostLoop(model: PythonModel, node: PyNode): LoopIterable | null {
  const loops = model.contextOf(node).loops;
  const loop = loops[loops.length - 1];
  if (!loop) return null;
  if (loop.type === 'for_statement') {
    const right = childByField(loop, 'right');
    return { loop, iterables: right ? [right] : [] };
  }
  if (loop.type === 'while_statement') return { loop, iterables: [] };
  const iterables = loop.children
    .filter((c) => c.type === 'for_in_clause')
    .map((c) => childByField(c, 'right'))
    .filter((n): n is PyNode => n !== null);
  return { loop, iterables };
}

/** For `range(k)` / `range(a, b)` with literal bounds: the number of iterations; otherwise null. */
export function literalRangeCount(model: PythonModel, node: PyNode): { count: number; literal: PyNode } | null {
  if (node.type !== 'call') return null;
  const call = model.callAt(node);
  if (!call || call.qualified !== 'builtins.range' || call.kwargs.size > 0) return null;
  if (call.args.length === 1) {
    const stop = integerLiteral(model, call.args[0]);
    return stop === null ? null : { count: Math.max(0, stop), literal: call.args[0] };
  }
  if (call.args.length === 2) {
    const start = integerLiteral(model, call.args[0]);
    const stop = integerLiteral(model, call.args[1]);
    return start === null || stop === null ? null : { count: Math.max(0, stop - start), literal: call.args[1] };
  }
  return null;
}

/** The `range(...)` call node when the iterable is one, else null. */
export function rangeCall(model: PythonModel, node: PyNode): CallInfo | null {
  if (node.type !== 'call') return null;
  const call = model.callAt(node);
  return call && call.qualified === 'builtins.range' ? call : null;
}
