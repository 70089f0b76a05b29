import type { Binding, PythonModel, Scope } from './model';
import { type PyNode, childByField } from './syntax';
import { fact } from '../core/facts';

// Where the value of an expression goes, one step at a time: discarded, bound to a local name,
// appended to a local container, used as a receiver, iterated, handed to `with`, or escaping
// (returned, passed on, stored in an attribute). Rules about results that must be consumed
// (CL501) and resources that must be closed (CL502) follow values with it. Anything it cannot
// follow is `escapes`: the value went somewhere the analyzer does not track, so rules stay quiet.

export type Destination =
  /** An expression statement: nothing holds the value. */
  | { kind: 'discarded'; statement: PyNode }
  /** `name = <value>`; `assignment` is that assignment node. */
  | { kind: 'variable'; name: string; binding: Binding; scope: Scope; assignment: PyNode }
  /** `name.append(<value>)` / `name += [<value>]` on a local container. */
  | { kind: 'container'; name: string; binding: Binding; scope: Scope; receiver: PyNode }
  /** `<value>.attr` (called or not): `fut.result()`, `pool.close()`. */
  | { kind: 'attribute'; name: string; node: PyNode }
  /** `for x in <value>` or a comprehension's iterable. */
  | { kind: 'iterated' }
  /** `with <value>:` / `with <value> as x:`. */
  | { kind: 'with' }
  | { kind: 'escapes' };

/** Methods that add an element to the container they are called on. */
const ADDING_METHODS = new Set(['append', 'add', 'extend', 'insert', 'appendleft']);

// Parents whose value is the child's value or a collection holding it: follow them upwards.
const COLLECTIONS = new Set(['list', 'tuple', 'set', 'expression_list', 'dictionary']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'generator_expression', 'dictionary_comprehension']);

export function destinationOf(model: PythonModel, expr: PyNode): Destination {
  let node = expr;
  // Whether the value now sits inside a collection built around it (`[<value> for ...]`).
  let wrapped = false;
  for (let guard = 0; guard < 32; guard++) {
    const parent = node.parent;
    if (!parent) return { kind: 'escapes' };
    switch (parent.type) {
      case 'parenthesized_expression':
        node = parent;
        continue;
      case 'pair':
        // A dict key or value: the dict (literal or comprehension) holds it.
        if (!parent.parent) return { kind: 'escapes' };
        node = parent.parent;
        wrapped = true;
        continue;
      case 'conditional_expression':
        // `a if cond else b`: the value is a or b; the condition (third child) goes nowhere.
        if (parent.children.indexOf(node) === 2) return { kind: 'escapes' };
        node = parent;
        continue;
      case 'expression_statement':
        return { kind: 'discarded', statement: parent };
      case 'assignment':
        if (node.field !== 'right') return { kind: 'escapes' };
        return variableDestination(model, parent);
      case 'augmented_assignment': {
        const left = childByField(parent, 'left');
        if (node.field !== 'right' || !left || left.type !== 'identifier') return { kind: 'escapes' };
        return containerDestination(model, left);
      }
      case 'attribute': {
        if (node.field !== 'object') return { kind: 'escapes' };
        const attr = childByField(parent, 'attribute');
        return attr ? { kind: 'attribute', name: model.text(attr), node: parent } : { kind: 'escapes' };
      }
      case 'argument_list': {
        const call = parent.parent;
        const callee = call?.type === 'call' ? childByField(call, 'function') : null;
        if (callee?.type === 'attribute') {
          const object = childByField(callee, 'object');
          const attr = childByField(callee, 'attribute');
          const method = attr ? model.text(attr) : '';
          // `xs.extend(it)` iterates `it` itself; only the elements of a wrapping collection are kept.
          if (method === 'extend' && !wrapped) return { kind: 'iterated' };
          if (object?.type === 'identifier' && ADDING_METHODS.has(method)) return containerDestination(model, object);
        }
        return { kind: 'escapes' };
      }
      case 'for_statement':
      case 'for_in_clause':
        return node.field === 'right' ? { kind: 'iterated' } : { kind: 'escapes' };
      case 'with_item':
        return { kind: 'with' };
      case 'as_pattern':
        return parent.parent?.type === 'with_item' && node.field !== 'alias' ? { kind: 'with' } : { kind: 'escapes' };
      default:
        if (COLLECTIONS.has(parent.type) || (COMPREHENSIONS.has(parent.type) && node.field === 'body')) {
          node = parent;
          wrapped = true;
          continue;
        }
        return { kind: 'escapes' };
    }
  }
  return { kind: 'escapes' };
}

function variableDestination(model: PythonModel, assignment: PyNode): Destination {
  const left = childByField(assignment, 'left');
  if (!left || left.type !== 'identifier') return { kind: 'escapes' };
  const name = model.text(left);
  const scope = model.scopeOfNode(assignment);
  // Names declared global/nonlocal, or class attributes, are read from places this does not follow.
  if (scope.kind === 'class' || scope.globals.has(name) || scope.nonlocals.has(name)) return { kind: 'escapes' };
  const binding = model.lookup(name, scope, left);
  if (!binding || binding.node !== assignment) return { kind: 'escapes' };
  return { kind: 'variable', name, binding, scope, assignment };
}

function containerDestination(model: PythonModel, receiver: PyNode): Destination {
  const name = model.text(receiver);
  const scope = model.scopeOfNode(receiver);
  if (scope.kind === 'class' || scope.globals.has(name) || scope.nonlocals.has(name)) return { kind: 'escapes' };
  const binding = model.lookup(name, scope, receiver);
  // Only containers this scope created itself: a parameter or an outer list is the caller's to read.
  if (!binding || binding.kind !== 'assign' || !(scope.bindings.get(name) ?? []).includes(binding)) return { kind: 'escapes' };
  return { kind: 'container', name, binding, scope, receiver };
}

