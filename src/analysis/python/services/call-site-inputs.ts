import { COPIES, type CallSiteInputs } from '../../core/bench-inputs';
import type { Binding, FunctionInfo, PythonModel, Scope } from '../model';
import { isBuiltinName } from '../model';
import { type PyNode, childByField, namedChildren } from '../syntax';
import { taskSites, targetFunction, type TaskSite } from '../tasks';

// The benchmark's inputs from a real call of the function: `pool.map(square, range(1000))` gives
// the items `range(1000)`, `compute(data, 5)` gives `[(data, 5)] * 8`, `for n in NUMBERS:
// ex.submit(f, n)` gives `NUMBERS`. The inputs are evaluated in the target module's namespace
// (src/profiling/harness/python_harness.py), so an argument is used only when every name it reads
// exists there after the import: a builtin, a module-level name of the target module (not one
// bound under the main guard), or a local with a single assignment whose value is itself such
// an expression (inlined). Anything else (a parameter, `self.x`, a name of another module) keeps
// the signature's guess: a wrong expression would fail at run time, and that is worse.

/** How many assignments deep a local's value is inlined (`data = make(); compute(data)`). */
const MAX_INLINE_DEPTH = 3;
/** Inputs longer than this are not offered: the prompt is one line. */
const MAX_INPUTS_LENGTH = 300;

