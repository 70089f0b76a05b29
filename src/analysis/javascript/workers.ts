import { JS_EXTENSIONS } from '../languages';
import * as path from 'node:path';
import { fact } from '../core/facts';
import type { Node, TSESTree } from './parse';
import type { Binding, JsModel } from './model';
import type { SpawnSite } from './spawn-site';
import {
  type CallLike,
  type FunctionNode,
  isArrayFrom,
  isFunction,
  isIterationCall,
  isLoop,
  memberName,
  objectProperty,
  staticString,
  unwrap,
} from './syntax';

// Workers: `new Worker(file | URL, {workerData})`, `child_process.fork/spawn/exec/execFile`,
// `cluster.fork()`, and the pools `new Piscina({filename, maxThreads})`, `new Tinypool(…)`,
// `workerpool.pool(…)`, with the script each one runs resolved to candidate files.

const SOURCE_TWINS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.jsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/** The file's spawn sites, in source order. */
export const spawnSites = fact((model: JsModel) => {
  const sites: SpawnSite[] = [];
  const customClusterExec = model.calls.some((c) => {
    const q = model.qname(c.callee);
    return (q === 'cluster.setupPrimary' || q === 'cluster.setupMaster') && c.arguments.length > 0;
  });
  for (const call of model.calls) {
    const site = spawnSiteOf(model, call, customClusterExec);
    if (site) sites.push(site);
  }
  return sites;
});

function spawnSiteOf(model: JsModel, call: CallLike, customClusterExec: boolean): SpawnSite | null {
  const q = model.qname(call.callee);
  if (!q) return null;
  const args = call.arguments;
  const base = { node: call, options: null, workerData: null, size: null, script: null, scriptCandidates: [], selfSpawn: false, program: null };
  if (call.type === 'NewExpression') {
    if (q === 'worker_threads.Worker') {
      const options = objectOf(model, args[1]);
      return withScript(model, {
        ...base,
        kind: 'worker',
        family: 'thread',
        isPool: false,
        options,
        workerData: options ? objectProperty(options, 'workerData')?.value ?? null : null,
        label: 'new Worker(…)',
        // `new Worker(code, { eval: true })` runs a string of code, not a file.
        script: options && isTrue(objectProperty(options, 'eval')?.value) ? null : args[0] ?? null,
      });
    }
    const pool = q === 'piscina' || q === 'piscina.Piscina' ? 'piscina' : q === 'tinypool' || q === 'tinypool.Tinypool' ? 'tinypool' : null;
    if (pool) {
      const options = objectOf(model, args[0]);
      return withScript(model, {
        ...base,
        kind: pool,
        family: 'thread',
        isPool: true,
        options,
        workerData: options ? objectProperty(options, 'workerData')?.value ?? null : null,
        size: options ? objectProperty(options, 'maxThreads') : null,
        script: options ? objectProperty(options, 'filename')?.value ?? null : null,
        label: pool === 'piscina' ? 'new Piscina(…)' : 'new Tinypool(…)',
      });
    }
    return null;
  }
  switch (q) {
    case 'child_process.fork': {
      const options = objectOf(model, args[2]) ?? objectOf(model, args[1]);
      return withScript(model, { ...base, kind: 'fork', family: 'process', isPool: false, options, script: args[0] ?? null, label: 'fork(…)' });
    }
    case 'child_process.spawn':
    case 'child_process.execFile':
    case 'child_process.exec': {
      const kind = q.split('.')[1] as 'spawn' | 'execFile' | 'exec';
      let script: Node | null = null;
      if (kind !== 'exec' && isNodeExecutable(model, args[0])) {
        const list = args[1] ? model.valueOf(args[1]) : null;
        if (list?.type === 'ArrayExpression') {
          const first = list.elements.find((e) => e && e.type !== 'SpreadElement' && !(staticString(e) ?? '').startsWith('-'));
          script = first ?? null;
        }
      }
      const program = kind === 'exec' ? commandProgram(model, args[0]) : args[0] ? staticString(model.valueOf(args[0])) : null;
      // `spawn(cmd, args, options)`, `spawn(cmd, options)`, `exec(cmd, options, cb)`.
      const options = objectOf(model, args[2]) ?? objectOf(model, args[1]);
      return withScript(model, { ...base, kind, family: 'process', isPool: false, options, script, program, label: `${kind}(…)` });
    }
    case 'cluster.fork':
      return { ...base, kind: 'cluster', family: 'process', isPool: false, selfSpawn: !customClusterExec, label: 'cluster.fork()' };
    case 'workerpool.pool': {
      const first = args[0] ? model.valueOf(args[0]) : null;
      const script = first && first.type !== 'ObjectExpression' ? args[0] : null;
      const options = objectOf(model, script ? args[1] : args[0]);
      return withScript(model, {
        ...base,
        kind: 'workerpool',
        family: 'thread',
        isPool: true,
        options,
        size: options ? objectProperty(options, 'maxWorkers') : null,
        script,
        label: 'workerpool.pool(…)',
      });
    }
    default:
      return null;
  }
}

