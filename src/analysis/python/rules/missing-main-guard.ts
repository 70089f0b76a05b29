import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { CallInfo, FunctionInfo, PythonModel } from '../model';
import type { PythonRule } from '../rule';
import { poolConstruction, startedFamily } from '../spawning';
import { type PyNode, rangeOf } from '../syntax';
import { wrapInMainGuardFix } from '../main-guard-fix';
import { notebookTasks } from '../notebook-tasks';

// Under the spawn and forkserver start methods (the default on Windows and macOS, and on Linux
// from Python 3.14) every child process imports the main module again. Unguarded module-level
// code that creates processes then runs again in each child: recursive spawning, which
// multiprocessing stops with a RuntimeError.

/**
 * Process pools whose workers do not re-run the main module: InterpreterPoolExecutor's are
 * subinterpreters; loky (joblib's default backend) sends functions with cloudpickle instead.
 */
const NO_MAIN_REIMPORT = new Set([
  'concurrent.futures.InterpreterPoolExecutor',
  'joblib.Parallel',
  'loky.ProcessPoolExecutor',
  'loky.get_reusable_executor',
]);

interface Creation {
  /** The call that creates the process(es). */
  node: PyNode;
  what: string;
}

export const rule: PythonRule = {
  meta: ruleMeta('CL201'),
  check(context) {
    const { model } = context;
    const creators = processCreatingFunctions(model);
    // Module-level statements that create processes, earliest first.
    const offending = new Map<PyNode, { reportNode: PyNode; creation: Creation; via: FunctionInfo | null }>();
    const note = (statement: PyNode, reportNode: PyNode, creation: Creation, via: FunctionInfo | null): void => {
      if (!offending.has(statement)) offending.set(statement, { reportNode, creation, via });
    };
    for (const call of model.calls) {
      const ctx = model.contextOf(call.node);
      if (ctx.fn || ctx.cls || ctx.inMainGuard || !ctx.topStatement) continue;
      const direct = directCreation(model, call);
      if (direct) {
        let statement = ctx.topStatement;
        let reportNode = call.node;
        // `p = Process(...)` earlier at module level belongs to the same unguarded code: the fix
        // must move it too, so the finding starts there.
        const origin = call.method === 'start' && call.receiver?.kind === 'instance' ? call.receiver.origin : null;
        if (origin) {
          const originCtx = model.contextOf(origin);
          if (!originCtx.fn && !originCtx.cls && !originCtx.inMainGuard && originCtx.topStatement &&
            originCtx.topStatement.startIndex < statement.startIndex) {
            statement = originCtx.topStatement;
            reportNode = origin;
          }
        }
        note(statement, reportNode, direct, null);
        continue;
      }
      const callee = calledFunction(call);
      const creation = callee ? creators.get(callee) : undefined;
      if (callee && creation) note(ctx.topStatement, call.node, creation, callee);
    }
    if (offending.size === 0) return;
    const statements = [...offending.keys()].sort((a, b) => a.startIndex - b.startIndex);
    const first = statements[0];
    const { reportNode, creation, via } = offending.get(first)!;
    const line = creation.node.startRow + 1;
    const how = via
      ? `calls \`${via.parentClass && via.name === '__init__' ? via.parentClass.name : via.name}()\`, which ends up ` +
        `${creation.what.replace(/^creates/, 'creating').replace(/^starts/, 'starting')} (line ${line})`
      : `${creation.what}`;
    if (context.notebook) {
      // A notebook has no file its workers re-import, so no guard to add; what breaks there is a
      // task function defined in a cell (CL206). Said only when the notebook has one.
      const tasks = notebookTasks(model);
      if (tasks.length === 0) return;
      const names = [...new Set(tasks.map((t) => `\`${t.fn.name}\``))].join(', ');
      context.report({
        node: reportNode.startRow === first.startRow ? reportNode : first,
        message:
          `Notebook code ${how}. A notebook needs no \`if __name__ == "__main__":\` guard (its workers never re-run it), ` +
          `but with spawn and forkserver they cannot find functions defined in it either: move ${names} into a module next ` +
          `to the notebook and import ${names.includes(',') ? 'them' : 'it'} (the fix of CL206 does that).`,
        related: tasks.map((t) => ({ path: model.path, range: rangeOf(t.site.call.callee), message: `\`${t.fn.name}\`, defined in the notebook, is handed to a process here` })),
      });
      return;
    }
    const fix: Fix | null = wrapInMainGuardFix(model, first, new Set(statements));
    context.report({
      // The call when it starts the statement's first line; a finding spanning a whole block is noise.
      node: reportNode.startRow === first.startRow ? reportNode : first,
      message:
        `Module-level code ${how} without an \`if __name__ == "__main__":\` guard. With the spawn and ` +
        'forkserver start methods each child process re-imports this module and runs it again.',
      fix,
      related: via
        ? [{ path: model.path, range: rangeOf(creation.node), message: 'processes are created here' }]
        : [],
    });
  },
};

function directCreation(model: PythonModel, call: CallInfo): Creation | null {
  const pool = poolConstruction(model, call);
  if (pool && pool.family === 'process' && !NO_MAIN_REIMPORT.has(pool.executor)) {
    return { node: call.node, what: `creates a process pool (\`${model.text(call.callee)}(...)\`)` };
  }
  if (call.qualified === 'multiprocessing.Manager') {
    return { node: call.node, what: `starts a manager process (\`${model.text(call.callee)}()\`)` };
  }
  if (startedFamily(model, call) === 'process') {
    const receiver = call.receiverNode;
    const started = receiver?.type === 'identifier' ? model.text(receiver) : describeConstruction(model, receiver);
    return { node: call.node, what: `starts a process (\`${started}.start()\`)` };
  }
  return null;
}

function describeConstruction(model: PythonModel, node: PyNode | null): string {
  const callee = node?.type === 'call' ? model.callAt(node)?.callee : null;
  return callee ? `${model.text(callee)}(...)` : 'Process(...)';
}

/** The same-file function a call runs: a function, a method, or a class's `__init__`. */
function calledFunction(call: CallInfo): FunctionInfo | null {
  if (call.target.kind === 'function') return call.target.fn;
  if (call.target.kind === 'class') return call.target.cls.methods.get('__init__') ?? null;
  return null;
}

/** Functions of this file that create processes when called, directly or through each other. */
function processCreatingFunctions(model: PythonModel): Map<FunctionInfo, Creation> {
  const creators = new Map<FunctionInfo, Creation>();
  for (const call of model.calls) {
    const fn = model.contextOf(call.node).fn;
    if (!fn || creators.has(fn)) continue;
    const creation = directCreation(model, call);
    if (creation) creators.set(fn, creation);
  }
  // Callers of each function of this file, then a worklist from the direct creators: each call
  // is looked at once (a fixpoint over all calls per pass is quadratic in a long call chain).
  const callers = new Map<FunctionInfo, FunctionInfo[]>();
  for (const call of model.calls) {
    const fn = model.contextOf(call.node).fn;
    const callee = calledFunction(call);
    if (!fn || !callee || callee.model !== model) continue;
    const list = callers.get(callee);
    if (list) list.push(fn);
    else callers.set(callee, [fn]);
  }
  const queue = [...creators.keys()];
  while (queue.length > 0) {
    const callee = queue.pop()!;
    const creation = creators.get(callee)!;
    for (const caller of callers.get(callee) ?? []) {
      if (creators.has(caller)) continue;
      creators.set(caller, creation);
      queue.push(caller);
    }
  }
  return creators;
}
