import type { CallInfo, ClassInfo, FunctionInfo, PythonModel, Scope, Value } from './model';
import { fact } from '../core/facts';
import { referenceKey, withItemExpression } from './locks';
import { type PyNode, childByField, namedChildren } from './syntax';

// What kind of lock an expression holds, traced to the constructor that built it, and how an
// acquire() call takes it. The lock rules (CL402, CL403, CL408) report only locks whose
// constructor they can see: a parameter, a third-party lock (`redis.lock(...)`, `FileLock`,
// twisted's `DeferredLock`) or anything else the trace loses stays silent, since its acquire()
// may not block, may be a coroutine, or may be held for an object's lifetime on purpose.

export type LockKind = 'mutex' | 'rlock' | 'semaphore' | 'condition' | 'event' | 'barrier';
export type LockFamily = 'threading' | 'multiprocessing' | 'asyncio';

export interface LockType {
  kind: LockKind;
  family: LockFamily;
  /** `BoundedSemaphore`. */
  bounded: boolean;
  /** Semaphores: the initial count when it is a literal (1 when omitted); null when computed. */
  count: number | null;
  /** Conditions: the lock handed to the constructor (`Condition(self._lock)`); null: its own. */
  wraps: { expr: PyNode; scope: Scope } | null;
  /** The constructor call (or the annotation) the type comes from. */
  origin: PyNode;
}

interface Constructor {
  kind: LockKind;
  family: LockFamily;
  bounded?: boolean;
}

const SYNC_CLASSES: Record<string, { kind: LockKind; bounded?: boolean }> = {
  Lock: { kind: 'mutex' },
  RLock: { kind: 'rlock' },
  Semaphore: { kind: 'semaphore' },
  BoundedSemaphore: { kind: 'semaphore', bounded: true },
  Condition: { kind: 'condition' },
  Event: { kind: 'event' },
  Barrier: { kind: 'barrier' },
};

/** Qualified constructor names (as the model resolves them) and the lock each builds. */
const CONSTRUCTORS: ReadonlyMap<string, Constructor> = (() => {
  const map = new Map<string, Constructor>();
  const add = (prefixes: string[], family: LockFamily, names: string[] = Object.keys(SYNC_CLASSES)): void => {
    for (const prefix of prefixes) {
      for (const name of names) map.set(`${prefix}.${name}`, { ...SYNC_CLASSES[name], family });
    }
  };
  // multiprocessing.dummy and dummy_threading re-export threading's classes.
  add(['threading', 'dummy_threading', 'multiprocessing.dummy', 'multiprocessing.dummy.Manager'], 'threading');
  // Manager() proxies lock a server-side object shared by every process that holds the proxy.
  add(['multiprocessing', 'multiprocessing.synchronize', 'multiprocessing.Manager'], 'multiprocessing');
  // asyncio has no RLock.
  add(['asyncio', 'asyncio.locks'], 'asyncio', ['Lock', 'Semaphore', 'BoundedSemaphore', 'Condition', 'Event', 'Barrier']);
  const mutex: Constructor = { kind: 'mutex', family: 'threading' };
  const rlock: Constructor = { kind: 'rlock', family: 'threading' };
  for (const name of ['_thread.allocate_lock', '_thread.allocate', 'thread.allocate_lock', '_dummy_thread.allocate_lock', 'threading._allocate_lock']) {
    map.set(name, mutex);
  }
  for (const name of ['_thread.RLock', 'threading._RLock', 'threading._CRLock', 'threading._PyRLock']) map.set(name, rlock);
  return map;
})();

/** `multiprocessing.Value(...)` / `Array(...)`: synchronized wrappers whose get_lock() is an RLock by default. */
const SYNCHRONIZED_VALUES = new Set([
  'multiprocessing.Value',
  'multiprocessing.Array',
  'multiprocessing.sharedctypes.Value',
  'multiprocessing.sharedctypes.Array',
]);

/** The lock a constructor name builds, when it is one of the standard library's. */
export function lockConstructor(qualified: string): Constructor | null {
  return CONSTRUCTORS.get(qualified) ?? null;
}

