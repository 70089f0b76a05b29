import type { Fix, RelatedInformation } from '../../core/types';
import { fact } from '../../core/facts';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import type { JsModel } from '../model';
import { ImportPlan, awaitText } from '../edits';
import type { Node, TSESTree } from '../parse';
import { type FunctionNode, isIterationCall, memberName, objectProperty, staticString, unwrap } from '../syntax';
import { type Step, calleeText, registrationNote, eventContextOf, eventEntries, reachableFrom, runsIn, stepLabel } from '../events';
import { head, related } from './shared';

const SYNC_FS = /^(fs|fs-extra|graceful-fs)\.(\w+)Sync$/;
const SYNC_EXEC = new Set(['child_process.execSync', 'child_process.execFileSync', 'child_process.spawnSync']);
// `fs.xSync` whose `fs.promises.x` takes the same arguments and resolves to the same value.
const PROMISE_TWINS = new Set([
  'readFile', 'writeFile', 'appendFile', 'readdir', 'stat', 'lstat', 'mkdir', 'mkdtemp', 'rm', 'rmdir', 'unlink',
  'copyFile', 'cp', 'rename', 'access', 'readlink', 'realpath', 'symlink', 'link', 'chmod', 'chown', 'utimes', 'truncate',
]);

interface SyncCall {
  call: TSESTree.CallExpression;
  /** The qualified callee (`fs.readFileSync`) and, for fs, the name without `Sync`. */
  q: string;
  fsName: string | null;
}

/** The file's synchronous fs and child_process calls outside worker code and module-level start-up. */
const syncCalls = fact((model: JsModel) => {
  const out: SyncCall[] = [];
  for (const call of model.calls) {
    if (call.type !== 'CallExpression') continue;
    const q = model.qname(call.callee);
    if (!q) continue;
    const fs = SYNC_FS.exec(q);
    if (!fs && !SYNC_EXEC.has(q)) continue;
    if (model.threadContext(call) === 'worker') continue;
    if (!flowFunction(model, call)) continue; // module top level: start-up work
    out.push({ call, q, fsName: fs ? fs[2] : null });
  }
  return out;
});

export const rule: JsRule = {
  meta: ruleMeta('CL105'),
  check(context) {
    const { model } = context;
    // In this file: on the call itself, where the fix goes.
    for (const sync of syncCalls(model)) {
      const { call, q, fsName } = sync;
      const event = eventContextOf(model, call);
      if (!event) continue;
      const flow = flowFunction(model, call)!;
      const through = event.steps.length > 0 ? ` (through ${event.steps.map((s) => stepLabel(model, s)).join(' → ')})` : '';
      context.report({
        node: head(model, call),
        message: `\`${calleeText(model, call)}\` blocks the event loop in ${event.handler.description}${through}: nothing else runs until it returns. Use ${alternative(q, fsName)} and await it.`,
        fix: model.enclosingFunction(call) === flow && flow.async ? (fsName ? fsFix(model, call, fsName) : execFix(model, call, q)) : null,
        related: [related(model, event.handler.registration, registrationNote(event.handler))],
      });
    }
    // In another file the handler's calls lead into: on the call in the handler, with the blocking call as related information.
    const reported = new Set<Node>();
    for (const entry of eventEntries(model)) {
      // Same-file entries too: a helper of this file may call into another one.
      if (reported.has(entry.at)) continue;
      const found: { model: JsModel; sync: SyncCall; steps: Step[] }[] = [];
      for (const r of reachableFrom(entry.target.model, entry.target.fn)) {
        if (r.model === model) continue;
        for (const sync of syncCalls(r.model)) if (runsIn(r.model, r.fn, sync.call)) found.push({ model: r.model, sync, steps: r.steps });
      }
      if (found.length === 0) continue;
      reported.add(entry.at);
      const first = found[0];
      const last = first.steps.length > 0 ? first.steps[first.steps.length - 1] : { to: entry.target.model, target: entry.target.fn };
      const more = found.length > 1 ? ` (and ${found.length - 1} more blocking call${found.length > 2 ? 's' : ''})` : '';
      const evidence: RelatedInformation[] = [related(model, entry.handler.registration, registrationNote(entry.handler))];
      for (const s of first.steps) evidence.push(related(s.from, s.call, `calls ${stepLabel(s.from, s)}`, s.from.path));
      for (const f of found.slice(0, 3)) evidence.push(related(f.model, f.sync.call, `\`${calleeText(f.model, f.sync.call)}\` blocks here`, f.model.path));
      context.report({
        node: head(model, entry.at),
        message:
          `\`${calleeText(model, entry.at)}${entry.at.type === 'CallExpression' ? '(…)' : ''}\` leads to \`${calleeText(first.model, first.sync.call)}\` in ${stepLabel(model, last)}${more}, ` +
          `which blocks the event loop in ${entry.handler.description}: nothing else runs until it returns. Use ${alternative(first.sync.q, first.sync.fsName)} there and await it.`,
        related: evidence,
      });
    }
  },
};

