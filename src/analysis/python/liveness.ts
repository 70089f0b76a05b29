import type { CallInfo, FunctionInfo, PythonModel } from './model';
import { fact } from '../core/facts';
import { OFFLOAD_FUNCTIONS, WORKER_CLASSES } from './names';
import { poolConstruction, startedFamily } from './spawning';
import { reachedFunctions } from './task-reach';
import { calleeName, constructedClass, inheritedMethod, taskSites } from './tasks';
import { destinationOf, readsOf } from './value-flow';
import { type PyNode, childByField } from './syntax';

// Which workers are alive together. Only what runs at once matters to the rules about sizes
// (CL301, CL302: a loop that starts and joins each thread before the next runs one at a time)
// and to the rules about forking while other threads run (CL204, CL505: a thread somewhere in
// the module is not a thread running when this process is forked).

// ---- workers started in a loop ---------------------------------------------------------------

/**
 * What the workers created by one construction inside `loop` do across iterations:
 * - `overlapping`: started and left running, so later iterations add to them;
 * - `sequential`: each is finished (joined, or its `with` block left) before the next iteration;
 * - `unstarted`: never started (a Thread object made to read its attributes);
 * - `per-key`: started and kept in a mapping under a key (`workers[c.id] = t`): one long-lived
 *   worker per resource, which the code stops or restarts by its key (a pool of fewer workers
 *   than resources would starve the rest);
 * - `unknown`: handed to code the analysis does not follow.
 */
export type IterationLifetime = 'overlapping' | 'sequential' | 'unstarted' | 'per-key' | 'unknown';

export function iterationLifetime(model: PythonModel, construction: CallInfo, loop: PyNode): IterationLifetime {
  const node = construction.node;
  // A subclass with its own `start` (one that waits for a free slot, say) decides for itself how
  // many run at once.
  if (constructedClass(model, construction)?.subclass && inheritedMethod(model, construction, 'start')) return 'unknown';
  const fn = model.contextOf(node).fn;
  const inComprehension = loop.type !== 'for_statement' && loop.type !== 'while_statement';
  const dest = destinationOf(model, node);
  switch (dest.kind) {
    case 'with':
      // `with Server(...) as s:` inside the loop: leaving the block stops it every iteration.
      return 'sequential';
    case 'discarded':
      return 'unstarted';
    case 'attribute':
      if (dest.name === 'start') return 'overlapping';
      if (dest.name === 'run') return 'unstarted';
      return 'unknown';
    case 'container':
      return containerLifetime(model, dest.name, fn, node);
    case 'variable': {
      // `procs = [Process(...) for x in xs]` holds the workers, not one of them.
      if (inComprehension) return containerLifetime(model, dest.name, fn, node);
      const uses = namedUses(model, dest.name, fn, node, loop);
      if (uses.starts.length > 0) {
        const firstStart = uses.starts[0].startIndex;
        const finished = uses.joins.some((j) => j.startIndex > firstStart) || uses.withs.length > 0;
        return finished ? 'sequential' : uses.keyed ? 'per-key' : 'overlapping';
      }
      if (uses.withs.length > 0) return 'sequential';
      for (const container of uses.addedTo) {
        const lifetime = containerLifetime(model, container, fn, node);
        if (lifetime !== 'unknown') return lifetime;
      }
      return uses.escapes ? 'unknown' : 'unstarted';
    }
    default:
      return 'unknown';
  }
}

/**
 * A Thread/Process object that is certainly never started: dropped, or kept in a variable whose
 * only uses read its attributes (`proc = Process(target=f); proc.name`).
 */
export function neverStarted(model: PythonModel, construction: CallInfo): boolean {
  const dest = destinationOf(model, construction.node);
  if (dest.kind === 'discarded') return true;
  if (dest.kind === 'attribute') return dest.node.parent?.type !== 'call';
  if (dest.kind !== 'variable') return false;
  return readsOf(model, dest).every((read) => {
    const use = destinationOf(model, read);
    if (use.kind === 'discarded') return true;
    // `proc.daemon = True`, `proc.name`: attributes; any method call may start it.
    return use.kind === 'attribute' && use.node.parent?.type !== 'call' && use.name !== 'start';
  });
}

interface NamedUses {
  starts: PyNode[];
  joins: PyNode[];
  withs: PyNode[];
  /** Containers the worker is added to (`threads.append(t)`). */
  addedTo: string[];
  /** Read in any other way (passed on, stored, returned). */
  escapes: boolean;
  /** Stored in a mapping under a computed key: `workers[c.id] = t`. */
  keyed: boolean;
}

