import type { FunctionInfo, PythonModel, Scope } from './model';
import { fact } from '../core/facts';
import { type PyNode, childByField, namedChildren, walk } from './syntax';

// State changes made by each function body: assignments, augmented assignments, deletions and
// mutating method calls, with the variable each one ultimately changes. The shared-state rules
// (CL401 threads racing, CL404 processes changing a copy, CL406 proxies in loops) judge them.

export type MutationKind = 'augmented' | 'assign' | 'delete' | 'method';

export interface Mutation {
  kind: MutationKind;
  /** The augmented_assignment / assignment / delete_statement / call node. */
  node: PyNode;
  /** The changed expression: the assignment target, the deleted item, the method's receiver. */
  target: PyNode;
  /** The variable at the root of `target` (`d` in `d[k].x`), when it is a plain name. */
  root: PyNode | null;
  /** For `method`: the method name. */
  method: string | null;
  /** The new value depends on the old one: `x += 1`, `d[k] = d.get(k, 0) + 1`, `n = n + 1`. */
  readModifyWrite: boolean;
  /** For a read-modify-write split over statements, the earlier assignment that read the old value. */
  readAt: PyNode | null;
  fn: FunctionInfo | null;
}

/** Where the root variable of a mutation lives, seen from the function that mutates it. */
export type RootOwner =
  | { kind: 'global'; name: string }
  | { kind: 'nonlocal'; name: string }
  | { kind: 'closure'; name: string; scope: Scope }
  | { kind: 'self' }
  | { kind: 'param'; name: string }
  | { kind: 'local'; name: string }
  | { kind: 'unknown' };

// Methods of the builtin containers (and deque/Counter) that change the receiver.
export const MUTATING_METHODS = new Set([
  'append', 'extend', 'insert', 'pop', 'remove', 'clear', 'update', 'setdefault', 'add', 'discard',
  'appendleft', 'extendleft', 'popleft', 'popitem', 'sort', 'reverse', 'difference_update',
  'intersection_update', 'symmetric_difference_update',
]);

export function mutationsIn(model: PythonModel, fn: FunctionInfo | null): Mutation[] {
  return mutationsByFunction(model).get(fn) ?? [];
}

const mutationsByFunction = fact((model: PythonModel) => {
  const byFn = new Map<FunctionInfo | null, Mutation[]>();
  for (const m of collect(model)) {
    let list = byFn.get(m.fn);
    if (!list) byFn.set(m.fn, (list = []));
    list.push(m);
  }
  return byFn;
});

function collect(model: PythonModel): Mutation[] {
  const out: Mutation[] = [];
  const add = (kind: MutationKind, node: PyNode, target: PyNode, method: string | null, readModifyWrite: boolean, readAt: PyNode | null = null): void => {
    out.push({ kind, node, target, root: rootName(target), method, readModifyWrite, readAt, fn: model.contextOf(node).fn });
  };
  for (const node of model.nodesOfType('augmented_assignment')) {
    const left = childByField(node, 'left');
    if (left) add('augmented', node, left, null, true);
  }
  for (const node of model.nodesOfType('assignment')) {
    const left = childByField(node, 'left');
    if (!left) continue;
    let right = childByField(node, 'right');
    // `a = b = expr`: the value is the innermost right-hand side.
    while (right && right.type === 'assignment') right = childByField(right, 'right');
    for (const target of assignmentTargets(left)) {
      const direct = !!right && readsTarget(model, target, right);
      const readAt = right && !direct ? readThroughLocal(model, target, right) : null;
      add('assign', node, target, null, direct || readAt !== null, readAt);
    }
  }
  for (const node of model.nodesOfType('delete_statement')) {
    for (const target of namedChildren(node)) {
      const items = target.type === 'expression_list' ? namedChildren(target) : [target];
      for (const item of items) if (item.type === 'subscript' || item.type === 'attribute') add('delete', node, item, null, false);
    }
  }
  for (const call of model.calls) {
    if (call.method && call.receiverNode && MUTATING_METHODS.has(call.method)) {
      add('method', call.node, call.receiverNode, call.method, false);
    }
  }
  return out;
}

function assignmentTargets(left: PyNode): PyNode[] {
  if (['identifier', 'subscript', 'attribute'].includes(left.type)) return [left];
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'expression_list', 'tuple', 'list'].includes(left.type)) {
    return namedChildren(left).flatMap(assignmentTargets);
  }
  return [];
}