/** The lock a call builds (`threading.Semaphore(3)`), or null when it is not a known lock constructor. */
export function constructedLock(model: PythonModel, call: PyNode, scope: Scope): LockType | null {
  const value = model.resolve(call, scope);
  if (value.kind !== 'instance') return null;
  const ctor = value.cls ? inheritedLock(model, value.cls) : CONSTRUCTORS.get(value.of);
  if (!ctor) return null;
  const info = model.callAt(call);
  let count: number | null = null;
  if (ctor.kind === 'semaphore') {
    const arg = info?.args[0] ?? info?.kwargs.get('value');
    count = arg ? integerLiteral(model, arg) : 1;
  }
  let wraps: LockType['wraps'] = null;
  if (ctor.kind === 'condition') {
    const arg = info?.args[0] ?? info?.kwargs.get('lock');
    if (arg && model.text(arg) !== 'None') wraps = { expr: arg, scope };
  }
  return { kind: ctor.kind, family: ctor.family, bounded: !!ctor.bounded, count, wraps, origin: call };
}

/** `class XLock(threading.RLock):` in this file: instances are that kind of lock. */
function inheritedLock(model: PythonModel, cls: ClassInfo): Constructor | undefined {
  const visited = new Set<ClassInfo>();
  for (let current: ClassInfo | null = cls; current && !visited.has(current); ) {
    visited.add(current);
    const base: PyNode | undefined = current.bases[0];
    if (!base) return undefined;
    const value: Value = model.resolve(base, current.scope.parent ?? model.moduleScope);
    if (value.kind === 'ref') return CONSTRUCTORS.get(value.name);
    current = value.kind === 'class' ? value.cls : null;
  }
  return undefined;
}

function integerLiteral(model: PythonModel, node: PyNode): number | null {
  return node.type === 'integer' && /^\d+$/.test(model.text(node)) ? Number(model.text(node)) : null;
}

/**
 * The lock an expression denotes, traced through every assignment to it: a name (all its
 * assignments in its scope), `self.x` (all `self.x = ...` of the class, its class attribute, or
 * those of a same-file base class), an alias of either, a parameter annotated with a lock class,
 * `value.get_lock()`, or a constructor call. `None` assignments are skipped (a lock created
 * later or dropped on close); any other value the trace cannot follow, or two different kinds of
 * lock, make the answer null.
 */
export function lockTypeOf(model: PythonModel, expr: PyNode, scope: Scope): LockType | null {
  const ref = referenceKey(model, expr, scope);
  if (!ref) return traceLock(model, expr, scope);
  const cache = lockTypeCache(model);
  if (cache.has(ref.key)) return cache.get(ref.key) ?? null;
  const type = traceLock(model, expr, scope);
  cache.set(ref.key, type);
  return type;
}

const lockTypeCache = fact((_: PythonModel) => new Map<string, LockType | null>());

interface Pending {
  expr: PyNode;
  scope: Scope;
}

// A worklist, not recursion: alias chains (`lock = self._lock`, `self._lock = _shared`) are
// followed iteratively, each name or attribute once, so a cycle of aliases ends.
function traceLock(model: PythonModel, start: PyNode, startScope: Scope): LockType | null {
  const found: LockType[] = [];
  const seen = new Set<string>();
  const work: Pending[] = [{ expr: start, scope: startScope }];
  while (work.length > 0) {
    const { expr: raw, scope } = work.pop()!;
    const expr = unparenthesized(raw);
    if (expr.type === 'none') continue;
    if (expr.type === 'call') {
      const type = constructedLock(model, expr, scope) ?? lockOfValue(model, expr, scope);
      if (!type) return null;
      found.push(type);
      continue;
    }
    const ref = referenceKey(model, expr, scope);
    if (!ref || expr.type === 'subscript') return null;
    if (seen.has(ref.key)) continue;
    seen.add(ref.key);
    const sources = assignedValues(model, expr, scope);
    if (!sources) return null;
    for (const source of sources) {
      if ('annotation' in source) {
        const type = annotatedLock(model, source.annotation, source.scope);
        if (!type) return null;
        found.push(type);
      } else {
        work.push(source);
      }
    }
  }
  if (found.length === 0) return null;
  const first = found[0];
  return found.every((t) => t.kind === first.kind && t.family === first.family) ? first : null;
}

