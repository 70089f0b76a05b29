import { type PyNode, childByField, namedChildren, walk } from '../syntax';
import type { Binding, CallInfo, FunctionInfo, PythonModel, Scope, Value } from '../model';
import { MODULE_IMPORTERS, canonicalName } from '../names';
import { stringLiteralValue } from '../model';
import { fact } from '../../core/facts';
import { callEffect, resultType, valueType } from './index';

// What a callee or a receiver is, a step beyond `PythonModel.resolve`, for the effect lookups:
// parameters typed by their annotation (`def f(sock: socket.socket)`), names bound to literals
// (`parts = []`), names another file of the tree re-exports or defines (`from .compat import
// urlopen`, `from .log import logger`), and what a workspace function returns
// (`def make_logger(): return logging.getLogger(...)`).

const UNKNOWN: Value = { kind: 'unknown' };
const MAX_DEPTH = 8;

const LITERAL_TYPES: Record<string, string> = {
  string: 'builtins.str',
  concatenated_string: 'builtins.str',
  list: 'builtins.list',
  list_comprehension: 'builtins.list',
  tuple: 'builtins.list',
  set: 'builtins.list',
  set_comprehension: 'builtins.list',
  dictionary: 'builtins.dict',
  dictionary_comprehension: 'builtins.dict',
};

/** The catalogue type of a call's receiver (`q` in `q.put(x)`), or null when it is not known. */
export function receiverType(model: PythonModel, call: CallInfo): string | null {
  if (!call.receiverNode) return null;
  const literal = LITERAL_TYPES[call.receiverNode.type];
  if (literal) return literal;
  return typeOfValue(valueOf(model, call.receiverNode, call.scope, 0));
}

/** The catalogue type of a value: an instance of a catalogued class or factory, or a known object. */
export function typeOfValue(value: Value): string | null {
  if (value.kind === 'instance' && !value.cls) return resultType(value.of);
  if (value.kind === 'ref') return valueType(value.name);
  return null;
}

/** Whether a value says enough for the effect lookups, so there is no need to look further. */
function settled(value: Value): boolean {
  switch (value.kind) {
    case 'ref':
      return callEffect(value.name) !== null || resultType(value.name) !== null;
    case 'instance':
      return !!value.cls || resultType(value.of) !== null;
    case 'unknown':
      return false;
    default:
      return true;
  }
}

/**
 * What an expression evaluates to: the model's answer, completed where it stops (a re-export in
 * another file, an annotated parameter, a workspace class or function of another file, a
 * workspace function's return value, a literal).
 */
export function valueOf(model: PythonModel, node: PyNode, scope: Scope, depth: number): Value {
  const literal = LITERAL_TYPES[node.type];
  if (literal) return { kind: 'instance', of: literal, origin: node };
  const value = model.resolve(node, scope);
  if (depth > MAX_DEPTH || settled(value)) return value;
  let better: Value | null = null;
  if (node.type === 'identifier') {
    const binding = model.lookup(model.text(node), scope, node);
    better = binding ? bindingValue(model, binding, depth) : null;
  } else if (node.type === 'attribute') {
    better = attributeValue(model, node, scope, depth);
  } else if (node.type === 'call') {
    const fnNode = childByField(node, 'function');
    const callee = fnNode ? valueOf(model, fnNode, scope, depth + 1) : UNKNOWN;
    if (callee.kind === 'ref') better = { kind: 'instance', of: callee.name, origin: node };
    else if (callee.kind === 'class') better = { kind: 'instance', of: `local:${callee.cls.name}`, origin: node, cls: callee.cls };
    else if (callee.kind === 'function' && !callee.fn.isLambda) better = forwardedValue(model, callee.fn, node, scope, depth) ?? returnValue(callee.fn, depth + 1);
  } else if (node.type === 'parenthesized_expression') {
    const inner = namedChildren(node)[0];
    better = inner ? valueOf(model, inner, scope, depth + 1) : null;
  }
  return better && better.kind !== 'unknown' ? better : value;
}

function attributeValue(model: PythonModel, node: PyNode, scope: Scope, depth: number): Value | null {
  const object = childByField(node, 'object');
  const attr = childByField(node, 'attribute');
  if (!object || !attr) return null;
  const fromModule = attributeOfModule(model, node, scope, depth);
  if (fromModule) return fromModule;
  const name = model.text(attr);
  // `self._queue` set from `pycompat.queue.Queue()`: the model names the instance by the
  // spelling of its constructor; the module it comes from may say what it is.
  const self = selfAttribute(model, node);
  if (self?.attribute) return valueOf(self.model, self.attribute.value, self.attribute.scope, depth + 1);
  if (self?.fn) return { kind: 'function', fn: self.fn };
  const base = valueOf(model, object, scope, depth + 1);
  if (base.kind === 'ref') return { kind: 'ref', name: canonicalName(`${base.name}.${name}`) };
  if (base.kind === 'instance' && !base.cls) return { kind: 'ref', name: `${base.of}.${name}` };
  if ((base.kind === 'instance' && base.cls) || base.kind === 'class') {
    const member = model.classMember(base.cls!, name);
    if (member?.fn) return { kind: 'function', fn: member.fn };
    if (member?.attribute && base.kind === 'instance') return valueOf(member.model, member.attribute.value, member.attribute.scope, depth + 1);
  }
  return null;
}

