import type { JsRule } from '../rule';
import { ruleMeta } from '../../catalog';
import type { JsModel } from '../model';
import type { Node, TSESTree } from '../parse';
import { type CallLike, isFunction, memberName, propertyName, unwrap } from '../syntax';
import { eventHandlers } from '../events';
import { spawnSites } from '../workers';
import { head, related } from './shared';

// Values structured clone (postMessage, workerData) rejects with a DataCloneError, or silently strips.
const STREAM_FACTORIES: Record<string, string> = {
  'fs.createReadStream': 'a file stream',
  'fs.createWriteStream': 'a file stream',
  'net.connect': 'a socket',
  'net.createConnection': 'a socket',
  'tls.connect': 'a TLS socket',
  'http.request': 'an HTTP request stream',
  'https.request': 'an HTTP request stream',
  'http.get': 'an HTTP request stream',
  'https.get': 'an HTTP request stream',
  'child_process.spawn': 'a child process',
  'child_process.fork': 'a child process',
  'child_process.exec': 'a child process',
  'http.createServer': 'a server',
  'net.createServer': 'a server',
  'stream.Readable.from': 'a stream',
  'readline.createInterface': 'a readline interface',
};
const UNCLONEABLE_CLASSES: Record<string, string> = {
  'net.Socket': 'a socket',
  'stream.Readable': 'a stream',
  'stream.Writable': 'a stream',
  'stream.Duplex': 'a stream',
  'stream.Transform': 'a stream',
  'stream.PassThrough': 'a stream',
  'events.EventEmitter': 'an EventEmitter',
  events: 'an EventEmitter',
  'http.Agent': 'an HTTP agent',
  Promise: 'a Promise',
  WeakMap: 'a WeakMap',
  WeakSet: 'a WeakSet',
  WeakRef: 'a WeakRef',
};
const PROCESS_STREAMS = new Set(['process.stdin', 'process.stdout', 'process.stderr']);

interface Offence {
  label: string;
  what: string;
  node: Node;
  /** Functions and streams throw a DataCloneError; class instances lose their methods. */
  throws: boolean;
}

export const rule: JsRule = {
  meta: ruleMeta('CL205'),
  check(context) {
    const { model } = context;
    for (const { call, value, label, transfer } of messageSites(model)) {
      const offence = offending(model, value, label, 0, new Set());
      if (!offence) continue;
      if (transfer && transferred(model, transfer, offence.node)) continue;
      const what = offence.throws
        ? `structured clone cannot copy it, so the call throws a DataCloneError`
        : `structured clone copies only its own data properties, so the receiver gets a plain object without them`;
      context.report({
        node: head(model, call),
        message: `\`${offence.label}\` is ${offence.what}: ${what}. Send plain data (strings, numbers, arrays, plain objects, typed arrays) and rebuild behaviour on the other side.`,
        related:
          model.lineOf(offence.node) !== model.lineOf(call) ? [related(model, offence.node, `\`${offence.label}\` comes from here`)] : [],
      });
    }
  },
};

interface MessageSite {
  call: CallLike;
  value: Node;
  label: string;
  transfer: Node | null;
}

function messageSites(model: JsModel): MessageSite[] {
  const out: MessageSite[] = [];
  const spawnNodes = new Map(spawnSites(model).map((s) => [s.node as Node, s]));
  for (const site of spawnSites(model)) {
    if (site.workerData) out.push({ call: site.node, value: site.workerData, label: 'workerData', transfer: transferListOf(site.options) });
  }
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || !call.arguments[0] || call.arguments[0].type === 'SpreadElement') continue;
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression') continue;
    const method = memberName(callee);
    const value = call.arguments[0];
    if (method === 'postMessage') {
      const second = call.arguments[1] ?? null;
      const transfer = second ? (model.valueOf(second).type === 'ObjectExpression' ? transferListOf(model.valueOf(second) as TSESTree.ObjectExpression) : second) : null;
      out.push({ call, value, label: 'message', transfer });
      continue;
    }
    const receiver = model.valueOf(callee.object);
    const spawned = spawnNodes.get(receiver);
    if (method === 'send' && (model.qname(callee.object) === 'process' || (spawned && (spawned.kind === 'fork' || spawned.kind === 'cluster')))) {
      out.push({ call, value, label: 'message', transfer: null });
    } else if (method === 'run' && spawned && (spawned.kind === 'piscina' || spawned.kind === 'tinypool')) {
      out.push({ call, value, label: 'task', transfer: null });
    }
  }
  return out;
}