/** `counter.get_lock()` on a `multiprocessing.Value`/`Array`. */
function lockOfValue(model: PythonModel, call: PyNode, scope: Scope): LockType | null {
  const info = model.callAt(call);
  if (info?.method !== 'get_lock' || !info.receiverNode) return null;
  const receiver = model.resolve(info.receiverNode, scope);
  if (receiver.kind !== 'instance' || receiver.cls || !SYNCHRONIZED_VALUES.has(receiver.of)) return null;
  // `Value('i', 0, lock=False)` has no lock; `lock=Lock()` is that lock.
  const lockArg = receiver.origin ? model.callAt(receiver.origin)?.kwargs.get('lock') : undefined;
  if (lockArg && model.text(lockArg) !== 'True') {
    if (lockArg.type !== 'call') return null;
    return constructedLock(model, lockArg, scope);
  }
  return { kind: 'rlock', family: 'multiprocessing', bounded: false, count: null, wraps: null, origin: call };
}

/** `def work(lock: threading.Lock)`: the annotation names the class. */
function annotatedLock(model: PythonModel, annotation: PyNode, scope: Scope): LockType | null {
  const inner = namedChildren(annotation)[0] ?? annotation;
  const value = model.resolve(inner, scope);
  if (value.kind !== 'ref') return null;
  const ctor = CONSTRUCTORS.get(value.name);
  if (!ctor) return null;
  return { kind: ctor.kind, family: ctor.family, bounded: !!ctor.bounded, count: null, wraps: null, origin: annotation };
}

type Source = Pending | { annotation: PyNode; scope: Scope };

/** Every value assigned to a name or `self.x`, or null when one of them cannot be followed. */
function assignedValues(model: PythonModel, expr: PyNode, scope: Scope): Source[] | null {
  if (expr.type === 'identifier') {
    const name = model.text(expr);
    const owner = model.bindingScope(name, scope);
    const bindings = owner?.bindings.get(name);
    if (!owner || !bindings) return null;
    const out: Source[] = [];
    for (const binding of bindings) {
      if (binding.kind === 'global-decl') continue;
      if (binding.kind === 'assign' && binding.value) {
        out.push({ expr: binding.value, scope: model.scopeOfNode(binding.node) });
      } else if (binding.kind === 'param') {
        // A parameter is whatever the caller passes: known only through its annotation.
        const annotation = childByField(binding.node, 'type');
        if (!annotation) return null;
        out.push({ annotation, scope: owner.parent ?? owner });
      } else {
        return null;
      }
    }
    return out;
  }
  if (expr.type === 'attribute') {
    const object = childByField(expr, 'object');
    const attr = childByField(expr, 'attribute');
    if (object?.type !== 'identifier' || model.text(object) !== 'self' || !attr) return null;
    const cls = model.enclosingClassOfMethod(expr);
    return cls ? classAttributeValues(model, cls, model.text(attr)) : null;
  }
  return null;
}

/** `self.<name> = ...` in the class's methods and `<name> = ...` in its body, else in a same-file base. */
function classAttributeValues(model: PythonModel, start: ClassInfo, name: string): Source[] | null {
  const assigned = selfAssignments(model);
  let cls: ClassInfo | null = start;
  const visited = new Set<ClassInfo>();
  while (cls && !visited.has(cls)) {
    visited.add(cls);
    const out: Source[] = [];
    for (const entry of assigned.get(cls)?.get(name) ?? []) {
      if (!entry.value) return null;
      out.push({ expr: entry.value, scope: entry.scope });
    }
    for (const binding of cls.scope.bindings.get(name) ?? []) {
      if (binding.kind !== 'assign' || !binding.value) return null;
      out.push({ expr: binding.value, scope: cls.scope });
    }
    if (out.length > 0) return out;
    // Not set in this class: inherited from the first base, when it is defined in this file.
    const base: PyNode | undefined = cls.bases[0];
    const resolved: Value | null = base ? model.resolve(base, cls.scope.parent ?? model.moduleScope) : null;
    cls = resolved?.kind === 'class' && resolved.cls.node !== cls.node ? resolved.cls : null;
  }
  return null;
}

