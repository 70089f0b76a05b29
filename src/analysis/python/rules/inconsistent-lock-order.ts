import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import type { FunctionInfo, PythonModel } from '../model';
import { type LockRef, heldLocks, lockFacts, locksTakenBy } from '../locks';
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
            `Locks taken in opposite orders: \`${later.outer.display}\` → \`${later.inner.display}\` here${through}, ` +
            `but \`${established.outer.display}\` → \`${established.inner.display}\` at line ${line}. ` +
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

interface Nesting {
  outer: LockRef;
  inner: LockRef;
  /** Where the inner lock is taken while the outer one is held (or the call that takes it). */
  innerNode: PyNode;
  fn: FunctionInfo | null;
  via: FunctionInfo | null;
}

function nestings(model: PythonModel): Nesting[] {
  const out: Nesting[] = [];
  const seen = new Set<string>();
  const add = (n: Nesting): void => {
    const id = `${n.outer.key}\u0000${n.inner.key}\u0000${n.innerNode.startIndex}`;
    if (n.outer.key === n.inner.key || seen.has(id)) return;
    seen.add(id);
    out.push(n);
  };
  const facts = lockFacts(model);
  for (const region of facts.regions) {
    for (const held of heldLocks(model, region.acquireNode)) {
      add({ outer: held.lock, inner: region.lock, innerNode: region.acquireNode, fn: region.fn, via: null });
    }
  }
  // `with a: helper()` where helper (or what it calls) takes `b`.
  for (const call of model.calls) {
    if (call.target.kind !== 'function' || call.target.fn.model !== model) continue;
    const held = heldLocks(model, call.node).filter((r) => r.lock.moduleWide);
    if (held.length === 0) continue;
    const callee = call.target.fn;
    for (const taken of locksTakenBy(model, callee)) {
      for (const outer of held) add({ outer: outer.lock, inner: taken.lock, innerNode: call.node, fn: outer.fn, via: callee });
    }
  }
  return out;
}