function withScript(model: JsModel, site: SpawnSite): SpawnSite {
  if (!site.script) return site;
  const where = evalPath(model, site.script, 0);
  if (!where) return site;
  if (where.kind === 'self') return { ...site, selfSpawn: true, scriptCandidates: [path.resolve(model.path)] };
  return { ...site, scriptCandidates: candidates(model, where) };
}

function isTrue(node: Node | undefined): boolean {
  return !!node && node.type === 'Literal' && node.value === true;
}

function objectOf(model: JsModel, expr: Node | undefined): TSESTree.ObjectExpression | null {
  if (!expr) return null;
  const value = model.valueOf(expr);
  return value.type === 'ObjectExpression' ? value : null;
}

/**
 * The program of a shell command line, when its first word is written out: `'ls -l'`,
 * `` `kill -${sig} ${pid}` ``, `'kill ' + pid`. Null when the first word is computed or runs into
 * an interpolation (`` `${bin} x` ``, `` `kill${suffix}` ``).
 */
function commandProgram(model: JsModel, expr: Node | undefined): string | null {
  if (!expr) return null;
  let node = model.valueOf(expr);
  while (node.type === 'BinaryExpression' && node.operator === '+') node = unwrap(node.left);
  const whole = staticString(node);
  const lead = whole ?? (node.type === 'TemplateLiteral' ? node.quasis[0]?.value.cooked ?? null : null);
  if (lead === null) return null;
  const match = /^\s*([^\s;&|<>()]+)(\s|$)/.exec(lead);
  // Only a complete word: the static text must go on past it (or be the whole command).
  if (!match || (whole === null && match[2] === '')) return null;
  return match[1];
}

function isNodeExecutable(model: JsModel, expr: Node | undefined): boolean {
  if (!expr) return false;
  const s = staticString(model.valueOf(expr));
  if (s !== null) return s === 'node' || s.endsWith('/node');
  return isRunningNode(model, expr);
}

/** `process.execPath`, `process.argv0`, `process.argv[0]`: the Node binary running this code, which exists. */
function isRunningNode(model: JsModel, expr: Node): boolean {
  const q = model.qname(expr);
  if (q === 'process.execPath' || q === 'process.argv0') return true;
  const n = unwrap(expr);
  return n.type === 'MemberExpression' && model.qname(n.object) === 'process.argv' && staticString(n.property) === null && n.property.type === 'Literal' && n.property.value === 0;
}

/**
 * Whether a `spawn(…)` can fail to start in practice, which is what its 'error' event reports
 * (besides an abort through `signal`, and a kill that cannot be delivered). Not when it runs the
 * Node binary running this code, nor when a shell runs the command (`shell: true`): a missing
 * program is then the shell's exit code 127 on 'exit'/'close', not an 'error'.
 */
export function spawnMayFailToStart(model: JsModel, site: SpawnSite): boolean {
  if (site.kind !== 'spawn' || site.node.type !== 'CallExpression') return true;
  const { options } = site;
  if (options && objectProperty(options, 'signal')) return true;
  const program = site.node.arguments[0];
  if (program && isRunningNode(model, program)) return false;
  const shell = options ? objectProperty(options, 'shell')?.value : undefined;
  return !(shell && (isTrue(shell) || (staticString(shell) ?? '') !== ''));
}