function alternative(q: string, fsName: string | null): string {
  if (fsName === null) return 'the async `child_process` API (promisified `exec`/`execFile`, or `spawn`)';
  if (fsName === 'exists') return '`fs.promises.access` (or `stat`)';
  return PROMISE_TWINS.has(fsName) ? `\`fs.promises.${fsName}\`` : 'the `fs.promises` API';
}

/** The function whose turn of the event loop runs the call; inline iteration callbacks belong to their caller. Null at module level. */
function flowFunction(model: JsModel, node: Node): FunctionNode | null {
  let fn = model.enclosingFunction(node);
  while (fn) {
    const cb = model.callbackOf(fn);
    if (cb && cb.call.type === 'CallExpression' && isIterationCall(cb.call)) {
      fn = model.enclosingFunction(cb.call);
      continue;
    }
    // Functions run right away at module level (`(async () => { … })()`) are start-up code too.
    if (model.isImmediatelyInvoked(fn) && !model.enclosingFunction(fn)) return null;
    return fn;
  }
  return null;
}

function fsFix(model: JsModel, call: TSESTree.CallExpression, name: string): Fix | null {
  if (!PROMISE_TWINS.has(name) || call.optional) return null;
  const callee = unwrap(call.callee);
  const plan = new ImportPlan(model);
  let target: string | null;
  if (callee.type === 'MemberExpression' && !callee.computed && model.qname(callee.object) === 'fs') {
    target = `${model.text(callee.object)}.promises.${name}`;
  } else {
    target = plan.use('fs.promises', name);
    if (!target) {
      const promises = plan.use('fs', 'promises');
      target = promises ? `${promises}.${name}` : null;
    }
  }
  if (!target) return null;
  if (callee.type === 'Identifier') plan.dropIfUnused(model.resolve(callee), callee);
  const args = model.source.slice(call.callee.range[1], call.range[1]);
  return {
    description: `Use \`await ${target}(…)\``,
    edits: [{ range: model.rangeOf(call), text: awaitText(model, call, `${target}${args}`) }, ...plan.edits()],
    // Awaiting lets other requests run in between, which can reorder side effects.
    safe: false,
  };
}

/** `execSync(cmd, { encoding: 'utf8' })` → `(await promisify(exec)(cmd, { encoding: 'utf8' })).stdout`. */
function execFix(model: JsModel, call: TSESTree.CallExpression, q: string): Fix | null {
  if (q === 'child_process.spawnSync' || call.optional) return null;
  const options = call.arguments[call.arguments.length - 1];
  const value = options ? model.valueOf(options) : null;
  // Without a text encoding the sync call returns a Buffer and the async one a string: not the same value.
  const encoding = value?.type === 'ObjectExpression' ? staticString(objectProperty(value, 'encoding')?.value) : null;
  if (!encoding || !/^utf-?8$/i.test(encoding)) return null;
  const asyncName = q === 'child_process.execSync' ? 'exec' : 'execFile';
  const callee = unwrap(call.callee);
  const plan = new ImportPlan(model);
  const fn =
    callee.type === 'MemberExpression' && !callee.computed && memberName(callee)
      ? `${model.text(callee.object)}.${asyncName}`
      : plan.use('child_process', asyncName);
  const promisify = plan.use('util', 'promisify');
  if (!fn || !promisify) return null;
  if (callee.type === 'Identifier') plan.dropIfUnused(model.resolve(callee), callee);
  const args = model.source.slice(call.callee.range[1], call.range[1]);
  return {
    description: `Use \`(await ${promisify}(${fn})(…)).stdout\``,
    edits: [{ range: model.rangeOf(call), text: `(await ${promisify}(${fn})${args}).stdout` }, ...plan.edits()],
    safe: false,
  };
}
