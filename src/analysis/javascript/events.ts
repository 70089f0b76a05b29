import { fact } from '../core/facts';
import type { Node, TSESTree } from './parse';
import { type JsModel, isMainModuleTest } from './model';
import { type CallLike, type FunctionNode, isFunction, memberName, objectProperty, staticString, unwrap } from './syntax';

// Main-thread event context: callbacks of `http(s).createServer`, `server.on(…)`,
// express/fastify/koa/hono route handlers, `emitter.on/once`, timers, `process.on('message')`, and
// the same-file functions they call. Code in worker contexts and CLI scripts is not event context.

export type HandlerKind = 'http' | 'route' | 'emitter' | 'timer' | 'message';

export interface EventHandler {
  fn: FunctionNode;
  kind: HandlerKind;
  /** The registering call (`app.get('/x', …)`). */
  registration: CallLike;
  /** How messages name it: "the GET /hash handler", "the 'data' listener". */
  description: string;
}

export interface EventContext {
  handler: EventHandler;
  /** Same-file functions between the handler and the code, outermost first. */
  via: FunctionNode[];
}

const SERVER_FACTORIES = new Set([
  'http.createServer',
  'https.createServer',
  'http2.createServer',
  'http2.createSecureServer',
  'net.createServer',
  'tls.createServer',
]);
const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'timers.setTimeout', 'timers.setInterval', 'timers.setImmediate']);
const EMITTER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'delete', 'del', 'patch', 'all', 'options', 'head', 'use']);
const APP_FACTORIES = new Set([
  'express',
  'express.Router',
  'express.application',
  'fastify',
  'fastify.fastify',
  'koa',
  'koa.Koa',
  'hono.Hono',
  '@koa/router',
  'koa-router',
  'restify.createServer',
  'polka',
  '@hapi/hapi.server',
  '@hapi/hapi.Server',
]);
// Receivers commonly holding an app or a router built in another file.
const APP_NAMES = /^(app|router|api|routes|server|fastify|instance|apiRouter|[a-z]+Router)$/;
// Functions handed to these run somewhere else (workerpool serialises them into a worker).
const OFFLOADED_METHODS = new Set(['exec']);

/** The callbacks the file registers with servers, routers, emitters and timers, in source order. */
export const eventHandlers = fact((model: JsModel) => {
  const handlers: EventHandler[] = [];
  for (const call of model.calls) {
    for (const h of registrations(model, call)) handlers.push(h);
  }
  return handlers;
});

function functionsIn(model: JsModel, arg: Node | undefined): FunctionNode[] {
  if (!arg || arg.type === 'SpreadElement') return [];
  const fn = model.functionOf(arg);
  if (fn) return [fn];
  const value = unwrap(arg);
  // `asyncHandler(async (req, res) => …)`: wrappers hand the function on.
  if (value.type === 'CallExpression') {
    return value.arguments.map((a) => model.functionOf(a)).filter((f): f is FunctionNode => !!f);
  }
  if (value.type === 'ArrayExpression') return value.elements.flatMap((e) => functionsIn(model, e ?? undefined));
  return [];
}