const MAP_APIS = new Set(['map', 'imap', 'imap_unordered', 'map_async', 'thread_map', 'process_map']);
const STARMAP_APIS = new Set(['starmap', 'starmap_async']);
/** Calls whose positional arguments after the callable are one call's arguments. */
const SUBMIT_APIS: Record<string, number> = { submit: 1, to_thread: 1, run_in_executor: 2, run_sync: 1 };
const REFUSED_TYPES = new Set(['lambda', 'await', 'yield', 'named_expression', 'ERROR', 'list_splat', 'dictionary_splat', 'keyword_argument']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
/** Values that never evaluate to a tuple: one of them is one argument as it stands. */
const NEVER_TUPLE = new Set(['integer', 'float', 'string', 'concatenated_string', 'true', 'false', 'none', 'list', 'dictionary', 'set', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'binary_operator', 'unary_operator']);

/**
 * The first call of `fn` whose arguments can be evaluated in `fn`'s module: task sites before
 * direct calls, the defining file before the others (`others`: files that import it).
 */
export function pythonCallSiteInputs(fn: FunctionInfo, others: readonly PythonModel[] = []): CallSiteInputs | null {
  const target = fn.model;
  const isTarget = (f: FunctionInfo | null | undefined): boolean =>
    !!f && (f === fn || (f.model.path === target.path && f.name === fn.name && !f.parentFunction && !f.parentClass));
  for (const model of [target, ...others.filter((m) => m.path !== target.path)]) {
    for (const site of taskSites(model)) {
      if (site.target.kind !== 'function' || !isTarget(targetFunction(site.target))) continue;
      const found = fromTaskSite(model, fn, site);
      if (found) return found;
    }
  }
  for (const model of [target, ...others.filter((m) => m.path !== target.path)]) {
    for (const call of model.calls) {
      if (call.target.kind !== 'function' || !isTarget(call.target.fn)) continue;
      // A recursive call's arguments are the function's own parameters.
      if (model === target && insideFunction(call.node, fn)) continue;
      if (call.kwargs.size > 0) continue;
      const found = fromArguments(model, fn, call.node, call.args, call.scope);
      if (found) return found;
    }
  }
  return null;
}

function fromTaskSite(model: PythonModel, fn: FunctionInfo, site: TaskSite): CallSiteInputs | null {
  const { call, api } = site;
  const scope = call.scope;
  if (MAP_APIS.has(api) || STARMAP_APIS.has(api)) {
    if (!site.iterableNode) return null;
    // `executor.map(f, xs, ys)`: several iterables are zipped into argument tuples (Pool.map's third argument is its chunksize).
    const several = site.executor.startsWith('concurrent.futures') || api === 'thread_map' || api === 'process_map';
    const iterables = STARMAP_APIS.has(api) || !several ? [site.iterableNode] : call.args.slice(1);
    const texts = iterables.map((node) => portable(model, node, scope, fn.model));
    if (texts.some((t) => t === null)) return null;
    let inputs: string;
    if (iterables.length > 1) inputs = `list(zip(${texts.join(', ')}))`;
    else if (STARMAP_APIS.has(api) || requiredCount(fn) > 1 || neverYieldsTuples(model, iterables[0])) inputs = texts[0] as string;
    else inputs = `[(x,) for x in ${texts[0]}]`; // an item that is a tuple would be spread into arguments
    return offer(model, call.node, inputs);
  }
  const skip = SUBMIT_APIS[api];
  if (skip !== undefined) {
    if (call.kwargs.size > 0) return null;
    return fromArguments(model, fn, call.node, call.args.slice(skip), scope);
  }
  // Thread(target=f, args=(a, b)), Process(...), pool.apply_async(f, (a, b)).
  const argsNode = api === 'Thread' || api === 'Process' ? call.kwargs.get('args') : api === 'apply_async' || api === 'apply' ? (call.args[1] ?? call.kwargs.get('args')) : undefined;
  if (argsNode === undefined) return null;
  if (argsNode.type !== 'tuple' && argsNode.type !== 'list') return null;
  return fromArguments(model, fn, call.node, namedChildren(argsNode), scope);
}

/** One call's arguments: `[(a, b)] * 8`, or in a loop over an iterable, one item per iteration. */
function fromArguments(model: PythonModel, fn: FunctionInfo, callNode: PyNode, args: PyNode[], scope: Scope): CallSiteInputs | null {
  if (args.some((a) => REFUSED_TYPES.has(a.type))) return null;
  if (args.length < requiredCount(fn)) return null;
  const texts = args.map((a) => portable(model, a, scope, fn.model));
  if (texts.every((t) => t !== null)) {
    const item = itemOf(args, texts as string[]);
    return offer(model, callNode, `[${item}] * ${COPIES}`);
  }
  // `for n in NUMBERS: ex.submit(f, n)` / `[f(n) for n in NUMBERS]`: the loop's items.
  const loop = enclosingLoop(callNode);
  if (!loop) return null;
  const bound = new Set(identifiersIn(loop.left).map((id) => model.text(id)));
  const iterable = portable(model, loop.right, model.scopeOfNode(loop.right), fn.model);
  if (iterable === null) return null;
  const inLoop = args.map((a) => portable(model, a, scope, fn.model, bound));
  if (inLoop.some((t) => t === null)) return null;
  const left = model.text(loop.left);
  if (args.length === 1 && loop.left.type === 'identifier' && inLoop[0] === left && (requiredCount(fn) > 1 || neverYieldsTuples(model, loop.right))) {
    return offer(model, callNode, iterable);
  }
  return offer(model, callNode, `[${itemOf(args, inLoop as string[])} for ${left} in ${iterable}]`);
}

function itemOf(args: PyNode[], texts: string[]): string {
  if (texts.length === 1) {
    if (SCALAR_TEXT.test(texts[0])) return texts[0].replace(/^\(+|\)+$/g, '');
    return NEVER_TUPLE.has(args[0].type) ? texts[0] : `(${texts[0]},)`;
  }
  return `(${texts.join(', ')})`;
}

function offer(model: PythonModel, callNode: PyNode, inputs: string): CallSiteInputs | null {
  if (inputs.length > MAX_INPUTS_LENGTH || inputs.includes('\n')) return null;
  const text = model.text(callNode).replace(/\s+/g, ' ');
  return { inputs, path: model.path, line: callNode.startRow, call: text.length > 80 ? `${text.slice(0, 77)}…` : text };
}

function requiredCount(fn: FunctionInfo): number {
  const list = childByField(fn.node, 'parameters');
  if (!list) return 0;
  return namedChildren(list).filter((p) => p.type === 'identifier' || (p.type === 'typed_parameter' && namedChildren(p)[0]?.type === 'identifier')).length;
}

/** `range(…)`, a list literal of scalars, a comprehension of scalars: items that are not tuples. */
function neverYieldsTuples(model: PythonModel, node: PyNode): boolean {
  if (node.type === 'call') {
    const callee = childByField(node, 'function');
    return callee?.type === 'identifier' && model.text(callee) === 'range';
  }
  if (node.type === 'list' || node.type === 'set' || node.type === 'tuple') return namedChildren(node).every((c) => NEVER_TUPLE.has(c.type));
  // `[0.1] * 4`, `[1, 2] + [3]`: lists of scalars.
  if (node.type === 'binary_operator') return namedChildren(node).every((c) => NEVER_TUPLE.has(c.type) && c.type !== 'list' ? c.type === 'integer' : neverYieldsTuples(model, c));
  if (COMPREHENSIONS.has(node.type)) {
    const body = namedChildren(node)[0];
    return !!body && NEVER_TUPLE.has(body.type);
  }
  return false;
}

function insideFunction(node: PyNode, fn: FunctionInfo): boolean {
  return node.startIndex >= fn.node.startIndex && node.endIndex <= fn.node.endIndex;
}

interface Loop {
  left: PyNode;
  right: PyNode;
}

/** The innermost `for` statement or comprehension clause around the call, within its function. */
function enclosingLoop(node: PyNode): Loop | null {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'class_definition' || current.type === 'lambda') return null;
    if (current.type === 'for_statement') {
      const left = childByField(current, 'left');
      const right = childByField(current, 'right');
      return left && right ? { left, right } : null;
    }
    if (COMPREHENSIONS.has(current.type)) {
      const clause = namedChildren(current).find((c) => c.type === 'for_in_clause');
      const left = clause ? childByField(clause, 'left') : null;
      const right = clause ? childByField(clause, 'right') : null;
      return left && right ? { left, right } : null;
    }
  }
  return null;
}

