import { fact } from '../core/facts';
import type { Node, TSESTree } from './parse';
import type { Binding, JsModel } from './model';
import { type CallLike, type FunctionNode, TYPED_ARRAYS, isFunction, isIterationCall, memberName, staticString, unwrap } from './syntax';
import { spawnSites } from './workers';

// Shared memory: `new SharedArrayBuffer(n)`, typed arrays over it, and buffers received
// from `workerData` and 'message' events, followed through aliases, destructuring and (with the
// project) the `workerData` another file passes to this worker script. Plus the places a buffer is
// handed to another thread, and the plain writes to its views.

export interface SharedBuffer {
  node: Node;
  binding: Binding | null;
  /** Arrived from `workerData` or a message: already shared when this code sees it. */
  received: boolean;
  /** Where it is handed to another thread (`workerData`, `postMessage`, `pool.run`). */
  shareSites: Node[];
  label: string;
}

export interface SharedView {
  node: Node;
  binding: Binding | null;
  /** `Int32Array`…; null when only the other file knows. */
  arrayType: string | null;
  buffer: SharedBuffer;
}

export interface SharedWrite {
  node: TSESTree.AssignmentExpression | TSESTree.UpdateExpression;
  target: TSESTree.MemberExpression;
  view: SharedView;
  readModifyWrite: boolean;
}

export interface SharedMemory {
  buffers: SharedBuffer[];
  views: SharedView[];
  writes: SharedWrite[];
}

type Shape = { kind: 'buffer' } | { kind: 'view'; arrayType: string | null };

class Tracker {
  readonly buffers: SharedBuffer[] = [];
  readonly views: SharedView[] = [];
  private readonly bufferByNode = new Map<Node, SharedBuffer>();
  private readonly bufferByKey = new Map<string, SharedBuffer>();
  private readonly viewByNode = new Map<Node, SharedView>();
  private readonly viewByKey = new Map<string, SharedView>();
  private readonly receivedShapes: Map<string, Shape>;
  private readonly messageParams = new Map<Binding, string>();
  private readonly messageNames = new Map<Binding, string>();

  constructor(private readonly model: JsModel) {
    this.receivedShapes = workerDataShapes(model);
    const listeners: FunctionNode[] = [...model.browserMessageHandlers()];
    for (const call of model.calls) {
      if (call.type !== 'CallExpression') continue;
      const callee = unwrap(call.callee);
      if (callee.type !== 'MemberExpression') continue;
      const method = memberName(callee);
      if (method !== 'on' && method !== 'once' && method !== 'addEventListener') continue;
      if (staticString(call.arguments[0]) !== 'message' || model.qname(callee.object) === 'process') continue;
      const fn = model.functionOf(call.arguments[1]);
      if (fn) listeners.push(fn);
    }
    // `worker.onmessage = (e) => …` on the page that started a browser worker.
    for (const a of model.assignments) {
      const left = unwrap(a.left);
      const fn = left.type === 'MemberExpression' && memberName(left) === 'onmessage' ? model.functionOf(a.right) : null;
      if (fn) listeners.push(fn);
    }
    const wanted = new Set(listeners.filter((fn) => fn.params.length > 0));
    if (wanted.size === 0) return;
    for (const b of model.allBindings()) {
      if (!b.paramOf || b.paramIndex !== 0 || !wanted.has(b.paramOf)) continue;
      this.messageParams.set(b, `message@${b.paramOf.range[0]}`);
      const param = b.paramOf.params[0];
      this.messageNames.set(b, param.type === 'Identifier' ? param.name : 'the message');
    }
  }

  /**
   * The one value a `let` without initialiser is given (`let counts; … counts = new Int32Array(e.data)`):
   * a browser worker keeps the view of the buffer it received in its first message.
   */
  private assignedOnce(binding: Binding): Node | null {
    const init = binding.init ? unwrap(binding.init) : null;
    const empty = !init || (init.type === 'Literal' && init.value === null) || (init.type === 'Identifier' && init.name === 'undefined');
    if (!empty || binding.loop || (binding.kind !== 'let' && binding.kind !== 'var')) return null;
    const writes = this.model.references(binding).length > 0 ? binding.writes : [];
    if (writes.length !== 1) return null;
    const parent = this.model.parent(writes[0]);
    return parent?.type === 'AssignmentExpression' && parent.operator === '=' && parent.left === writes[0] ? parent.right : null;
  }