/** Every `self.x = value` of each class; `value` is null for tuple targets (`self.a, self.b = ...`). */
const selfAssignments = fact((model: PythonModel) => {
  const out = new Map<ClassInfo, Map<string, { value: PyNode | null; scope: Scope }[]>>();
  const record = (target: PyNode, value: PyNode | null, at: PyNode): void => {
    const object = childByField(target, 'object');
    const attr = childByField(target, 'attribute');
    if (object?.type !== 'identifier' || model.text(object) !== 'self' || !attr) return;
    const cls = model.enclosingClassOfMethod(at);
    if (!cls) return;
    let byName = out.get(cls);
    if (!byName) out.set(cls, (byName = new Map()));
    let list = byName.get(model.text(attr));
    if (!list) byName.set(model.text(attr), (list = []));
    list.push({ value, scope: model.scopeOfNode(at) });
  };
  for (const node of model.nodesOfType('assignment')) {
    const left = childByField(node, 'left');
    if (!left) continue;
    if (left.type === 'attribute') {
      // `self._lock: threading.Lock` alone declares without assigning.
      const right = childByField(node, 'right');
      if (right) record(left, right, node);
    } else {
      for (const element of namedChildren(left)) if (element.type === 'attribute') record(element, null, node);
    }
  }
  for (const node of model.nodesOfType('augmented_assignment')) {
    const left = childByField(node, 'left');
    if (left?.type === 'attribute') record(left, null, node);
  }
  return out;
});

function unparenthesized(node: PyNode): PyNode {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = namedChildren(current)[0];
    if (!inner) break;
    current = inner;
  }
  return current;
}

// ---- acquisitions ---------------------------------------------------------------------------

/**
 * How an `acquire()` call takes its lock: `blocking` waits as long as it takes; `non-blocking`
 * (`acquire(False)`, `blocking=False`, multiprocessing's `block=False`) returns at once; `timed`
 * (`timeout=`) gives up after a while; `unknown` when the arguments are computed or splatted.
 */
export type AcquireMode = 'blocking' | 'non-blocking' | 'timed' | 'unknown';

