import * as path from 'node:path';
import { fact, factBy } from '../core/facts';
import type { Node, TSESTree } from './parse';
import { type JsModel, isMainModuleTest } from './model';
import { type CallLike, type FunctionNode, isFunction, memberName, objectProperty, propertyName, pushChildren, staticString, unwrap } from './syntax';
import { exportedFunctions } from './exports';
import { moduleCandidates } from './workers';

// Main-thread event context, as reachability: what runs from a handler while the process serves.
// Handlers are the callbacks of HTTP servers and framework routes (express, koa, fastify, hapi,
// restify, hono, Nest controllers, Next.js API routes), functions shaped like middleware
// (`(req, res, next)`) wherever they are made, emitter listeners with constant event names, timers
// and message listeners. From each handler the calls are followed through the file and into other
// files of the workspace whose imports resolve (`JsProject.modelAt`). Callbacks of an operation a
// function starts (a child process, a client socket, a stream, a one-shot timer) continue that
// function's path rather than start one. Start-up, shutdown, terminal input, CLI entry points,
// build scripts, tests and worker code are not event context.

export type HandlerKind = 'http' | 'route' | 'middleware' | 'emitter' | 'timer' | 'message';

export interface EventHandler {
  fn: FunctionNode;
  /** The model `fn` is in: the registering file, or the file a handler reference was imported from. */
  model: JsModel;
  kind: HandlerKind;
  /** Where it is registered (`app.get('/x', …)`), in the registering file; the function itself for shape-only handlers. */
  registration: Node;
  /** How messages name it: "the GET /hash handler", "the 'data' listener". */
  description: string;
}

/** One call on the way from a handler to the code: `call` (in `from`) reaches `target` (in `to`). */
export interface Step {
  from: JsModel;
  call: Node;
  to: JsModel;
  target: FunctionNode;
}

export interface EventContext {
  handler: EventHandler;
  /** The calls from the handler to the code, outermost first; empty for the handler's own body. */
  steps: Step[];
}

/** A call (or handler reference) in a handler of this file that leads into another function. */
export interface EventEntry {
  handler: EventHandler;
  /** The call in this file, or the reference handed to the registration (`router.get('/', users.list)`). */
  at: Node;
  target: { model: JsModel; fn: FunctionNode };
}

const SERVER_FACTORIES = new Set([
  'http.createServer',
  'http.Server',
  'https.Server',
  'https.createServer',
  'http2.createServer',
  'http2.createSecureServer',
  'net.createServer',
  'tls.createServer',
]);
const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'timers.setTimeout', 'timers.setInterval', 'timers.setImmediate']);
const EMITTER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'delete', 'del', 'patch', 'all', 'options', 'head', 'use', 'pre']);
const APP_FACTORIES = new Set([
  'express',
  'express.Router',
  'express.application',
  'fastify',
  'fastify.fastify',
  'koa',
  'koa.Koa',
  'hono',
  'hono.Hono',
  '@koa/router',
  'koa-router',
  'restify.createServer',
  'polka',
  'connect',
  '@hapi/hapi.server',
  '@hapi/hapi.Server',
]);
// Receivers commonly holding an app or a router built in another file.
const APP_NAMES = /^(app|router|api|routes|server|fastify|instance|apiRouter|[a-z]+Router)$/;
// Functions handed to these run somewhere else (workerpool serialises them into a worker).
const OFFLOADED_METHODS = new Set(['exec']);
// Events of the process's life, not of serving: start-up, signals, shutdown.
const LIFECYCLE_EVENTS = new Set([
  'exit',
  'beforeExit',
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGBREAK',
  'uncaughtException',
  'unhandledRejection',
  'listening',
  'quit',
  'shutdown',
]);
// Operations a function starts and whose events end it: a child process (and its stdio), a client
// socket or request, a file stream, a line reader. Their listeners run as the tail of the code that
// started them, so they are event context only when that code is (nested in a handler, or reached
// from one), never handlers of their own. A forked child's 'message' is the exception: it is a
// channel the parent serves.
const OPERATIONS = new Set([
  'child_process.spawn',
  'child_process.exec',
  'child_process.execFile',
  'child_process.fork',
  'net.connect',
  'net.createConnection',
  'net.Socket',
  'tls.connect',
  'http.request',
  'http.get',
  'https.request',
  'https.get',
  'fs.createReadStream',
  'fs.createWriteStream',
  'readline.createInterface',
]);
const STDIO = new Set(['stdin', 'stdout', 'stderr']);
// One-shot timers: the callback runs once, after what scheduled it, as part of that path.
const ONE_SHOT_TIMERS = new Set(['setTimeout', 'setImmediate', 'timers.setTimeout', 'timers.setImmediate']);
const NEST_ROUTES = /^@nestjs\/(common|microservices|websockets)\.(Get|Post|Put|Delete|Patch|All|Options|Head|Sse|Search|MessagePattern|EventPattern|SubscribeMessage)$/;
const NEXT_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const TEST_FRAMEWORKS = new Set(['mocha', 'jest', '@jest/globals', 'vitest', 'node:test', 'test', 'tap', 'ava', 'uvu', 'jasmine']);
const TEST_CALLS = new Set(['describe', 'it', 'test', 'suite', 'context', 'beforeEach', 'before', 'beforeAll']);
/** Bounds of one reachability walk: real call graphs fan out fast, and findings need only the near part. */
const MAX_REACHED = 400;
const MAX_DEPTH = 8;

