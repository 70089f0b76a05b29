import { fact } from '../core/facts';
import { allowWork, spendWork } from '../core/budget';
import {
  type PyNode,
  childByField,
  childrenByField,
  namedChildren,
  textOf,
} from './syntax';
import { CONTEXT_FACTORIES, MODULE_IMPORTERS, canonicalName, isConcurrencyBase } from './names';

// The semantic model every Python rule reads (docs/architecture.md, "Models and facts"):
// scopes and bindings, imports resolved to qualified names, functions and classes, every call
// with its resolved callee, and the regions (main guard, loops, with-blocks) around any node.

export type ScopeKind = 'module' | 'function' | 'class';

export interface Binding {
  kind: 'import' | 'def' | 'class' | 'assign' | 'param' | 'with' | 'for' | 'global-decl';
  node: PyNode;
  /** For imports: the qualified name the local name stands for. */
  qualified?: string;
  /** For imports from a module: its name and relative level, for cross-file resolution. */
  importModule?: { module: string; name: string | null; level: number };
  /** For assignments and with-aliases: the value expression. */
  value?: PyNode;
  fn?: FunctionInfo;
  cls?: ClassInfo;
}

export interface Scope {
  kind: ScopeKind;
  node: PyNode;
  parent: Scope | null;
  bindings: Map<string, Binding[]>;
  globals: Set<string>;
  nonlocals: Set<string>;
  owner: FunctionInfo | ClassInfo | null;
}

export interface FunctionInfo {
  name: string;
  node: PyNode;
  nameNode: PyNode | null;
  isLambda: boolean;
  isAsync: boolean;
  params: string[];
  scope: Scope;
  parentFunction: FunctionInfo | null;
  parentClass: ClassInfo | null;
  inMainGuard: boolean;
  model: PythonModel;
}

export interface ClassInfo {
  name: string;
  node: PyNode;
  bases: PyNode[];
  methods: Map<string, FunctionInfo>;
  /** `self.x = value` assignments found in methods. */
  attributes: Map<string, { value: PyNode; scope: Scope }>;
  scope: Scope;
  parentFunction: FunctionInfo | null;
  inMainGuard: boolean;
}

export type Value =
  | { kind: 'ref'; name: string }
  | { kind: 'instance'; of: string; origin: PyNode | null; startMethod?: string | null; cls?: ClassInfo }
  | { kind: 'context'; startMethod: string | null; origin: PyNode }
  | { kind: 'function'; fn: FunctionInfo }
  | { kind: 'class'; cls: ClassInfo }
  | { kind: 'lambda'; node: PyNode }
  | { kind: 'unknown' };

const UNKNOWN: Value = { kind: 'unknown' };

/** The module node's own context (shared: contexts are never changed once made). */
const ROOT_CONTEXT: NodeContext = Object.freeze({
  fn: null,
  cls: null,
  inMainGuard: false,
  loops: Object.freeze([]) as unknown as PyNode[],
  withs: Object.freeze([]) as unknown as PyNode[],
  topStatement: null,
});

export interface CallInfo {
  node: PyNode;
  callee: PyNode;
  /** The callee's dotted qualified name when it resolves to a library/builtin reference or an instance method. */
  qualified: string | null;
  /** The resolved callee. */
  target: Value;
  /** `x.m(...)`: the method name and what the receiver resolves to. */
  method: string | null;
  receiver: Value | null;
  receiverNode: PyNode | null;
  args: PyNode[];
  kwargs: Map<string, PyNode>;
  scope: Scope;
}

export interface NodeContext {
  fn: FunctionInfo | null;
  cls: ClassInfo | null;
  inMainGuard: boolean;
  /** Loops (for/while/comprehensions) between the node and its function (or the module). */
  loops: PyNode[];
  /** with-statements between the node and its function, innermost last. */
  withs: PyNode[];
  /** The module-level statement that contains the node. */
  topStatement: PyNode | null;
}

/** How a module binds a name a cross-file lookup asks for: any binding, or a `def`/`class` statement. */
export type BindingKind = 'binding' | 'def' | 'class';

export interface ModuleResolver {
  /** The model of the module that `from <module> import ...` (at `level` dots) names, if it is in the tree. */
  resolveModule(fromPath: string, module: string, level: number): PythonModel | null;
  /**
   * resolveModule for a lookup of `name` in the module: null also when the module's source cannot
   * bind it as `kind` says (then the file need not be parsed for this).
   */
  resolveModuleBinding(fromPath: string, module: string, level: number, name: string, kind: BindingKind): PythonModel | null;
  /** The path of the model resolveModule would return, without building it. */
  resolveModulePath(fromPath: string, module: string, level: number): string | null;
}