/** The uses of a worker variable later in the same iteration of `loop`. */
function namedUses(model: PythonModel, name: string, fn: FunctionInfo | null, after: PyNode, loop: PyNode): NamedUses {
  const uses: NamedUses = { starts: [], joins: [], withs: [], addedTo: [], escapes: false, keyed: false };
  for (const id of model.nodesOfType('identifier')) {
    if (id.startIndex <= after.endIndex || id.endIndex > loop.endIndex || model.text(id) !== name) continue;
    if (model.contextOf(id).fn !== fn) continue;
    const parent = id.parent;
    if (!parent) continue;
    if (parent.type === 'assignment' && id.field === 'left') break; // rebound: a different worker from here on
    if (parent.type === 'attribute' && id.field === 'object') {
      const attr = model.text(childByField(parent, 'attribute') ?? parent);
      const called = parent.parent?.type === 'call' && parent.field === 'function';
      if (attr === 'start' && called) uses.starts.push(parent);
      else if (attr === 'join' && called) uses.joins.push(parent);
      // `self.addCleanup(p.join)`: joined some time later, not in this iteration.
      else if (!called && (attr === 'join' || attr === 'start')) uses.escapes = true;
      continue; // `t.daemon = True`, `t.name`: neither starts nor hands it over
    }
    if (parent.type === 'with_item' || (parent.type === 'as_pattern' && parent.parent?.type === 'with_item')) {
      uses.withs.push(id);
      continue;
    }
    if (parent.type === 'assignment' && id.field === 'right' && isComputedKeyStore(childByField(parent, 'left'))) uses.keyed = true;
    const dest = destinationOf(model, id);
    if (dest.kind === 'container') uses.addedTo.push(dest.name);
    else if (dest.kind !== 'discarded') uses.escapes = true;
  }
  return uses;
}

/** `registry[key] = ...` with a key computed from data (a literal key is one slot, rewritten each time). */
function isComputedKeyStore(left: PyNode | null): boolean {
  if (left?.type !== 'subscript') return false;
  const key = childByField(left, 'subscript');
  return !!key && key.type !== 'string' && key.type !== 'integer';
}

/**
 * Workers collected in a container, then started by looping over it: one at a time when every
 * loop that starts them also joins each before the next (`for t in threads: t.start(); t.join()`).
 */
function containerLifetime(model: PythonModel, container: string, fn: FunctionInfo | null, after: PyNode): IterationLifetime {
  let startLoops = 0;
  let joiningLoops = 0;
  const loops = [...model.nodesOfType('for_statement'), ...model.nodesOfType('for_in_clause')];
  for (const loop of loops) {
    if (loop.startIndex <= after.endIndex) continue;
    const right = childByField(loop, 'right');
    const left = childByField(loop, 'left');
    if (right?.type !== 'identifier' || model.text(right) !== container || left?.type !== 'identifier') continue;
    if (model.contextOf(loop).fn !== fn) continue;
    const variable = model.text(left);
    // A `for` statement's body, or the comprehension the clause belongs to.
    const region = loop.type === 'for_statement' ? childByField(loop, 'body') : loop.parent;
    if (!region) continue;
    const calls = model.calls.filter(
      (c) =>
        c.node.startIndex >= region.startIndex && c.node.endIndex <= region.endIndex &&
        c.receiverNode?.type === 'identifier' && model.text(c.receiverNode) === variable,
    );
    const start = calls.find((c) => c.method === 'start');
    if (!start) continue;
    startLoops++;
    if (calls.some((c) => c.method === 'join' && c.node.startIndex > start.node.startIndex)) joiningLoops++;
  }
  if (startLoops === 0) return 'unknown';
  return joiningLoops === startLoops ? 'sequential' : 'overlapping';
}

// ---- threads running at a point --------------------------------------------------------------

export interface ThreadEvidence {
  /** Where the thread is started (or the pool that runs threads is created). */
  node: PyNode;
  /** Why it may be running at the point asked about, for the message. */
  reason: string;
  /** What `node` is, for the related information of a finding. */
  label: string;
}

type StartKind = 'start' | 'pool' | 'shared';

interface ThreadStart {
  call: CallInfo;
  fn: FunctionInfo | null;
  kind: StartKind;
  /** The started object's name (`t` for `t.start()`, `ex` for `ex = ThreadPoolExecutor()`), when plain. */
  name: string | null;
  /** `self.x = Thread(...)` / `self.x.start()`: the thread belongs to the object and outlives the call. */
  selfStored: boolean;
  /** A pool used as `with ThreadPoolExecutor() as ex:`: alive inside this block only. */
  withBody: PyNode | null;
  inMainGuard: boolean;
}