function identifiersIn(node: PyNode): PyNode[] {
  const out: PyNode[] = [];
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'identifier') out.push(n);
    else stack.push(...n.children);
  }
  return out;
}

/**
 * The expression's text as it can be evaluated in `target`'s namespace (locals inlined), or null
 * when some name it reads would not exist there. `allowed`: names bound by a loop the caller turns
 * into a comprehension.
 */
function portable(model: PythonModel, expr: PyNode, scope: Scope, target: PythonModel, allowed: ReadonlySet<string> = new Set(), depth = 0): string | null {
  const replacements: { start: number; end: number; text: string }[] = [];
  // Names a comprehension inside the expression binds for itself.
  const own = new Set<string>();
  const stack = [expr];
  const reads: PyNode[] = [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (REFUSED_TYPES.has(node.type) && node !== expr) {
      if (node.type !== 'keyword_argument') return null;
      // `f(k=v)` inside the expression: only the value is read.
      const value = childByField(node, 'value');
      if (value) stack.push(value);
      continue;
    }
    if (REFUSED_TYPES.has(node.type) || node.hasError) return null;
    if (node.type === 'for_in_clause') {
      const left = childByField(node, 'left');
      for (const id of left ? identifiersIn(left) : []) own.add(model.text(id));
    }
    if (node.type === 'identifier') {
      // `x.attr`: only `x` is read.
      if (node.field === 'attribute' && node.parent?.type === 'attribute') continue;
      reads.push(node);
      continue;
    }
    stack.push(...node.children);
  }
  for (const id of reads) {
    const name = model.text(id);
    if (own.has(name) || allowed.has(name)) continue;
    const binding = model.lookup(name, scope, id);
    if (!binding) {
      if (isBuiltinName(name) && !target.moduleScope.bindings.has(name)) continue;
      return null;
    }
    const owner = model.bindingScope(name, scope);
    // Names the module keeps after its import: imports, definitions, plain assignments (a loop's
    // variable holds its last item, and one under the main guard never exists).
    if (model === target && owner === target.moduleScope && MODULE_KINDS.has(binding.kind) && !model.contextOf(binding.node).inMainGuard) continue;
    const value = inlinable(name, owner, binding);
    if (!value || depth >= MAX_INLINE_DEPTH) return null;
    const text = portable(model, value, model.scopeOfNode(value), target, new Set(), depth + 1);
    if (text === null) return null;
    replacements.push({ start: id.startIndex, end: id.endIndex, text: ATOMIC_TYPES.has(value.type) ? text : `(${text})` });
  }
  let out = '';
  let at = expr.startIndex;
  for (const r of replacements.sort((a, b) => a.start - b.start)) {
    out += model.source.slice(at, r.start) + r.text;
    at = r.end;
  }
  out += model.source.slice(at, expr.endIndex);
  return out.replace(/\s*\n\s*/g, ' ');
}

/** An inlined number or plain string (`LIMIT = 10` gives `(10)`). */
const SCALAR_TEXT = /^\(*(?:-?[\d_.]+|'[^'\\]*'|"[^"\\]*")\)*$/;
const MODULE_KINDS = new Set<Binding['kind']>(['import', 'def', 'class', 'assign']);
/** Values that need no parentheses where a name stood. */
const ATOMIC_TYPES = new Set(['identifier', 'integer', 'float', 'string', 'true', 'false', 'none', 'call', 'attribute', 'subscript', 'list', 'dictionary', 'set', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression', 'parenthesized_expression']);

/** The value of a name bound once, by a plain `name = value`, in its scope: the one to inline. */
function inlinable(name: string, owner: Scope | null, binding: Binding): PyNode | null {
  if (!owner || binding.kind !== 'assign' || !binding.value) return null;
  if ((owner.bindings.get(name) ?? []).length !== 1) return null;
  return binding.value;
}
