import type { CallInfo, FunctionInfo, PythonModel, Scope } from './model';
import { fact } from '../core/facts';
import { LOCK_CLASSES } from './names';
import { type PyNode, childByField, namedChildren } from './syntax';

// Lock facts shared by the shared-state rules (CL401-CL403, CL408) and the hover: what is a lock,
// where each one is held (`with lock:` bodies and acquire()..release() spans), and which
// expressions name the same lock. Built once per model and memoized.

export type LockCertainty = 'known' | 'inferred';

export interface LockRef {
  /** Identity: two references with the same key name the same lock object (as far as we can tell). */
  key: string;
  /** The expression as written (`self._lock`). */
  display: string;
  /** `known`: resolves to a lock class; `inferred`: named or used like one. */
  certainty: LockCertainty;
  /** The key means the same object everywhere in the module (a global, or `self.x` of one class). */
  moduleWide: boolean;
}

export interface LockRegion {
  kind: 'with' | 'acquire';
  lock: LockRef;
  /** Where the lock is taken: the `with_item`, or the `acquire()` call. */
  acquireNode: PyNode;
  /** Source offsets between which the lock is held. */
  start: number;
  end: number;
  fn: FunctionInfo | null;
  /** For acquire regions: the first matching `release()` after it in the same function. */
  release: LockCall | null;
}

export interface LockCall {
  call: CallInfo;
  lock: LockRef;
  fn: FunctionInfo | null;
}

export interface LockFacts {
  regions: LockRegion[];
  acquires: LockCall[];
  /** `x.release()` calls without arguments on a lock. */
  releases: LockCall[];
}

// Parts of a name that say "this is a lock" (`state_lock`, `_mutex`, `not_empty_cond`, `cv`).
const LOCKISH_PARTS = new Set(['lock', 'rlock', 'mutex', 'mtx', 'sem', 'sema', 'semaphore', 'cond', 'condition', 'cv']);

/** A lock class by its qualified name: the stdlib ones plus anything called `...Lock`, `...Semaphore`, `...Condition`. */
export function isLockClass(qualified: string): boolean {
  if (LOCK_CLASSES.has(qualified)) return true;
  const last = qualified.split('.').pop() ?? '';
  return /(Lock|Semaphore|Condition)$/.test(last);
}

export const lockFacts = fact(buildFacts);

/** The locks held where `node` runs: regions of the same function whose span contains it. */
export function heldLocks(model: PythonModel, node: PyNode): LockRegion[] {
  const fn = model.contextOf(node).fn;
  return regionsByFunction(model).get(fn)?.filter((r) => r.start <= node.startIndex && node.endIndex <= r.end) ?? [];
}

const regionsByFunction = fact((model: PythonModel) => {
  const map = new Map<FunctionInfo | null, LockRegion[]>();
  for (const region of lockFacts(model).regions) {
    let list = map.get(region.fn);
    if (!list) map.set(region.fn, (list = []));
    list.push(region);
  }
  return map;
});

/**
 * A key naming the object an expression denotes, comparable across the module: globals by name,
 * `self.x` by class and attribute, locals and parameters by their defining scope.
 */
export function referenceKey(model: PythonModel, expr: PyNode, scope: Scope): { key: string; moduleWide: boolean } | null {
  switch (expr.type) {
    case 'identifier': {
      const name = model.text(expr);
      const owner = model.bindingScope(name, scope);
      if (!owner || owner.kind === 'module') return { key: `g:${name}`, moduleWide: true };
      return { key: `s${owner.node.startIndex}:${name}`, moduleWide: false };
    }
    case 'attribute': {
      const object = childByField(expr, 'object');
      const attr = childByField(expr, 'attribute');
      if (!object || !attr) return null;
      if (object.type === 'identifier' && model.text(object) === 'self') {
        const cls = model.enclosingClassOfMethod(expr);
        if (cls) return { key: `c${cls.node.startIndex}.${model.text(attr)}`, moduleWide: true };
      }
      const base = referenceKey(model, object, scope);
      return base ? { key: `${base.key}.${model.text(attr)}`, moduleWide: base.moduleWide } : null;
    }
    case 'subscript': {
      const value = childByField(expr, 'value');
      const base = value ? referenceKey(model, value, scope) : null;
      // `locks[i]`: the element varies with the index, so it names no one object module-wide.
      return base ? { key: `${base.key}[${subscriptText(model, expr)}]`, moduleWide: false } : null;
    }
    case 'parenthesized_expression': {
      const inner = namedChildren(expr)[0];
      return inner ? referenceKey(model, inner, scope) : null;
    }
    default:
      return null;
  }
}

