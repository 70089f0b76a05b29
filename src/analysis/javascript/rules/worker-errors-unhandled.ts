import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import type { Binding, JsModel } from '../model';
import type { Node, TSESTree } from '../parse';
import { memberName, staticString, unwrap } from '../syntax';
import type { SpawnSite } from '../spawn-site';
import { spawnMayFailToStart, spawnResult, spawnSites, storedIn } from '../workers';
import { afterStatement, indentUnit } from '../edits';
import { head } from './shared';

const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);

export const rule: JsRule = {
  meta: ruleMeta('CL503'),
  check(context) {
    const { model } = context;
    for (const site of spawnSites(model)) {
      if (site.kind !== 'worker' && site.kind !== 'fork' && site.kind !== 'spawn') continue;
      if (!spawnMayFailToStart(model, site)) continue;
      const result = spawnResult(model, site);
      if (result.escapes) continue;
      if (result.chained.some((c) => isErrorListener(model, c))) continue;
      let stored = result.stored;
      if (result.binding) {
        const use = bindingUse(model, result.binding);
        if (use === 'handled') continue;
        stored ??= use;
      }
      // Kept in a collection: handled only if the file listens for 'error' on something taken from it.
      if (stored && collectionListened(model, stored)) continue;
      const what = site.kind === 'worker' ? 'an uncaught exception in the worker' : 'a failure to start or signal the process';
      const kept = stored ? ` It is kept in \`${model.text(stored)}\`, but nothing taken from there listens for 'error' either.` : '';
      context.report({
        node: head(model, site.node),
        message:
          `\`${site.label}\` has no 'error' listener: ${what} is emitted as 'error' on it, and an unhandled 'error' ` +
          `crashes this process.${kept} Add \`.on('error', …)\`.`,
        fix: result.binding ? listenerFix(model, site, result.binding) : null,
      });
    }
  },
};

/**
 * A listener for 'error', or for whatever event the caller names: a wrapper's
 * `on(event, cb) { return this.thread.on(event, cb) }` forwards the listeners its users add.
 */
function isErrorListener(model: JsModel, call: Node): boolean {
  if (call.type !== 'CallExpression') return false;
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || !LISTEN.has(memberName(callee) ?? '')) return false;
  const event = call.arguments[0];
  if (staticString(event) === 'error') return true;
  const binding = event ? model.bindingOf(event) : null;
  return binding?.kind === 'param' && model.isConstant(binding);
}

/**
 * What the code does with the variable: an 'error' listener on it, or handing it somewhere we
 * cannot follow (a pool library, `events.once(w, 'exit')`, a property), is 'handled': not ours to
 * judge. Putting it in a collection gives the collection; otherwise null.
 */
function bindingUse(model: JsModel, binding: Binding, seen = new Set<Binding>()): 'handled' | Node | null {
  let stored: Node | null = null;
  seen.add(binding);
  for (const ref of model.references(binding)) {
    let value: Node = ref;
    let parent = model.parent(ref);
    while (parent && (parent.type === 'TSNonNullExpression' || parent.type === 'TSAsExpression' || parent.type === 'ChainExpression')) {
      value = parent;
      parent = model.parent(parent);
    }
    if (!parent) continue;
    if (parent.type === 'MemberExpression' && unwrap(parent.object) === ref) {
      const name = memberName(parent);
      if (name === 'onerror') return 'handled';
      const call = model.parent(parent);
      if (call && isErrorListener(model, call)) return 'handled';
      continue;
    }
    if (parent.type === 'AssignmentExpression' && parent.left === ref) continue;
    const container = storedIn(model, value, parent);
    if (container) {
      stored ??= container;
      continue;
    }
    // Handed to a function of this file (`initChild(child)`): what that function does with its parameter decides.
    const param = parent.type === 'CallExpression' ? parameterReceiving(model, parent, value) : null;
    if (param && !seen.has(param) && seen.size < 4) {
      const use = bindingUse(model, param, seen);
      if (use === 'handled') return 'handled';
      stored ??= use;
      continue;
    }
    if (parent.type === 'CallExpression' || parent.type === 'NewExpression' || parent.type === 'ReturnStatement' || parent.type === 'ArrayExpression' || parent.type === 'Property' || parent.type === 'AssignmentExpression' || parent.type === 'VariableDeclarator' || parent.type === 'ArrowFunctionExpression' || parent.type === 'ExportSpecifier' || parent.type === 'SpreadElement' || parent.type === 'AwaitExpression' || parent.type === 'YieldExpression') {
      return 'handled';
    }
  }
  return stored;
}

