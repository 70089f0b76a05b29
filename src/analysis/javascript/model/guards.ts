import * as path from 'node:path';
import { fact } from '../../core/facts';
import type { Node } from '../parse';
import { type CallLike, type FunctionNode, isFunction, memberName, staticString, unwrap } from '../syntax';
import { CallGraph } from './calls';
import type { TreeIndex } from './tree';

// Guards, thread context and the file's role: what `isMainThread`, `cluster.isPrimary` or
// `process.send` tests establish, where code runs (main thread or worker), and whether the file is
// a worker script.

export type GuardKind =
  | 'thread-main'
  | 'thread-worker'
  | 'cluster-primary'
  | 'cluster-worker'
  | 'parent-process'
  | 'child-process';

export type ThreadContext = 'main' | 'worker';
export type FileRole = 'main' | 'worker' | 'mixed';

/** What the role needs of the project: the other files that spawn this one. */
export interface SpawnerLookup {
  spawnersOf(filePath: string): readonly { readonly path: string }[];
}

const EXIT_CALLS = new Set(['process.exit', 'process.abort']);

const NEGATED: Record<GuardKind, GuardKind> = {
  'thread-main': 'thread-worker',
  'thread-worker': 'thread-main',
  'cluster-primary': 'cluster-worker',
  'cluster-worker': 'cluster-primary',
  'parent-process': 'child-process',
  'child-process': 'parent-process',
};

const GUARD_NAMES: Record<string, GuardKind> = {
  'worker_threads.isMainThread': 'thread-main',
  'worker_threads.parentPort': 'thread-worker',
  'worker_threads.workerData': 'thread-worker',
  'worker_threads.threadId': 'thread-worker',
  'cluster.isPrimary': 'cluster-primary',
  'cluster.isMaster': 'cluster-primary',
  'cluster.isWorker': 'cluster-worker',
  'cluster.worker': 'cluster-worker',
  'process.send': 'child-process',
  'process.connected': 'child-process',
  'process.channel': 'child-process',
};

export abstract class Guards extends CallGraph {
  abstract readonly project: SpawnerLookup | null;
  private readonly threadContexts = new Map<FunctionNode, ThreadContext | 'pending'>();
  private browserHandlers: FunctionNode[] | null = null;

  /** The guard a condition establishes when it is true (`!isMainThread` → thread-worker). */
  guardOfTest(test: Node): GuardKind | null {
    const node = unwrap(test);
    switch (node.type) {
      case 'UnaryExpression': {
        if (node.operator !== '!') return null;
        const inner = this.guardOfTest(node.argument);
        return inner ? NEGATED[inner] : null;
      }
      case 'LogicalExpression':
        if (node.operator !== '&&') return null;
        return this.guardOfTest(node.left) ?? this.guardOfTest(node.right);
      case 'BinaryExpression': {
        const op = node.operator;
        if (op !== '===' && op !== '==' && op !== '!==' && op !== '!=') return null;
        const negate = op === '!==' || op === '!=';
        const left = unwrap(node.left);
        const right = unwrap(node.right);
        for (const [a, b] of [
          [left, right],
          [right, left],
        ] as const) {
          if (a.type === 'UnaryExpression' && a.operator === 'typeof') {
            const inner = this.guardOfTest(a.argument);
            const s = staticString(b);
            if (!inner || s === null) continue;
            const truthy = s !== 'undefined';
            const g = truthy ? inner : NEGATED[inner];
            return negate ? NEGATED[g] : g;
          }
          const inner = this.guardOfTest(a);
          if (!inner) {
            if (this.qname(a) === 'worker_threads.threadId' && b.type === 'Literal' && b.value === 0) {
              return negate ? 'thread-worker' : 'thread-main';
            }
            continue;
          }
          let truthy: boolean | null = null;
          if (b.type === 'Literal' && (b.value === null || b.value === false)) truthy = false;
          else if (b.type === 'Literal' && b.value === true) truthy = true;
          else if (b.type === 'Identifier' && b.name === 'undefined') truthy = false;
          if (truthy === null) continue;
          const g = truthy ? inner : NEGATED[inner];
          return negate ? NEGATED[g] : g;
        }
        return null;
      }
      case 'Identifier':
      case 'MemberExpression': {
        const q = this.qname(node);
        return q ? GUARD_NAMES[q] ?? null : null;
      }
      default:
        return null;
    }
  }

