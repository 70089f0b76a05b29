import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import type { JsModel } from '../model';
import { ImportPlan, awaitText } from '../edits';
import { type Node, type TSESTree, rangeOf } from '../parse';
import { type FunctionNode, isIterationCall, memberName, objectProperty, staticString, unwrap } from '../syntax';
import { eventContextOf } from '../events';
import { head, related } from './shared';

const SYNC_FS = /^(fs|fs-extra|graceful-fs)\.(\w+)Sync$/;
const SYNC_EXEC = new Set(['child_process.execSync', 'child_process.execFileSync', 'child_process.spawnSync']);
// `fs.xSync` whose `fs.promises.x` takes the same arguments and resolves to the same value.
const PROMISE_TWINS = new Set([
  'readFile', 'writeFile', 'appendFile', 'readdir', 'stat', 'lstat', 'mkdir', 'mkdtemp', 'rm', 'rmdir', 'unlink',
  'copyFile', 'cp', 'rename', 'access', 'readlink', 'realpath', 'symlink', 'link', 'chmod', 'chown', 'utimes', 'truncate',
]);

export const rule: JsRule = {
  meta: ruleMeta('CL105'),
  check(context) {
    const { model } = context;
    for (const call of model.calls) {
      if (call.type !== 'CallExpression') continue;
      const q = model.qname(call.callee);
      if (!q) continue;
      const fs = SYNC_FS.exec(q);
      if (!fs && !SYNC_EXEC.has(q)) continue;
      if (model.threadContext(call) === 'worker') continue;
      const flow = flowFunction(model, call);
      if (!flow) continue; // module top level: start-up work
      const event = eventContextOf(model, call);
      const inAsync = flow.async;
      if (!event && !inAsync) continue;
      const where = event ? event.handler.description : `the async function ${model.functionLabel(flow)}`;
      const alternative = !fs
        ? 'the async `child_process` API (promisified `exec`/`execFile`, or `spawn`)'
        : fs[2] === 'exists'
          ? '`fs.promises.access` (or `stat`)'
          : PROMISE_TWINS.has(fs[2])
            ? `\`fs.promises.${fs[2]}\``
            : 'the `fs.promises` API';
      context.report({
        node: head(call),
        message: `\`${q}\` blocks the event loop in ${where}: nothing else runs until it returns. Use ${alternative} and await it.`,
        fix: model.enclosingFunction(call) === flow && inAsync ? (fs ? fsFix(model, call, fs[2]) : execFix(model, call, q)) : null,
        related: event ? [related(model, event.handler.registration, `registered here: ${event.handler.description}`)] : [],
      });
    }
  },
};

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
    if (model.isImmediatelyInvoked(fn) && !model.enclosingFunction(fn) && !eventContextOf(model, fn)) return null;
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
  const args = model.source.slice(call.callee.range[1], call.range[1]);
  return {
    description: `Use \`await ${target}(…)\``,
    edits: [{ range: rangeOf(call), text: awaitText(model, call, `${target}${args}`) }, ...plan.edits()],
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
  const args = model.source.slice(call.callee.range[1], call.range[1]);
  return {
    description: `Use \`(await ${promisify}(${fn})(…)).stdout\``,
    edits: [{ range: rangeOf(call), text: `(await ${promisify}(${fn})${args}).stdout` }, ...plan.edits()],
    safe: false,
  };
}
