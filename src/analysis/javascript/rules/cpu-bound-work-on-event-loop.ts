import type { FindingSubject, Fix, RelatedInformation } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import { type Hotspot, cpuHotspots } from '../cpu';
import type { JsModel } from '../model';
import { ImportPlan, awaitText } from '../edits';
import { unwrap } from '../syntax';
import * as path from 'node:path';
import { type EventEntry, type Step, calleeText, registrationNote, chainText, eventContextOf, eventEntries, reachableFrom, runsIn, stepLabel } from '../events';
import { evidenceRelated, head, related } from './shared';
import { exportedSubjectOf } from '../exports';

// Synchronous key derivation with a callback twin that runs on libuv's thread pool.
const ASYNC_TWINS: Record<string, string> = { 'crypto.pbkdf2Sync': 'pbkdf2', 'crypto.scryptSync': 'scrypt' };
const ADVICE = 'While it runs, this process handles no other request or event; move it to a worker pool (piscina, worker_threads).';

export const rule: JsRule = {
  meta: ruleMeta('CL104'),
  check(context) {
    const { model } = context;
    // Work in a handler's own body: reported where it is.
    for (const hotspot of cpuHotspots(model)) {
      const event = eventContextOf(model, hotspot.node);
      if (!event || event.steps.length > 0 || model.threadContext(hotspot.node) === 'worker') continue;
      context.report({
        node: head(model, hotspot.node),
        message: `CPU-heavy work on the event loop: ${hotspot.reason} in ${event.handler.description}. ${ADVICE}`,
        fix: asyncTwinFix(model, hotspot),
        related: [related(model, event.handler.registration, registrationNote(event.handler)), ...evidenceRelated(model, hotspot.evidence)],
        subject: exportedSubjectOf(model, hotspot.node),
      });
    }
    // Work in a function the handler calls (here or in another file): reported on the call in the
    // handler, the line that decides to run it per request, with the work as related information.
    const reported = new Set<unknown>();
    for (const entry of eventEntries(model)) {
      if (reported.has(entry.at)) continue;
      const found = reachedHotspots(entry);
      if (found.length === 0) continue;
      reported.add(entry.at);
      const first = found[0];
      const where = pathTo(model, entry, first.steps);
      const more = found.length > 1 ? ` (and ${found.length - 1} more hotspot${found.length > 2 ? 's' : ''})` : '';
      const evidence: RelatedInformation[] = [related(model, entry.handler.registration, registrationNote(entry.handler))];
      for (const s of first.steps) evidence.push(related(s.from, s.call, `calls ${stepLabel(s.from, s)}`, s.from.path));
      evidence.push(...evidenceRelated(first.model, first.hotspot.evidence, first.model.path));
      for (const other of found.slice(1, 3)) evidence.push(...evidenceRelated(other.model, other.hotspot.evidence.slice(0, 1), other.model.path));
      context.report({
        node: head(model, entry.at),
        message:
          `CPU-heavy work on the event loop: \`${calleeText(model, entry.at)}${entry.at.type === 'CallExpression' ? '(…)' : ''}\` runs ${first.hotspot.reason}${more}${where}, ` +
          `${entry.handler.fn === entry.target.fn ? 'registered as' : 'called from'} ${entry.handler.description}. ${ADVICE}`,
        related: evidence,
        subject: first.model === model ? exportedSubjectOf(model, first.hotspot.node) : null,
      });
    }
  },
};

/**
 * The functions CL104 would benchmark in this file (its findings' `subject`s, found the same way):
 * exported functions of this file whose CPU-heavy work runs on the event loop, in a handler's own
 * body or in a function a handler calls. What a "Benchmark" CodeLens sits on in main-thread code
 * (src/analysis/javascript/services/bench-targets.ts); independent of the rule's selection.
 */
export function eventLoopCpuSubjects(model: JsModel): FindingSubject[] {
  const out: FindingSubject[] = [];
  const add = (subject: FindingSubject | null): void => {
    if (subject && !out.some((s) => s.functionName === subject.functionName)) out.push(subject);
  };
  for (const hotspot of cpuHotspots(model)) {
    const event = eventContextOf(model, hotspot.node);
    if (!event || event.steps.length > 0 || model.threadContext(hotspot.node) === 'worker') continue;
    add(exportedSubjectOf(model, hotspot.node));
  }
  for (const entry of eventEntries(model)) {
    for (const found of reachedHotspots(entry)) {
      if (found.model === model) add(exportedSubjectOf(model, found.hotspot.node));
    }
  }
  return out;
}

/**
 * Where the work is, seen from the entry call: nothing to add when it is the called function of
 * this file, the file when it is another one, the chain of calls when it is deeper.
 */
function pathTo(model: JsModel, entry: EventEntry, steps: readonly Step[]): string {
  if (steps.length === 0) return entry.target.model === model ? '' : ` in ${path.relative(model.directory, entry.target.model.path) || path.basename(entry.target.model.path)}`;
  return ` through ${chainText(model, [{ to: entry.target.model, target: entry.target.fn }, ...steps])}`;
}

interface ReachedHotspot {
  model: JsModel;
  fn: EventEntry['target']['fn'];
  hotspot: Hotspot;
  /** Calls after the entry call, from its target to the function with the work. */
  steps: Step[];
}

/** The hotspots the entry's target runs, itself or through what it calls, nearest first. */
function reachedHotspots(entry: EventEntry): ReachedHotspot[] {
  const out: ReachedHotspot[] = [];
  const seen = new Set<Hotspot>();
  for (const r of reachableFrom(entry.target.model, entry.target.fn)) {
    for (const hotspot of cpuHotspots(r.model)) {
      if (seen.has(hotspot) || !runsIn(r.model, r.fn, hotspot.node) || r.model.threadContext(hotspot.node) === 'worker') continue;
      seen.add(hotspot);
      out.push({ model: r.model, fn: r.fn, hotspot, steps: r.steps });
    }
  }
  return out;
}

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
  if (callee.type === 'Identifier') plan.dropIfUnused(model.resolve(callee), callee);
  const args = model.source.slice(call.callee.range[1], call.range[1]).replace(/^\?\./, '');
  const text = awaitText(model, call, `${promisify}(${asyncFn})${args}`);
  return {
    description: `Use \`await ${promisify}(${asyncFn})(…)\` (runs on libuv's thread pool)`,
    edits: [{ range: model.rangeOf(call), text }, ...plan.edits()],
    // Awaiting lets other callbacks run before the key is ready, which may reorder side effects.
    safe: false,
  };
}