/** The callbacks the file registers (or defines, for middleware shapes), in source order. */
export const eventHandlers = fact((model: JsModel) => {
  const handlers: EventHandler[] = [];
  const seen = new Set<FunctionNode>();
  const add = (h: EventHandler): void => {
    if (h.model === model && seen.has(h.fn)) return;
    if (h.model === model) seen.add(h.fn);
    handlers.push(h);
  };
  for (const call of model.calls) for (const h of registrations(model, call)) add(h);
  for (const h of declaredHandlers(model)) add(h);
  for (const fn of model.functions) {
    const kind = shapeKind(fn);
    if (kind) add({ fn, model, kind: 'middleware', registration: fn, description: kind });
  }
  handlers.sort((a, b) => a.registration.range[0] - b.registration.range[0]);
  return handlers;
});

// ---- what registers a handler ------------------------------------------------------------------

interface HandlerRef {
  fn: FunctionNode;
  model: JsModel;
  /** The argument that names it, when it is a reference to another file's function. */
  ref: Node | null;
}

function handlersIn(model: JsModel, arg: Node | undefined): HandlerRef[] {
  if (!arg || arg.type === 'SpreadElement') return [];
  const fn = model.functionOf(arg);
  if (fn) return [{ fn, model, ref: null }];
  const value = unwrap(arg);
  // `asyncHandler(async (req, res) => …)`: wrappers hand the function on.
  if (value.type === 'CallExpression') return value.arguments.flatMap((a) => handlersIn(model, a).filter((h) => h.ref === null));
  if (value.type === 'ArrayExpression') return value.elements.flatMap((e) => handlersIn(model, e ?? undefined));
  const target = resolveTarget(model, value);
  if (target) return [{ fn: target.fn, model: target.model, ref: value }];
  return [];
}