/** `self.x` inside a method: the value assigned to `self.x` in its class or a base class, if any. */
function selfAttribute(model: PythonModel, node: PyNode): ReturnType<PythonModel['classMember']> {
  const object = childByField(node, 'object');
  const attr = childByField(node, 'attribute');
  if (!object || !attr || object.type !== 'identifier' || (model.text(object) !== 'self' && model.text(object) !== 'cls')) return null;
  const cls = model.enclosingClassOfMethod(node);
  return cls ? model.classMember(cls, model.text(attr)) : null;
}

/** A binding's value where the model gives none or only a name: parameters, literals, imports. */
function bindingValue(model: PythonModel, binding: Binding, depth: number): Value | null {
  if (binding.kind === 'param') {
    const type = annotationOf(model, binding.node);
    return type ? { kind: 'instance', of: type, origin: null } : null;
  }
  if ((binding.kind === 'assign' || binding.kind === 'with') && binding.value) {
    const literal = LITERAL_TYPES[binding.value.type];
    if (literal) return { kind: 'instance', of: literal, origin: binding.value };
    const deeper = valueOf(model, binding.value, model.scopeOfNode(binding.node), depth + 1);
    return deeper.kind === 'unknown' ? null : deeper;
  }
  if (binding.kind === 'import' && binding.importModule?.name && model.resolver) {
    const { module, name, level } = binding.importModule;
    const other = model.resolver.resolveModuleBinding(model.path, module, level, name, 'binding');
    if (!other || other === model) return null;
    return exported(other, name, depth + 1);
  }
  return null;
}

/** What a module of the tree binds `name` to at its top level (following its own imports). */
function exported(model: PythonModel, name: string, depth: number): Value | null {
  if (depth > MAX_DEPTH) return null;
  const bindings = model.moduleScope.bindings.get(name);
  if (!bindings) return null;
  // Compatibility modules bind a name once per Python version (`if PY3: from urllib.request
  // import urlopen` / `else: from urllib2 import urlopen`): the last binding that says something.
  for (let i = bindings.length - 1; i >= 0; i--) {
    const value = exportedBinding(model, bindings[i], depth);
    if (value) return value;
  }
  return null;
}

function exportedBinding(model: PythonModel, binding: Binding, depth: number): Value | null {
  if (binding.kind === 'def' && binding.fn) return { kind: 'function', fn: binding.fn };
  if (binding.kind === 'class' && binding.cls) return { kind: 'class', cls: binding.cls };
  if (binding.kind === 'import') {
    const followed = bindingValue(model, binding, depth);
    if (followed) return followed;
    if (!binding.qualified || binding.qualified.startsWith('.')) return null;
    const name = canonicalName(binding.qualified);
    // `import queue` binds a module; `from urllib2 import urlopen` may be the branch of a
    // compatibility module that this Python never takes, so it counts only when it says something.
    if (!binding.importModule) return { kind: 'ref', name };
    return callEffect(name) || resultType(name) ? { kind: 'ref', name } : null;
  }
  if (binding.kind === 'assign' && binding.value) {
    const value = valueOf(model, binding.value, model.moduleScope, depth + 1);
    return value.kind === 'unknown' ? null : value;
  }
  return null;
}

/** `compat.urlopen` where `compat` is a module of the tree: what that module binds the name to. */
function attributeOfModule(model: PythonModel, node: PyNode, scope: Scope, depth: number): Value | null {
  const object = childByField(node, 'object');
  const attr = childByField(node, 'attribute');
  if (!object || !attr || !model.resolver) return null;
  if (object.type === 'attribute') return attributeOfDottedModule(model, object, model.text(attr), scope, depth);
  if (object.type !== 'identifier') return null;
  const binding = model.lookup(model.text(object), scope, object);
  if (!binding || binding.kind !== 'import') return null;
  let other: PythonModel | null = null;
  if (binding.importModule?.name) {
    const { module, name, level } = binding.importModule;
    // `from pkg import mod` (or `from . import mod`): the name may be a submodule.
    other = model.resolver.resolveModuleBinding(model.path, module ? `${module}.${name}` : name, level, model.text(attr), 'binding');
  } else if (binding.qualified && !binding.importModule) {
    other = model.resolver.resolveModuleBinding(model.path, binding.qualified, 0, model.text(attr), 'binding');
  }
  if (!other || other === model) return null;
  return exported(other, model.text(attr), depth + 1);
}

