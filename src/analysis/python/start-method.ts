import type { CallInfo, PythonModel } from './model';
import { stringLiteralValue } from './model';
import { fact } from '../core/facts';
import { childByField } from './syntax';

// The multiprocessing start method a process creation uses, as far as the module says: the
// context it is created from (`ctx.Pool()`, `ProcessPoolExecutor(mp_context=ctx)`,
// `get_context("spawn").Process(...)`), else what `set_start_method` sets for the module, else
// the platform's default (spawn on macOS and Windows, forkserver on Linux from Python 3.14, fork
// before).

export type StartMethod = 'fork' | 'spawn' | 'forkserver' | 'default' | 'unknown';

const GLOBAL_SETTER = 'multiprocessing.set_start_method';

function methodOf(value: string | null): StartMethod {
  return value === 'fork' || value === 'spawn' || value === 'forkserver' ? value : 'unknown';
}

/** The method a call's literal first (or `method=`) argument names; 'default' without one. */
function literalMethod(model: PythonModel, call: CallInfo): StartMethod {
  const arg = call.kwargs.get('method') ?? call.args[0];
  if (!arg || arg.type === 'none') return 'default';
  return arg.type === 'string' ? methodOf(stringLiteralValue(model.text(arg))) : 'unknown';
}

/** What `set_start_method` calls set for the whole module: one method, 'default' with none, 'unknown' when they differ. */
const globalStartMethod = fact((model: PythonModel): StartMethod => {
  const methods = new Set<StartMethod>();
  for (const call of model.calls) {
    const setter = call.qualified === GLOBAL_SETTER ||
      (call.method === 'set_start_method' && call.receiverNode !== null && model.resolve(call.receiverNode, call.scope).kind === 'context');
    if (setter) methods.add(literalMethod(model, call));
  }
  if (methods.size === 0) return 'default';
  return methods.size === 1 ? [...methods][0] : 'unknown';
});

/** The start method of a process creation (a `Process(...)`, a pool constructor, a `process_map(...)`). */
export function startMethodOf(model: PythonModel, creation: CallInfo): StartMethod {
  const contextNode =
    creation.kwargs.get('mp_context') ?? creation.kwargs.get('context') ?? (creation.callee.type === 'attribute' ? childByField(creation.callee, 'object') : null);
  const ctx = contextNode ? model.resolve(contextNode, creation.scope) : null;
  if (ctx?.kind === 'context') {
    const origin = model.callAt(ctx.origin);
    const method = origin ? literalMethod(model, origin) : 'unknown';
    // `get_context()` without a method is the module's global one.
    if (method !== 'default') return method;
  } else if (contextNode && creation.kwargs.has('mp_context')) {
    return 'unknown';
  }
  return globalStartMethod(model);
}