  bufferOf(expr: Node, depth = 0): SharedBuffer | null {
    if (depth > 8) return null;
    const node = unwrap(expr);
    if (node.type === 'NewExpression' && this.model.qname(node.callee) === 'SharedArrayBuffer') return this.created(node);
    if (node.type === 'MemberExpression' && memberName(node) === 'buffer') {
      const view = this.viewOf(node.object, depth + 1);
      if (view) return view.buffer;
    }
    if (node.type === 'Identifier') {
      const binding = this.model.resolve(node);
      if (binding?.init && binding.path?.length === 0 && !binding.loop && this.model.isConstant(binding)) {
        const fromInit = this.bufferOf(binding.init, depth + 1);
        if (fromInit) return fromInit;
      }
    }
    const root = this.receivedRoot(node, depth);
    if (root) {
      const shape = this.receivedShapes.get(root.key);
      if (shape?.kind === 'view') return null;
      return this.received(root.key, root.label, node);
    }
    return null;
  }

  viewOf(expr: Node, depth = 0): SharedView | null {
    if (depth > 8) return null;
    const node = unwrap(expr);
    const existing = this.viewByNode.get(node);
    if (existing) return existing;
    if (node.type === 'NewExpression' && node.callee.type === 'Identifier' && TYPED_ARRAYS.has(node.callee.name) && !this.model.resolve(node.callee)) {
      const arg = node.arguments[0];
      const buffer = arg ? this.bufferOf(arg, depth + 1) : null;
      if (!buffer) return null;
      const view: SharedView = { node, binding: bindingAssigned(this.model, node), arrayType: node.callee.name, buffer };
      this.viewByNode.set(node, view);
      this.views.push(view);
      return view;
    }
    if (node.type === 'CallExpression') {
      const callee = unwrap(node.callee);
      if (callee.type === 'MemberExpression' && memberName(callee) === 'subarray') {
        const parent = this.viewOf(callee.object, depth + 1);
        if (!parent) return null;
        const view: SharedView = { ...parent, node, binding: bindingAssigned(this.model, node) };
        this.viewByNode.set(node, view);
        this.views.push(view);
        return view;
      }
      return null;
    }
    if (node.type === 'Identifier') {
      const binding = this.model.resolve(node);
      if (binding?.init && binding.path?.length === 0 && !binding.loop && this.model.isConstant(binding)) {
        const fromInit = this.viewOf(binding.init, depth + 1);
        if (fromInit) return fromInit;
      }
      const assigned = binding ? this.assignedOnce(binding) : null;
      if (assigned) {
        const fromAssignment = this.viewOf(assigned, depth + 1);
        if (fromAssignment) return fromAssignment;
      }
    }
    const root = this.receivedRoot(node, depth);
    if (root) {
      const shape = this.receivedShapes.get(root.key);
      if (shape?.kind !== 'view') return null;
      let view = this.viewByKey.get(root.key);
      if (!view) {
        const buffer = this.received(`${root.key}#buffer`, root.label, node);
        view = { node, binding: this.model.bindingOf(node), arrayType: shape.arrayType, buffer };
        this.viewByKey.set(root.key, view);
        this.views.push(view);
      }
      return view;
    }
    return null;
  }

  private created(node: TSESTree.NewExpression): SharedBuffer {
    let buffer = this.bufferByNode.get(node);
    if (!buffer) {
      const binding = bindingAssigned(this.model, node);
      buffer = { node, binding, received: false, shareSites: [], label: binding ? `\`${binding.name}\`` : 'the SharedArrayBuffer' };
      this.bufferByNode.set(node, buffer);
      this.buffers.push(buffer);
    }
    return buffer;
  }

