import type { CallInfo, PythonModel } from './model';
import { fact, factBy } from '../core/facts';
import { EXECUTORS, type Family, JOBLIB_PARALLEL, MAP_FUNCTIONS, WORKER_CLASSES } from './names';
import { type PyNode, childByField, namedChildren } from './syntax';
import { calleeName, concurrencyClassOf, constructedClass, enclosingBackend, inheritedMethod, joblibFamily } from './tasks';

// Where threads and processes come into existence: pool constructors with their size argument,
// Thread/Process constructions (including subclasses from this file and the workspace), and the
// loops that repeat them. The sizing rules (CL301, CL302), the main-guard rule (CL201) and
// fork-with-threads (CL204) share these facts.

export type { Family };

export interface PoolConstruction {
  call: CallInfo;
  family: Family;
  /** Canonical class name, e.g. `multiprocessing.Pool`, or the function (`tqdm.contrib.concurrent.process_map`). */
  executor: string;
  /** The argument that sets the number of workers (`processes=` / `max_workers=` / `n_jobs=` or the first positional). */
  sizeNode: PyNode | null;
  /** A subclass of the workspace: its own constructor may give the arguments other meanings. */
  subclass: boolean;
}

/** A pool constructor call (`Pool(4)`, `ProcessPoolExecutor(max_workers=n)`, `ctx.Pool()`, `Parallel(n_jobs=4)`...), or null. */
export function poolConstruction(model: PythonModel, call: CallInfo): Readonly<PoolConstruction> | null {
  return poolConstructionsByCall(model, call);
}

// Once per call: the pool rules, the main-guard rule, the swap fix and liveness each ask about
// every call of the file.
const poolConstructionsByCall = factBy((model: PythonModel, call: CallInfo) => poolConstructionOf(model, call));

function poolConstructionOf(model: PythonModel, call: CallInfo): PoolConstruction | null {
  const constructed = constructedClass(model, call);
  const executor = constructed?.name;
  if (!executor) {
    const name = calleeName(model, call);
    const map = name ? MAP_FUNCTIONS[name] : undefined;
    // `process_map(f, items, max_workers=8)` creates and sizes its own pool.
    if (name && map) return { call, family: map.family, executor: name, sizeNode: call.kwargs.get(map.sizeKeyword) ?? null, subclass: false };
    return null;
  }
  let family: Family | null = null;
  let keyword = '';
  if (executor in EXECUTORS) {
    family = EXECUTORS[executor].family;
    keyword = EXECUTORS[executor].sizeKeyword;
  } else if (executor === JOBLIB_PARALLEL) {
    const context = enclosingBackend(model, call);
    family = joblibFamily(model, call, context === 'unknown' ? null : context?.family ?? null);
    keyword = 'n_jobs';
  }
  if (!family) return null;
  // A subclass that defines its own __init__ may take its arguments in any order.
  const ownInit = constructed.subclass && inheritedMethod(model, call, '__init__') !== null;
  const sizeNode = ownInit ? null : call.kwargs.get(keyword) ?? call.args[0] ?? null;
  return { call, family, executor, sizeNode, subclass: constructed.subclass };
}

export const poolConstructions = fact((model: PythonModel) => {
  const pools: PoolConstruction[] = [];
  for (const call of model.calls) {
    const pool = poolConstruction(model, call);
    if (pool) pools.push(pool);
  }
  return pools;
});

/** The family of a `Thread(...)` / `Process(...)` construction, including subclasses of the workspace. */
export function workerConstructionFamily(model: PythonModel, call: CallInfo): Family | null {
  const constructed = constructedClass(model, call);
  return constructed && constructed.name in WORKER_CLASSES ? WORKER_CLASSES[constructed.name].family : null;
}

/** `p.start()` / `Process(...).start()`: the family of the started object, when it is a thread or process. */
export function startedFamily(model: PythonModel, call: CallInfo): Family | null {
  if (call.method !== 'start' || call.receiver?.kind !== 'instance') return null;
  const name = concurrencyClassOf(model, call.receiver);
  return name && name in WORKER_CLASSES ? WORKER_CLASSES[name].family : null;
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