/** The parameter of a same-file function that receives `arg` in `call`, when it is a plain one. */
function parameterReceiving(model: JsModel, call: TSESTree.CallExpression, arg: Node): Binding | null {
  const fn = model.functionOf(call.callee);
  const index = call.arguments.indexOf(arg as TSESTree.CallExpressionArgument);
  const param = fn && index !== -1 ? fn.params[index] : undefined;
  if (!fn || param?.type !== 'Identifier') return null;
  for (const b of model.allBindings()) if (b.paramOf === fn && b.paramIndex === index && b.id === param) return b;
  return null;
}

/** A key for "the same collection": `this.workers`, `workers` (by binding). */
function collectionKey(model: JsModel, expr: Node): string {
  const node = unwrap(expr);
  if (node.type === 'Identifier') {
    const b = model.resolve(node);
    return b ? `binding@${b.id.range[0]}` : node.name;
  }
  if (node.type === 'MemberExpression' && !node.computed) return `${collectionKey(model, node.object)}.${memberName(node)}`;
  if (node.type === 'ThisExpression') {
    // `this` of one class is not `this` of another in the same file.
    for (const a of model.ancestors(node)) if (a.type === 'ClassBody') return `this@${a.range[0]}`;
    return 'this';
  }
  return model.text(node).replace(/\s+/g, '');
}

const TAKE_METHODS = new Set(['get', 'at', 'find', 'pop', 'shift', 'values', 'forEach', 'map', 'filter', 'some', 'every']);

/**
 * Whether an 'error' listener anywhere in the file is on an element of the collection:
 * `workers[id].on('error')`, `map.get(id).on('error')`, `for (const w of list) w.on('error')`,
 * `Object.values(workers).forEach((w) => w.on('error'))`.
 */
function collectionListened(model: JsModel, container: Node): boolean {
  const key = collectionKey(model, container);
  for (const call of model.calls) {
    if (!isErrorListener(model, call) || call.type !== 'CallExpression') continue;
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression') continue;
    const stack: Node[] = [callee.object];
    for (let steps = 0; stack.length > 0 && steps < 12; steps++) {
      const node = unwrap(stack.pop()!);
      if (collectionKey(model, node) === key) return true;
      if (node.type === 'MemberExpression' && node.computed) stack.push(node.object);
      else if (node.type === 'CallExpression') {
        const c = unwrap(node.callee);
        const q = model.qname(c);
        if ((q === 'Object.values' || q === 'Object.entries' || q === 'Array.from') && node.arguments[0]) stack.push(node.arguments[0]);
        else if (c.type === 'MemberExpression' && TAKE_METHODS.has(memberName(c) ?? '')) stack.push(c.object);
      } else if (node.type === 'Identifier') {
        const b = model.resolve(node);
        if (!b) continue;
        if (b.loop && (b.loop.type === 'ForOfStatement' || b.loop.type === 'ForInStatement')) stack.push(b.loop.right);
        else if (b.init) stack.push(b.init);
        else if (b.kind === 'param' && b.paramOf) {
          // `list.forEach((w) => w.on('error', …))`: the callback's receiver.
          const cb = model.callbackOf(b.paramOf);
          const receiver = cb ? unwrap(cb.call.callee) : null;
          if (receiver?.type === 'MemberExpression' && TAKE_METHODS.has(memberName(receiver) ?? '')) stack.push(receiver.object);
        }
      }
    }
  }
  return false;
}

/** Adds `w.on('error', …)` right after the statement that creates the worker. */
function listenerFix(model: JsModel, site: SpawnSite, binding: Binding): Fix | null {
  let statement: Node | null = site.node;
  for (const a of model.ancestors(site.node)) {
    statement = a;
    if (a.type === 'VariableDeclaration' || a.type === 'ExpressionStatement') break;
  }
  if (!statement || (statement.type !== 'VariableDeclaration' && statement.type !== 'ExpressionStatement')) return null;
  const indent = /^\s*/.exec(model.lineText(model.lineOf(statement)))?.[0] ?? '';
  const unit = indentUnit(model);
  const at = afterStatement(model, statement);
  const label = site.kind === 'worker' ? 'worker' : 'child process';
  const text =
    `\n${indent}${binding.name}.on('error', (error) => {\n` +
    `${indent}${unit}console.error('${label} failed:', error);\n` +
    `${indent}});`;
  return {
    description: `Add \`${binding.name}.on('error', …)\``,
    edits: [{ range: { start: at, end: at }, text }],
    // The process no longer crashes on the error; it logs it and goes on, which the code may not expect.
    safe: false,
  };
}