/**
 * The places that read a local name bound in `scope` (the uses that can see the given binding),
 * excluding stores to the name. For containers, reads that only add elements are left out too.
 */
export function readsOf(model: PythonModel, dest: Extract<Destination, { kind: 'variable' | 'container' }>): PyNode[] {
  const sameScope = dest.scope.bindings.get(dest.name) ?? [];
  const definitionLoops = model.contextOf(dest.binding.node).loops;
  const out: PyNode[] = [];
  for (const id of identifiersNamed(model, dest.name)) {
    if (isStore(id) || within(id, dest.kind === 'variable' ? childByField(dest.assignment, 'left') : null)) continue;
    const readScope = model.scopeOfNode(id);
    const looked = model.lookup(dest.name, readScope, id);
    const seen = looked ? bindingReadAt(sameScope, looked, id) : null;
    if (!seen || !sameScope.includes(seen)) continue;
    // `pool = Pool()` in a try and `pool = ThreadPool()` in its except: a read after the
    // statement sees either one.
    if (dest.kind === 'variable' && seen !== dest.binding && alternatives(dest.binding.node, seen.node, id)) {
      out.push(id);
      continue;
    }
    if (dest.kind === 'variable' && seen !== dest.binding) {
      // A read in a nested function, or earlier in a loop that also holds the binding, can still
      // see it on a later call or iteration.
      const nested = readScope !== dest.scope;
      const loopCarried = model.contextOf(id).loops.some((loop) => definitionLoops.includes(loop));
      if (!nested && !loopCarried) continue;
    }
    if (dest.kind === 'container' && isAddingReceiver(model, id)) continue;
    out.push(id);
  }
  return out;
}

/**
 * `f = wrap(f)`: the `f` read on the right-hand side is the previous value, since Python evaluates
 * the right side before it binds the name (the model picks bindings by where they start).
 */
function bindingReadAt(bindings: Binding[], seen: Binding, read: PyNode): Binding {
  const right = seen.kind === 'assign' && seen.node.type === 'assignment' ? childByField(seen.node, 'right') : null;
  if (!right || !within(read, right)) return seen;
  let previous: Binding | null = null;
  for (const b of bindings) {
    if (b !== seen && b.node.startIndex < seen.node.startIndex && (!previous || b.node.startIndex > previous.node.startIndex)) previous = b;
  }
  return previous ?? seen;
}

/**
 * Two bindings in exclusive branches of one statement (`if`/`else`, a `try` body and one of its
 * `except` handlers) that a read after the statement may see either of.
 */
function alternatives(a: PyNode, b: PyNode, read: PyNode): boolean {
  for (let p = a.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return false;
    if (p.type !== 'if_statement' && p.type !== 'try_statement') continue;
    if (!within(b, p)) continue;
    if (read.startIndex < p.endIndex) return false;
    const branchA = branchOf(a, p);
    const branchB = branchOf(b, p);
    if (!branchA || !branchB || branchA === branchB) return false;
    if (p.type === 'if_statement') return true;
    // The handlers run after part of the body: either binding may be the one left.
    const handler = (n: PyNode): boolean => n.type === 'except_clause' || n.type === 'except_group_clause';
    return handler(branchA) !== handler(branchB) || (handler(branchA) && handler(branchB));
  }
  return false;
}

/** The child of `statement` (body, elif/else/except clause) that holds `node`. */
function branchOf(node: PyNode, statement: PyNode): PyNode | null {
  let current = node;
  while (current.parent && current.parent !== statement) current = current.parent;
  if (current.parent !== statement) return null;
  // A `finally` block runs on every path: not an alternative to anything.
  return current.type === 'finally_clause' || current.field === 'condition' ? null : current;
}

/** The identifier nodes of the file spelled `name`, in document order. */
export function identifiersNamed(model: PythonModel, name: string): PyNode[] {
  return identifiersByName(model).get(name) ?? [];
}

const identifiersByName = fact((model: PythonModel) => {
  const index = new Map<string, PyNode[]>();
  for (const id of model.nodesOfType('identifier')) {
    const text = model.text(id);
    let list = index.get(text);
    if (!list) index.set(text, (list = []));
    list.push(id);
  }
  return index;
});

function isStore(id: PyNode): boolean {
  const parent = id.parent;
  if (!parent) return true;
  // `x.name`, `f(name=...)`, `def name`, `class name`, parameters and import names are not reads.
  if (id.field === 'attribute' || id.field === 'name' || id.field === 'alias') return true;
  if (parent.type === 'parameters' || parent.type === 'lambda_parameters' || parent.type === 'dotted_name' || parent.type === 'aliased_import') return true;
  if (parent.type === 'global_statement' || parent.type === 'nonlocal_statement') return true;
  if (parent.type === 'as_pattern_target') return true;
  if ((parent.type === 'assignment' || parent.type === 'for_statement' || parent.type === 'for_in_clause') && id.field === 'left') return true;
  if (['pattern_list', 'tuple_pattern', 'list_pattern'].includes(parent.type)) return true;
  if (parent.type.endsWith('parameter')) return true;
  return false;
}

function within(node: PyNode, container: PyNode | null): boolean {
  return !!container && node.startIndex >= container.startIndex && node.endIndex <= container.endIndex;
}

function isAddingReceiver(model: PythonModel, id: PyNode): boolean {
  const parent = id.parent;
  if (parent?.type === 'augmented_assignment' && id.field === 'left') return true;
  if (parent?.type !== 'attribute' || id.field !== 'object') return false;
  const attr = childByField(parent, 'attribute');
  return !!attr && ADDING_METHODS.has(model.text(attr)) && parent.parent?.type === 'call';
}