/**
 * `test.support.get_attribute` after `import test.support`: what the module of the tree that the
 * dotted name spells binds the name to. Only where the dotted name starts at a plain `import`.
 */
function attributeOfDottedModule(model: PythonModel, object: PyNode, name: string, scope: Scope, depth: number): Value | null {
  let root: PyNode = object;
  while (root.type === 'attribute') root = childByField(root, 'object') ?? root;
  if (root.type !== 'identifier') return null;
  const binding = model.lookup(model.text(root), scope, root);
  if (!binding || binding.kind !== 'import' || binding.importModule || !binding.qualified) return null;
  const dotted = model.resolve(object, scope);
  if (dotted.kind !== 'ref' || !/^[A-Za-z_][\w.]*$/.test(dotted.name)) return null;
  const other = model.resolver?.resolveModuleBinding(model.path, dotted.name, 0, name, 'binding') ?? null;
  if (!other || other === model) return null;
  return exported(other, name, depth + 1);
}

/** The catalogue type a parameter's annotation names (`sock: socket.socket`, `q: Optional[Queue]`). */
function annotationOf(model: PythonModel, param: PyNode): string | null {
  if (param.type !== 'typed_parameter' && param.type !== 'typed_default_parameter') return null;
  const typeNode = childByField(param, 'type');
  let expr = typeNode ? namedChildren(typeNode)[0] : null;
  // `Optional[X]` / `X | None`: the X. A generic the catalogue knows itself (`typing.IO[bytes]`)
  // is that type, not its parameter's.
  for (let guard = 0; expr && guard < 4; guard++) {
    const generic = expr.type === 'generic_type' || expr.type === 'subscript' ? namedChildren(expr)[0] ?? null : null;
    const known = generic && (generic.type === 'identifier' || generic.type === 'attribute') ? model.resolve(generic, model.moduleScope) : null;
    if (known?.kind === 'ref' && resultType(known.name)) return known.name;
    if (expr.type === 'generic_type') {
      const params = expr.children.find((c) => c.type === 'type_parameter');
      const first = params ? namedChildren(params)[0] : null;
      expr = first ? (first.type === 'type' ? namedChildren(first)[0] ?? null : first) : null;
    } else if (expr.type === 'binary_operator') {
      expr = childByField(expr, 'left');
    } else {
      break;
    }
  }
  if (!expr || (expr.type !== 'identifier' && expr.type !== 'attribute')) return null;
  const value = model.resolve(expr, model.moduleScope);
  if (value.kind !== 'ref') return null;
  return resultType(value.name) ? value.name : null;
}

/**
 * What a workspace function hands back of its arguments, when every `return` says the same: the
 * module named by one (`def import_module(name): return importlib.import_module(name)`), or an
 * attribute of one named by another (`def get_attribute(obj, name): return getattr(obj, name)`).
 * Test suites wrap imports and lookups like this to skip when the platform lacks them.
 */
type Forward = { kind: 'module'; name: number } | { kind: 'attribute'; object: number; name: number };

const forwards = fact((_: PythonModel) => new Map<FunctionInfo, Forward | null>());

