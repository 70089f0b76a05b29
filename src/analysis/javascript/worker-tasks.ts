import { fact } from '../core/facts';
import type { Node, TSESTree } from './parse';
import type { JsModel } from './model';
import { type CallLike, type FunctionNode, isFunction, loopAwaits, memberName, staticString, unwrap } from './syntax';
import { allLoops, cpuHotspots, loopBound } from './cpu';
import type { Evidence } from './cpu';

// What a worker script does for each task (CL106): the listener of `parentPort` messages, the
// function a pool runs (default export, `workerpool.worker({...})`), and its top-level code. `io` only
// when every call it makes is known async I/O or cheap; anything unexplained is `unknown` (silent).

export type TaskKind = 'io' | 'compute' | 'unknown' | 'empty';

export interface TaskWorkload {
  kind: TaskKind;
  evidence: Evidence[];
}

const IO_EXACT = new Set(['fetch', 'http.request', 'http.get', 'https.request', 'https.get', 'net.connect', 'net.createConnection', 'tls.connect', 'dns.lookup', 'timers.promises.setTimeout', 'node-fetch', 'got', 'axios', 'undici.request', 'undici.fetch']);
const IO_PREFIXES = ['fs.promises.', 'dns.promises.', 'axios.', 'got.', 'undici.', 'ky.', 'node-fetch.', 'pg.', 'mysql2.promise.', 'mongodb.', 'ioredis.', 'redis.'];
// Awaited methods that are I/O whatever the receiver: DB clients, fetch response bodies.
const IO_METHODS = new Set([
  'query',
  'execute',
  'findOne',
  'findMany',
  'findUnique',
  'findFirst',
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'aggregate',
  'json',
  'text',
  'arrayBuffer',
  'blob',
  'readFile',
  'writeFile',
]);
const CHEAP_EXACT = new Set([
  'console.log',
  'console.info',
  'console.warn',
  'console.error',
  'console.debug',
  'JSON.parse',
  'JSON.stringify',
  'Array.isArray',
  'Array.from',
  'Object.keys',
  'Object.values',
  'Object.entries',
  'Object.assign',
  'Object.fromEntries',
  'Promise.all',
  'Promise.allSettled',
  'Promise.race',
  'Promise.any',
  'Promise.resolve',
  'Promise.reject',
  'Promise',
  'Date.now',
  'Date',
  'performance.now',
  'String',
  'Number',
  'Boolean',
  'Error',
  'TypeError',
  'URL',
  'URLSearchParams',
  'Map',
  'Set',
  'Buffer.from',
  'Buffer.concat',
  'worker_threads.parentPort.postMessage',
  'process.send',
  'process.exit',
  'setTimeout',
  'clearTimeout',
  'require',
  'workerpool.worker',
  'AbortController',
  'AbortSignal.timeout',
  'Headers',
  'Request',
  'Response',
  'TextDecoder',
  'TextEncoder',
  'structuredClone',
  'encodeURIComponent',
  'decodeURIComponent',
  'parseInt',
  'parseFloat',
  'Number.parseInt',
  'Number.parseFloat',
  'clearInterval',
  'Object.freeze',
]);
const CHEAP_METHODS = new Set([
  'push',
  'pop',
  'shift',
  'unshift',
  'slice',
  'concat',
  'join',
  'split',
  'trim',
  'toLowerCase',
  'toUpperCase',
  'includes',
  'indexOf',
  'startsWith',
  'endsWith',
  'replace',
  'toString',
  'toFixed',
  'then',
  'catch',
  'finally',
  'map',
  'filter',
  'forEach',
  'some',
  'every',
  'find',
  'get',
  'set',
  'has',
  'postMessage',
  'send',
  'on',
  'once',
  'keys',
  'values',
  'entries',
  'resolve',
  'reject',
  'raiseForStatus',
]);

/** The functions a worker script runs per task, and whether its top-level code counts too. */
export function taskRoots(model: JsModel): FunctionNode[] {
  const roots: FunctionNode[] = [];
  const add = (expr: Node | null | undefined): void => {
    const fn = expr ? model.functionOf(expr) : null;
    if (fn && !roots.includes(fn)) roots.push(fn);
  };
  for (const call of model.calls) {
    if (call.type !== 'CallExpression') continue;
    const q = model.qname(call.callee);
    if (model.isWorkerMessageRegistration(call) || ((q === 'process.on' || q === 'process.once') && staticString(call.arguments[0]) === 'message')) {
      add(call.arguments[1]);
    }
    if (q === 'workerpool.worker') {
      const obj = call.arguments[0] ? model.valueOf(call.arguments[0]) : null;
      if (obj?.type === 'ObjectExpression') for (const p of obj.properties) if (p.type === 'Property') add(p.value);
    }
  }
  // Functions the top-level code runs (`async function main() { … } main();`) are the task too.
  for (const call of model.calls) {
    if (call.type === 'CallExpression' && topLevelFlow(model, call)) add(call.callee);
  }
  for (const stmt of model.program.body) {
    if (stmt.type === 'ExportDefaultDeclaration') add(stmt.declaration as Node);
    else if (stmt.type === 'ExportNamedDeclaration' && stmt.declaration?.type === 'FunctionDeclaration') add(stmt.declaration);
    else if (stmt.type === 'ExpressionStatement' && stmt.expression.type === 'AssignmentExpression') {
      const left = model.text(stmt.expression.left).replace(/\s+/g, '');
      if (left === 'module.exports' || left === 'module.exports.default' || left === 'exports.default') {
        const value = model.valueOf(stmt.expression.right);
        if (value.type === 'ObjectExpression') for (const p of value.properties) p.type === 'Property' && add(p.value);
        else add(stmt.expression.right);
      }
    }
  }
  return roots;
}

