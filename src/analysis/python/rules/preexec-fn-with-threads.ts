import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { CallInfo, PythonModel } from '../model';
import type { PythonRule } from '../rule';
import { type PyNode, childByField, rangeOf } from '../syntax';
import { threadAliveAt } from '../liveness';
import { replaceNode } from '../edits';

// Like pylint W1509 / ruff PLW1509 (which look at `Popen` only), but only where threads may be
// running. The convenience functions and asyncio's subprocess helpers hand `preexec_fn` straight
// to `Popen`, so they are covered too.
const POPEN_LIKE = new Set([
  'subprocess.Popen',
  'subprocess.run',
  'subprocess.call',
  'subprocess.check_call',
  'subprocess.check_output',
  'asyncio.create_subprocess_exec',
  'asyncio.create_subprocess_shell',
]);

export const rule: PythonRule = {
  meta: ruleMeta('CL505'),
  check(context) {
    const { model } = context;
    for (const call of model.calls) {
      if (!call.qualified || !POPEN_LIKE.has(call.qualified)) continue;
      const value = call.kwargs.get('preexec_fn');
      if (!value || value.type === 'none') continue;
      // The hazard is another thread holding a lock at fork time: a process without threads
      // (a command-line tool, a test of preexec_fn itself) forks safely.
      const thread = threadAliveAt(model, call.node);
      if (!thread) continue;
      context.report({
        node: call.node,
        message:
          `\`preexec_fn\` runs Python code in the child between fork and exec, and a thread may be running here ` +
          `(${thread.reason}): if it held a lock (the import lock, a logging lock, malloc) at fork time, the child can ` +
          'deadlock. Use `start_new_session=True`, `process_group=`, `env=` or `cwd=` instead.',
        fix: replacementFix(model, call, value),
        related: [{ path: model.path, range: rangeOf(thread.node), message: thread.label }],
      });
    }
  },
};

function replacementFix(model: PythonModel, call: CallInfo, value: PyNode): Fix | null {
  const keyword = value.parent;
  if (!keyword || keyword.type !== 'keyword_argument') return null;
  if (call.kwargs.has('start_new_session') || call.kwargs.has('process_group')) return null;
  const does = sessionCall(model, call, value);
  if (does === 'setsid') {
    // Popen calls setsid() itself in the child for start_new_session: the same effect, without Python code.
    return { description: 'Use `start_new_session=True` instead of `preexec_fn=os.setsid`', edits: [replaceNode(keyword, 'start_new_session=True')], safe: true };
  }
  if (does === 'setpgrp') {
    // Equivalent on 3.11+, a TypeError before: the target version is unknown here, so not safe.
    return { description: 'Use `process_group=0` instead of `preexec_fn` (Python 3.11+)', edits: [replaceNode(keyword, 'process_group=0')], safe: false };
  }
  return null;
}

/** What the preexec_fn does when it is only `os.setsid` / `os.setpgrp` (or a lambda calling just that). */
function sessionCall(model: PythonModel, call: CallInfo, value: PyNode): 'setsid' | 'setpgrp' | null {
  const resolved = model.resolve(value, call.scope);
  if (resolved.kind === 'ref') {
    if (resolved.name === 'os.setsid') return 'setsid';
    if (resolved.name === 'os.setpgrp') return 'setpgrp';
    return null;
  }
  if (value.type !== 'lambda' || childByField(value, 'parameters')) return null;
  const body = childByField(value, 'body');
  const inner = body?.type === 'call' ? model.callAt(body) : undefined;
  if (!inner) return null;
  if (inner.qualified === 'os.setsid' && inner.args.length === 0 && inner.kwargs.size === 0) return 'setsid';
  if (inner.qualified === 'os.setpgrp' && inner.args.length === 0 && inner.kwargs.size === 0) return 'setpgrp';
  if (inner.qualified === 'os.setpgid' && inner.kwargs.size === 0 && inner.args.length === 2 && inner.args.every((a) => model.text(a) === '0')) {
    return 'setpgrp';
  }
  return null;
}
