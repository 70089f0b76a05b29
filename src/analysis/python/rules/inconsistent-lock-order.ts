import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import type { FunctionInfo, PythonModel } from '../model';
import { type Mutex, heldMutexes, implementsLockProtocol, mutexRegions, mutexesTakenBy, signalId, signalMutexes } from '../lock-types';
import { type PyNode, rangeOf } from '../syntax';

export const rule: PythonRule = {
  meta: ruleMeta('CL403'),
  check(context) {
    const { model } = context;
    const groups = new Map<string, Nesting[]>();
    for (const nesting of nestings(model)) {
      const pair = [nesting.outer.key, nesting.inner.key].sort().join('\u0000');
      // Locals and parameters name one object only inside their own function.
      const scope = nesting.outer.moduleWide && nesting.inner.moduleWide ? '' : `@${nesting.fn?.node.startIndex ?? -1}`;
      const group = `${pair}${scope}`;
      let list = groups.get(group);
      if (!list) groups.set(group, (list = []));
      list.push(nesting);
    }
    for (const list of groups.values()) {
      list.sort((a, b) => a.innerNode.startIndex - b.innerNode.startIndex);
      const established = list[0];
      for (const later of list) {
        if (later.outer.key !== established.inner.key) continue;
        const line = established.innerNode.startRow + 1;
        const through = later.via ? ` (through \`${later.via.name}()\`)` : '';
        context.report({
          node: later.innerNode,
          message:
            `Locks taken in opposite orders: ${named(later.outer)} → ${named(later.inner)} here${through}, ` +
            `but ${named(established.outer)} → ${named(established.inner)} at line ${line}. ` +
            'Two threads running both paths can each hold one lock and wait forever for the other; take them in one order everywhere.',
          related: [
            {
              path: model.path,
              range: rangeOf(established.innerNode),
              message: `\`${established.inner.display}\` taken while holding \`${established.outer.display}\``,
            },
          ],
        });
      }
    }
  },
};

/** `lock`, or `cond` (a Condition on `lock`): says why two different names are one lock. */
function named(mutex: Mutex): string {
  return mutex.wraps ? `\`${mutex.display}\` (a Condition on \`${mutex.wraps}\`)` : `\`${mutex.display}\``;
}

interface Nesting {
  outer: Mutex;
  inner: Mutex;
  /** Where the inner lock is taken while the outer one is held (or the call that takes it). */
  innerNode: PyNode;
  fn: FunctionInfo | null;
  via: FunctionInfo | null;
}

// Only mutexes (Lock/RLock of threading or multiprocessing, or the lock under a Condition, see
// lock-types.ts) taken by acquisitions that can wait forever order anything: a semaphore has
// permits to spare, a non-blocking or timed attempt gives up, and an unknown object may not block.
function nestings(model: PythonModel): Nesting[] {
  const out: Nesting[] = [];
  const seen = new Set<string>();
  const add = (n: Nesting): void => {
    const id = `${n.outer.key}\u0000${n.inner.key}\u0000${n.innerNode.startIndex}`;
    // The same lock again is re-entry (an RLock, or a Condition and the lock it wraps), not an order.
    if (n.outer.key === n.inner.key || seen.has(id) || !canRunConcurrently(model, n)) return;
    seen.add(id);
    out.push(n);
  };
  for (const region of mutexRegions(model)) {
    if (!region.blocking) continue;
    for (const held of heldMutexes(model, region.acquireNode)) {
      add({ outer: held.mutex, inner: region.mutex, innerNode: region.acquireNode, fn: region.fn, via: null });
    }
  }
  // `with a: helper()` where helper (or what it calls) takes `b`.
  for (const call of model.calls) {
    if (call.target.kind !== 'function' || call.target.fn.model !== model) continue;
    const held = heldMutexes(model, call.node).filter((r) => r.mutex.moduleWide);
    if (held.length === 0) continue;
    const callee = call.target.fn;
    for (const taken of mutexesTakenBy(model, callee)) {
      for (const outer of held) add({ outer: outer.mutex, inner: taken.mutex, innerNode: call.node, fn: outer.fn, via: callee });
    }
  }
  return out;
}

/**
 * A nesting that cannot overlap with another thread's: import-time code (module level outside the
 * main guard, and class bodies, run once under the import lock), an `__init__` taking its own object's locks (no other
 * thread can reach the object yet), and the internals of a class that is itself a lock (a
 * Condition hands its lock and its waiters' locks over by design). A lock the function uses as a
 * signal (signalMutexes) is not held in the sense an order needs.
 */
function canRunConcurrently(model: PythonModel, n: Nesting): boolean {
  const fn = n.fn;
  // The main guard runs after import and is where threads get started: it stays checked.
  if (!fn) return model.contextOf(n.innerNode).inMainGuard;
  const signals = signalMutexes(model);
  if (signals.has(signalId(fn, n.outer.key)) || signals.has(signalId(fn, n.inner.key))) return false;
  if (implementsLockProtocol(fn.parentClass)) return false;
  const cls = fn.parentClass;
  if (cls && (fn.name === '__init__' || fn.name === '__new__')) {
    const own = `c${cls.node.startIndex}.`;
    if (n.outer.key.startsWith(own) && n.inner.key.startsWith(own)) return false;
  }
  return true;
}
