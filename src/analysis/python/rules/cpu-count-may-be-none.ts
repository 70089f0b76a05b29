import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { Binding, CallInfo, PythonModel } from '../model';
import type { PythonRule } from '../rule';
import { type PyNode, childByField, rangeOf } from '../syntax';
import { caughtNames } from './shared';
import { replaceNode } from '../edits';

// os.cpu_count() (and os.process_cpu_count()) return None when the count cannot be determined
// (some containers, sandboxes, exotic platforms). `None - 1` or `None > 4` then raises TypeError
// far from the call. Passing the value straight to Pool()/ProcessPoolExecutor() is fine: None
// means "default" there.

const COUNT_FUNCTIONS = new Set(['os.cpu_count', 'os.process_cpu_count']);
const CATCHES_TYPE_ERROR = new Set(['TypeError', 'Exception', 'BaseException', 'builtins.TypeError', 'builtins.Exception', 'builtins.BaseException']);
const ORDERING = new Set(['<', '>', '<=', '>=']);
/** Parents in which `x or 1` can replace `x` without parentheses. */
const NO_PARENS = new Set(['assignment', 'augmented_assignment', 'argument_list', 'keyword_argument', 'parenthesized_expression', 'return_statement', 'expression_statement']);

export const rule: PythonRule = {
  meta: ruleMeta('CL303'),
  check(context) {
    const { model } = context;
    for (const call of model.calls) {
      if (!call.qualified || !COUNT_FUNCTIONS.has(call.qualified)) continue;
      const name = `${model.text(call.callee)}()`;
      const direct = typeErrorCaught(model, call.node) ? null : unsafeUse(model, call.node);
      if (direct) {
        context.report({
          node: call.node,
          message: `\`${name}\` returns None when the CPU count is unknown, and ${direct} with None raises TypeError. ${advice(model, call, name)}`,
          fix: orOneFix(model, call),
        });
        continue;
      }
      const later = unsafeUseThroughVariable(model, call);
      if (later) {
        context.report({
          node: call.node,
          message:
            `\`${name}\` returns None when the CPU count is unknown, and \`${later.variable}\` is then used in ` +
            `${later.use} (line ${later.node.startRow + 1}), which raises TypeError on None. ${advice(model, call, name)}`,
          fix: orOneFix(model, call),
          related: [{ path: model.path, range: rangeOf(later.node), message: `\`${later.variable}\` used in ${later.use}` }],
        });
      }
    }
  },
};

function advice(model: PythonModel, call: CallInfo, name: string): string {
  const fallback = shrinkingExpression(model, call.node) ? `max(1, (${name} or 1) …)` : `(${name} or 1)`;
  return (
    `Use \`${fallback}\`` +
    (call.qualified === 'os.cpu_count' ? '; on Python 3.13+ `os.process_cpu_count()` counts only the CPUs this process may use.' : '.')
  );
}

/** The value of `node` (through parentheses), and the expression that consumes it. */
function consumer(node: PyNode): { value: PyNode; parent: PyNode | null } {
  let value = node;
  while (value.parent?.type === 'parenthesized_expression') value = value.parent;
  return { value, parent: value.parent };
}

/** How the expression's value is used in a way that fails on None: 'arithmetic', 'a comparison', or null. */
function unsafeUse(model: PythonModel, node: PyNode): string | null {
  const { value, parent } = consumer(node);
  if (!parent) return null;
  switch (parent.type) {
    case 'boolean_operator': {
      const operator = childByField(parent, 'operator');
      // `x or 1` is the fallback; anything else can still evaluate to None.
      if (operator && model.text(operator) === 'or' && childByField(parent, 'left') === value) return null;
      return unsafeUse(model, parent);
    }
    case 'binary_operator':
    case 'unary_operator':
      return 'arithmetic';
    case 'augmented_assignment':
      return childByField(parent, 'right') === value ? 'arithmetic' : null;
    case 'comparison_operator': {
      const ordering = parent.children.some((c) => !c.named && ORDERING.has(model.text(c)));
      return ordering ? 'a comparison' : null;
    }
    case 'argument_list': {
      const call = parent.parent ? model.callAt(parent.parent) : undefined;
      // min()/max() compare their arguments.
      if (call?.qualified === 'builtins.min' || call?.qualified === 'builtins.max') return `\`${call.qualified.slice(9)}()\` (a comparison)`;
      return null;
    }
    default:
      return null;
  }
}