/** The name an expression chain starts from: `d` in `d[k]`, `self` in `self.a.b`. */
export function rootName(expr: PyNode): PyNode | null {
  let current: PyNode | null = expr;
  while (current) {
    if (current.type === 'identifier') return current;
    if (current.type === 'subscript') current = childByField(current, 'value');
    else if (current.type === 'attribute') current = childByField(current, 'object');
    else if (current.type === 'parenthesized_expression') current = namedChildren(current)[0] ?? null;
    else return null;
  }
  return null;
}

/** The value read back from what is written: `n` for `n = ...`, `d` for `d[k] = ...`, `self.t` for `self.t = ...`. */
function readsTarget(model: PythonModel, target: PyNode, right: PyNode): boolean {
  const base = target.type === 'subscript' ? childByField(target, 'value') : target;
  if (!base) return false;
  const wanted = model.text(base);
  let found = false;
  walk(right, (node) => {
    if (found) return false;
    // A lambda body runs later, not as part of this write.
    if (node.type === 'lambda') return false;
    // `obj.n` and `f(n=1)` spell `n` without reading the variable `n`.
    if (node.type === 'identifier' && (node.field === 'attribute' || node.field === 'name')) return false;
    if ((node.type === 'identifier' || node.type === 'attribute') && model.text(node) === wanted) {
      found = true;
      return false;
    }
    return true;
  });
  return found;
}

/**
 * A read-modify-write split over statements: `current = counter` … `counter = current + 1`, or
 * `v = totals.get(k, 0)` then `totals[k] = v + 1`. The new value reads a local variable of the
 * same function whose value was read from the target earlier (through `+=` steps on it). Returns
 * that earlier assignment.
 */
function readThroughLocal(model: PythonModel, target: PyNode, right: PyNode): PyNode | null {
  const fnScope = model.scopeOfNode(right);
  if (fnScope.kind !== 'function') return null;
  let found: PyNode | null = null;
  walk(right, (node) => {
    if (found || node.type === 'lambda') return false;
    if (node.type !== 'identifier' || node.field === 'attribute' || node.field === 'name') return true;
    const name = model.text(node);
    if (fnScope.globals.has(name) || fnScope.nonlocals.has(name)) return true;
    const bindings = fnScope.bindings.get(name) ?? [];
    // Follow the variable back through its earlier bindings in this function (`current += 1`);
    // bindings are in source order, so one index walks back over them.
    let i = bindings.length - 1;
    let at = node.startIndex;
    for (let steps = 0; steps < 4; steps++) {
      while (i >= 0 && bindings[i].node.startIndex >= at) i--;
      if (i < 0) break;
      const statement = bindings[i].node;
      if (statement.type === 'assignment' && model.text(childByField(statement, 'left') ?? statement) === name) {
        const value = childByField(statement, 'right');
        if (value && readsTarget(model, target, value)) found = statement;
        break;
      }
      if (statement.type !== 'augmented_assignment') break;
      at = statement.startIndex;
    }
    return false;
  });
  return found;
}

/** Who owns the root variable of a mutation made inside `fn`. */
export function rootOwner(model: PythonModel, fn: FunctionInfo, m: Mutation): RootOwner {
  const root = m.root;
  if (!root) return { kind: 'unknown' };
  const name = model.text(root);
  if (m.target === root && m.kind !== 'method') {
    // Rebinding a name: only `global`/`nonlocal` reach outside the function.
    if (fn.scope.globals.has(name)) return { kind: 'global', name };
    if (fn.scope.nonlocals.has(name)) return { kind: 'nonlocal', name };
    return { kind: 'local', name };
  }
  if (name === 'self' && fn.parentClass && fn.params[0] === 'self') return { kind: 'self' };
  const scope = model.bindingScope(name, fn.scope);
  if (!scope) return { kind: 'unknown' };
  if (scope === fn.scope) {
    return fn.params.includes(name) ? { kind: 'param', name } : { kind: 'local', name };
  }
  if (scope.kind === 'module') return { kind: 'global', name };
  if (scope.kind === 'function') return { kind: 'closure', name, scope };
  return { kind: 'unknown' };
}

/** The statement a mutation belongs to (what a fix wraps or a finding reports). */
export function statementOf(node: PyNode): PyNode {
  let current = node;
  while (current.parent && current.parent.type !== 'block' && current.parent.type !== 'module') current = current.parent;
  return current;
}
