import type { ImportEffect } from '../../core/services';
import type { PythonModel } from '../model';
import { type PyNode, rangeOf } from '../syntax';

// What importing a Python module does besides defining things, for the benchmark's pre-flight
// (src/profiling/preflight.ts): a server started at module level would listen (and, for
// serve_forever / run, never return) in the harness and in every process worker. Module-level
// process creation is CL201's (the pre-flight runs that rule). Precision first: only a call in a
// module-level statement outside any `if`, `try` or loop counts, the main guard included.

/** Calls that start serving: by qualified name, and methods of any receiver the model typed. */
const SERVING = new Set(['uvicorn.run', 'waitress.serve', 'aiohttp.web.run_app', 'hypercorn.asyncio.serve', 'bottle.run', 'werkzeug.serving.run_simple']);
const SERVING_METHODS: Record<string, RegExp> = {
  serve_forever: /^(http\.server|socketserver|xmlrpc\.server|wsgiref\.simple_server)\./,
  run: /^(flask\.Flask|sanic\.Sanic|fastapi\.FastAPI|bottle\.Bottle|aiohttp\.web\.Application)\.run$/,
};

/** The statement kinds a module-level call may sit in and still run unconditionally at import. */
const UNCONDITIONAL = new Set(['module', 'expression_statement', 'assignment', 'call', 'argument_list', 'attribute', 'keyword_argument', 'parenthesized_expression', 'await']);

function runsUnconditionally(node: PyNode): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'module') return true;
    if (!UNCONDITIONAL.has(p.type)) return false;
  }
  return false;
}

export function pythonImportEffects(model: PythonModel): ImportEffect[] {
  const effects: ImportEffect[] = [];
  for (const call of model.calls) {
    const ctx = model.contextOf(call.node);
    if (ctx.fn || ctx.cls || ctx.inMainGuard || !ctx.topStatement) continue;
    const qualified = call.qualified ?? '';
    const serving = SERVING.has(qualified) || (call.method !== null && SERVING_METHODS[call.method]?.test(qualified) === true);
    if (!serving || !runsUnconditionally(call.node)) continue;
    effects.push({
      kind: 'server',
      range: rangeOf(call.node),
      message: `\`${model.text(call.callee)}(…)\` starts a server when the module is imported`,
      fix: 'Start the server under `if __name__ == "__main__":`, or from a function the benchmark does not call.',
    });
  }
  return effects;
}