/** The lock an expression names, or null when it is not (known or likely to be) a shared lock. */
export function lockRef(model: PythonModel, expr: PyNode, scope: Scope): LockRef | null {
  return lockRefWith(model, expr, scope, usedAsLock(model));
}

function lockRefWith(model: PythonModel, expr: PyNode, scope: Scope, usedKeys: Set<string>): LockRef | null {
  if (expr.type === 'parenthesized_expression') {
    const inner = namedChildren(expr)[0];
    return inner ? lockRefWith(model, inner, scope, usedKeys) : null;
  }
  if (expr.type === 'call') {
    // `value.get_lock()` returns the Value's own lock; any other call builds a fresh object (CL408).
    const call = model.callAt(expr);
    if (call?.method !== 'get_lock' || !call.receiverNode) return null;
    const base = referenceKey(model, call.receiverNode, scope);
    if (!base) return null;
    return { key: `${base.key}.get_lock()`, display: model.text(expr), certainty: 'known', moduleWide: base.moduleWide };
  }
  if (expr.type !== 'identifier' && expr.type !== 'attribute' && expr.type !== 'subscript') return null;
  const ref = referenceKey(model, expr, scope);
  if (!ref) return null;
  const value = model.resolve(expr, scope);
  let certainty: LockCertainty | null = null;
  if (value.kind === 'instance' && !value.cls && isLockClass(value.of)) certainty = 'known';
  else if (value.kind === 'instance' && !value.cls) certainty = null; // a file, an executor, an Event...
  else if (value.kind === 'function' || value.kind === 'class' || value.kind === 'lambda') certainty = null;
  else if (usedKeys.has(ref.key) || looksLikeLock(model, expr)) certainty = 'inferred';
  if (!certainty) return null;
  return { key: ref.key, display: model.text(expr), certainty, moduleWide: ref.moduleWide };
}

function looksLikeLock(model: PythonModel, expr: PyNode): boolean {
  let nameNode: PyNode | null = expr;
  if (expr.type === 'attribute') nameNode = childByField(expr, 'attribute');
  else if (expr.type === 'subscript') nameNode = childByField(expr, 'value');
  if (!nameNode) return false;
  if (nameNode.type === 'attribute') nameNode = childByField(nameNode, 'attribute');
  if (!nameNode || nameNode.type !== 'identifier') return false;
  const parts = model
    .text(nameNode)
    .split(/_+|(?=[A-Z][a-z])/)
    .filter(Boolean)
    .map((p) => p.toLowerCase());
  return parts.some((p) => LOCKISH_PARTS.has(p) || LOCKISH_PARTS.has(p.replace(/s$/, '')));
}

/** Keys used both with `.acquire()` and an argument-less `.release()`: the lock protocol. */
const usedAsLock = fact((model: PythonModel) => {
  const acquired = new Set<string>();
  const released = new Set<string>();
  for (const call of model.calls) {
    if (!call.receiverNode) continue;
    if (call.method === 'acquire') {
      const ref = referenceKey(model, call.receiverNode, call.scope);
      if (ref) acquired.add(ref.key);
    } else if (call.method === 'release' && call.args.length === 0 && call.kwargs.size === 0) {
      const ref = referenceKey(model, call.receiverNode, call.scope);
      if (ref) released.add(ref.key);
    }
  }
  return new Set([...acquired].filter((k) => released.has(k)));
});