type PathValue = { kind: 'self' } | { kind: 'path'; base: 'dir' | 'cwd'; rel: string } | { kind: 'dir' };

/** Evaluates the few shapes of script paths people write: literals, `path.join(__dirname, …)`, `new URL(…, import.meta.url)`. */
function evalPath(model: JsModel, expr: Node, depth: number): PathValue | null {
  if (depth > 6) return null;
  const node = model.valueOf(expr);
  const literal = staticString(node);
  if (literal !== null) return { kind: 'path', base: 'cwd', rel: literal.replace(/^file:\/\//, '') };
  switch (node.type) {
    case 'Identifier':
      if (model.resolve(node)) return null;
      if (node.name === '__filename') return { kind: 'self' };
      if (node.name === '__dirname') return { kind: 'dir' };
      return null;
    case 'MemberExpression': {
      const name = memberName(node);
      const object = unwrap(node.object);
      if (object.type === 'MetaProperty') {
        if (name === 'url' || name === 'filename') return { kind: 'self' };
        if (name === 'dirname') return { kind: 'dir' };
        return null;
      }
      if (name === 'href' || name === 'pathname') return evalPath(model, object, depth + 1);
      if (model.qname(object) === 'process.argv' && node.computed && node.property.type === 'Literal' && node.property.value === 1) {
        return { kind: 'self' };
      }
      if (name === 'filename' && model.qname(object) === 'module') return { kind: 'self' };
      return null;
    }
    case 'NewExpression': {
      const q = model.qname(node.callee);
      if (q !== 'URL' && q !== 'url.URL') return null;
      const [first, second] = node.arguments;
      if (!first) return null;
      if (!second) return evalPath(model, first, depth + 1);
      const rel = staticString(first);
      const base = evalPath(model, second, depth + 1);
      if (rel === null || !base || base.kind !== 'self') return null;
      return { kind: 'path', base: 'dir', rel };
    }
    case 'CallExpression': {
      const q = model.qname(node.callee);
      if (q === 'url.fileURLToPath' || q === 'url.pathToFileURL') return node.arguments[0] ? evalPath(model, node.arguments[0], depth + 1) : null;
      if (q === 'require.resolve') {
        const rel = staticString(node.arguments[0]);
        return rel === null ? null : { kind: 'path', base: 'dir', rel };
      }
      if (q === 'path.join' || q === 'path.resolve' || q === 'path.posix.join' || q === 'path.posix.resolve') {
        return joinParts(model, node.arguments, depth, q.endsWith('resolve'));
      }
      return null;
    }
    case 'BinaryExpression':
      if (node.operator !== '+') return null;
      return joinParts(model, [node.left, node.right], depth, false, true);
    case 'TemplateLiteral': {
      const parts: Node[] = [];
      node.quasis.forEach((q, i) => {
        if (q.value.cooked) parts.push({ ...q, type: 'Literal', value: q.value.cooked, raw: q.value.cooked } as unknown as Node);
        if (node.expressions[i]) parts.push(node.expressions[i]);
      });
      return joinParts(model, parts, depth, false, true);
    }
    default:
      return null;
  }
}

function joinParts(model: JsModel, parts: readonly Node[], depth: number, resolve: boolean, concat = false): PathValue | null {
  let base: 'dir' | 'cwd' | null = null;
  const rel: string[] = [];
  for (const part of parts) {
    const s = staticString(part);
    if (s !== null) {
      if (base === null) base = 'cwd';
      if (resolve && path.isAbsolute(s)) rel.length = 0;
      rel.push(s);
      continue;
    }
    const v = evalPath(model, part, depth + 1);
    if (!v || v.kind !== 'dir' || rel.length > 0) return null;
    base = 'dir';
  }
  if (!base) return null;
  const joined = concat ? rel.join('').replace(/^[\\/]/, '') : path.join(...(rel.length ? rel : ['.']));
  return { kind: 'path', base, rel: joined };
}

/** The files an import specifier of the file may name (`./lib` → `lib.js`, `lib.ts`, `lib/index.js`…); none for packages. */
export function moduleCandidates(model: JsModel, specifier: string): string[] {
  if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) return [];
  return candidates(model, { kind: 'path', base: 'dir', rel: specifier });
}

function candidates(model: JsModel, where: PathValue): string[] {
  if (where.kind !== 'path') return [];
  const roots: string[] = [];
  if (path.isAbsolute(where.rel)) roots.push(where.rel);
  else if (where.base === 'dir') roots.push(path.resolve(model.directory, where.rel));
  else {
    // Relative to the working directory, which is usually the project root: the file's folder and a few above it.
    let dir = model.directory;
    for (let i = 0; i < 5; i++) {
      roots.push(path.resolve(dir, where.rel));
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  const out: string[] = [];
  for (const root of roots) {
    const ext = path.extname(root);
    if (JS_EXTENSIONS.includes(ext)) {
      out.push(root);
      for (const twin of SOURCE_TWINS[ext] ?? []) out.push(root.slice(0, -ext.length) + twin);
    } else {
      for (const e of JS_EXTENSIONS) out.push(root + e);
      for (const e of ['.js', '.ts']) out.push(path.join(root, `index${e}`));
    }
  }
  return [...new Set(out)];
}

// ---- what happens to a spawned worker -------------------------------------------------------

export interface SpawnResult {
  /** The variable holding the worker / child process, when it is a plain local or module binding. */
  binding: Binding | null;
  /** Calls chained right on the result: `new Worker(f).on('error', …)`. */
  chained: TSESTree.CallExpression[];
  /** The result leaves our sight: returned, passed to a call, stored in a property. */
  escapes: boolean;
  /** The collection or field the result is put in (`workers[pid] = child`, `list.push(w)`, `map.set(id, w)`, `this.child = …`). */
  stored: Node | null;
}

/** Methods that put their argument in a collection (the last argument for `map.set(key, value)`). */
const STORE_METHODS = new Set(['push', 'unshift', 'set', 'add']);

/** The collection (or `this` field) `value` is stored in by its parent expression, or null. */
export function storedIn(model: JsModel, value: Node, parent: Node): Node | null {
  if (parent.type === 'AssignmentExpression' && parent.right === value && parent.operator === '=') {
    const left = unwrap(parent.left);
    if (left.type === 'MemberExpression' && left.computed) return left.object;
    // `this.child = fork(…)`: a field of the object, which the class's own code would listen on.
    if (left.type === 'MemberExpression' && unwrap(left.object).type === 'ThisExpression') return left;
    return null;
  }
  if (parent.type === 'CallExpression' && parent.arguments.includes(value as TSESTree.CallExpressionArgument)) {
    const callee = unwrap(parent.callee);
    if (callee.type !== 'MemberExpression') return null;
    const method = memberName(callee) ?? '';
    if (!STORE_METHODS.has(method)) return null;
    if (method === 'set' && parent.arguments[parent.arguments.length - 1] !== value) return null;
    return callee.object;
  }
  return null;
}

export function spawnResult(model: JsModel, site: SpawnSite): SpawnResult {
  const chained: TSESTree.CallExpression[] = [];
  let current: Node = site.node;
  const none = { binding: null, chained, stored: null };
  for (;;) {
    let parent = model.parent(current);
    while (parent && (parent.type === 'TSAsExpression' || parent.type === 'TSNonNullExpression' || parent.type === 'TSSatisfiesExpression' || parent.type === 'ChainExpression')) {
      current = parent;
      parent = model.parent(current);
    }
    if (!parent) return { ...none, escapes: false };
    if (parent.type === 'MemberExpression' && parent.object === current) {
      const call = model.parent(parent);
      if (call?.type === 'CallExpression' && call.callee === parent) {
        chained.push(call);
        // `.on()`/`.once()` return the emitter itself, so the chain still holds the worker.
        if (['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'setMaxListeners', 'unref', 'ref'].includes(memberName(parent) ?? '')) {
          current = call;
          continue;
        }
        return { ...none, escapes: false };
      }
      return { ...none, escapes: true };
    }
    if (parent.type === 'VariableDeclarator' && parent.init === current) {
      const binding = parent.id.type === 'Identifier' ? model.resolve(parent.id) ?? model.bindingOf(parent.id) : null;
      return { binding: binding ?? declaredBinding(model, parent.id), chained, escapes: parent.id.type !== 'Identifier', stored: null };
    }
    const stored = storedIn(model, current, parent);
    if (stored) return { binding: null, chained, escapes: false, stored };
    if (parent.type === 'AssignmentExpression' && parent.right === current) {
      const left = unwrap(parent.left);
      if (left.type === 'Identifier') return { binding: model.resolve(left), chained, escapes: false, stored: null };
      return { ...none, escapes: true };
    }
    if (parent.type === 'ExpressionStatement') return { ...none, escapes: false };
    return { ...none, escapes: true };
  }
}

function declaredBinding(model: JsModel, id: Node): Binding | null {
  if (id.type !== 'Identifier') return null;
  for (const b of model.allBindings()) if (b.id === id) return b;
  return null;
}

// ---- spawning in loops ----------------------------------------------------------------------

export interface SpawnLoop {
  site: SpawnSite;
  /** The loop statement or the iteration call (`items.forEach(…)`) that repeats the spawn. */
  loop: Node;
  /** When the spawn happens in a same-file helper: the call of that helper inside the loop. */
  via: CallLike | null;
}

/** Spawn sites repeated by a loop: directly inside it, or in a helper the loop calls (one level). */
export const spawnLoops = fact((model: JsModel) => {
  const out: SpawnLoop[] = [];
  for (const site of spawnSites(model)) {
    const direct = enclosingLoop(model, site.node);
    if (direct) {
      out.push({ site, loop: direct, via: null });
      continue;
    }
    let fn = model.enclosingFunction(site.node);
    // `new Promise((resolve, reject) => { new Worker(…) })` runs its executor right away, in the helper.
    while (fn && (model.isImmediatelyInvoked(fn) || isPromiseExecutor(model, fn))) fn = model.enclosingFunction(fn);
    if (!fn || model.callbackOf(fn)) continue;
    for (const call of model.callSitesOf(fn)) {
      const loop = enclosingLoop(model, call);
      if (loop) out.push({ site, loop, via: call });
    }
    for (const use of model.functionUses(fn)) {
      // `items.map(runTask)`: the helper is the iteration callback itself.
      const parent = model.parent(use);
      if (parent?.type === 'CallExpression' && parent.arguments[0] === use && isIterationCall(parent)) {
        out.push({ site, loop: parent, via: parent });
      }
    }
  }
  return out;
});

function isPromiseExecutor(model: JsModel, fn: FunctionNode): boolean {
  const cb = model.callbackOf(fn);
  return !!cb && cb.index === 0 && cb.call.type === 'NewExpression' && model.qname(cb.call.callee) === 'Promise';
}

/** The nearest loop around a node within its function; inline iteration callbacks count as loops. */
export function enclosingLoop(model: JsModel, node: Node): Node | null {
  let child: Node = node;
  for (const parent of model.ancestors(node)) {
    if (isLoop(parent) && isLoopBody(parent, child)) return parent;
    if (isFunction(parent)) {
      const cb = model.callbackOf(parent);
      if (cb && cb.index === 0 && cb.call.type === 'CallExpression' && isIterationCall(cb.call)) return cb.call;
      if (cb && cb.call.type === 'CallExpression' && isArrayFrom(model, cb.call) && cb.index === 1) return cb.call;
      return null;
    }
    child = parent;
  }
  return null;
}

function isLoopBody(loop: Node, child: Node): boolean {
  switch (loop.type) {
    case 'ForStatement':
      return child === loop.body || child === loop.test || child === loop.update;
    case 'ForInStatement':
    case 'ForOfStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
      return child === loop.body || (loop.type !== 'ForInStatement' && loop.type !== 'ForOfStatement' && child === loop.test);
    default:
      return false;
  }
}