/** Classifies what the worker script's tasks do. */
export const classifyWorkerScript = fact(classify);

function classify(model: JsModel): TaskWorkload {
  const roots = taskRoots(model);
  const visited = new Set<FunctionNode>();
  const functions: FunctionNode[] = [];
  const visit = (fn: FunctionNode): void => {
    if (visited.has(fn)) return;
    visited.add(fn);
    functions.push(fn);
    for (const call of model.calls) {
      if (!model.contains(fn, call)) continue;
      const target = model.functionOf(call.callee);
      if (target && !model.contains(fn, target)) visit(target);
    }
  };
  roots.forEach(visit);
  const inTask = (n: Node): boolean => {
    const top = model.enclosingFunction(n) === null || topLevelFlow(model, n);
    return top || functions.some((f) => model.contains(f, n));
  };
  for (const h of cpuHotspots(model)) {
    if (inTask(h.node)) return { kind: 'compute', evidence: h.evidence };
  }
  for (const loop of allLoops(model)) {
    if (!inTask(loop) || loopAwaits(model, loop) || startsIo(model, loop)) continue;
    const bound = loopBound(model, loop);
    if (!(bound.kind === 'const' && bound.n < 1000)) return { kind: 'compute', evidence: [{ node: loop, reason: 'a loop' }] };
  }
  const io: Evidence[] = [];
  for (const call of model.calls) {
    if (!inTask(call)) continue;
    if (isDeclarationHeader(model, call)) continue;
    const verdict = callKind(model, call);
    if (verdict === 'unknown') return { kind: 'unknown', evidence: [{ node: call, reason: `\`${model.text(call.callee)}\`` }] };
    if (verdict === 'io') io.push({ node: call, reason: `awaits \`${model.qname(call.callee) ?? model.text(call.callee)}\`` });
  }
  return io.length > 0 ? { kind: 'io', evidence: io } : { kind: 'empty', evidence: [] };
}

/**
 * A loop whose body starts I/O for each item and does nothing else of note
 * (`urls.map((u) => fetch(u))` under `Promise.all`): it waits, it does not compute. The calls in
 * it are still classified one by one.
 */
function startsIo(model: JsModel, loop: Node): boolean {
  for (const call of model.calls) {
    if (model.contains(loop, call) && call !== loop && callKind(model, call) === 'io') return true;
  }
  return false;
}

/** Top-level code and the bodies of functions invoked right away (`(async () => { … })()`). */
function topLevelFlow(model: JsModel, node: Node): boolean {
  let fn = model.enclosingFunction(node);
  while (fn) {
    if (!model.isImmediatelyInvoked(fn)) return false;
    fn = model.enclosingFunction(fn);
  }
  return true;
}

/** `require(…)` and `import()` at the top are set-up, not the task. */
function isDeclarationHeader(model: JsModel, call: CallLike): boolean {
  if (call.type !== 'CallExpression') return false;
  return model.requiredModule(call) !== null;
}

function callKind(model: JsModel, call: CallLike): 'io' | 'cheap' | 'same-file' | 'unknown' {
  const q = model.qname(call.callee);
  if (q) {
    if (IO_EXACT.has(q) || IO_PREFIXES.some((p) => q.startsWith(p))) return 'io';
    if (CHEAP_EXACT.has(q) || q.startsWith('Math.') || q.startsWith('console.') || q.startsWith('path.') || q.startsWith('util.')) return 'cheap';
    if (q.startsWith('worker_threads.')) return 'cheap';
  }
  if (model.functionOf(call.callee)) return 'same-file';
  const callee = unwrap(call.callee);
  if (isFunction(callee)) return 'same-file';
  if (callee.type === 'MemberExpression') {
    const method = memberName(callee) ?? '';
    if (IO_METHODS.has(method) && isAwaited(model, call)) return 'io';
    if (CHEAP_METHODS.has(method)) return 'cheap';
  }
  if (callee.type === 'Identifier') {
    // Calling a parameter (`resolve`, `done`, `next`) hands control back; it is not work.
    const binding = model.resolve(callee);
    if (binding?.kind === 'param') return 'cheap';
  }
  return 'unknown';
}

function isAwaited(model: JsModel, call: CallLike): boolean {
  let current: Node = call;
  for (let parent = model.parent(call); parent; parent = model.parent(parent)) {
    if (parent.type === 'AwaitExpression') return true;
    if (parent.type === 'MemberExpression' && parent.object === current && ['then', 'catch'].includes(memberName(parent) ?? '')) return true;
    if (parent.type === 'ReturnStatement' || parent.type === 'ArrowFunctionExpression') return true;
    if (parent.type !== 'MemberExpression' && parent.type !== 'CallExpression' && parent.type !== 'ChainExpression' && parent.type !== 'TSAsExpression') return false;
    current = parent;
  }
  return false;
}

export type { TSESTree };
