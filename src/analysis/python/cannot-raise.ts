import type { PythonModel, Scope } from './model';
import { type PyNode, childByField, namedChildren } from './syntax';

// Statements that cannot raise once their names are bound: an exception there would be a
// programming error seen on every run, not the intermittent failure that leaves a lock held (CL402
// between `acquire()` and `release()`). Only what the model can see is accepted: plain names,
// constants, attributes the class assigns, `len()` and the reading or adding methods of containers
// whose constructor is known, and a dict's item store. Any other call, or a receiver of unknown
// type, may raise. An asynchronous interrupt (KeyboardInterrupt) can land anywhere and is not
// what this decides.

const CONTAINERS = new Set(['builtins.dict', 'builtins.list', 'builtins.set', 'collections.deque', 'collections.OrderedDict', 'collections.defaultdict', 'collections.Counter']);
const LITERAL_CONTAINERS: Record<string, string> = { dictionary: 'builtins.dict', list: 'builtins.list', set: 'builtins.set' };
/** Methods that only read a container or add to its end. */
const SAFE_METHODS: Record<string, ReadonlySet<string>> = {
  'builtins.dict': new Set(['keys', 'values', 'items', 'copy', 'get']),
  'collections.OrderedDict': new Set(['keys', 'values', 'items', 'copy', 'get']),
  'collections.defaultdict': new Set(['keys', 'values', 'items', 'copy', 'get']),
  'collections.Counter': new Set(['keys', 'values', 'items', 'copy', 'get']),
  'builtins.list': new Set(['append', 'copy']),
  'builtins.set': new Set(['add', 'copy']),
  'collections.deque': new Set(['append', 'appendleft', 'copy']),
};
/** Clocks: read without arguments, they cannot fail. */
const CLOCKS = new Set(['time.time', 'time.monotonic', 'time.perf_counter']);
const CONSTANTS = new Set(['string', 'integer', 'float', 'true', 'false', 'none']);
const STORABLE_KEYS = new Set(['string', 'integer', 'identifier', 'attribute', 'true', 'false', 'none']);

export function statementCannotRaise(model: PythonModel, statement: PyNode, scope: Scope): boolean {
  if (statement.type === 'pass_statement') return true;
  if (statement.type !== 'expression_statement') return false;
  const children = namedChildren(statement);
  if (children.length !== 1) return false;
  const expr = children[0];
  if (expr.type === 'call') return callCannotRaise(model, expr, scope);
  if (expr.type !== 'assignment') return false;
  const left = childByField(expr, 'left');
  const right = childByField(expr, 'right');
  if (!left || !right || childByField(expr, 'type') || !valueCannotRaise(model, right, scope)) return false;
  if (left.type === 'identifier') return true;
  if (left.type === 'attribute') return classAssignedValue(model, left, scope) !== null;
  if (left.type === 'subscript') {
    const target = childByField(left, 'value');
    const keys = left.children.filter((c) => c.field === 'subscript');
    // A dict's item store raises only for an unhashable key; plain names and constants are hashable in practice.
    return !!target && keys.length === 1 && STORABLE_KEYS.has(keys[0].type) && valueCannotRaise(model, keys[0], scope) && containerOf(model, target, scope)?.endsWith('dict') === true;
  }
  return false;
}

function valueCannotRaise(model: PythonModel, node: PyNode, scope: Scope): boolean {
  switch (node.type) {
    case 'identifier':
      return true;
    case 'attribute':
      return classAssignedValue(model, node, scope) !== null;
    case 'tuple':
    case 'parenthesized_expression':
      return namedChildren(node).every((c) => c.type === 'comment' || valueCannotRaise(model, c, scope));
    case 'call':
      return callCannotRaise(model, node, scope);
    case 'binary_operator': {
      // `len(a) + len(b)`: integers added; other operands may be of any type.
      const operator = childByField(node, 'operator');
      const sides = [childByField(node, 'left'), childByField(node, 'right')];
      return operator?.type === '+' && sides.every((s) => !!s && s.type === 'call' && model.callAt(s)?.qualified === 'builtins.len' && callCannotRaise(model, s, scope));
    }
    default:
      return CONSTANTS.has(node.type);
  }
}

function callCannotRaise(model: PythonModel, node: PyNode, scope: Scope): boolean {
  const call = model.callAt(node);
  if (!call || call.kwargs.size > 0 || !call.args.every((a) => valueCannotRaise(model, a, scope))) return false;
  if (call.qualified === 'builtins.len') return call.args.length === 1 && containerOf(model, call.args[0], scope) !== null;
  // Before the methods: `time.time()` is a call on the module `time`.
  if (call.qualified && CLOCKS.has(call.qualified)) return call.args.length === 0;
  if (call.method && call.receiverNode) {
    const kind = containerOf(model, call.receiverNode, scope);
    return !!kind && (SAFE_METHODS[kind]?.has(call.method) ?? false) && valueCannotRaise(model, call.receiverNode, scope);
  }
  return false;
}

/** The container class `node` holds, when its constructor is known: a literal, `deque()`, `dict()`. */
function containerOf(model: PythonModel, node: PyNode, scope: Scope): string | null {
  const value = model.resolve(node, scope);
  if (value.kind === 'instance' && CONTAINERS.has(value.of)) return value.of;
  const assigned = classAssignedValue(model, node, scope);
  if (assigned && LITERAL_CONTAINERS[assigned.type]) return LITERAL_CONTAINERS[assigned.type];
  return null;
}

/** `self.x` where the class assigns `x` in a method: its value expression, else null. */
function classAssignedValue(model: PythonModel, node: PyNode, scope: Scope): PyNode | null {
  if (node.type !== 'attribute') return null;
  const object = childByField(node, 'object');
  const attribute = childByField(node, 'attribute');
  if (object?.type !== 'identifier' || model.text(object) !== 'self' || !attribute) return null;
  const fn = scope.owner && 'params' in scope.owner ? scope.owner : null;
  const cls = fn?.parentClass;
  if (!cls || fn.params[0] !== 'self') return null;
  return cls.attributes.get(model.text(attribute))?.value ?? null;
}
