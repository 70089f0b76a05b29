import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import { type Hotspot, cpuHotspots } from '../cpu';
import type { JsModel } from '../model';
import { ImportPlan, awaitText } from '../edits';
import { rangeOf } from '../parse';
import { unwrap } from '../syntax';
import { eventContextOf } from '../events';
import { evidenceRelated, head, related } from './shared';
import { exportedSubjectOf } from '../exports';

// Synchronous key derivation with a callback twin that runs on libuv's thread pool.
const ASYNC_TWINS: Record<string, string> = { 'crypto.pbkdf2Sync': 'pbkdf2', 'crypto.scryptSync': 'scrypt' };

export const rule: JsRule = {
  meta: ruleMeta('CL104'),
  check(context) {
    const { model } = context;
    for (const hotspot of cpuHotspots(model)) {
      const event = eventContextOf(model, hotspot.node);
      if (!event || model.threadContext(hotspot.node) === 'worker') continue;
      const via = event.via.length > 0 ? ` (reached through ${event.via.map((f) => model.functionLabel(f)).join(' → ')})` : '';
      context.report({
        node: head(hotspot.node),
        message:
          `CPU-heavy work on the event loop: ${hotspot.reason} in ${event.handler.description}${via}. ` +
          'While it runs, this process handles no other request or event; move it to a worker pool (piscina, worker_threads).',
        fix: asyncTwinFix(model, hotspot),
        related: [related(model, event.handler.registration, `registered here: ${event.handler.description}`), ...evidenceRelated(model, hotspot.evidence)],
        subject: exportedSubjectOf(model, hotspot.node),
      });
    }
  },
};

/** `crypto.pbkdf2Sync(…)` in an async function → `await promisify(crypto.pbkdf2)(…)`: the work moves to libuv's pool. */
function asyncTwinFix(model: JsModel, hotspot: Hotspot): Fix | null {
  const twin = hotspot.callee ? ASYNC_TWINS[hotspot.callee] : undefined;
  const call = hotspot.node;
  if (!twin || call.type !== 'CallExpression' || call.optional) return null;
  if (!model.enclosingFunction(call)?.async) return null;
  const plan = new ImportPlan(model);
  const callee = unwrap(call.callee);
  let asyncFn: string | null;
  if (callee.type === 'MemberExpression' && !callee.computed) asyncFn = `${model.text(callee.object)}.${twin}`;
  else asyncFn = plan.use('crypto', twin);
  const promisify = plan.use('util', 'promisify');
  if (!asyncFn || !promisify) return null;
  const args = model.source.slice(call.callee.range[1], call.range[1]).replace(/^\?\./, '');
  const text = awaitText(model, call, `${promisify}(${asyncFn})${args}`);
  return {
    description: `Use \`await ${promisify}(${asyncFn})(…)\` (runs on libuv's thread pool)`,
    edits: [{ range: rangeOf(call), text }, ...plan.edits()],
    // Awaiting lets other callbacks run before the key is ready, which may reorder side effects.
    safe: false,
  };
}