function buildFacts(model: PythonModel): LockFacts {
  const usedKeys = usedAsLock(model);
  const regions: LockRegion[] = [];
  for (const item of model.nodesOfType('with_item')) {
    const withStatement = item.parent?.parent;
    if (!withStatement || withStatement.type !== 'with_statement') continue;
    const expr = withItemExpression(item);
    if (!expr) continue;
    const lock = lockRefWith(model, expr, model.scopeOfNode(item), usedKeys);
    if (!lock) continue;
    // Held from the end of its item: later items of the same `with` are taken while it is held.
    regions.push({
      kind: 'with',
      lock,
      acquireNode: item,
      start: item.endIndex,
      end: withStatement.endIndex,
      fn: model.contextOf(withStatement).fn,
      release: null,
    });
  }

  const acquires: LockCall[] = [];
  const releases: LockCall[] = [];
  for (const call of model.calls) {
    if (!call.receiverNode) continue;
    const isAcquire = call.method === 'acquire';
    const isRelease = call.method === 'release' && call.args.length === 0 && call.kwargs.size === 0;
    if (!isAcquire && !isRelease) continue;
    const lock = lockRefWith(model, call.receiverNode, call.scope, usedKeys);
    if (!lock) continue;
    const entry: LockCall = { call, lock, fn: model.contextOf(call.node).fn };
    (isAcquire ? acquires : releases).push(entry);
  }

  for (const acquire of acquires) {
    const release =
      releases.find(
        (r) => r.fn === acquire.fn && r.lock.key === acquire.lock.key && r.call.node.startIndex >= acquire.call.node.endIndex,
      ) ?? null;
    // No release in this function (an `__enter__`, or a leak): held to the end of the function.
    const end = release ? release.call.node.startIndex : (acquire.fn?.node ?? model.root).endIndex;
    regions.push({
      kind: 'acquire',
      lock: acquire.lock,
      acquireNode: acquire.call.node,
      start: acquire.call.node.endIndex,
      end,
      fn: acquire.fn,
      release,
    });
  }
  regions.sort((a, b) => a.acquireNode.startIndex - b.acquireNode.startIndex);
  return { regions, acquires, releases };
}

/** The expression a `with` item enters (`lock` in `with lock as held:`). */
export function withItemExpression(item: PyNode): PyNode | null {
  const value = childByField(item, 'value');
  if (!value) return null;
  return value.type === 'as_pattern' ? namedChildren(value)[0] ?? null : value;
}

function subscriptText(model: PythonModel, expr: PyNode): string {
  return expr.children
    .filter((c) => c.field === 'subscript')
    .map((c) => model.text(c))
    .join(',');
}

/**
 * The module-wide locks a function takes, itself or through the same-file functions it calls:
 * one region per lock, showing where it is taken. Lets lock-order checks see `with a: helper()` where helper takes `b`.
 */
export function locksTakenBy(model: PythonModel, fn: FunctionInfo): LockRegion[] {
  return takenBy(model, fn, takenByFunction(model), new Set());
}

// Filled by `takenBy` as its walk settles each function.
const takenByFunction = fact((_: PythonModel) => new Map<FunctionInfo, LockRegion[]>());

function takenBy(model: PythonModel, fn: FunctionInfo, memo: Map<FunctionInfo, LockRegion[]>, visiting: Set<FunctionInfo>): LockRegion[] {
  const cached = memo.get(fn);
  if (cached) return cached;
  if (visiting.has(fn)) return [];
  visiting.add(fn);
  // One region per lock is enough to name it: keep the first.
  const byKey = new Map<string, LockRegion>();
  for (const region of regionsByFunction(model).get(fn) ?? []) {
    if (region.lock.moduleWide && !byKey.has(region.lock.key)) byKey.set(region.lock.key, region);
  }
  for (const call of model.callsIn(fn)) {
    if (call.target.kind !== 'function' || call.target.fn.model !== model) continue;
    for (const region of takenBy(model, call.target.fn, memo, visiting)) if (!byKey.has(region.lock.key)) byKey.set(region.lock.key, region);
  }
  const out = [...byKey.values()];
  visiting.delete(fn);
  // In a recursion cycle the first member memoized misses the locks of the cycle's rest: that
  // only loses findings, never invents one.
  memo.set(fn, out);
  return out;
}