function registrations(model: JsModel, call: CallLike): EventHandler[] {
  const q = model.qname(call.callee);
  const make = (fns: FunctionNode[], kind: HandlerKind, description: string): EventHandler[] =>
    fns.map((fn) => ({ fn, kind, registration: call, description }));
  if (call.type === 'CallExpression' && q && SERVER_FACTORIES.has(q)) {
    return make(call.arguments.flatMap((a) => functionsIn(model, a)), 'http', `the ${q}() request handler`);
  }
  if (call.type !== 'CallExpression') return [];
  if (q && TIMERS.has(q)) return make(functionsIn(model, call.arguments[0]), 'timer', `the ${q.replace(/^timers\./, '')}() callback`);
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression') return [];
  const method = memberName(callee);
  if (!method) return [];
  const receiver = unwrap(callee.object);
  if (EMITTER_METHODS.has(method) && call.arguments.length >= 2) {
    const event = staticString(call.arguments[0]);
    if (event === null) return [];
    if (model.qname(receiver) === 'worker_threads.parentPort') return [];
    const fns = functionsIn(model, call.arguments[call.arguments.length - 1]);
    if (model.qname(receiver) === 'process') {
      return event === 'message' ? make(fns, 'message', "the process 'message' listener") : [];
    }
    if (event === 'request' || event === 'connection') return make(fns, 'http', `the '${event}' listener`);
    return make(fns, 'emitter', `the '${event}' listener`);
  }
  if (ROUTE_METHODS.has(method)) {
    const first = call.arguments[0];
    const routePath = staticString(first);
    const looksLikeRoute = (routePath !== null && /^[/*]/.test(routePath)) || (first?.type === 'Literal' && 'regex' in first);
    const appLike = isAppLike(model, receiver, 0);
    if (!looksLikeRoute && !appLike) return [];
    if (method === 'use' && !appLike) return [];
    const fns = call.arguments.flatMap((a) => functionsIn(model, a));
    const verb = method === 'use' ? 'middleware' : `${method.toUpperCase()}${routePath ? ` ${routePath}` : ''} handler`;
    return make(fns, 'route', `the ${verb}`);
  }
  if ((method === 'route' || method === 'addHook') && isAppLike(model, receiver, 0)) {
    if (method === 'addHook') return make(functionsIn(model, call.arguments[1]), 'route', `the '${staticString(call.arguments[0]) ?? 'hook'}' hook`);
    const options = call.arguments[0] ? model.valueOf(call.arguments[0]) : null;
    if (options?.type !== 'ObjectExpression') return [];
    const fns = ['handler', 'preHandler', 'onRequest'].flatMap((k) => functionsIn(model, objectProperty(options, k)?.value));
    const url = staticString(objectProperty(options, 'url')?.value ?? objectProperty(options, 'path')?.value);
    return make(fns, 'route', `the ${url ? `${url} ` : ''}route handler`);
  }
  return [];
}

function isAppLike(model: JsModel, expr: Node, depth: number): boolean {
  if (depth > 5) return false;
  const node = unwrap(expr);
  const value = model.valueOf(node);
  if (value.type === 'CallExpression' || value.type === 'NewExpression') {
    const q = model.qname(value.callee);
    if (q && APP_FACTORIES.has(q)) return true;
    const callee = unwrap(value.callee);
    // `app.route('/book').get(…)` and fastify's chainable `.get()` keep the app.
    if (callee.type === 'MemberExpression' && ['route', 'get', 'post', 'put', 'delete', 'patch', 'use'].includes(memberName(callee) ?? '')) {
      return isAppLike(model, callee.object, depth + 1);
    }
    return false;
  }
  if (value.type === 'Identifier') {
    const binding = model.resolve(value);
    if (binding?.kind === 'param' && binding.paramOf && binding.paramIndex === 0) {
      // A fastify plugin: `fastify.register(async (instance) => { instance.get(…) })`.
      const cb = model.callbackOf(binding.paramOf);
      const callee = cb ? unwrap(cb.call.callee) : null;
      if (callee?.type === 'MemberExpression' && memberName(callee) === 'register' && isAppLike(model, callee.object, depth + 1)) return true;
    }
    if (!binding || binding.kind === 'param' || binding.kind === 'import') return APP_NAMES.test(value.name);
  }
  return false;
}

/** A CLI script: run from a terminal (shebang, `require.main === module`), serving nothing. */
const isCliScript = fact((model: JsModel) => {
  let cli = model.source.startsWith('#!');
  if (!cli) {
    for (const c of model.conditionals) {
      if (isMainModuleTest(model, c.test)) {
        cli = true;
        break;
      }
    }
  }
  if (cli && eventHandlers(model).some((h) => h.kind === 'http' || h.kind === 'route')) cli = false;
  return cli;
});

/** Event handlers plus the same-file functions they call, each with the handler that reaches it. */
const eventFunctions = fact((model: JsModel) => {
  const map = new Map<FunctionNode, EventContext>();
  if (!isCliScript(model)) {
    const queue: FunctionNode[] = [];
    for (const handler of eventHandlers(model)) {
      if (map.has(handler.fn)) continue;
      if (model.threadContext(handler.registration) === 'worker') continue;
      map.set(handler.fn, { handler, via: [] });
      queue.push(handler.fn);
    }
    const callsByFunction = new Map<FunctionNode | null, TSESTree.CallExpression[]>();
    for (const call of queue.length > 0 ? model.calls : []) {
      if (call.type !== 'CallExpression') continue;
      const fn = model.enclosingFunction(call);
      const list = callsByFunction.get(fn) ?? [];
      list.push(call);
      callsByFunction.set(fn, list);
    }
    while (queue.length > 0) {
      const fn = queue.shift()!;
      const context = map.get(fn)!;
      for (const inner of functionsWithin(model, fn)) {
        for (const call of callsByFunction.get(inner) ?? []) {
          const target = model.functionOf(call.callee);
          if (!target || map.has(target) || model.contains(fn, target)) continue;
          map.set(target, { handler: context.handler, via: [...context.via, target] });
          queue.push(target);
        }
      }
    }
  }
  return map;
});

/** The function itself and the functions nested in it (their calls run when it runs, or later). */
function functionsWithin(model: JsModel, fn: FunctionNode): FunctionNode[] {
  // Functions are in source order: the nested ones follow `fn` directly.
  const all = model.functions;
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid].range[0] < fn.range[0]) lo = mid + 1;
    else hi = mid;
  }
  const out: FunctionNode[] = [];
  for (let i = lo; i < all.length && all[i].range[0] < fn.range[1]; i++) {
    const f = all[i];
    if (f === fn || (model.contains(fn, f) && !isOffloaded(model, f))) out.push(f);
  }
  return out;
}

function isOffloaded(model: JsModel, fn: FunctionNode): boolean {
  const cb = model.callbackOf(fn);
  if (!cb || cb.call.type !== 'CallExpression') return false;
  const callee = unwrap(cb.call.callee);
  if (callee.type !== 'MemberExpression' || !OFFLOADED_METHODS.has(memberName(callee) ?? '')) return false;
  const pool = model.valueOf(callee.object);
  return pool.type === 'CallExpression' && model.qname(pool.callee) === 'workerpool.pool';
}

/** The main-thread event context a node runs in (a request handler, a timer…), or null. */
export function eventContextOf(model: JsModel, node: Node): EventContext | null {
  const functions = eventFunctions(model);
  if (functions.size === 0) return null;
  if (isFunction(node) && functions.has(node)) return functions.get(node)!;
  for (const a of model.ancestors(node)) {
    if (!isFunction(a)) continue;
    if (isOffloaded(model, a)) return null;
    const context = functions.get(a);
    if (context) return context;
  }
  return null;
}