  private received(key: string, label: string, node: Node): SharedBuffer {
    let buffer = this.bufferByKey.get(key);
    if (!buffer) {
      buffer = { node, binding: null, received: true, shareSites: [], label };
      this.bufferByKey.set(key, buffer);
      this.buffers.push(buffer);
    }
    return buffer;
  }

  /** `workerData.counts`, `msg.buffer`, `const { sab } = workerData`: data that came from another thread. */
  receivedRoot(expr: Node, depth = 0): { key: string; label: string } | null {
    if (depth > 8) return null;
    const node = unwrap(expr);
    if (node.type === 'MemberExpression') {
      const name = memberName(node);
      if (name === null) return null;
      const base = this.receivedRoot(node.object, depth + 1);
      return base ? { key: `${base.key}.${name}`, label: `${base.label}.${name}` } : null;
    }
    if (node.type !== 'Identifier') return null;
    const q = this.model.qname(node);
    if (q === 'worker_threads.workerData') return { key: 'workerData', label: 'workerData' };
    if (q?.startsWith('worker_threads.workerData.')) {
      const rest = q.slice('worker_threads.workerData.'.length);
      return { key: `workerData.${rest}`, label: `workerData.${rest}` };
    }
    const binding = this.model.resolve(node);
    if (!binding) return null;
    const message = this.messageParams.get(binding);
    // Named as written (`e.data.sab`), so the message says which value came from the other thread.
    if (message !== undefined) return { key: [message, ...(binding.path ?? [])].join('.'), label: [this.messageNames.get(binding) ?? 'message', ...(binding.path ?? [])].join('.') };
    if (binding.init && binding.path && !binding.loop && this.model.isConstant(binding)) {
      const base = this.receivedRoot(binding.init, depth + 1);
      if (base) {
        const suffix = binding.path.join('.');
        return suffix ? { key: `${base.key}.${suffix}`, label: `${base.label}.${suffix}` } : base;
      }
    }
    return null;
  }

  /** The shared buffers an expression hands over (`{ counts, sab }`, `[view.buffer]`, `sab`). */
  contained(expr: Node | null | undefined, depth = 0): Set<SharedBuffer> {
    const out = new Set<SharedBuffer>();
    if (!expr || depth > 4) return out;
    const node = unwrap(expr);
    const direct = this.viewOf(node)?.buffer ?? this.bufferOf(node);
    if (direct) {
      out.add(direct);
      return out;
    }
    const value = this.model.valueOf(node);
    if (value.type === 'ObjectExpression') {
      for (const p of value.properties) {
        const inner = p.type === 'Property' ? p.value : p.argument;
        for (const b of this.contained(inner, depth + 1)) out.add(b);
      }
    } else if (value.type === 'ArrayExpression') {
      for (const e of value.elements) if (e) for (const b of this.contained(e.type === 'SpreadElement' ? e.argument : e, depth + 1)) out.add(b);
    }
    return out;
  }
}

function bindingAssigned(model: JsModel, node: Node): Binding | null {
  const parent = model.parent(node);
  if (parent?.type === 'VariableDeclarator' && parent.init === node && parent.id.type === 'Identifier') return model.resolve(parent.id);
  if (parent?.type === 'AssignmentExpression' && parent.right === node && parent.left.type === 'Identifier') return model.resolve(parent.left);
  return null;
}