const threadStarts = fact((model: PythonModel): ThreadStart[] => {
  const starts: ThreadStart[] = [];
  const add = (call: CallInfo, kind: StartKind, name: string | null, selfStored: boolean, withBody: PyNode | null): void => {
    const ctx = model.contextOf(call.node);
    starts.push({ call, fn: ctx.fn, kind, name, selfStored, withBody, inMainGuard: ctx.inMainGuard });
  };
  for (const call of model.calls) {
    if (startedFamily(model, call) === 'thread') {
      const receiver = call.receiverNode;
      const text = receiver ? model.text(receiver) : '';
      add(call, 'start', receiver?.type === 'identifier' ? text : null, /^self\.\w+$/.test(text), null);
      continue;
    }
    const pool = poolConstruction(model, call);
    if (pool?.family === 'thread' && pool.executor !== 'joblib.Parallel' && !pool.executor.startsWith('tqdm.')) {
      const dest = destinationOf(model, call.node);
      const assignment = call.node.parent?.type === 'assignment' ? call.node.parent : null;
      const left = assignment ? childByField(assignment, 'left') : null;
      const selfStored = !!left && /^self\.\w+$/.test(model.text(left));
      const withStatement = dest.kind === 'with' ? enclosingWith(call.node) : null;
      add(call, 'pool', dest.kind === 'variable' ? dest.name : null, selfStored, withStatement ? childByField(withStatement, 'body') : null);
      continue;
    }
    const name = calleeName(model, call);
    if (name && OFFLOAD_FUNCTIONS[name]?.family === 'thread') {
      // asyncio's default executor, anyio's and Twisted's thread pools stay up once used.
      add(call, 'shared', null, false, null);
      continue;
    }
    if (call.method === 'run_in_executor' && call.args[0]?.type === 'none') add(call, 'shared', null, false, null);
  }
  for (const site of taskSites(model)) {
    if (site.api === 'decorated' && site.family === 'thread') add(site.call, 'shared', null, false, null);
  }
  return starts;
});

function enclosingWith(node: PyNode): PyNode | null {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'with_statement') return p;
  return null;
}

const aliveCache = fact(() => new Map<PyNode, ThreadEvidence | null>());

/**
 * A thread that may be running when `node` runs, in the same flow: started earlier in the same
 * function (and not joined or shut down since), started by the callers of that function before
 * they call it, kept on the same object (`self.worker`), or the function itself running in a
 * thread. A thread started in an unrelated function of the module does not count.
 */
export function threadAliveAt(model: PythonModel, node: PyNode): ThreadEvidence | null {
  const cache = aliveCache(model);
  if (cache.has(node)) return cache.get(node)!;
  // Iterative over the callers: a worklist of points, each with the function it sits in.
  const visited = new Set<FunctionInfo | null>();
  const queue: { point: PyNode; via: CallInfo | null }[] = [{ point: node, via: null }];
  let found: ThreadEvidence | null = null;
  while (queue.length > 0 && !found) {
    const { point, via } = queue.shift()!;
    const fn = model.contextOf(point).fn;
    found = localEvidence(model, point, fn) ?? runsInThread(model, fn) ?? objectThread(model, fn, point);
    if (found && via) {
      found = { ...found, reason: `${found.reason}, before \`${model.text(via.callee)}()\` is called (line ${via.node.startRow + 1})` };
    }
    if (found || visited.has(fn) || !fn || visited.size > 24) continue;
    visited.add(fn);
    for (const caller of callersOf(model, fn)) queue.push({ point: caller.node, via: via ?? caller });
  }
  cache.set(node, found);
  return found;
}

/** A thread started before `point` in the same function (or the same module-level code), still running there. */
function localEvidence(model: PythonModel, point: PyNode, fn: FunctionInfo | null): ThreadEvidence | null {
  for (const start of threadStarts(model)) {
    // Threads started at import time, outside the main guard, run under every function of the module.
    const importTime = !start.fn && !start.inMainGuard && start.kind !== 'pool';
    if (start.fn !== fn && !importTime) continue;
    const startNode = start.call.node;
    if (start.fn === fn) {
      const before = startNode.endIndex <= point.startIndex || sharesLoop(model, startNode, point);
      if (!before) continue;
      if (start.withBody && !(point.startIndex >= start.withBody.startIndex && point.endIndex <= start.withBody.endIndex)) continue;
      if (start.name && finishedBetween(model, start, point)) continue;
    }
    const what = start.kind === 'pool' ? 'a thread pool is created' : start.kind === 'shared' ? 'a thread pool is used' : 'a thread is started';
    return { node: startNode, reason: `${what} at line ${startNode.startRow + 1}`, label: 'a thread that may be running then' };
  }
  return null;
}