export function acquireMode(model: PythonModel, call: CallInfo): AcquireMode {
  const argsNode = childByField(call.node, 'arguments');
  if (argsNode && namedChildren(argsNode).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return 'unknown';
  const blocking = call.args[0] ?? call.kwargs.get('blocking') ?? call.kwargs.get('block');
  if (blocking) {
    const text = model.text(blocking);
    if (text === 'False' || text === '0') return 'non-blocking';
    if (text !== 'True' && text !== '1') return 'unknown';
  }
  const timeout = call.args[1] ?? call.kwargs.get('timeout');
  if (!timeout) return 'blocking';
  const text = model.text(timeout);
  return text === 'None' || text === '-1' ? 'blocking' : 'timed';
}

/** The call's result is used (`if lock.acquire(timeout=1):`, `ok = ...`), not dropped as a statement. */
export function resultUsed(call: CallInfo): boolean {
  let node = call.node;
  while (node.parent && (node.parent.type === 'await' || node.parent.type === 'parenthesized_expression')) node = node.parent;
  return node.parent?.type !== 'expression_statement';
}

// ---- one lock object: identity and the operations on it ------------------------------------------

export interface TypedLock {
  /** Identity as `referenceKey` gives it: same key, same object. */
  key: string;
  /** The expression as written (`self._lock`). */
  display: string;
  moduleWide: boolean;
  type: LockType;
}

export interface TypedLockCall {
  call: CallInfo;
  lock: TypedLock;
  fn: FunctionInfo | null;
}

export interface LockOperations {
  /** `x.acquire(...)` on a lock of known type. */
  acquires: TypedLockCall[];
  /** `x.release()` without arguments on a lock of known type. */
  releases: TypedLockCall[];
  /** Keys whose `release` is read without being called (`Timer(5, lock.release)`, `atexit.register(...)`). */
  releaseHandedOut: Set<string>;
}

export function typedLock(model: PythonModel, expr: PyNode, scope: Scope): TypedLock | null {
  const ref = referenceKey(model, expr, scope);
  if (!ref) return null;
  const type = lockTypeOf(model, expr, scope);
  return type ? { key: ref.key, display: model.text(expr), moduleWide: ref.moduleWide, type } : null;
}

export const lockOperations = fact((model: PythonModel): LockOperations => {
  const acquires: TypedLockCall[] = [];
  const releases: TypedLockCall[] = [];
  for (const call of model.calls) {
    if (!call.receiverNode) continue;
    const isAcquire = call.method === 'acquire';
    const isRelease = call.method === 'release' && call.args.length === 0 && call.kwargs.size === 0;
    if (!isAcquire && !isRelease) continue;
    const lock = typedLock(model, call.receiverNode, call.scope);
    if (!lock) continue;
    (isAcquire ? acquires : releases).push({ call, lock, fn: model.contextOf(call.node).fn });
  }
  const releaseHandedOut = new Set<string>();
  for (const node of model.nodesOfType('attribute')) {
    const attr = childByField(node, 'attribute');
    if (!attr || model.text(attr) !== 'release') continue;
    if (node.field === 'function' && node.parent?.type === 'call') continue;
    const object = childByField(node, 'object');
    const ref = object ? referenceKey(model, object, model.scopeOfNode(node)) : null;
    if (ref) releaseHandedOut.add(ref.key);
  }
  return { acquires, releases, releaseHandedOut };
});

/**
 * Inside a class that defines both `acquire` and `release` (it is a lock itself, like
 * threading.Condition), its methods hold, hand over and re-take the underlying locks by design.
 */
export function implementsLockProtocol(cls: ClassInfo | null | undefined): boolean {
  // Defined as methods, or bound in __init__ (`self.acquire = lock.acquire`, as asyncio does).
  const has = (name: string): boolean => !!cls && (cls.methods.has(name) || cls.attributes.has(name));
  return has('acquire') && has('release');
}

// ---- mutual exclusion for lock ordering ----------------------------------------------------------

/** A mutex (threading or multiprocessing Lock/RLock, or the lock under a Condition) as CL403 compares them. */
export interface Mutex {
  /** The lock object: a Condition is keyed by the lock it wraps, so `with cond:` and `with lock:` are one. */
  key: string;
  display: string;
  moduleWide: boolean;
  reentrant: boolean;
  /** For a Condition built on another lock: that lock as written (`self._lock`). */
  wraps: string | null;
}

/** The mutex taken by acquiring `expr`, or null when it is none (a semaphore, an asyncio lock, an unknown object). */
export function mutexOf(model: PythonModel, expr: PyNode, scope: Scope): Mutex | null {
  const lock = typedLock(model, expr, scope);
  if (!lock || lock.type.family === 'asyncio') return null;
  const { type } = lock;
  if (type.kind === 'mutex' || type.kind === 'rlock') {
    return { key: lock.key, display: lock.display, moduleWide: lock.moduleWide, reentrant: type.kind === 'rlock', wraps: null };
  }
  if (type.kind !== 'condition') return null;
  // A Condition without a lock argument makes its own RLock, which only it can take.
  if (!type.wraps) return { key: lock.key, display: lock.display, moduleWide: lock.moduleWide, reentrant: true, wraps: null };
  const inner = typedLock(model, unparenthesized(type.wraps.expr), type.wraps.scope);
  if (!inner || inner.type.family === 'asyncio' || (inner.type.kind !== 'mutex' && inner.type.kind !== 'rlock')) return null;
  return { key: inner.key, display: lock.display, moduleWide: inner.moduleWide, reentrant: inner.type.kind === 'rlock', wraps: inner.display };
}

export interface MutexRegion {
  mutex: Mutex;
  /** The `with_item` or the `acquire()` call. */
  acquireNode: PyNode;
  /** The acquisition can wait forever (a `with`, or a blocking acquire()). */
  blocking: boolean;
  start: number;
  end: number;
  fn: FunctionInfo | null;
}

/** Where each mutex is held: `with` bodies, and acquire() up to the next release() in its function (else its end). */
export const mutexRegions = fact((model: PythonModel): MutexRegion[] => {
  const regions: MutexRegion[] = [];
  for (const item of model.nodesOfType('with_item')) {
    const statement = item.parent?.parent;
    if (!statement || statement.type !== 'with_statement') continue;
    const expr = withItemExpression(item);
    if (!expr || expr.type === 'call') continue;
    const mutex = mutexOf(model, expr, model.scopeOfNode(item));
    if (!mutex) continue;
    // Held from the end of its item: later items of the same `with` are taken while it is held.
    regions.push({ mutex, acquireNode: item, blocking: true, start: item.endIndex, end: statement.endIndex, fn: model.contextOf(statement).fn });
  }
  const releases: { call: CallInfo; mutex: Mutex; fn: FunctionInfo | null }[] = [];
  const acquires: { call: CallInfo; mutex: Mutex; fn: FunctionInfo | null }[] = [];
  for (const call of model.calls) {
    if (!call.receiverNode || (call.method !== 'acquire' && call.method !== 'release')) continue;
    if (call.method === 'release' && (call.args.length > 0 || call.kwargs.size > 0)) continue;
    const mutex = mutexOf(model, call.receiverNode, call.scope);
    if (!mutex) continue;
    (call.method === 'acquire' ? acquires : releases).push({ call, mutex, fn: model.contextOf(call.node).fn });
  }
  for (const acquire of acquires) {
    const release = releases.find(
      (r) => r.fn === acquire.fn && r.mutex.key === acquire.mutex.key && r.call.node.startIndex >= acquire.call.node.endIndex,
    );
    const end = release ? release.call.node.startIndex : (acquire.fn?.node ?? model.root).endIndex;
    regions.push({
      mutex: acquire.mutex,
      acquireNode: acquire.call.node,
      blocking: acquireMode(model, acquire.call) === 'blocking',
      start: acquire.call.node.endIndex,
      end,
      fn: acquire.fn,
    });
  }
  regions.sort((a, b) => a.acquireNode.startIndex - b.acquireNode.startIndex);
  return regions;
});

/**
 * `fn:key` of non-reentrant locks that a function acquires again while it already holds them
 * (`started.acquire(); t.start(); started.acquire()`): another thread releases them in between, so
 * they are signals, not mutual exclusion, and the spans the model sees them held order nothing.
 */
export const signalMutexes = fact((model: PythonModel): Set<string> => {
  const out = new Set<string>();
  const acquired = mutexRegions(model).filter((r) => r.acquireNode.type === 'call' && !r.mutex.reentrant);
  for (const region of acquired) {
    const held = acquired.some(
      (other) =>
        other !== region &&
        other.fn === region.fn &&
        other.mutex.key === region.mutex.key &&
        other.start <= region.acquireNode.startIndex &&
        region.acquireNode.endIndex <= other.end,
    );
    if (held) out.add(signalId(region.fn, region.mutex.key));
  }
  return out;
});

export function signalId(fn: FunctionInfo | null, key: string): string {
  return `${fn?.node.startIndex ?? -1}:${key}`;
}

const mutexRegionsByFunction = fact((model: PythonModel) => {
  const map = new Map<FunctionInfo | null, MutexRegion[]>();
  for (const region of mutexRegions(model)) {
    let list = map.get(region.fn);
    if (!list) map.set(region.fn, (list = []));
    list.push(region);
  }
  return map;
});

/** The mutexes held where `node` runs: regions of its own function whose span contains it. */
export function heldMutexes(model: PythonModel, node: PyNode): MutexRegion[] {
  const fn = model.contextOf(node).fn;
  return mutexRegionsByFunction(model).get(fn)?.filter((r) => r.start <= node.startIndex && node.endIndex <= r.end) ?? [];
}

/**
 * The module-wide mutexes a function takes with a blocking acquisition, itself or through the
 * same-file functions it calls: one region per mutex. Iterative, with each function settled once;
 * in a recursion cycle a member may miss the cycle's other locks, which only loses findings.
 */
export function mutexesTakenBy(model: PythonModel, fn: FunctionInfo): MutexRegion[] {
  const memo = takenMemo(model);
  const cached = memo.get(fn);
  if (cached) return cached;
  // Post-order over the call graph with an explicit stack.
  const stack: { fn: FunctionInfo; expanded: boolean }[] = [{ fn, expanded: false }];
  const onStack = new Set<FunctionInfo>([fn]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const callees = sameFileCallees(model, top.fn);
    if (!top.expanded) {
      top.expanded = true;
      for (const callee of callees) {
        if (memo.has(callee) || onStack.has(callee)) continue;
        onStack.add(callee);
        stack.push({ fn: callee, expanded: false });
      }
      continue;
    }
    stack.pop();
    onStack.delete(top.fn);
    const byKey = new Map<string, MutexRegion>();
    for (const region of mutexRegionsByFunction(model).get(top.fn) ?? []) {
      if (region.blocking && region.mutex.moduleWide && !byKey.has(region.mutex.key)) byKey.set(region.mutex.key, region);
    }
    for (const callee of callees) {
      for (const region of memo.get(callee) ?? []) if (!byKey.has(region.mutex.key)) byKey.set(region.mutex.key, region);
    }
    memo.set(top.fn, [...byKey.values()]);
  }
  return memo.get(fn) ?? [];
}

const takenMemo = fact((_: PythonModel) => new Map<FunctionInfo, MutexRegion[]>());

function sameFileCallees(model: PythonModel, fn: FunctionInfo): FunctionInfo[] {
  const out: FunctionInfo[] = [];
  for (const call of model.callsIn(fn)) {
    if (call.target.kind === 'function' && call.target.fn.model === model && !out.includes(call.target.fn)) out.push(call.target.fn);
  }
  return out;
}
