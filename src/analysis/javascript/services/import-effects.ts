import type { ImportEffect } from '../../core/services';
import { type JsModel, isMainModuleTest } from '../model';
import { isAppLike, isServer } from '../events';
import type { Node } from '../parse';
import { isFunction, memberName, unwrap } from '../syntax';

// What importing a JS/TS file does besides defining things, for the benchmark's pre-flight
// (src/profiling/preflight.ts): the benchmark imports the file in its harness and in every pool
// member, so a server that listens at load, or a worker script's code that talks to `parentPort`
// at load, would run there. Self-spawning files are CL203's (the pre-flight runs that rule).
// Precision first: only code that runs unconditionally at load counts; any condition, a
// function not called at load, or a main-module test (`require.main === module`) keeps it out.

/** Whether `node` runs while the module loads: at the top level, or in an IIFE, with no condition on the way. */
function runsAtLoad(model: JsModel, node: Node): boolean {
  let child: Node = node;
  for (const parent of model.ancestors(node)) {
    if (model.stepGuard(parent, child)) return false;
    switch (parent.type) {
      case 'IfStatement':
      case 'ConditionalExpression':
        if (child !== parent.test) return false;
        break;
      case 'LogicalExpression':
        if (child === parent.right) return false;
        break;
      case 'SwitchCase':
      case 'CatchClause':
      case 'ClassBody':
        return false;
      case 'Program':
        return true;
      default:
        break;
    }
    if (isFunction(parent) && !model.isImmediatelyInvoked(parent)) return false;
    child = parent;
  }
  return false;
}

/** A condition on the way that only holds when the file is run directly. */
function underMainModuleTest(model: JsModel, node: Node): boolean {
  for (const parent of model.ancestors(node)) {
    if ((parent.type === 'IfStatement' || parent.type === 'ConditionalExpression') && isMainModuleTest(model, parent.test)) return true;
  }
  return false;
}

const WORKER_NAMES: Record<string, string> = {
  'worker_threads.parentPort': 'parentPort',
  'worker_threads.workerData': 'workerData',
};

export function jsImportEffects(model: JsModel): ImportEffect[] {
  const effects: ImportEffect[] = [];
  for (const call of model.calls) {
    if (call.type !== 'CallExpression') continue;
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression' || memberName(callee) !== 'listen') continue;
    const receiver = unwrap(callee.object);
    if (!isServer(model, receiver) && !isAppLike(model, receiver, 0)) continue;
    if (!runsAtLoad(model, call) || underMainModuleTest(model, call)) continue;
    effects.push({
      kind: 'server',
      range: model.rangeOf(call),
      message: `\`${model.text(callee)}(…)\` starts listening when the module is imported`,
      fix:
        'Export the function from a module that does not start the server, or start it only when the file is run ' +
        'directly (`if (require.main === module)`, or `import.meta.main` / a check of `process.argv[1]` in ESM).',
    });
  }
  const seen = new Set<string>();
  for (const binding of model.allBindings()) {
    for (const ref of model.references(binding)) {
      const name = WORKER_NAMES[model.qname(ref) ?? ''];
      if (!name || seen.has(name) || !runsAtLoad(model, ref) || underMainModuleTest(model, ref)) continue;
      seen.add(name);
      effects.push({
        kind: 'worker-script',
        range: model.rangeOf(ref),
        message: `this is worker code: it uses \`${name}\` when the module is loaded, which only a worker thread has`,
        fix:
          'Benchmark the function the worker runs from a module of its own (import it in the worker script), or put the ' +
          'worker part under `if (!isMainThread) { … }`.',
      });
    }
  }
  return effects.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}