  /**
   * The nearest guard that holds where `node` runs, looking only at the code around it: an enclosing
   * `if`/`?:`/`&&` branch, or an earlier `if (guard) { …; return }` in an enclosing block.
   * `stopAtFunction` ends the search at the nearest function (its callers decide from there).
   */
  lexicalGuard(node: Node, stopAtFunction = false): { guard: GuardKind; at: Node } | null {
    let child: Node = node;
    for (const parent of this.ancestors(node)) {
      const g = this.stepGuard(parent, child);
      if (g) return { guard: g, at: parent };
      if (stopAtFunction && isFunction(parent)) return null;
      child = parent;
    }
    return null;
  }

  /** The guard that holds for `child` because of `parent` (a branch, or an earlier exiting `if` in a block). */
  stepGuard(parent: Node, child: Node): GuardKind | null {
    switch (parent.type) {
      case 'IfStatement':
      case 'ConditionalExpression': {
        if (child === parent.test) return null;
        const g = this.guardOfTest(parent.test);
        if (!g) return null;
        return child === parent.consequent ? g : NEGATED[g];
      }
      case 'LogicalExpression': {
        if (child !== parent.right) return null;
        const g = this.guardOfTest(parent.left);
        if (!g) return null;
        return parent.operator === '&&' ? g : parent.operator === '||' ? NEGATED[g] : null;
      }
      case 'Program':
      case 'BlockStatement':
      case 'StaticBlock':
      case 'SwitchCase': {
        const body = (parent.type === 'SwitchCase' ? parent.consequent : parent.body) as Node[];
        const index = body.indexOf(child);
        for (let i = index - 1; i >= 0; i--) {
          const stmt = body[i];
          if (stmt.type !== 'IfStatement' || stmt.alternate) continue;
          if (!this.alwaysExits(stmt.consequent)) continue;
          const g = this.guardOfTest(stmt.test);
          if (g) return NEGATED[g];
        }
        return null;
      }
      default:
        return null;
    }
  }

  private alwaysExits(stmt: Node): boolean {
    if (stmt.type === 'ReturnStatement' || stmt.type === 'ThrowStatement') return true;
    if (stmt.type === 'ExpressionStatement') {
      const expr = unwrap(stmt.expression);
      return expr.type === 'CallExpression' && EXIT_CALLS.has(this.qname(expr.callee) ?? '');
    }
    if (stmt.type === 'BlockStatement') return stmt.body.length > 0 && this.alwaysExits(stmt.body[stmt.body.length - 1]);
    return false;
  }

  // Facts rather than fields: the role depends on other files (their spawn sites), so the
  // project clears it when one changes.
  private static readonly roleOf = fact((model: Guards) => model.computeRole());
  private static readonly workerSignalsOf = fact((model: Guards) => model.computeWorkerSignals());

  /** The file's role: a worker script, a main-thread file, or one that branches on `isMainThread`. */
  get role(): FileRole {
    return Guards.roleOf(this);
  }

  private computeRole(): FileRole {
    for (const c of this.conditionals) {
      const g = this.guardOfTest(c.test);
      if (g && g !== 'cluster-primary' && g !== 'cluster-worker') return 'mixed';
    }
    if (this.workerSignals().length > 0) return 'worker';
    if (this.project) {
      const spawners = this.project.spawnersOf(this.path).filter((s) => path.resolve(s.path) !== path.resolve(this.path));
      if (spawners.length > 0) return 'worker';
    }
    return 'main';
  }

  /** Why the file looks like a worker script by itself: `parentPort`/`workerData`, `process.on('message')` + `process.send`. */
  workerSignals(): string[] {
    return Guards.workerSignalsOf(this);
  }

  private computeWorkerSignals(): string[] {
    const signals: string[] = [];
    for (const binding of this.allBindings()) {
      const q = this.bindingQname(binding);
      if (q === 'worker_threads.parentPort' || q === 'worker_threads.workerData') {
        if (this.references(binding).length > 0 || binding.kind === 'import') signals.push(`uses \`${q.split('.')[1]}\``);
      }
    }
    let onMessage = false;
    let send = false;
    for (const call of this.calls) {
      const q = this.qname(call.callee);
      if (q === 'worker_threads.parentPort.on' || q === 'worker_threads.parentPort.once') signals.push('listens on `parentPort`');
      if ((q === 'process.on' || q === 'process.once') && staticString(call.arguments[0]) === 'message') onMessage = true;
      if (q === 'process.send') send = true;
      if (q === 'workerpool.worker') signals.push('registers `workerpool.worker` functions');
    }
    if (onMessage && send) signals.push("uses `process.on('message')` and `process.send`");
    if (this.browserMessageHandlers().length > 0) signals.push("handles messages as a browser worker (`self.onmessage`, `addEventListener('message')`)");
    return signals;
  }