function registrations(model: JsModel, call: CallLike): EventHandler[] {
  const q = model.qname(call.callee);
  const make = (refs: HandlerRef[], kind: HandlerKind, description: string): EventHandler[] =>
    refs.map((r) => ({ fn: r.fn, model: r.model, kind, registration: r.ref ?? call, description }));
  if (call.type === 'CallExpression' || call.type === 'NewExpression') {
    if (q && SERVER_FACTORIES.has(q)) return make(call.arguments.flatMap((a) => handlersIn(model, a)), 'http', `the ${q}() request handler`);
  }
  if (call.type !== 'CallExpression') return [];
  if (q && TIMERS.has(q)) {
    const refs = handlersIn(model, call.arguments[0]);
    // A one-shot timer is a continuation of what schedules it, unless it schedules itself again (a poll loop).
    if (ONE_SHOT_TIMERS.has(q) && !refs.some((r) => reschedules(model, call, r))) return [];
    return make(refs, 'timer', `the ${q.replace(/^timers\./, '')}() callback`);
  }
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier' && callee.name === 'addEventListener' && !model.resolve(callee)) {
    // A browser script's global `addEventListener('fetch' | 'message', …)`.
    const event = eventName(model, call.arguments[0]);
    return event ? make(handlersIn(model, call.arguments[1]), 'emitter', `the ${event.label} listener`) : [];
  }
  if (callee.type !== 'MemberExpression') return [];
  const method = memberName(callee);
  if (!method) return [];
  const receiver = unwrap(callee.object);
  if (EMITTER_METHODS.has(method) && call.arguments.length >= 2) {
    const event = eventName(model, call.arguments[0]);
    if (!event) return [];
    if (model.qname(receiver) === 'worker_threads.parentPort') return [];
    const operation = operationOf(model, receiver);
    if (operation === 'terminal' || (operation !== null && !(operation === 'child_process.fork' && event.name === 'message'))) return [];
    const refs = handlersIn(model, call.arguments[call.arguments.length - 1]);
    if (model.qname(receiver) === 'process') {
      return event.name === 'message' ? make(refs, 'message', "the process 'message' listener") : [];
    }
    if (event.name !== null && LIFECYCLE_EVENTS.has(event.name)) return [];
    // A server's 'close' is its shutdown; a connection's 'close' happens while serving.
    if (event.name === 'close' && isServer(model, receiver)) return [];
    if (event.name === 'request' || event.name === 'connection' || event.name === 'upgrade' || event.name === 'stream') {
      return make(refs, 'http', `the ${event.label} listener`);
    }
    return make(refs, event.name === 'message' ? 'message' : 'emitter', `the ${event.label} listener`);
  }
  if (ROUTE_METHODS.has(method)) {
    const first = call.arguments[0];
    const routePath = staticString(first);
    const looksLikeRoute = (routePath !== null && /^[/*]/.test(routePath)) || (first?.type === 'Literal' && 'regex' in first);
    const appLike = isAppLike(model, receiver, 0);
    if (!looksLikeRoute && !appLike) return [];
    if ((method === 'use' || method === 'pre') && !appLike) return [];
    const refs = call.arguments.flatMap((a) => handlersIn(model, a));
    const verb = method === 'use' || method === 'pre' ? 'middleware' : `${method.toUpperCase()}${routePath ? ` ${routePath}` : ''} handler`;
    return make(refs, 'route', `the ${verb}`);
  }
  if ((method === 'route' || method === 'addHook' || method === 'ext') && isAppLike(model, receiver, 0)) {
    if (method === 'addHook' || method === 'ext') {
      return make(handlersIn(model, call.arguments[1]), 'route', `the '${staticString(call.arguments[0]) ?? 'hook'}' hook`);
    }
    const first = call.arguments[0] ? model.valueOf(call.arguments[0]) : null;
    // hapi takes one route object or an array of them; fastify one object.
    const options = first?.type === 'ArrayExpression' ? first.elements.map((e) => (e ? model.valueOf(e) : null)) : [first];
    const out: EventHandler[] = [];
    for (const o of options) {
      if (o?.type !== 'ObjectExpression') continue;
      const refs = ['handler', 'preHandler', 'onRequest'].flatMap((k) => handlersIn(model, objectProperty(o, k)?.value));
      const url = staticString(objectProperty(o, 'url')?.value ?? objectProperty(o, 'path')?.value);
      out.push(...make(refs, 'route', `the ${url ? `${url} ` : ''}route handler`));
    }
    return out;
  }
  return [];
}

/**
 * The operation whose events `receiver` emits: the factory's qualified name (`child_process.spawn`
 * for `child` and `child.stdout`), 'terminal' for `process.stdin`/`stdout`/`stderr` (a command's
 * input and output), or null for anything else.
 */
function operationOf(model: JsModel, receiver: Node): string | null {
  let node = unwrap(receiver);
  if (node.type === 'MemberExpression' && STDIO.has(memberName(node) ?? '')) {
    if (model.qname(node.object) === 'process') return 'terminal';
    node = unwrap(node.object);
  }
  return operationCall(model, node, 0);
}

/** The factory an operation call uses: `spawn(…)`, `spawnIt()` with `const spawnIt = spawn.bind(…)`, or a same-file helper that returns one. */
function operationCall(model: JsModel, expr: Node, depth: number): string | null {
  const value = model.valueOf(expr);
  if ((value.type !== 'CallExpression' && value.type !== 'NewExpression') || depth > 3) return null;
  const q = model.qname(value.callee);
  if (q && OPERATIONS.has(q)) return q;
  if (value.type !== 'CallExpression') return null;
  return operationFactory(model, value.callee, depth + 1) ?? returnedBy(model, value.callee, (r) => operationCall(model, r, depth + 1));
}

/** `spawn`, `spawn.bind(this, cmd, args)`, or a helper returning one of them: a function that starts an operation when called. */
function operationFactory(model: JsModel, expr: Node, depth: number): string | null {
  if (depth > 3) return null;
  const value = model.valueOf(expr);
  const q = model.qname(value);
  if (q && OPERATIONS.has(q)) return q;
  if (value.type !== 'CallExpression') return null;
  const callee = unwrap(value.callee);
  if (callee.type === 'MemberExpression' && memberName(callee) === 'bind') return operationFactory(model, callee.object, depth + 1);
  return returnedBy(model, value.callee, (r) => operationFactory(model, r, depth + 1));
}

/** What `of` finds in every value a same-file function returns (null when one of them has none, or there are none). */
function returnedBy(model: JsModel, callee: Node, of: (value: Node) => string | null): string | null {
  const fn = model.functionOf(callee);
  if (!fn) return null;
  if (fn.body.type !== 'BlockStatement') return of(fn.body);
  let found: string | null = null;
  const stack: Node[] = [fn.body];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (isFunction(n)) continue;
    if (n.type === 'ReturnStatement') {
      const q = n.argument ? of(n.argument) : null;
      if (!q) return null;
      found = q;
      continue;
    }
    pushChildren(n, stack);
  }
  return found;
}

/** Whether a timer's callback schedules it again: it is, or calls, the function that sets the timer. */
function reschedules(model: JsModel, timer: CallLike, ref: HandlerRef): boolean {
  if (ref.model !== model) return false;
  const scheduler = model.enclosingFunction(timer);
  if (!scheduler) return false;
  if (ref.fn === scheduler) return true;
  return outgoing(model, ref.fn).some((o) => o.target.model === model && o.target.fn === scheduler);
}

/** An event name known from the source: a literal, a constant (`EVENT_RUN_END`), or a member of a constant table. */
function eventName(model: JsModel, arg: Node | undefined): { name: string | null; label: string } | null {
  if (!arg) return null;
  const literal = staticString(arg);
  if (literal !== null) return { name: literal, label: `'${literal}'` };
  const node = unwrap(arg);
  const value = staticString(model.valueOf(node));
  if (value !== null) return { name: value, label: `'${value}'` };
  if (node.type === 'Identifier') {
    const binding = model.resolve(node);
    // `const { EVENT_RUN_END } = Runner.constants`: a constant whose value another module holds.
    if (binding && (binding.kind === 'const' || binding.kind === 'import') && model.isConstant(binding)) return { name: null, label: `\`${node.name}\`` };
    return null;
  }
  if (node.type === 'MemberExpression' && !node.computed) {
    const name = memberName(node);
    const table = model.valueOf(node.object);
    if (name && table.type === 'ObjectExpression') {
      const s = staticString(objectProperty(table, name)?.value);
      if (s !== null) return { name: s, label: `'${s}'` };
    }
    // `Events.REQUEST`, `constants.EVENT_RUN_END`: names written as constants.
    if (name && /^[A-Z][A-Z0-9_]*$/.test(name)) return { name: null, label: `\`${model.text(node)}\`` };
  }
  return null;
}

/** A server object: made by a server factory, returned by `.listen()`, or named as one. */
/** Whether `expr` is a server (http.createServer(), a `.listen()` result, a name ending in server). */
export function isServer(model: JsModel, expr: Node): boolean {
  const value = model.valueOf(expr);
  if (value.type === 'CallExpression' || value.type === 'NewExpression') {
    if (SERVER_FACTORIES.has(model.qname(value.callee) ?? '')) return true;
    const callee = unwrap(value.callee);
    return callee.type === 'MemberExpression' && memberName(callee) === 'listen';
  }
  const name = value.type === 'Identifier' ? value.name : value.type === 'MemberExpression' ? memberName(value) : null;
  return !!name && /server$/i.test(name);
}

/** Whether `expr` is a web framework's app (express(), fastify(), …, or named like one). */
export function isAppLike(model: JsModel, expr: Node, depth: number): boolean {
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

/**
 * Handlers the file declares rather than registers: methods of a Nest controller with a route
 * decorator, a Next.js API route's default export (`pages/api/…`), an App Router `route.ts`'s
 * `GET`/`POST`… exports and a page's `getServerSideProps`.
 */
function declaredHandlers(model: JsModel): EventHandler[] {
  const out: EventHandler[] = [];
  for (const stmt of model.program.body) {
    const decl = stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration' ? stmt.declaration : stmt;
    if (decl?.type !== 'ClassDeclaration' || !decl.decorators?.some((d) => /^@nestjs\/common\.Controller$/.test(decoratorName(model, d) ?? ''))) continue;
    const className = decl.id?.name ?? 'the controller';
    for (const member of decl.body.body) {
      if (member.type !== 'MethodDefinition' || member.value.type !== 'FunctionExpression') continue;
      const route = member.decorators?.map((d) => decoratorName(model, d)).find((n) => n && NEST_ROUTES.test(n));
      if (!route) continue;
      const verb = route.split('.')[1].toUpperCase();
      out.push({ fn: member.value, model, kind: 'route', registration: member, description: `the ${verb} handler \`${className}.${propertyName(member) ?? 'method'}\`` });
    }
  }
  const file = model.path.split(path.sep).join('/');
  const pagesApi = /\/pages\/api\//.test(file);
  const appRoute = /\/app\/(.*\/)?route\.[cm]?[jt]sx?$/.test(file);
  const page = /\/pages\//.test(file);
  for (const e of exportedFunctions(model)) {
    if (pagesApi && e.name === 'default') out.push({ fn: e.fn, model, kind: 'route', registration: e.fn, description: 'the Next.js API route' });
    else if (appRoute && NEXT_METHODS.has(e.name)) out.push({ fn: e.fn, model, kind: 'route', registration: e.fn, description: `the Next.js ${e.name} route handler` });
    else if (page && e.name === 'getServerSideProps') out.push({ fn: e.fn, model, kind: 'route', registration: e.fn, description: 'getServerSideProps (runs per request)' });
  }
  return out;
}

function decoratorName(model: JsModel, decorator: TSESTree.Decorator): string | null {
  const expr = unwrap(decorator.expression);
  return model.qname(expr.type === 'CallExpression' ? expr.callee : expr);
}

/** `(req, res)`, `(req, res, next)`, `(err, req, res, next)`, koa's `(ctx, next)`, hapi's `(request, h)`: a request handler by its parameters. */
function shapeKind(fn: FunctionNode): string | null {
  const names = fn.params.map((p) => {
    const id = p.type === 'AssignmentPattern' ? p.left : p;
    return id.type === 'Identifier' ? id.name : null;
  });
  const at = names[0] === 'err' || names[0] === 'error' ? 1 : 0;
  const [a, b] = [names[at], names[at + 1]];
  const req = a === 'req' || a === 'request';
  if (req && (b === 'res' || b === 'response' || b === 'reply')) return names.length > at + 2 ? 'the middleware' : 'the request handler';
  if (req && b === 'h' && names.length === 2) return 'the route handler';
  if (a === 'ctx' && b === 'next' && names.length === 2) return 'the middleware';
  return null;
}

// ---- which files serve ----------------------------------------------------------------------

/** A CLI entry point or build script: run from a terminal (shebang, `bin/`, `require.main === module`), serving nothing. */
const isCliScript = fact((model: JsModel) => {
  const file = model.path.split(path.sep).join('/');
  let cli = model.source.startsWith('#!') || /\/bin\/[^/]+$/.test(file) || /\/scripts\/[^/]+$/.test(file);
  cli ||= /(^|\/)(gulpfile|gruntfile|jakefile|[\w.-]+\.config)\.[cm]?[jt]s$/i.test(file);
  if (!cli) {
    for (const c of model.conditionals) {
      if (isMainModuleTest(model, c.test)) {
        cli = true;
        break;
      }
    }
  }
  // A command that starts a server serves from then on, and a request handler the file defines (a
  // middleware its factory returns) serves wherever it is mounted, whatever the file's first line.
  if (cli && eventHandlers(model).some((h) => h.kind === 'http' || h.kind === 'route' || h.kind === 'middleware')) cli = false;
  return cli;
});

/** A test file: named as one, or calling a test framework's `describe`/`it` at its top level. */
const isTestFile = fact((model: JsModel) => {
  const file = model.path.split(path.sep).join('/');
  if (/[.-](test|spec)\.[cm]?[jt]sx?$/.test(file) || /\/__tests__\//.test(file)) return true;
  for (const stmt of model.program.body) {
    if (stmt.type !== 'ExpressionStatement') continue;
    const expr = unwrap(stmt.expression);
    if (expr.type !== 'CallExpression') continue;
    const callee = unwrap(expr.callee);
    const base = callee.type === 'MemberExpression' ? unwrap(callee.object) : callee;
    if (base.type !== 'Identifier' || !TEST_CALLS.has(base.name)) continue;
    const binding = model.resolve(base);
    if (!binding || (binding.kind === 'import' && TEST_FRAMEWORKS.has(binding.module ?? '')) || TEST_FRAMEWORKS.has(model.qname(base)?.split('.')[0] ?? '')) return true;
  }
  return false;
});

/** Whether code of the file can run while the process serves: not a CLI, build script or test. */
export function servesEvents(model: JsModel): boolean {
  return !isCliScript(model) && !isTestFile(model);
}

/** The handlers of this file that run on a main thread's event loop. */
export const mainHandlers = fact((model: JsModel) => {
  if (!servesEvents(model)) return [];
  const lifecycle = lifecycleListeners(model);
  return eventHandlers(model).filter(
    (h) =>
      model.threadContext(h.registration) !== 'worker' &&
      (h.model === model || h.model.role !== 'worker') &&
      // A timer or listener set up on the way out (a restart timer in an 'exit' listener) belongs to that path.
      !lifecycle.some((fn) => model.contains(fn, h.registration)),
  );
});

/** Listeners of the process's life (signals, 'exit', a server's 'close', 'listening'): start-up and shutdown paths. */
const lifecycleListeners = fact((model: JsModel) => {
  const out: FunctionNode[] = [];
  for (const call of model.calls) {
    if (call.type !== 'CallExpression') continue;
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression' || !EMITTER_METHODS.has(memberName(callee) ?? '')) continue;
    const event = eventName(model, call.arguments[0]);
    if (event?.name == null) continue;
    const receiver = unwrap(callee.object);
    const processEvent = model.qname(receiver) === 'process' && event.name !== 'message';
    if (!processEvent && !LIFECYCLE_EVENTS.has(event.name) && !(event.name === 'close' && isServer(model, receiver))) continue;
    const fn = model.functionOf(call.arguments[call.arguments.length - 1]);
    if (fn) out.push(fn);
  }
  return out;
});

// ---- what a call reaches --------------------------------------------------------------------

/** The function a callee (or a function reference) denotes: in this file, a class method via `this`, or an export of another file. */
export function resolveTarget(model: JsModel, expr: Node): { model: JsModel; fn: FunctionNode } | null {
  const node = unwrap(expr);
  const local = model.functionOf(node);
  if (local) return { model, fn: local };
  if (node.type === 'MemberExpression') {
    const name = memberName(node);
    if (!name) return null;
    const object = unwrap(node.object);
    if (object.type === 'ThisExpression' || isThisAlias(model, object)) {
      const fn = thisMethod(model, node, name);
      if (fn) return { model, fn };
      return null;
    }
    // `this.users.find()` on a Nest-style injected service: the constructor parameter's class.
    if (object.type === 'MemberExpression' && unwrap(object.object).type === 'ThisExpression') {
      const field = memberName(object);
      const cls = field ? injectedClass(model, node, field) : null;
      const method = cls ? classMethod(cls.model, cls.decl, name) : null;
      if (cls && method) return { model: cls.model, fn: method };
    }
  }
  return importedFunction(model, node);
}

/** `var self = this` (`bs`, `that`): older code calls its own methods through an alias of `this`. */
function isThisAlias(model: JsModel, expr: Node): boolean {
  if (expr.type !== 'Identifier') return false;
  const binding = model.resolve(expr);
  return !!binding?.init && binding.path?.length === 0 && unwrap(binding.init).type === 'ThisExpression' && model.isConstant(binding);
}

/** `a.b.c` → the root identifier and the member names after it. */
function memberPath(expr: Node): { root: TSESTree.Identifier; names: string[] } | null {
  const names: string[] = [];
  let node = unwrap(expr);
  while (node.type === 'MemberExpression') {
    const name = memberName(node);
    if (name === null) return null;
    names.unshift(name);
    node = unwrap(node.object);
  }
  return node.type === 'Identifier' ? { root: node, names } : null;
}

/** The module (relative specifier) and export path a reference names through imports and requires. */
function importedPath(model: JsModel, expr: Node): { specifier: string; names: string[] } | null {
  const ref = memberPath(expr);
  if (!ref) return null;
  const binding = model.resolve(ref.root);
  if (!binding) return null;
  if (binding.kind === 'import' && binding.module) {
    const head = binding.imported === '*' ? [] : binding.imported === 'default' ? ['default'] : [binding.imported ?? ''];
    return { specifier: binding.module, names: [...head, ...ref.names] };
  }
  if ((binding.kind === 'const' || binding.kind === 'var' || binding.kind === 'let') && binding.init && binding.path && !binding.loop && model.isConstant(binding)) {
    const init = unwrap(binding.init);
    const spec = init.type === 'CallExpression' ? model.requiredModule(init) : null;
    if (spec !== null) return { specifier: spec, names: [...binding.path, ...ref.names] };
  }
  return null;
}

/** The model of the workspace file a relative specifier names, once per file and specifier (most candidates do not exist). */
const moduleModel = factBy((model: JsModel, specifier: string): JsModel | null => {
  if (!model.project) return null;
  for (const candidate of moduleCandidates(model, specifier)) {
    const other = model.project.modelAt(candidate);
    if (other) return other === model ? null : other;
  }
  return null;
});

function importedFunction(model: JsModel, expr: Node): { model: JsModel; fn: FunctionNode } | null {
  const imported = importedPath(model, expr);
  if (!imported) return null;
  const other = moduleModel(model, imported.specifier);
  if (!other) return null;
  const names = imported.names[0] === 'default' && imported.names.length > 1 ? imported.names.slice(1) : imported.names;
  const name = names.length === 0 ? 'default' : names.length === 1 ? names[0] : null;
  if (name === null) return null;
  const exported = exportedFunctions(other).find((e) => e.name === name);
  return exported ? { model: other, fn: exported.fn } : null;
}

/** Methods of the file by name: class methods, `X.prototype.name = function`, `this.name = function`. */
const methodsByName = fact((model: JsModel) => {
  const map = new Map<string, FunctionNode[]>();
  const add = (name: string | null, fn: Node | null | undefined): void => {
    if (!name || !fn || !isFunction(fn)) return;
    const list = map.get(name) ?? [];
    list.push(fn);
    map.set(name, list);
  };
  for (const fn of model.functions) {
    const parent = model.parent(fn);
    if (parent?.type === 'MethodDefinition' && parent.kind === 'method') add(propertyName(parent), fn);
    else if (parent?.type === 'PropertyDefinition') add(propertyName(parent), fn);
  }
  for (const a of model.assignments) {
    if (a.operator !== '=' || a.left.type !== 'MemberExpression') continue;
    const target = a.left;
    const object = unwrap(target.object);
    const onPrototype = object.type === 'MemberExpression' && memberName(object) === 'prototype';
    if (onPrototype || object.type === 'ThisExpression') add(memberName(target), unwrap(a.right));
  }
  return map;
});

/** `this.name` inside a class (or a prototype method): the method of that name, when the file has exactly one. */
function thisMethod(model: JsModel, at: Node, name: string): FunctionNode | null {
  for (const a of model.ancestors(at)) {
    if (a.type === 'ClassBody') {
      const own = classMethod(model, model.parent(a) as TSESTree.ClassDeclaration, name);
      if (own) return own;
      break;
    }
  }
  const all = methodsByName(model).get(name) ?? [];
  return all.length === 1 ? all[0] : null;
}

function classMethod(model: JsModel, decl: TSESTree.ClassDeclaration | TSESTree.ClassExpression, name: string): FunctionNode | null {
  for (const member of decl.body.body) {
    if (member.type === 'MethodDefinition' && member.kind === 'method' && propertyName(member) === name && member.value.type === 'FunctionExpression') return member.value;
    if (member.type === 'PropertyDefinition' && propertyName(member) === name && member.value && isFunction(member.value)) return member.value;
  }
  return null;
}

/** The class of `this.field` when the constructor declares it as a typed parameter property (dependency injection). */
function injectedClass(model: JsModel, at: Node, field: string): { model: JsModel; decl: TSESTree.ClassDeclaration } | null {
  let body: TSESTree.ClassBody | null = null;
  for (const a of model.ancestors(at)) {
    if (a.type === 'ClassBody') {
      body = a;
      break;
    }
  }
  if (!body) return null;
  const ctor = body.body.find((m): m is TSESTree.MethodDefinition => m.type === 'MethodDefinition' && m.kind === 'constructor');
  if (!ctor) return null;
  for (const param of ctor.value.params) {
    if (param.type !== 'TSParameterProperty') continue;
    const id = param.parameter.type === 'AssignmentPattern' ? param.parameter.left : param.parameter;
    if (id.type !== 'Identifier' || id.name !== field) continue;
    const type = id.typeAnnotation?.typeAnnotation;
    if (type?.type !== 'TSTypeReference' || type.typeName.type !== 'Identifier') return null;
    return classNamed(model, type.typeName);
  }
  return null;
}

function classNamed(model: JsModel, id: TSESTree.Identifier): { model: JsModel; decl: TSESTree.ClassDeclaration } | null {
  // A name in a type position is not indexed as a reference: look it up in the module scope.
  const binding = model.topLevelBinding(id.name);
  if (binding?.kind === 'class') {
    const decl = model.parent(binding.id);
    return decl?.type === 'ClassDeclaration' ? { model, decl } : null;
  }
  if (binding?.kind !== 'import' || !binding.module) return null;
  const other = moduleModel(model, binding.module);
  if (!other) return null;
  for (const stmt of other.program.body) {
    const decl = stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration' ? stmt.declaration : null;
    if (decl?.type !== 'ClassDeclaration' || !decl.id) continue;
    if (decl.id.name === binding.imported || (binding.imported === 'default' && stmt.type === 'ExportDefaultDeclaration')) return { model: other, decl };
  }
  return null;
}

/** The calls of the file grouped by the function they are directly in (null: module level). */
const callsByFunction = fact((model: JsModel) => {
  const map = new Map<FunctionNode | null, TSESTree.CallExpression[]>();
  for (const call of model.calls) {
    if (call.type !== 'CallExpression') continue;
    const fn = model.enclosingFunction(call);
    const list = map.get(fn) ?? [];
    list.push(call);
    map.set(fn, list);
  }
  return map;
});

/** The function itself and the functions nested in it (their calls run when it runs, or later). */
export function functionsWithin(model: JsModel, fn: FunctionNode): FunctionNode[] {
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

/** The functions `fn` hands control to: what it calls, and the function references it passes on (`.then(render)`). */
export function outgoing(model: JsModel, fn: FunctionNode): { call: Node; target: { model: JsModel; fn: FunctionNode } }[] {
  const out: { call: Node; target: { model: JsModel; fn: FunctionNode } }[] = [];
  for (const inner of functionsWithin(model, fn)) {
    for (const call of callsByFunction(model).get(inner) ?? []) {
      const target = resolveTarget(model, call.callee);
      if (target && !(target.model === model && model.contains(fn, target.fn))) out.push({ call, target });
      if (isOffloadingCall(model, call)) continue;
      for (const arg of call.arguments) {
        const value = unwrap(arg);
        if (isFunction(value) || (value.type !== 'Identifier' && value.type !== 'MemberExpression')) continue;
        const ref = resolveTarget(model, value);
        if (ref && !(ref.model === model && model.contains(fn, ref.fn))) out.push({ call, target: ref });
      }
    }
  }
  return out;
}

export interface Reached {
  model: JsModel;
  fn: FunctionNode;
  steps: Step[];
}

/** Every function `fn` leads to (itself first), across the files whose imports resolve, each with the first path found. */
export const reachableFrom = factBy((model: JsModel, fn: FunctionNode): Reached[] => {
  const out: Reached[] = [{ model, fn, steps: [] }];
  const seen = new Set<FunctionNode>([fn]);
  for (let i = 0; i < out.length && out.length < MAX_REACHED; i++) {
    const current = out[i];
    if (current.steps.length >= MAX_DEPTH) continue;
    for (const { call, target } of outgoing(current.model, current.fn)) {
      if (seen.has(target.fn)) continue;
      seen.add(target.fn);
      if (target.model !== current.model && target.model.role === 'worker') continue;
      if (target.model.threadContext(target.fn) === 'worker') continue;
      out.push({ model: target.model, fn: target.fn, steps: [...current.steps, { from: current.model, call, to: target.model, target: target.fn }] });
    }
  }
  return out;
});

/** Main-thread handlers of the file plus the same-file functions they reach, each with the handler that reaches it first. */
const eventFunctions = fact((model: JsModel) => {
  const map = new Map<FunctionNode, EventContext>();
  const handlers = mainHandlers(model).filter((h) => h.model === model);
  for (const handler of handlers) if (!map.has(handler.fn)) map.set(handler.fn, { handler, steps: [] });
  for (const handler of handlers) {
    for (const r of reachableFrom(model, handler.fn)) {
      if (r.model === model && !map.has(r.fn)) map.set(r.fn, { handler, steps: r.steps });
    }
  }
  return map;
});

/** The calls in this file's handlers that lead into other functions (of this file or others), and handler references to other files. */
export const eventEntries = fact((model: JsModel) => {
  const entries: EventEntry[] = [];
  for (const handler of mainHandlers(model)) {
    if (handler.model !== model) {
      entries.push({ handler, at: handler.registration, target: { model: handler.model, fn: handler.fn } });
      continue;
    }
    for (const { call, target } of outgoing(model, handler.fn)) entries.push({ handler, at: call, target });
  }
  return entries;
});

function isOffloaded(model: JsModel, fn: FunctionNode): boolean {
  const cb = model.callbackOf(fn);
  return !!cb && cb.call.type === 'CallExpression' && isOffloadingCall(model, cb.call);
}

function isOffloadingCall(model: JsModel, call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || !OFFLOADED_METHODS.has(memberName(callee) ?? '')) return false;
  const pool = model.valueOf(callee.object);
  return pool.type === 'CallExpression' && model.qname(pool.callee) === 'workerpool.pool';
}

/** The main-thread event context a node of this file runs in (a request handler, a timer…), or null. */
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

/** Whether `node` runs as part of `fn` itself (its body and nested callbacks), not in a function handed off elsewhere. */
export function runsIn(model: JsModel, fn: FunctionNode, node: Node): boolean {
  if (!model.contains(fn, node)) return false;
  for (const a of model.ancestors(node)) {
    if (a === fn) return true;
    if (isFunction(a) && isOffloaded(model, a)) return false;
  }
  return false;
}

/** How messages name a step's target: "`render`" or "`render` (lib/render.js)" for another file. */
export function stepLabel(from: JsModel, step: { to: JsModel; target: FunctionNode }): string {
  const label = step.to.functionLabel(step.target);
  if (step.to === from) return label;
  return `${label} (${path.relative(from.directory, step.to.path) || path.basename(step.to.path)})`;
}

/**
 * A chain of calls for messages: "`a` → `b`", each file named once after the functions in it
 * ("`nearest` → `closestPair` (lib/pairs.js)"), none for this file's own functions.
 */
export function chainText(from: JsModel, items: readonly { to: JsModel; target: FunctionNode }[]): string {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const { to, target } = items[i];
    const last = i === items.length - 1 || items[i + 1].to !== to;
    const file = to === from || !last ? '' : ` (${path.relative(from.directory, to.path) || path.basename(to.path)})`;
    parts.push(`${to.functionLabel(target)}${file}`);
  }
  return parts.join(' → ');
}

/** The related-information note on a handler's registration, or on its definition when it is a handler by its shape or decorator. */
export function registrationNote(handler: EventHandler): string {
  return `${isFunction(handler.registration) || handler.registration.type === 'MethodDefinition' ? 'defined here' : 'registered here'}: ${handler.description}`;
}

/** A call as the code writes it, for messages: `readFileSync`, `lib.render`, not the resolved module path. */
export function calleeText(model: JsModel, node: Node): string {
  const target = node.type === 'CallExpression' || node.type === 'NewExpression' ? node.callee : node;
  const text = model.text(unwrap(target)).replace(/\s+/g, '');
  return text.length > 40 ? `…${text.slice(-39)}` : text;
}