function transferListOf(options: TSESTree.ObjectExpression | null): Node | null {
  if (!options) return null;
  for (const p of options.properties) {
    if (p.type === 'Property' && (propertyName(p) === 'transferList' || propertyName(p) === 'transfer')) return p.value;
  }
  return null;
}

function transferred(model: JsModel, transfer: Node, node: Node): boolean {
  const list = model.valueOf(transfer);
  if (list.type !== 'ArrayExpression') return false;
  const text = model.text(node);
  return list.elements.some((e) => e && model.text(e) === text);
}

function offending(model: JsModel, expr: Node, label: string, depth: number, seen: Set<Node>): Offence | null {
  if (depth > 5) return null;
  const node = unwrap(expr);
  if (seen.has(node)) return null;
  seen.add(node);
  if (isFunction(node)) return { label, what: 'a function', node, throws: true };
  if (node.type === 'ClassExpression') return { label, what: 'a class', node, throws: true };
  switch (node.type) {
    case 'Identifier': {
      const binding = model.resolve(node);
      if (!binding) return null;
      if (binding.kind === 'function') return { label, what: `the function \`${binding.name}\``, node: binding.id, throws: true };
      if (binding.kind === 'class') return { label, what: `the class \`${binding.name}\``, node: binding.id, throws: true };
      if (binding.kind === 'param' && binding.paramOf && binding.path?.length === 0) {
        const handler = eventHandlers(model).find((h) => h.fn === binding.paramOf);
        const byShape = handler?.kind === 'middleware' && /^(req|res|request|response|reply)$/.test(binding.name);
        if (handler && (handler.kind === 'http' || handler.kind === 'route' || byShape) && (binding.paramIndex ?? 9) <= 1) {
          const registration = handler.registration;
          const factory = registration.type === 'CallExpression' || registration.type === 'NewExpression' ? model.qname(registration.callee) : null;
          const what = handler.description.includes("'connection'") || factory === 'net.createServer' ? 'a socket' : 'a request/response object (a stream)';
          return { label, what, node: binding.id, throws: true };
        }
        return null;
      }
      if (binding.init && binding.path?.length === 0 && !binding.loop && model.isConstant(binding)) {
        return offending(model, binding.init, label, depth + 1, seen);
      }
      return null;
    }
    case 'NewExpression': {
      const q = model.qname(node.callee);
      if (q && UNCLONEABLE_CLASSES[q]) return { label, what: UNCLONEABLE_CLASSES[q], node, throws: true };
      const cls = classWithMethods(model, node.callee);
      if (cls) return { label, what: `an instance of \`${cls}\`, a class with methods`, node, throws: false };
      return null;
    }
    case 'CallExpression': {
      const q = model.qname(node.callee);
      if (q && STREAM_FACTORIES[q]) return { label, what: STREAM_FACTORIES[q], node, throws: true };
      return null;
    }
    case 'MemberExpression': {
      const q = model.qname(node);
      if (q && PROCESS_STREAMS.has(q)) return { label, what: `\`${q}\`, a stream`, node, throws: true };
      return null;
    }
    case 'ObjectExpression':
      for (const p of node.properties) {
        if (p.type === 'SpreadElement') {
          const inner = offending(model, p.argument, label, depth + 1, seen);
          if (inner) return inner;
          continue;
        }
        const key = propertyName(p) ?? '[computed]';
        const sub = `${label}.${key}`;
        if (p.method) return { label: sub, what: 'a method', node: p, throws: true };
        // Accessors are read and their values copied: not a problem.
        if (p.kind === 'get' || p.kind === 'set') continue;
        const inner = offending(model, p.value, sub, depth + 1, seen);
        if (inner) return inner;
      }
      return null;
    case 'ArrayExpression':
      for (let i = 0; i < node.elements.length; i++) {
        const e = node.elements[i];
        if (!e) continue;
        const inner = offending(model, e.type === 'SpreadElement' ? e.argument : e, `${label}[${i}]`, depth + 1, seen);
        if (inner) return inner;
      }
      return null;
    default:
      return null;
  }
}

/** The name of a same-file class with instance methods, when `callee` denotes one. */
function classWithMethods(model: JsModel, callee: Node): string | null {
  const binding = model.bindingOf(callee);
  if (!binding || binding.kind !== 'class') return null;
  const decl = model.parent(binding.id);
  if (decl?.type !== 'ClassDeclaration') return null;
  const hasMethods = decl.body.body.some((m) => m.type === 'MethodDefinition' && m.kind === 'method' && !m.static);
  return hasMethods ? binding.name : null;
}