  /**
   * A browser (dedicated) worker's message handlers: `self.onmessage = …`, a global `onmessage = …`,
   * `addEventListener('message', …)` on the global scope or `self`. A worker script has no
   * `parentPort`; this is how it receives its work.
   */
  browserMessageHandlers(): FunctionNode[] {
    if (this.browserHandlers) return this.browserHandlers;
    const out: FunctionNode[] = [];
    this.browserHandlers = out;
    const isGlobalScope = (n: Node): boolean => {
      const u = unwrap(n);
      return u.type === 'Identifier' && (u.name === 'self' || u.name === 'globalThis') && !this.resolve(u);
    };
    for (const a of this.assignments) {
      const left = unwrap(a.left);
      const global = left.type === 'Identifier' && left.name === 'onmessage' && !this.resolve(left);
      const onSelf = left.type === 'MemberExpression' && memberName(left) === 'onmessage' && isGlobalScope(left.object);
      const fn = global || onSelf ? this.functionOf(a.right) : null;
      if (fn) out.push(fn);
    }
    for (const call of this.calls) {
      if (call.type !== 'CallExpression' || staticString(call.arguments[0]) !== 'message') continue;
      const callee = unwrap(call.callee);
      const bare = callee.type === 'Identifier' && callee.name === 'addEventListener' && !this.resolve(callee);
      const onSelf = callee.type === 'MemberExpression' && memberName(callee) === 'addEventListener' && isGlobalScope(callee.object);
      const fn = bare || onSelf ? this.functionOf(call.arguments[1]) : null;
      if (fn) out.push(fn);
    }
    return out;
  }

  /**
   * Whether code runs in a worker (thread or child process) or on a main thread. Guards decide first;
   * a named function takes the context of its callers; the file's role decides the rest.
   */
  threadContext(node: Node): ThreadContext {
    let child: Node = node;
    for (const parent of this.ancestors(node)) {
      const g = this.stepGuard(parent, child);
      if (g === 'thread-worker' || g === 'child-process') return 'worker';
      if (g === 'thread-main' || g === 'parent-process') return 'main';
      if (isFunction(parent)) {
        const fromCallers = this.functionThreadContext(parent);
        if (fromCallers) return fromCallers;
      }
      child = parent;
    }
    return this.role === 'worker' ? 'worker' : 'main';
  }

  private functionThreadContext(fn: FunctionNode): ThreadContext | null {
    const cached = this.threadContexts.get(fn);
    if (cached === 'pending') return null;
    if (cached) return cached;
    this.threadContexts.set(fn, 'pending');
    let result: ThreadContext | null = null;
    const callback = this.callbackOf(fn);
    if (callback && this.isWorkerMessageRegistration(callback.call)) result = 'worker';
    else if (this.browserMessageHandlers().includes(fn)) result = 'worker';
    else {
      const sites: Node[] = [...this.callSitesOf(fn), ...this.functionUses(fn)];
      if (sites.length > 0) {
        const contexts = new Set(sites.map((s) => this.threadContext(s)));
        result = contexts.size === 1 ? [...contexts][0] : 'main';
      }
    }
    if (result) this.threadContexts.set(fn, result);
    else this.threadContexts.delete(fn);
    return result;
  }

  /** `parentPort.on('message', …)` and friends: their listeners run in the worker. */
  isWorkerMessageRegistration(call: CallLike): boolean {
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression') return false;
    const q = this.qname(callee.object);
    return q === 'worker_threads.parentPort';
  }
}

/** `require.main === module`, `import.meta.main`: the file runs as a program, not as a library. */
export function isMainModuleTest(model: TreeIndex, test: Node): boolean {
  const node = unwrap(test);
  if (node.type === 'LogicalExpression') return isMainModuleTest(model, node.left) || isMainModuleTest(model, node.right);
  if (node.type === 'MemberExpression' && node.object.type === 'MetaProperty' && memberName(node) === 'main') return true;
  if (node.type !== 'BinaryExpression' || (node.operator !== '===' && node.operator !== '==')) return false;
  const text = `${model.text(node.left)} ${model.text(node.right)}`;
  const requireMain = /\brequire\.main\b/.test(text) && /\bmodule\b/.test(text.replace(/require\.main/g, ''));
  return requireMain || (/import\.meta\.(url|filename)/.test(text) && /process\.argv\[1\]/.test(text));
}