/** What the spawning files put in `workerData` for this worker script, by property path. */
function workerDataShapes(model: JsModel): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  if (!model.project) return shapes;
  for (const ref of model.project.spawnersOf(model.path)) {
    if (!ref.sendsData) continue;
    // The index keeps where the site is; the spawner's model comes from the project's cache.
    const spawner = model.project.modelAt(ref.path);
    const site = spawner && spawner !== model ? spawnSites(spawner).find((s) => s.node.range[0] === ref.start) : undefined;
    if (!spawner || !site?.workerData) continue;
    const memory = sharedMemory(spawner);
    const describe = (expr: Node, key: string, depth: number): void => {
      const node = unwrap(expr);
      const view = memory.views.find((v) => v.node === node || (v.binding && spawner.bindingOf(node) === v.binding));
      if (view) {
        shapes.set(key, { kind: 'view', arrayType: view.arrayType });
        return;
      }
      const buffer = memory.buffers.find((b) => b.node === node || (b.binding && spawner.bindingOf(node) === b.binding));
      if (buffer) {
        shapes.set(key, { kind: 'buffer' });
        return;
      }
      const value = spawner.valueOf(node);
      if (value.type === 'ObjectExpression' && depth < 3) {
        for (const p of value.properties) {
          if (p.type !== 'Property') continue;
          const name = p.computed ? staticString(p.key) : p.key.type === 'Identifier' ? p.key.name : String((p.key as TSESTree.Literal).value);
          if (name !== null) describe(p.value, `${key}.${name}`, depth + 1);
        }
      }
    };
    describe(site.workerData, 'workerData', 0);
  }
  return shapes;
}

/** The file's shared buffers, the views over them, and the plain writes to those views. */
export const sharedMemory = fact((model: JsModel): SharedMemory => {
  const tracker = new Tracker(model);
  for (const call of model.calls) {
    if (call.type === 'NewExpression' && model.qname(call.callee) === 'SharedArrayBuffer') tracker.bufferOf(call);
  }
  for (const call of model.calls) {
    if (call.type === 'NewExpression' && call.callee.type === 'Identifier' && TYPED_ARRAYS.has(call.callee.name)) tracker.viewOf(call);
  }
  // Hand-overs: `workerData`, `postMessage`, `pool.run`.
  const share = (buffers: Set<SharedBuffer>, site: Node): void => {
    for (const b of buffers) if (!b.shareSites.includes(site)) b.shareSites.push(site);
  };
  for (const site of spawnSites(model)) {
    if (site.workerData) share(tracker.contained(site.workerData), site.node);
  }
  const pools = new Set(spawnSites(model).filter((s) => s.kind === 'piscina' || s.kind === 'tinypool').map((s) => s.node as Node));
  for (const call of model.calls) {
    if (call.type !== 'CallExpression') continue;
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression') continue;
    const method = memberName(callee);
    if (method === 'postMessage' || (method === 'run' && pools.has(model.valueOf(callee.object)))) {
      share(tracker.contained(call.arguments[0]), call);
    }
  }
  const writes: SharedWrite[] = [];
  const consider = (node: TSESTree.AssignmentExpression | TSESTree.UpdateExpression, target: Node): void => {
    const t = unwrap(target);
    if (t.type !== 'MemberExpression' || !t.computed) return;
    const view = tracker.viewOf(t.object);
    if (!view) return;
    let rmw = node.type === 'UpdateExpression' || node.operator !== '=';
    if (!rmw && node.type === 'AssignmentExpression') rmw = readsSameElement(model, node.right, t);
    writes.push({ node, target: t, view, readModifyWrite: rmw });
  };
  for (const a of model.assignments) consider(a, a.left);
  for (const u of model.updates) consider(u, u.argument);
  return { buffers: tracker.buffers, views: tracker.views, writes };
});

function readsSameElement(model: JsModel, expr: Node, target: TSESTree.MemberExpression): boolean {
  const want = model.text(target).replace(/\s+/g, '');
  const stack: Node[] = [expr];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'MemberExpression' && model.text(n).replace(/\s+/g, '') === want) return true;
    if (n.type === 'BinaryExpression') stack.push(n.left as Node, n.right);
    else if (n.type === 'UnaryExpression') stack.push(n.argument);
    else if (n.type === 'ConditionalExpression') stack.push(n.consequent, n.alternate);
  }
  return false;
}

// ---- when a write happens relative to the hand-over -----------------------------------------

/**
 * Where in the flow of `frame` (a function, or null for module level) a node runs: its own offset
 * when it is in that frame, the offset of the call that runs it, or Infinity when it runs later
 * (an event listener, a timer, a function nobody in this file calls).
 */