function forwardOf(fn: FunctionInfo): Forward | null {
  const memo = forwards(fn.model);
  if (memo.has(fn)) return memo.get(fn)!;
  memo.set(fn, null);
  const forms: (Forward | null)[] = [];
  walk(fn.node, (node) => {
    if (node !== fn.node && (node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition')) return false;
    if (node.type === 'return_statement') {
      const expr = namedChildren(node)[0];
      forms.push(expr ? forwardForm(fn, expr, 0) : null);
    }
    return true;
  });
  const first = forms[0] ?? null;
  const same = !!first && forms.every((f) => !!f && JSON.stringify(f) === JSON.stringify(first));
  const result = same ? first : null;
  memo.set(fn, result);
  return result;
}

/** The form of one returned expression: `import_module(p)`, `getattr(p, q)`, or a local bound once to one. */
function forwardForm(fn: FunctionInfo, expr: PyNode, depth: number): Forward | null {
  const model = fn.model;
  const param = (node: PyNode | undefined): number => {
    if (!node || node.type !== 'identifier') return -1;
    const name = model.text(node);
    const binding = model.lookup(name, model.scopeOfNode(node), node);
    return binding?.kind === 'param' && model.bindingScope(name, model.scopeOfNode(node)) === fn.scope ? fn.params.indexOf(name) : -1;
  };
  if (expr.type === 'identifier' && depth < 2) {
    const name = model.text(expr);
    const scope = model.scopeOfNode(expr);
    if (model.bindingScope(name, scope) !== fn.scope) return null;
    const bindings = fn.scope.bindings.get(name);
    if (!bindings || bindings.length !== 1 || bindings[0].kind !== 'assign' || !bindings[0].value) return null;
    return forwardForm(fn, bindings[0].value, depth + 1);
  }
  if (expr.type !== 'call') return null;
  const call = model.callAt(expr);
  if (!call || call.kwargs.size > 0) return null;
  const [a, b] = call.args;
  if (call.qualified && MODULE_IMPORTERS.has(call.qualified) && call.args.length === 1) {
    const name = param(a);
    return name >= 0 ? { kind: 'module', name } : null;
  }
  if (call.qualified === 'builtins.getattr' && call.args.length === 2) {
    const object = param(a);
    const name = param(b);
    return object >= 0 && name >= 0 ? { kind: 'attribute', object, name } : null;
  }
  return null;
}

/** A call of a forwarding function (see `forwardOf`) with the names it forwards written as literals. */
function forwardedValue(model: PythonModel, fn: FunctionInfo, node: PyNode, scope: Scope, depth: number): Value | null {
  const form = forwardOf(fn);
  if (!form) return null;
  const args = childByField(node, 'arguments');
  const positional = args ? namedChildren(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment') : [];
  if (positional.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return null;
  const argument = (index: number): PyNode | null => {
    if (index < positional.length) return positional[index];
    const keyword = args ? namedChildren(args).find((a) => a.type === 'keyword_argument' && model.text(childByField(a, 'name') ?? a) === fn.params[index]) : undefined;
    return keyword ? childByField(keyword, 'value') : null;
  };
  const literal = (index: number): string | null => {
    const arg = argument(index);
    const text = arg?.type === 'string' ? stringLiteralValue(model.text(arg)) : null;
    return text && /^[A-Za-z_][\w.]*$/.test(text) ? text : null;
  };
  const name = literal(form.name);
  if (!name) return null;
  if (form.kind === 'module') return { kind: 'ref', name: canonicalName(name) };
  const objectNode = argument(form.object);
  const object = objectNode ? valueOf(model, objectNode, scope, depth + 1) : UNKNOWN;
  return object.kind === 'ref' && !name.includes('.') ? { kind: 'ref', name: canonicalName(`${object.name}.${name}`) } : null;
}

const returnValues = fact((_: PythonModel) => new Map<FunctionInfo, Value>());

/** What a workspace function returns, when all its `return`s agree on an instance of one thing. */
export function returnValue(fn: FunctionInfo, depth: number): Value {
  const model = fn.model;
  const memo = returnValues(model);
  const cached = memo.get(fn);
  if (cached) return cached;
  if (depth > MAX_DEPTH) return UNKNOWN;
  // Provisional entry: a function that returns its own result (recursion) adds nothing.
  memo.set(fn, UNKNOWN);
  const values: Value[] = [];
  walk(fn.node, (node) => {
    if (node !== fn.node && (node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition')) return false;
    if (node.type === 'return_statement') {
      const expr = namedChildren(node)[0];
      values.push(expr ? valueOf(model, expr, model.scopeOfNode(expr), depth + 1) : UNKNOWN);
    }
    return true;
  });
  let result: Value = UNKNOWN;
  if (values.length > 0 && values.every((v) => v.kind === 'instance' && !v.cls)) {
    const types = new Set(values.map((v) => typeOfValue(v)));
    if (types.size === 1 && !types.has(null)) result = values[0];
  }
  // The tree may be the catalogued library itself (scikit-learn's own `clone`): where its source
  // does not say what comes back, the catalogue's word for the same name does.
  const name = result.kind === 'unknown' ? libraryName(fn) : null;
  const type = name ? resultType(name) : null;
  if (type) result = { kind: 'instance', of: type, origin: null };
  memo.set(fn, result);
  return result;
}

/**
 * A workspace function's dotted name as its package's users import it (`sklearn.base.clone` for
 * `clone` in `sklearn/base.py`), or null outside a package of the tree.
 */
export function libraryName(fn: FunctionInfo): string | null {
  if (fn.isLambda || fn.parentFunction) return null;
  const model = fn.model;
  const pkg = model.absoluteName('.');
  if (pkg === '.' || pkg.startsWith('.')) return null;
  const stem = /([^\\/]+)\.py$/.exec(model.path)?.[1];
  if (!stem) return null;
  const module = stem === '__init__' ? pkg : `${pkg}.${stem}`;
  return fn.parentClass ? `${module}.${fn.parentClass.name}.${fn.name}` : `${module}.${fn.name}`;
}
