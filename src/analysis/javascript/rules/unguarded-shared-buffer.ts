import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import type { JsModel } from '../model';
import { ATOMIC_TYPED_ARRAYS, isSideEffectFree, unwrap } from '../syntax';
import { type SharedWrite, atomicsProtocol, shareBefore, sharedMemory } from '../shared-memory';
import { related } from './shared';

const ATOMIC_OPS: Record<string, string> = { '+=': 'add', '-=': 'sub', '&=': 'and', '|=': 'or', '^=': 'xor' };

export const rule: JsRule = {
  meta: ruleMeta('CL407'),
  check(context) {
    const { model } = context;
    for (const write of sharedMemory(model).writes) {
      if (atomicsProtocol(model, write)) continue;
      const inWorker = model.threadContext(write.node) === 'worker';
      const share = inWorker || write.view.buffer.received ? null : shareBefore(model, write);
      if (!inWorker && !write.view.buffer.received && !share) continue;
      const target = model.text(write.target);
      const kind = write.readModifyWrite ? 'read-modify-write' : 'plain write';
      const where = inWorker
        ? `in worker code, on memory shared with other threads (${write.view.buffer.label})`
        : write.view.buffer.received
          ? `on memory received from another thread (${write.view.buffer.label})`
          : `after ${write.view.buffer.label} was shared with another thread (line ${model.lineOf(share!) + 1})`;
      const fix = atomicFix(model, write);
      context.report({
        node: write.node,
        message: `Unsynchronised ${kind} to \`${target}\` ${where}: other threads can read a stale value or lose updates. ${advice(write, fix)}.`,
        fix,
        related: share ? [related(model, share, 'shared with another thread here')] : [],
      });
    }
  },
};

/** What to do: the Atomics call when there is one, something else for views `Atomics` rejects. */
function advice(write: SharedWrite, fix: Fix | null): string {
  if (fix) return fix.description;
  const type = write.view.arrayType;
  if (type && !ATOMIC_TYPED_ARRAYS.has(type)) {
    // `Atomics` throws a TypeError on float and clamped arrays: no atomic rewrite exists.
    return (
      `\`Atomics\` does not work on a \`${type}\`: guard the writes with a lock (an \`Int32Array\` flag over a ` +
      'SharedArrayBuffer, taken with `Atomics.compareExchange` and waited on with `Atomics.wait`/`Atomics.notify`), ' +
      'or send the values with `postMessage` instead of writing shared memory'
    );
  }
  return type ? 'Use `Atomics` operations (`Atomics.store`, `Atomics.add`…)' : 'Use `Atomics` operations on an integer view (`Atomics` rejects float arrays: use a lock or messages for those)';
}

/** `v[i] = x` → `Atomics.store(v, i, x)`, `v[i]++`/`v[i] += x` → `Atomics.add(…)`: same effect, done atomically. */
function atomicFix(model: JsModel, write: SharedWrite): Fix | null {
  const statement = model.parent(write.node);
  if (statement?.type !== 'ExpressionStatement' || statement.expression !== write.node) return null;
  if (!write.view.arrayType || !ATOMIC_TYPED_ARRAYS.has(write.view.arrayType)) return null;
  const big = write.view.arrayType.startsWith('Big');
  const array = model.text(write.target.object);
  const index = model.text(write.target.property);
  let call: string | null = null;
  const node = write.node;
  if (node.type === 'UpdateExpression') {
    call = `Atomics.${node.operator === '++' ? 'add' : 'sub'}(${array}, ${index}, ${big ? '1n' : '1'})`;
  } else if (node.operator === '=' && !write.readModifyWrite) {
    call = `Atomics.store(${array}, ${index}, ${model.text(node.right)})`;
  } else if (ATOMIC_OPS[node.operator]) {
    call = `Atomics.${ATOMIC_OPS[node.operator]}(${array}, ${index}, ${model.text(node.right)})`;
  } else if (node.operator === '=') {
    // `v[i] = v[i] + x` (or `x + v[i]`, `v[i] - x`): one atomic add/sub, when `i` reads the same both times.
    const right = unwrap(node.right);
    if (right.type !== 'BinaryExpression' || right.left.type === 'PrivateIdentifier' || !isSideEffectFree(write.target.property)) return null;
    const same = (n: typeof right.left): boolean => model.text(unwrap(n)).replace(/\s+/g, '') === model.text(write.target).replace(/\s+/g, '');
    if (right.operator === '+' && same(right.left)) call = `Atomics.add(${array}, ${index}, ${model.text(right.right)})`;
    else if (right.operator === '+' && same(right.right)) call = `Atomics.add(${array}, ${index}, ${model.text(right.left)})`;
    else if (right.operator === '-' && same(right.left)) call = `Atomics.sub(${array}, ${index}, ${model.text(right.right)})`;
  }
  if (!call) return null;
  return { description: `Use \`${call}\``, edits: [{ range: model.rangeOf(node), text: call }], safe: true };
}