function unsafeUseThroughVariable(model: PythonModel, call: CallInfo): { variable: string; use: string; node: PyNode } | null {
  const { value, parent } = consumer(call.node);
  if (parent?.type !== 'assignment' || childByField(parent, 'right') !== value) return null;
  const target = childByField(parent, 'left');
  if (target?.type !== 'identifier') return null;
  const variable = model.text(target);
  const scope = model.scopeOfNode(parent);
  const binding = (scope.bindings.get(variable) ?? model.moduleScope.bindings.get(variable) ?? []).find((b) => b.node === parent);
  if (!binding) return null;
  let first: { variable: string; use: string; node: PyNode } | null = null;
  for (const use of usesOf(model, variable, binding)) {
    // Any None check (`if n`, `n is None`, `n or 1`) means the author handles it: trust them.
    if (isNoneCheck(model, use)) return null;
    const how = typeErrorCaught(model, use) ? null : unsafeUse(model, use);
    if (how && !first) first = { variable, use: how, node: use };
  }
  return first;
}

/**
 * The TypeError `node` would raise is caught where it is raised: it sits in the body of a `try`
 * (in the same function) with a handler for TypeError, Exception, BaseException or everything.
 * The code then deals with the failure itself, and no TypeError reaches anyone.
 */
function typeErrorCaught(model: PythonModel, node: PyNode): boolean {
  for (let child = node, p = node.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return false;
    if (p.type !== 'try_statement' || child.field !== 'body') continue;
    for (const clause of p.children) {
      if (clause.type !== 'except_clause') continue;
      const names = caughtNames(model, clause);
      if (names === null || names.some((n) => CATCHES_TYPE_ERROR.has(n))) return true;
    }
  }
  return false;
}

function usesOf(model: PythonModel, name: string, binding: Binding): PyNode[] {
  return model.nodesOfType('identifier').filter((id) => {
    if (id.startIndex <= binding.node.startIndex || model.text(id) !== name) return false;
    if (id.field === 'attribute' || (id.field === 'name' && id.parent?.type === 'keyword_argument')) return false;
    return model.lookup(name, model.scopeOfNode(id), id) === binding;
  });
}

function isNoneCheck(model: PythonModel, use: PyNode): boolean {
  const { value, parent } = consumer(use);
  if (!parent) return false;
  switch (parent.type) {
    case 'not_operator':
    case 'boolean_operator':
    case 'assert_statement':
      return true;
    case 'if_statement':
    case 'elif_clause':
    case 'while_statement':
    case 'conditional_expression':
      return childByField(parent, 'condition') === value || parent.type === 'conditional_expression';
    case 'comparison_operator':
      return parent.children.some((c) => !c.named && ['is', 'is not', '==', '!='].includes(model.text(c)));
    default:
      return false;
  }
}

function orOneFix(model: PythonModel, call: CallInfo): Fix {
  const text = `${model.text(call.node)} or 1`;
  const shrunk = shrinkingExpression(model, call.node);
  if (shrunk) {
    // `(n or 1) - 1` is 0 on a one-CPU machine, and a pool of 0 workers raises ValueError.
    const { value } = consumer(call.node);
    const start = shrunk.startIndex;
    const inner = model.source.slice(start, value.startIndex) + `(${text})` + model.source.slice(value.endIndex, shrunk.endIndex);
    const replacement = `max(1, ${inner})`;
    return {
      description: `Fall back to 1 when the count is unknown, and keep at least one: \`${replacement}\``,
      edits: [replaceNode(shrunk, replacement)],
      // Only the None case (which raised) and the one-CPU case (which gave 0) change.
      safe: true,
    };
  }
  const parent = call.node.parent;
  const bare = parent !== null && NO_PARENS.has(parent.type);
  const replacement = bare ? text : `(${text})`;
  return {
    description: `Fall back to 1 when the count is unknown: \`${replacement}\``,
    edits: [replaceNode(call.node, replacement)],
    // os.cpu_count() never returns 0, so `or 1` only changes the None case, which raised before.
    safe: true,
  };
}

/**
 * `os.cpu_count() - 1` or `os.cpu_count() // 2` (the count on the left): a worker count that is 0
 * on a one-CPU machine, unless it already sits in `max(...)`. Null otherwise.
 */
function shrinkingExpression(model: PythonModel, node: PyNode): PyNode | null {
  const { value, parent } = consumer(node);
  if (parent?.type !== 'binary_operator' || childByField(parent, 'left') !== value) return null;
  const operator = childByField(parent, 'operator');
  if (!operator || !['-', '//'].includes(model.text(operator))) return null;
  const { parent: around } = consumer(parent);
  const call = around?.type === 'argument_list' && around.parent ? model.callAt(around.parent) : undefined;
  if (call?.qualified === 'builtins.max') return null;
  return parent;
}