export function offsetInFrame(model: JsModel, node: Node, frame: FunctionNode | null, seen = new Set<Node>()): number {
  const fn = model.enclosingFunction(node);
  if (fn === frame) return node.range[0];
  if (!fn || seen.has(fn)) return Number.POSITIVE_INFINITY;
  seen.add(fn);
  if (model.isImmediatelyInvoked(fn)) return offsetInFrame(model, fn, frame, seen);
  const cb = model.callbackOf(fn);
  if (cb) {
    const call = cb.call;
    const synchronous =
      (call.type === 'CallExpression' && isIterationCall(call)) ||
      (call.type === 'NewExpression' && model.qname(call.callee) === 'Promise') ||
      (call.type === 'CallExpression' && model.qname(call.callee) === 'Array.from');
    return synchronous ? offsetInFrame(model, call, frame, seen) : Number.POSITIVE_INFINITY;
  }
  const sites = model.callSitesOf(fn);
  if (sites.length === 0 || model.functionUses(fn).length > 0) return Number.POSITIVE_INFINITY;
  return Math.max(...sites.map((s) => offsetInFrame(model, s, frame, new Set(seen))));
}

/** The first hand-over of the buffer that happens before the write, or null (the write initialises it). */
export function shareBefore(model: JsModel, write: SharedWrite): Node | null {
  for (const site of write.view.buffer.shareSites) {
    const shareFrame = model.enclosingFunction(site);
    const inShareFrame = offsetInFrame(model, write.node, shareFrame);
    if (inShareFrame !== Number.POSITIVE_INFINITY) {
      if (inShareFrame > site.range[0]) return site;
      continue;
    }
    // The write is not on the sharing function's path: place the hand-over on the write's path instead.
    const writeFrame = model.enclosingFunction(write.node);
    const shareInWriteFrame = offsetInFrame(model, site, writeFrame);
    if (shareInWriteFrame !== Number.POSITIVE_INFINITY) {
      if (write.node.range[0] > shareInWriteFrame) return site;
      continue;
    }
    // The write runs later (a listener, an exported function) inside the code that shares: after it.
    if (shareFrame === null || model.contains(shareFrame, write.node)) return site;
  }
  return null;
}

const ACQUIRE_ATOMICS = new Set(['Atomics.wait', 'Atomics.waitAsync', 'Atomics.compareExchange']);
const PUBLISH_ATOMICS = new Set(['Atomics.notify', 'Atomics.store', 'Atomics.exchange']);
const LOCK_NAMES = /^(lock|acquire|lockSync|tryLock|runExclusive|withLock)$/i;
const UNLOCK_NAMES = /^(unlock|release)$/i;

/**
 * Whether a plain write is part of an Atomics protocol in its function: after a lock/`Atomics.wait`
 * (the other side is parked), or before the `Atomics.store`/`notify` that publishes it.
 */
export function atomicsProtocol(model: JsModel, write: SharedWrite): CallLike | null {
  const frame = model.enclosingFunction(write.node);
  const at = write.node.range[0];
  for (const call of model.calls) {
    if (model.enclosingFunction(call) !== frame) continue;
    if (call.range[0] === write.node.range[0]) continue;
    const q = model.qname(call.callee) ?? '';
    const name = calleeBaseName(call);
    const before = call.range[1] <= at;
    if (before && (ACQUIRE_ATOMICS.has(q) || LOCK_NAMES.test(name) || usesAtomics(model, call, ACQUIRE_ATOMICS))) return call;
    if (!before && (PUBLISH_ATOMICS.has(q) || UNLOCK_NAMES.test(name) || usesAtomics(model, call, PUBLISH_ATOMICS))) return call;
  }
  return null;
}

function calleeBaseName(call: CallLike): string {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression') return memberName(callee) ?? '';
  return '';
}

function usesAtomics(model: JsModel, call: CallLike, names: Set<string>): boolean {
  const fn = model.functionOf(call.callee);
  if (!fn || !isFunction(fn)) return false;
  return model.calls.some((c) => model.contains(fn, c) && names.has(model.qname(c.callee) ?? ''));
}