/** Both inside one loop of the same function: the later statement runs again after the earlier one. */
function sharesLoop(model: PythonModel, a: PyNode, b: PyNode): boolean {
  const loops = model.contextOf(b).loops;
  return model.contextOf(a).loops.some((loop) => loops.includes(loop));
}

/** `t.join()` / `ex.shutdown()` between the start and the point, in the same function. */
function finishedBetween(model: PythonModel, start: ThreadStart, point: PyNode): boolean {
  const finishers = start.kind === 'pool' ? ['shutdown', 'close', 'terminate', 'join'] : ['join'];
  return model.calls.some(
    (call) =>
      call.method !== null && finishers.includes(call.method) &&
      call.receiverNode?.type === 'identifier' && model.text(call.receiverNode) === start.name &&
      call.node.startIndex > start.call.node.endIndex && call.node.endIndex <= point.startIndex &&
      model.contextOf(call.node).fn === start.fn,
  );
}

/** The function (or the method it is nested in) runs as a thread's task: other threads exist. */
function runsInThread(model: PythonModel, fn: FunctionInfo | null): ThreadEvidence | null {
  if (!fn) return null;
  const reached = reachedFunctions(model, 'thread', { skipLockedCalls: false }).get(fn);
  if (reached) {
    return {
      node: reached.site.call.node,
      reason: `\`${fn.name}\` runs in a thread started at line ${reached.site.call.node.startRow + 1}`,
      label: `the thread \`${fn.name}\` runs in, beside the thread that started it`,
    };
  }
  // `run` of a Thread subclass runs in its thread even when this file never instantiates it.
  const cls = fn.parentClass;
  if (cls && fn.name === 'run') {
    const base = model.concurrencyBase(cls);
    if (base && WORKER_CLASSES[base]?.family === 'thread') {
      return { node: fn.nameNode ?? fn.node, reason: `\`${cls.name}.run\` runs in a thread of its own`, label: 'this runs in a thread of its own' };
    }
  }
  return null;
}

/** A thread (or thread pool) kept on the object: any method may run while it runs. */
function objectThread(model: PythonModel, fn: FunctionInfo | null, point: PyNode): ThreadEvidence | null {
  let method = fn;
  while (method && !method.parentClass && method.parentFunction) method = method.parentFunction;
  const cls = method?.parentClass;
  if (!cls) return null;
  for (const start of threadStarts(model)) {
    if (!start.selfStored || start.fn?.parentClass !== cls) continue;
    // `__init__` runs once per object: before it starts the object's thread, none is running.
    if (start.fn === method && method.name === '__init__' && start.call.node.startIndex > point.startIndex) continue;
    const what = start.kind === 'pool' ? 'a thread pool' : 'a thread';
    return {
      node: start.call.node,
      reason: `${what} kept on the object (\`${cls.name}\`) is started at line ${start.call.node.startRow + 1}`,
      label: 'a thread kept on the object, which may be running then',
    };
  }
  return null;
}

const callersIndex = fact((model: PythonModel) => {
  const index = new Map<FunctionInfo, CallInfo[]>();
  const add = (fn: FunctionInfo, call: CallInfo): void => {
    let list = index.get(fn);
    if (!list) index.set(fn, (list = []));
    list.push(call);
  };
  for (const call of model.calls) {
    if (call.target.kind === 'function' && call.target.fn.model === model) add(call.target.fn, call);
    // `Worker(...)` runs `Worker.__init__`.
    if (call.target.kind === 'class') {
      const init = call.target.cls.methods.get('__init__');
      if (init) add(init, call);
    }
    // `self.method()` on an object whose class the model knows.
    if (call.method && call.receiver?.kind === 'instance' && call.receiver.cls) {
      const method = call.receiver.cls.methods.get(call.method);
      if (method && method.model === model) add(method, call);
    }
  }
  return index;
});

function callersOf(model: PythonModel, fn: FunctionInfo): CallInfo[] {
  return callersIndex(model).get(fn) ?? [];
}
