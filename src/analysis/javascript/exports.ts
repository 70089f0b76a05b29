import { fact } from '../core/facts';
import type { FindingSubject } from '../core/types';
import type { JsModel } from './model';
import type { Node, TSESTree } from './parse';
import { type FunctionNode, isFunction, propertyName } from './syntax';
import { taskRoots } from './worker-tasks';

// The functions a module exports, under the name the benchmark harness imports them by
// (src/profiling/harness/node-common.ts `findFunction`: a named export, a property of the default
// export, or the default export itself as `default`). Used to offer benchmarks only on functions
// the harness can actually reach: CodeLens on worker functions, "Measure it" on CL104.

export interface ExportedFunction {
  /** The name the harness looks up. */
  name: string;
  fn: FunctionNode;
  /** 0-based line of the function. */
  line: number;
}

export const exportedFunctions = fact((model: JsModel) => {
  const out: ExportedFunction[] = [];
  const add = (name: string | null, expr: Node | null | undefined): void => {
    const fn = expr ? (isFunction(expr) ? expr : model.functionOf(expr)) : null;
    if (!name || !fn || out.some((e) => e.name === name)) return;
    out.push({ name, fn, line: model.lineOf(fn) });
  };
  const addObject = (object: TSESTree.ObjectExpression): void => {
    for (const prop of object.properties) if (prop.type === 'Property') add(propertyName(prop), prop.value as Node);
  };
  for (const stmt of model.program.body) {
    if (stmt.type === 'ExportNamedDeclaration') {
      const decl = stmt.declaration;
      if (decl?.type === 'FunctionDeclaration') add(decl.id?.name ?? null, decl);
      else if (decl?.type === 'VariableDeclaration') {
        for (const d of decl.declarations) if (d.id.type === 'Identifier' && d.init) add(d.id.name, d.init);
      } else if (!stmt.source) {
        for (const spec of stmt.specifiers) {
          if (spec.type !== 'ExportSpecifier' || spec.local.type !== 'Identifier') continue;
          const exported = spec.exported.type === 'Identifier' ? spec.exported.name : String(spec.exported.value);
          add(exported, spec.local);
        }
      }
    } else if (stmt.type === 'ExportDefaultDeclaration') {
      const decl = stmt.declaration as Node;
      const value = decl.type === 'Identifier' ? model.valueOf(decl) : decl;
      if (value.type === 'ObjectExpression') addObject(value);
      else add('default', decl);
    } else if (stmt.type === 'ExpressionStatement' && stmt.expression.type === 'AssignmentExpression' && stmt.expression.operator === '=') {
      const left = model.text(stmt.expression.left).replace(/\s+/g, '');
      const right = stmt.expression.right as Node;
      if (left === 'module.exports' || left === 'module.exports.default' || left === 'exports.default') {
        const value = model.valueOf(right);
        if (value.type === 'ObjectExpression') addObject(value);
        else add('default', right);
      } else {
        const member = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left);
        if (member) add(member[1], right);
      }
    }
  }
  return out;
});

/**
 * Exported functions a worker runs: in a worker script (or a file that branches on `isMainThread`),
 * the task roots (what pools call, the message listener) and the functions they call directly,
 * when exported. Nothing in main-thread files: there, nothing says a worker runs them.
 */
export function workerRunFunctions(model: JsModel): ExportedFunction[] {
  if (model.role === 'main') return [];
  const exported = exportedFunctions(model);
  if (exported.length === 0) return [];
  const roots = taskRoots(model);
  const run = new Set<FunctionNode>(roots);
  for (const call of model.calls) {
    if (!roots.some((root) => model.contains(root, call))) continue;
    const target = model.functionOf(call.callee);
    if (target) run.add(target);
  }
  return exported.filter((e) => run.has(e.fn));
}

/**
 * The exported function that contains `node` (or that `node` calls, for a call to a same-file
 * function): what to benchmark for a CPU hotspot (CL104). Null when none is exported.
 */
export function exportedSubjectOf(model: JsModel, node: Node): FindingSubject | null {
  const exported = exportedFunctions(model);
  if (exported.length === 0) return null;
  const subject = (fn: FunctionNode | null): FindingSubject | null => {
    const e = fn ? exported.find((x) => x.fn === fn) : undefined;
    return e ? { functionName: e.name, path: model.path, line: e.line } : null;
  };
  if (node.type === 'CallExpression') {
    const called = subject(model.functionOf(node.callee));
    if (called) return called;
  }
  for (let fn = model.enclosingFunction(node); fn; fn = model.enclosingFunction(fn)) {
    const found = subject(fn);
    if (found) return found;
  }
  return null;
}