const LOOP_TYPES = new Set([
  'for_statement',
  'while_statement',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);

const BUILTINS = new Set([
  'open', 'print', 'range', 'len', 'input', 'sum', 'min', 'max', 'abs', 'pow', 'divmod', 'round',
  'int', 'float', 'str', 'bool', 'list', 'dict', 'set', 'tuple', 'sorted', 'reversed', 'enumerate',
  'zip', 'map', 'filter', 'any', 'all', 'isinstance', 'hasattr', 'getattr', 'setattr', 'repr',
  'hash', 'id', 'iter', 'next', 'chr', 'ord', 'bytes', 'bytearray', 'format', 'super', 'type',
  'frozenset', 'complex', 'hex', 'bin', 'oct', 'callable', 'vars', 'exec', 'eval', 'compile',
]);

/** A builtin the model knows by name (`range`, `list`, …). */
export function isBuiltinName(name: string): boolean {
  return BUILTINS.has(name);
}

export class PythonModel {
  readonly moduleScope: Scope;
  readonly functions: FunctionInfo[] = [];
  readonly classes: ClassInfo[] = [];
  readonly calls: CallInfo[] = [];
  readonly mainGuards: PyNode[] = [];
  private readonly byType = new Map<string, PyNode[]>();
  private readonly scopeByNode = new Map<PyNode, Scope>();
  private readonly functionByNode = new Map<PyNode, FunctionInfo>();
  private readonly classByNode = new Map<PyNode, ClassInfo>();
  private readonly callByNode = new Map<PyNode, CallInfo>();
  /** Syntax nodes of the copied tree. */
  readonly nodeCount: number;

  constructor(
    readonly path: string,
    readonly source: string,
    readonly root: PyNode,
    readonly resolver: ModuleResolver | null,
    /** False for a model of a fix's result (fix-rounds.ts): its work is the fixed file's, without more allowance. */
    allowance = true,
  ) {
    // Contexts are kept on the nodes (contextOf): a tree already modelled would mix two models'.
    if (root.context !== null) throw new Error('PythonModel: this syntax tree already has a model; parse the text again');
    this.moduleScope = this.newScope('module', root, null, null);
    this.nodeCount = this.index();
    // Before the scopes and calls: building a large file's model is most of the work it needs.
    if (allowance) allowWork(this.nodeCount);
    this.collectScopes();
    this.collectCalls();
  }

  // ---- indexes -------------------------------------------------------------------------------

  nodesOfType(type: string): readonly PyNode[] {
    return this.byType.get(type) ?? [];
  }

  text(node: PyNode): string {
    return textOf(this.source, node);
  }

  functionOf(node: PyNode): FunctionInfo | undefined {
    return this.functionByNode.get(node);
  }

  classOf(node: PyNode): ClassInfo | undefined {
    return this.classByNode.get(node);
  }

  callAt(node: PyNode): CallInfo | undefined {
    return this.callByNode.get(node);
  }

  /** Calls made directly in a function's body (not in functions nested in it). */
  callsIn(fn: FunctionInfo | null): CallInfo[] {
    return callsByFunction(this).get(fn) ?? [];
  }

  /**
   * Loops made directly in a function's body (not in functions or classes nested in it), in
   * document order, outer loops before the loops they hold.
   */
  loopsIn(fn: FunctionInfo | null): readonly PyNode[] {
    return loopsByFunction(this).get(fn) ?? [];
  }

  /** Module-level function definitions by name (outside the main guard too). */
  moduleFunction(name: string): FunctionInfo | undefined {
    const bindings = this.moduleScope.bindings.get(name);
    if (!bindings) return undefined;
    for (let i = bindings.length - 1; i >= 0; i--) if (bindings[i].fn) return bindings[i].fn;
    return undefined;
  }

  // ---- workspace subclasses of executors and workers ------------------------------------------

  /** Module-level class definitions by name. */
  moduleClass(name: string): ClassInfo | undefined {
    const bindings = this.moduleScope.bindings.get(name);
    if (!bindings) return undefined;
    for (let i = bindings.length - 1; i >= 0; i--) if (bindings[i].cls) return bindings[i].cls;
    return undefined;
  }

  private readonly absoluteNames = new Map<string, string>();

  /**
   * A relative dotted name as an absolute one, from the packages around this file: `..to_thread.run_sync`
   * written in `anyio/_core/_fileio.py` is `anyio.to_thread.run_sync`. Unchanged when the packages
   * cannot be seen (no project, no `__init__.py`) and for names that are absolute already.
   */
  absoluteName(name: string): string {
    if (name.charCodeAt(0) !== 46 || !this.resolver) return name; // not relative: no leading `.`
    const level = /^\.*/.exec(name)![0].length;
    const cached = this.absoluteNames.get(name);
    if (cached !== undefined) return cached;
    const packages: string[] = [];
    // `resolveModule(path, '', k)` is the `__init__.py` k - 1 folders above this file's own folder.
    for (let k = level; k < level + 16; k++) {
      const init = this.resolver.resolveModulePath(this.path, '', k);
      if (!init) break;
      const folder = init.replace(/[\\/][^\\/]*$/, '');
      const packageName = /[^\\/]*$/.exec(folder)![0];
      if (!/^[A-Za-z_]\w*$/.test(packageName)) break;
      packages.unshift(packageName);
    }
    const rest = name.slice(level);
    const absolute = packages.length === 0 ? name : [...packages, ...(rest ? [rest] : [])].join('.');
    this.absoluteNames.set(name, absolute);
    return absolute;
  }

  private readonly importedClasses = new Map<string, { model: PythonModel; cls: ClassInfo } | null>();

  /**
   * The workspace class a dotted name of this file stands for (`..utils.parallel.Parallel`,
   * `mypkg.pools.Pool`), when another file of the project defines it at module level. Only
   * CapWords names are looked up: classes are named so, and every lookup may read files.
   */
  importedClass(name: string): { model: PythonModel; cls: ClassInfo } | null {
    if (!this.resolver) return null;
    const cached = this.importedClasses.get(name);
    if (cached !== undefined) return cached;
    let found: { model: PythonModel; cls: ClassInfo } | null = null;
    const level = /^\.*/.exec(name)![0].length;
    const dotted = name.slice(level);
    const cut = dotted.lastIndexOf('.');
    const className = dotted.slice(cut + 1);
    if (/^_*[A-Z]/.test(className) && (cut > 0 || level > 0)) {
      const other = this.resolver.resolveModuleBinding(this.path, cut > 0 ? dotted.slice(0, cut) : '', level, className, 'class');
      const cls = other && other !== this ? other.moduleClass(className) : undefined;
      if (other && cls) found = { model: other, cls };
    }
    this.importedClasses.set(name, found);
    return found;
  }

  /**
   * The executor, thread or process class (a canonical name from names.ts) a class of this file
   * derives from, following its bases through this file and other files of the project.
   */
  concurrencyBase(cls: ClassInfo): string | null {
    const queue: { model: PythonModel; cls: ClassInfo }[] = [{ model: this, cls }];
    const seen = new Set<ClassInfo>();
    // Breadth first over the bases, so a direct base wins over one inherited through a mixin.
    while (queue.length > 0 && seen.size < 16) {
      const { model, cls: current } = queue.shift()!;
      if (seen.has(current)) continue;
      seen.add(current);
      for (const base of current.bases) {
        const value = model.resolve(base, current.scope.parent ?? model.moduleScope);
        if (value.kind === 'ref') {
          const name = canonicalName(model.absoluteName(value.name));
          if (isConcurrencyBase(name)) return name;
          const imported = model.importedClass(value.name);
          if (imported) queue.push(imported);
        } else if (value.kind === 'class') {
          queue.push({ model, cls: value.cls });
        }
      }
    }
    return null;
  }

  isMainGuard(node: PyNode): boolean {
    if (node.type !== 'if_statement') return false;
    const condition = childByField(node, 'condition');
    if (!condition || condition.type !== 'comparison_operator') return false;
    const parts = namedChildren(condition);
    if (parts.length !== 2) return false;
    const op = condition.children.find((c) => !c.named);
    if (!op || op.type !== '==') return false;
    const texts = parts.map((p) => this.text(p).replace(/'/g, '"'));
    return (
      (texts[0] === '__name__' && texts[1] === '"__main__"') ||
      (texts[1] === '__name__' && texts[0] === '"__main__"')
    );
  }

  /**
   * The functions, class, loops, with-blocks and main guard around a node. Derived from the
   * parent's context (cached for every node on the way), so each node costs one step however deep
   * it is: a walk to the root per node made deeply nested files quadratic (50k nested lambdas, 50k
   * chained calls). Valid during construction too: a definition's context depends only on its
   * ancestors, which are registered first (pre-order).
   */
  contextOf(node: PyNode): NodeContext {
    spendWork(1);
    const cached = node.context as NodeContext | null;
    if (cached) return cached;
    const chain: PyNode[] = [];
    let top: PyNode | null = node;
    while (top && !top.context) {
      chain.push(top);
      top = top.parent;
    }
    spendWork(chain.length);
    for (let i = chain.length - 1; i >= 0; i--) {
      const child = chain[i];
      const parent = child.parent;
      child.context = parent ? this.childContext(parent.context as NodeContext, parent, child) : ROOT_CONTEXT;
    }
    return node.context as NodeContext;
  }

  /** The context of `child` from its parent's: what the upward walk adds at its first step. */
  private childContext(outer: NodeContext, parent: PyNode, child: PyNode): NodeContext {
    if (parent.type === 'function_definition' || parent.type === 'lambda') {
      const fn = this.functionByNode.get(parent) ?? null;
      // A function's class is the one whose body holds it (its parentClass), if any.
      const cls = fn ? fn.parentClass : this.nearestClass(parent.parent);
      return { fn, cls, inMainGuard: outer.inMainGuard, loops: [], withs: [], topStatement: outer.topStatement };
    }
    if (parent.type === 'class_definition') {
      const cls = this.classByNode.get(parent) ?? this.nearestClass(parent.parent);
      return { fn: null, cls, inMainGuard: outer.inMainGuard, loops: [], withs: [], topStatement: outer.topStatement };
    }
    const loop = LOOP_TYPES.has(parent.type) && isLoopBodyChild(parent, child);
    const withBody = parent.type === 'with_statement' && child.field === 'body';
    const guard = !outer.inMainGuard && parent.type === 'if_statement' && child.field === 'consequence' && this.isMainGuard(parent);
    const top = parent.type === 'module';
    if (!loop && !withBody && !guard && !top) return outer;
    return {
      fn: outer.fn,
      cls: outer.cls,
      inMainGuard: outer.inMainGuard || guard,
      loops: loop ? [...outer.loops, parent] : outer.loops,
      withs: withBody ? [...outer.withs, parent] : outer.withs,
      topStatement: top ? child : outer.topStatement,
    };
  }

  /** The nearest registered class at or above `node` (contexts asked for before their function is registered). */
  private nearestClass(node: PyNode | null): ClassInfo | null {
    for (let p = node; p; p = p.parent) {
      const cls = p.type === 'class_definition' ? this.classByNode.get(p) : undefined;
      if (cls) return cls;
    }
    return null;
  }

  /** The scope a node is in: its nearest enclosing function, lambda or class (or the module). */
  scopeOfNode(node: PyNode): Scope {
    // The context's function is the nearest one unless a class body is nearer (then fn is null
    // and cls is that class); definitions are all registered before any scope is asked for.
    const ctx = this.contextOf(node);
    return ctx.fn?.scope ?? ctx.cls?.scope ?? this.moduleScope;
  }

  // ---- name resolution ----------------------------------------------------------------------

  lookup(name: string, scope: Scope, at?: PyNode): Binding | null {
    const owner = this.bindingScope(name, scope);
    const bindings = owner?.bindings.get(name);
    return bindings && bindings.length > 0 ? pickBinding(bindings, at) : null;
  }

  /**
   * The scope a name read in `scope` resolves to (Python's LEGB walk: class bodies do not enclose
   * their methods; `global`/`nonlocal` redirect), or null for builtins and undefined names.
   */
  bindingScope(name: string, scope: Scope): Scope | null {
    let current: Scope | null = scope;
    let first = true;
    while (current) {
      if (current.kind === 'class' && !first) {
        current = current.parent;
        continue;
      }
      if (current.globals.has(name)) return this.moduleScope.bindings.has(name) ? this.moduleScope : null;
      if (!current.nonlocals.has(name) && current.bindings.has(name)) return current;
      current = current.parent;
      first = false;
    }
    return null;
  }

  /** What an expression evaluates to, as far as the model can tell without running it. */
  resolve(expr: PyNode, scope: Scope, depth = 0): Value {
    if (depth > 12) return UNKNOWN;
    spendWork(1);
    switch (expr.type) {
      case 'identifier': {
        const name = this.text(expr);
        const binding = this.lookup(name, scope, expr);
        if (!binding) return BUILTINS.has(name) ? { kind: 'ref', name: `builtins.${name}` } : UNKNOWN;
        return this.valueOfBinding(binding, name, scope, depth);
      }
      case 'attribute': {
        const object = childByField(expr, 'object');
        const attr = childByField(expr, 'attribute');
        if (!object || !attr) return UNKNOWN;
        const attrName = this.text(attr);
        if (object.type === 'identifier' && this.isReceiverParameter(object)) {
          const cls = this.enclosingClassOfMethod(expr);
          const member = cls ? this.classMember(cls, attrName) : null;
          if (member?.fn) return { kind: 'function', fn: member.fn };
          if (member?.attribute) return member.model.resolve(member.attribute.value, member.attribute.scope, depth + 1);
          return UNKNOWN;
        }
        const base = this.resolve(object, scope, depth + 1);
        if (base.kind === 'ref') return { kind: 'ref', name: canonicalName(`${base.name}.${attrName}`) };
        if (base.kind === 'context') {
          return { kind: 'ref', name: canonicalName(`multiprocessing.${attrName}`), ...{} };
        }
        if (base.kind === 'instance' && base.cls) {
          const method = this.classMember(base.cls, attrName)?.fn;
          return method ? { kind: 'function', fn: method } : UNKNOWN;
        }
        if (base.kind === 'instance') return { kind: 'ref', name: `${base.of}.${attrName}` };
        if (base.kind === 'class') {
          const method = this.classMember(base.cls, attrName)?.fn;
          if (method) return { kind: 'function', fn: method };
        }
        if (base.kind === 'function' && base.fn.model !== this) return UNKNOWN;
        return UNKNOWN;
      }
      case 'call': {
        const fnNode = childByField(expr, 'function');
        if (!fnNode) return UNKNOWN;
        const callee = this.resolve(fnNode, scope, depth + 1);
        if (callee.kind === 'ref') {
          if (CONTEXT_FACTORIES.has(callee.name)) {
            return { kind: 'context', startMethod: this.firstStringArg(expr), origin: expr };
          }
          // `mp = pytest.importorskip("multiprocessing")` binds the module itself.
          if (MODULE_IMPORTERS.has(callee.name)) {
            const module = this.firstStringArg(expr);
            if (module && /^[A-Za-z_][\w.]*$/.test(module)) return { kind: 'ref', name: canonicalName(module) };
          }
          const ctxObject = contextReceiver(fnNode);
          const startMethod = ctxObject ? this.startMethodOf(ctxObject, scope, depth) : undefined;
          return { kind: 'instance', of: callee.name, origin: expr, startMethod };
        }
        if (callee.kind === 'class') return { kind: 'instance', of: `local:${callee.cls.name}`, origin: expr, cls: callee.cls };
        if (callee.kind === 'function' && callee.fn.isLambda) return UNKNOWN;
        return UNKNOWN;
      }
      case 'lambda':
        return { kind: 'lambda', node: expr };
      // A display builds the same object its constructor does: `{}` is `dict()`.
      case 'dictionary':
      case 'dictionary_comprehension':
        return { kind: 'instance', of: 'builtins.dict', origin: expr };
      case 'list':
      case 'list_comprehension':
        return { kind: 'instance', of: 'builtins.list', origin: expr };
      case 'set':
      case 'set_comprehension':
        return { kind: 'instance', of: 'builtins.set', origin: expr };
      case 'parenthesized_expression': {
        const inner = namedChildren(expr)[0];
        return inner ? this.resolve(inner, scope, depth + 1) : UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  private startMethodOf(object: PyNode, scope: Scope, depth: number): string | null | undefined {
    const value = this.resolve(object, scope, depth + 1);
    return value.kind === 'context' ? value.startMethod : undefined;
  }

  firstStringArg(call: PyNode): string | null {
    const args = childByField(call, 'arguments');
    if (!args) return null;
    const first = namedChildren(args)[0];
    if (!first) return null;
    const value = first.type === 'keyword_argument' ? childByField(first, 'value') : first;
    if (!value || value.type !== 'string') return null;
    return stringLiteralValue(this.text(value));
  }

  private valueOfBinding(binding: Binding, name: string, scope: Scope, depth: number): Value {
    switch (binding.kind) {
      case 'import': {
        const imported = binding.importModule;
        if (imported && imported.name && this.resolver) {
          const other = this.resolver.resolveModuleBinding(this.path, imported.module, imported.level, imported.name, 'def');
          if (other) {
            const fn = other.moduleFunction(imported.name);
            if (fn) return { kind: 'function', fn };
          }
        }
        return { kind: 'ref', name: canonicalName(binding.qualified ?? name) };
      }
      case 'def':
        return binding.fn ? { kind: 'function', fn: binding.fn } : UNKNOWN;
      case 'class':
        return binding.cls ? { kind: 'class', cls: binding.cls } : UNKNOWN;
      case 'assign':
      case 'with':
        if (!binding.value) return UNKNOWN;
        return this.resolve(binding.value, this.scopeOfNode(binding.node), depth + 1);
      default:
        return UNKNOWN;
    }
  }

  /**
   * `self` in a method, or whatever name its first parameter has (`cls` in a classmethod): the
   * object `self.x` is looked up on. A staticmethod has no such parameter.
   */
  private isReceiverParameter(object: PyNode): boolean {
    const name = this.text(object);
    if (name === 'self') return true;
    let fn = this.contextOf(object).fn;
    while (fn && !fn.parentClass && fn.parentFunction) fn = fn.parentFunction;
    if (!fn?.parentClass || fn.params[0] !== name) return false;
    const decorated = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : null;
    return !decorated?.children.some((d) => d.type === 'decorator' && this.text(d) === '@staticmethod');
  }

  /**
   * A method, or a `self.x = ...` attribute, of a class or of the workspace classes it derives
   * from (in this file or another file of the project), nearest first: Python's lookup order for
   * single inheritance, left to right across multiple bases.
   */
  classMember(cls: ClassInfo, name: string): { model: PythonModel; fn?: FunctionInfo; attribute?: { value: PyNode; scope: Scope } } | null {
    // The class may come from another file (an instance made there): its methods know their model.
    const own = cls.methods.values().next().value?.model ?? this;
    const queue: { model: PythonModel; cls: ClassInfo }[] = [{ model: own, cls }];
    const seen = new Set<ClassInfo>();
    while (queue.length > 0 && seen.size < 16) {
      const { model, cls: current } = queue.shift()!;
      if (seen.has(current)) continue;
      seen.add(current);
      const fn = current.methods.get(name);
      if (fn) return { model, fn };
      const attribute = current.attributes.get(name);
      if (attribute) return { model, attribute };
      for (const base of current.bases) {
        const value = model.resolve(base, current.scope.parent ?? model.moduleScope);
        if (value.kind === 'class') queue.push({ model, cls: value.cls });
        else if (value.kind === 'ref') {
          const imported = model.importedClass(value.name);
          if (imported) queue.push(imported);
        }
      }
    }
    return null;
  }

  /** For `self.x` inside a method: the class that method belongs to. */
  enclosingClassOfMethod(node: PyNode): ClassInfo | null {
    let fn = this.contextOf(node).fn;
    while (fn && !fn.parentClass && fn.parentFunction) fn = fn.parentFunction;
    return fn?.parentClass ?? null;
  }

  /** Dotted name of what a call invokes, e.g. `multiprocessing.Pool` or `requests.Session.get`. */
  qualifiedName(value: Value): string | null {
    return value.kind === 'ref' ? value.name : null;
  }

  // ---- construction -------------------------------------------------------------------------

  private newScope(kind: ScopeKind, node: PyNode, parent: Scope | null, owner: Scope['owner']): Scope {
    const scope: Scope = { kind, node, parent, bindings: new Map(), globals: new Set(), nonlocals: new Set(), owner };
    this.scopeByNode.set(node, scope);
    return scope;
  }

  private index(): number {
    // The pre-order of walk(), without a call per node: every node of the file passes here.
    let count = 0;
    const byType = this.byType;
    const stack: PyNode[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      count++;
      let list = byType.get(node.type);
      if (!list) byType.set(node.type, (list = []));
      list.push(node);
      const children = node.children;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
    return count;
  }

  private collectScopes(): void {
    // Definitions come in pre-order, so a parent's scope exists before its children's.
    const defs = [...this.nodesOfType('function_definition'), ...this.nodesOfType('class_definition'), ...this.nodesOfType('lambda')]
      .sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
    for (const def of defs) {
      const ctx = this.contextOf(def);
      const parentScope = ctx.fn?.scope ?? ctx.cls?.scope ?? this.moduleScope;
      if (def.type === 'class_definition') {
        const nameNode = childByField(def, 'name');
        const supers = childByField(def, 'superclasses');
        const cls: ClassInfo = {
          name: nameNode ? this.text(nameNode) : '<class>',
          node: def,
          bases: supers ? namedChildren(supers).filter((n) => n.type !== 'keyword_argument') : [],
          methods: new Map(),
          attributes: new Map(),
          scope: null as unknown as Scope,
          parentFunction: ctx.fn,
          inMainGuard: ctx.inMainGuard,
        };
        cls.scope = this.newScope('class', def, parentScope, cls);
        this.classes.push(cls);
        this.classByNode.set(def, cls);
        this.bind(parentScope, cls.name, { kind: 'class', node: def, cls });
        continue;
      }
      const isLambda = def.type === 'lambda';
      const nameNode = isLambda ? null : childByField(def, 'name');
      const parentClass = parentScope.kind === 'class' ? (parentScope.owner as ClassInfo) : null;
      const fn: FunctionInfo = {
        name: nameNode ? this.text(nameNode) : '<lambda>',
        node: def,
        nameNode,
        isLambda,
        isAsync: def.children.some((c) => c.type === 'async'),
        params: [],
        scope: null as unknown as Scope,
        parentFunction: parentScope.kind === 'function' ? (parentScope.owner as FunctionInfo) : null,
        parentClass,
        inMainGuard: ctx.inMainGuard,
        model: this,
      };
      fn.scope = this.newScope('function', def, parentScope, fn);
      this.functions.push(fn);
      this.functionByNode.set(def, fn);
      if (parentClass && nameNode) parentClass.methods.set(fn.name, fn);
      if (nameNode) this.bind(parentScope, fn.name, { kind: 'def', node: def, fn });
      const params = childByField(def, 'parameters');
      if (params) {
        for (const param of namedChildren(params)) {
          const id = param.type === 'identifier' ? param : firstIdentifier(param);
          if (id) {
            const name = this.text(id);
            fn.params.push(name);
            this.bind(fn.scope, name, { kind: 'param', node: param });
          }
        }
      }
    }

    for (const node of this.nodesOfType('import_statement')) this.collectImport(node);
    for (const node of this.nodesOfType('import_from_statement')) this.collectImportFrom(node);
    for (const node of this.nodesOfType('global_statement')) {
      const scope = this.scopeOfNode(node);
      for (const id of namedChildren(node)) scope.globals.add(this.text(id));
    }
    for (const node of this.nodesOfType('nonlocal_statement')) {
      const scope = this.scopeOfNode(node);
      for (const id of namedChildren(node)) scope.nonlocals.add(this.text(id));
    }
    for (const node of this.nodesOfType('assignment')) this.collectAssignment(node);
    for (const node of this.nodesOfType('with_item')) this.collectWithItem(node);
    for (const node of this.nodesOfType('for_statement')) {
      const left = childByField(node, 'left');
      if (left) this.bindTargets(left, this.scopeOfNode(node), { kind: 'for', node });
    }
    for (const node of this.nodesOfType('if_statement')) if (this.isMainGuard(node)) this.mainGuards.push(node);
  }

  private bind(scope: Scope, name: string, binding: Binding): void {
    // `global x` / `nonlocal x` make a function's assignments bind the module's / enclosing x.
    let target = scope;
    if (scope.globals.has(name)) target = this.moduleScope;
    else if (scope.nonlocals.has(name) && scope.parent) target = this.bindingScope(name, scope.parent) ?? scope;
    let list = target.bindings.get(name);
    if (!list) target.bindings.set(name, (list = []));
    list.push(binding);
  }

  private collectImport(node: PyNode): void {
    const scope = this.scopeOfNode(node);
    for (const child of namedChildren(node)) {
      if (child.type === 'dotted_name') {
        const full = this.text(child);
        const top = full.split('.')[0];
        this.bind(scope, top, { kind: 'import', node, qualified: top });
      } else if (child.type === 'aliased_import') {
        const name = childByField(child, 'name');
        const alias = childByField(child, 'alias');
        if (name && alias) this.bind(scope, this.text(alias), { kind: 'import', node, qualified: this.text(name) });
      }
    }
  }

  private collectImportFrom(node: PyNode): void {
    const scope = this.scopeOfNode(node);
    const moduleNode = childByField(node, 'module_name');
    if (!moduleNode) return;
    let level = 0;
    let moduleName = this.text(moduleNode);
    if (moduleNode.type === 'relative_import') {
      const prefix = moduleNode.children.find((c) => c.type === 'import_prefix');
      level = prefix ? this.text(prefix).length : 0;
      const dotted = moduleNode.children.find((c) => c.type === 'dotted_name');
      moduleName = dotted ? this.text(dotted) : '';
    }
    for (const child of childrenByField(node, 'name')) {
      let name: string;
      let local: string;
      if (child.type === 'aliased_import') {
        const n = childByField(child, 'name');
        const a = childByField(child, 'alias');
        if (!n || !a) continue;
        name = this.text(n);
        local = this.text(a);
      } else {
        name = this.text(child);
        local = name;
      }
      const qualified = level > 0 ? `${'.'.repeat(level)}${moduleName ? `${moduleName}.` : ''}${name}` : `${moduleName}.${name}`;
      this.bind(scope, local, {
        kind: 'import',
        node,
        qualified,
        importModule: { module: moduleName, name, level },
      });
    }
  }

  private collectAssignment(node: PyNode): void {
    const left = childByField(node, 'left');
    const right = childByField(node, 'right');
    if (!left) return;
    const scope = this.scopeOfNode(node);
    if (left.type === 'attribute' && right) {
      const object = childByField(left, 'object');
      const attr = childByField(left, 'attribute');
      if (object && attr && this.text(object) === 'self') {
        const cls = this.enclosingClassOfMethod(node);
        // `self.x = None` resets an attribute (in `close()`, or before `__init__` sets it up):
        // it does not change what `self.x` holds when it is used.
        const existing = cls?.attributes.get(this.text(attr));
        if (cls && !(right.type === 'none' && existing)) cls.attributes.set(this.text(attr), { value: right, scope });
      }
      return;
    }
    this.bindTargets(left, scope, { kind: 'assign', node, value: left.type === 'identifier' ? right ?? undefined : undefined });
  }

  private collectWithItem(node: PyNode): void {
    const value = childByField(node, 'value');
    if (!value || value.type !== 'as_pattern') return;
    const expr = namedChildren(value)[0];
    const alias = childByField(value, 'alias');
    const target = alias ? namedChildren(alias)[0] : null;
    if (!expr || !target || target.type !== 'identifier') return;
    this.bind(this.scopeOfNode(node), this.text(target), { kind: 'with', node, value: expr });
  }

  private bindTargets(target: PyNode, scope: Scope, binding: Binding): void {
    if (target.type === 'identifier') {
      this.bind(scope, this.text(target), binding);
      return;
    }
    if (['pattern_list', 'tuple_pattern', 'list_pattern', 'expression_list', 'tuple', 'list'].includes(target.type)) {
      for (const child of namedChildren(target)) this.bindTargets(child, scope, { ...binding, value: undefined });
    }
  }

  private collectCalls(): void {
    for (const node of this.nodesOfType('call')) {
      const callee = childByField(node, 'function');
      if (!callee) continue;
      const scope = this.scopeOfNode(node);
      const argsNode = childByField(node, 'arguments');
      const args: PyNode[] = [];
      const kwargs = new Map<string, PyNode>();
      if (argsNode) {
        for (const arg of namedChildren(argsNode)) {
          if (arg.type === 'comment') continue;
          if (arg.type === 'keyword_argument') {
            const name = childByField(arg, 'name');
            const value = childByField(arg, 'value');
            if (name && value) kwargs.set(this.text(name), value);
          } else {
            args.push(arg);
          }
        }
      }
      let method: string | null = null;
      let receiver: Value | null = null;
      let receiverNode: PyNode | null = null;
      if (callee.type === 'attribute') {
        const attr = childByField(callee, 'attribute');
        receiverNode = childByField(callee, 'object');
        method = attr ? this.text(attr) : null;
        receiver = receiverNode ? this.resolve(receiverNode, scope) : null;
      }
      const target = this.resolve(callee, scope);
      const call: CallInfo = {
        node,
        callee,
        qualified: target.kind === 'ref' ? target.name : null,
        target,
        method,
        receiver,
        receiverNode,
        args,
        kwargs,
        scope,
      };
      this.calls.push(call);
      this.callByNode.set(node, call);
    }
  }
}

function pickBinding(bindings: Binding[], at?: PyNode): Binding {
  if (at) {
    // The last binding before the use, when there is one: `ex = A(); ...; ex = B()` keeps order.
    for (let i = bindings.length - 1; i >= 0; i--) {
      // `x = f(x)` reads the `x` bound before it, not the one it is making.
      const value = bindings[i].value;
      if (bindings[i].kind === 'assign' && value && at.startIndex >= value.startIndex && at.endIndex <= value.endIndex) continue;
      if (bindings[i].node.startIndex <= at.startIndex) return tryOverFallback(bindings, bindings[i], at);
    }
  }
  return tryOverFallback(bindings, bindings[bindings.length - 1], at);
}

/**
 * `try: from concurrent.futures import ProcessPoolExecutor` / `except ImportError:
 * ProcessPoolExecutor = None`, or `try: pool = ProcessPoolExecutor()` / `except OSError: pool =
 * ThreadPoolExecutor()`: the fallback is textually last, but the body is the path the code means
 * (the module exists, the pool starts). Past the try statement, its body's binding is the one read.
 */
function tryOverFallback(bindings: Binding[], picked: Binding, at?: PyNode): Binding {
  let handler: PyNode | null = null;
  for (let p = picked.node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') break;
    if (p.type === 'except_clause' || p.type === 'except_group_clause') {
      handler = p;
      break;
    }
  }
  const tryStatement = handler?.parent;
  if (!handler || tryStatement?.type !== 'try_statement') return picked;
  // Inside the handler itself the fallback is what the name holds.
  if (at && at.startIndex >= handler.startIndex && at.endIndex <= handler.endIndex) return picked;
  const body = childByField(tryStatement, 'body');
  if (!body) return picked;
  for (let i = bindings.length - 1; i >= 0; i--) {
    const b = bindings[i];
    if (b.node.startIndex >= body.startIndex && b.node.endIndex <= body.endIndex) return b;
  }
  return picked;
}

function isLoopBodyChild(loop: PyNode, child: PyNode): boolean {
  if (loop.type === 'for_statement') return child.field === 'body' || child.field === 'alternative';
  if (loop.type === 'while_statement') return child.field === 'body';
  // Comprehensions: everything except the first iterable is evaluated per item.
  return child.field === 'body' || child.type === 'for_in_clause' || child.type === 'if_clause';
}

function firstIdentifier(node: PyNode): PyNode | null {
  if (node.type === 'identifier') return node;
  for (const child of node.children) {
    if (child.type === 'identifier') return child;
  }
  for (const child of node.children) {
    const found = firstIdentifier(child);
    if (found) return found;
  }
  return null;
}

/** For `ctx.Pool` or `mp.get_context("spawn").Pool`: the node the attribute is read from. */
function contextReceiver(fnNode: PyNode): PyNode | null {
  return fnNode.type === 'attribute' ? childByField(fnNode, 'object') : null;
}

/** The calls of each function's own body (null: module level), for `callsIn`. */
const callsByFunction = fact((model: PythonModel) => {
  const map = new Map<FunctionInfo | null, CallInfo[]>();
  for (const call of model.calls) {
    const owner = model.contextOf(call.node).fn;
    let list = map.get(owner);
    if (!list) map.set(owner, (list = []));
    list.push(call);
  }
  return map;
});

// One pass over the file's loops instead of a walk of every classified function's body: loops
// are a small share of a body's nodes, and the context of each is cached already.
const loopsByFunction = fact((model: PythonModel) => {
  const map = new Map<FunctionInfo | null, PyNode[]>();
  for (const type of LOOP_TYPES) {
    for (const node of model.nodesOfType(type)) {
      const owner = model.contextOf(node).fn;
      let list = map.get(owner);
      if (!list) map.set(owner, (list = []));
      list.push(node);
    }
  }
  // Pre-order: by start, and a loop before a loop it holds that starts at the same place.
  for (const list of map.values()) list.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  return map;
});

export function stringLiteralValue(text: string): string | null {
  const match = /^[rRbBuUfF]*("""|'''|"|')([\s\S]*)\1$/.exec(text);
  return match ? match[2] : null;
}

export function isLoopNode(node: PyNode): boolean {
  return LOOP_TYPES.has(node.type);
}
