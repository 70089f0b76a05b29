import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import type { Binding, JsModel } from '../model';
import type { Node } from '../parse';
import { memberName, staticString, unwrap } from '../syntax';
import type { SpawnSite } from '../spawn-site';
import { spawnResult, spawnSites } from '../workers';
import { afterStatement, indentUnit } from '../edits';
import { head } from './shared';

const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);

export const rule: JsRule = {
  meta: ruleMeta('CL503'),
  check(context) {
    const { model } = context;
    for (const site of spawnSites(model)) {
      if (site.kind !== 'worker' && site.kind !== 'fork' && site.kind !== 'spawn') continue;
      const result = spawnResult(model, site);
      if (result.escapes) continue;
      if (result.chained.some((c) => isErrorListener(c))) continue;
      if (result.binding && bindingHandled(model, result.binding)) continue;
      const what = site.kind === 'worker' ? 'an uncaught exception in the worker' : 'a failure to start or signal the process';
      context.report({
        node: head(site.node),
        message:
          `\`${site.label}\` has no 'error' listener: ${what} is emitted as 'error' on it, and an unhandled 'error' ` +
          "crashes this process. Add `.on('error', …)`.",
        fix: result.binding ? listenerFix(model, site, result.binding) : null,
      });
    }
  },
};

function isErrorListener(call: Node): boolean {
  if (call.type !== 'CallExpression') return false;
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' && LISTEN.has(memberName(callee) ?? '') && staticString(call.arguments[0]) === 'error';
}

/**
 * An 'error' listener on the variable, or the variable handed somewhere we cannot follow (a pool
 * library, `events.once(w, 'exit')`, a container): then it is not ours to judge.
 */
function bindingHandled(model: JsModel, binding: Binding): boolean {
  for (const ref of model.references(binding)) {
    let parent = model.parent(ref);
    while (parent && (parent.type === 'TSNonNullExpression' || parent.type === 'TSAsExpression' || parent.type === 'ChainExpression')) parent = model.parent(parent);
    if (!parent) continue;
    if (parent.type === 'MemberExpression' && unwrap(parent.object) === ref) {
      const name = memberName(parent);
      if (name === 'onerror') return true;
      const call = model.parent(parent);
      if (call && isErrorListener(call)) return true;
      continue;
    }
    if (parent.type === 'AssignmentExpression' && parent.left === ref) continue;
    if (parent.type === 'CallExpression' || parent.type === 'NewExpression' || parent.type === 'ReturnStatement' || parent.type === 'ArrayExpression' || parent.type === 'Property' || parent.type === 'AssignmentExpression' || parent.type === 'VariableDeclarator' || parent.type === 'ArrowFunctionExpression' || parent.type === 'ExportSpecifier' || parent.type === 'SpreadElement' || parent.type === 'AwaitExpression' || parent.type === 'YieldExpression') {
      return true;
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
  const indent = /^\s*/.exec(model.lineText(statement.loc.start.line - 1))?.[0] ?? '';
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
