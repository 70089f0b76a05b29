import * as path from 'node:path';
import { fact } from '../core/facts';
import type { CommentText } from '../core/suppression';
import type { Node, TSESTree } from './parse';
import {
  type CallLike,
  type FunctionNode,
  type LoopNode,
  isFunction,
  memberName,
  propertyName,
  staticString,
  unwrap,
} from './syntax';
import type { SpawnSite } from './spawn-site';

// The JS/TS semantic model every rule shares: bindings and scopes, import/require resolution to
// qualified names (`worker_threads.Worker`), the call graph within the file, guards
// (`isMainThread`, `cluster.isPrimary`, `process.send`) and the file's role (main / worker
// script). One walk of the tree builds it; rules only query it. What detectors find (spawn
// sites, event handlers, shared memory) are facts over it, in their own modules.

export type BindingKind = 'var' | 'let' | 'const' | 'param' | 'function' | 'class' | 'import' | 'catch';

export interface Binding {
  name: string;
  kind: BindingKind;
  id: TSESTree.Identifier;
  /** The declarator's whole initializer (before destructuring), or the `for…of` right side. */
  init: TSESTree.Expression | null;
  /** The property path of a destructured binding inside `init`; null when not a plain path (rest elements). */
  path: string[] | null;
  /** Imports: the normalized module and the imported name (`*` for namespaces, `default`). */
  module?: string;
  imported?: string;
  /** Function declarations and variables initialised with a function. */
  fn?: FunctionNode;
  /** Parameters: the function and the index of the parameter. */
  paramOf?: FunctionNode;
  paramIndex?: number;
  /** For `for (const x of items)`: the loop. */
  loop?: LoopNode;
  scope: Node;
  refs: TSESTree.Identifier[];
  writes: TSESTree.Identifier[];
}

export type GuardKind =
  | 'thread-main'
  | 'thread-worker'
  | 'cluster-primary'
  | 'cluster-worker'
  | 'parent-process'
  | 'child-process';

export type ThreadContext = 'main' | 'worker';
export type FileRole = 'main' | 'worker' | 'mixed';

/** What the model needs from the project: other files, for worker scripts and their spawners. */
export interface JsProjectLike {
  /** The model of another file of the tree, or null when it cannot be read or parsed. */
  modelAt(filePath: string): JsModel | null;
  /** Spawn sites in other files of the tree whose script is `filePath`. */
  spawnersOf(filePath: string): { model: JsModel; site: SpawnSite }[];
}

type Mode = 'expr' | 'write' | 'declare' | 'key';

const SKIP_KEYS = new Set([
  'parent',
  'loc',
  'range',
  'type',
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'typeArguments',
  'superTypeArguments',
  'implements',
]);
const TYPE_ONLY_NODES = new Set([
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSDeclareFunction',
  'TSEmptyBodyFunctionExpression',
  'TSIndexSignature',
  'TSEnumDeclaration',
]);
const BLOCK_SCOPES = new Set([
  'Program',
  'BlockStatement',
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'SwitchStatement',
  'StaticBlock',
  'TSModuleBlock',
  'CatchClause',
]);
// Nodes whose enclosing function the walk records (the ones rules ask about).
const INDEXED = new Set([
  'CallExpression',
  'NewExpression',
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'WhileStatement',
  'DoWhileStatement',
  'AwaitExpression',
  'AssignmentExpression',
  'UpdateExpression',
]);
const EXIT_CALLS = new Set(['process.exit', 'process.abort']);

const NEGATED: Record<GuardKind, GuardKind> = {
  'thread-main': 'thread-worker',
  'thread-worker': 'thread-main',
  'cluster-primary': 'cluster-worker',
  'cluster-worker': 'cluster-primary',
  'parent-process': 'child-process',
  'child-process': 'parent-process',
};

const GUARD_NAMES: Record<string, GuardKind> = {
  'worker_threads.isMainThread': 'thread-main',
  'worker_threads.parentPort': 'thread-worker',
  'worker_threads.workerData': 'thread-worker',
  'worker_threads.threadId': 'thread-worker',
  'cluster.isPrimary': 'cluster-primary',
  'cluster.isMaster': 'cluster-primary',
  'cluster.isWorker': 'cluster-worker',
  'cluster.worker': 'cluster-worker',
  'process.send': 'child-process',
  'process.connected': 'child-process',
  'process.channel': 'child-process',
};

/** `node:fs` → `fs`, `fs/promises` → `fs.promises`: one spelling per module in qualified names. */
export function normalizeModule(specifier: string): string {
  let m = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  if (/^(fs|dns|timers|stream|readline|assert)\/promises$/.test(m)) m = m.replace('/', '.');
  return m;
}

export class JsModel {
  readonly calls: CallLike[] = [];
  readonly functions: FunctionNode[] = [];
  readonly loops: LoopNode[] = [];
  readonly assignments: TSESTree.AssignmentExpression[] = [];
  readonly updates: TSESTree.UpdateExpression[] = [];
  readonly awaits: (TSESTree.AwaitExpression | TSESTree.ForOfStatement)[] = [];
  readonly conditionals: (TSESTree.IfStatement | TSESTree.ConditionalExpression)[] = [];

  private readonly parents = new Map<Node, Node>();
  private readonly scopes = new Map<Node, Map<string, Binding>>();
  /** Scope-capable nodes (blocks, functions) → the nearest one around them; identifiers → theirs. */
  private readonly scopeParents = new Map<Node, Node>();
  private readonly identifierScopes = new Map<Node, Node>();
  private readonly referenceIds: { id: TSESTree.Identifier; write: boolean }[] = [];
  private readonly resolved = new Map<TSESTree.Identifier, Binding | null>();
  private referencesDone = false;
  private readonly qnames = new Map<Node, string | null>();
  private readonly qnameVisiting = new Set<Node>();
  private readonly enclosing = new Map<Node, FunctionNode | null>();
  private readonly lineStarts: number[];
  private readonly threadContexts = new Map<FunctionNode, ThreadContext | 'pending'>();
  private callSiteIndex: Map<FunctionNode, CallLike[]> | null = null;
  private bindingByFunction: Map<FunctionNode, Binding> | null = null;

  constructor(
    readonly path: string,
    readonly source: string,
    readonly program: TSESTree.Program,
    readonly comments: CommentText[],
    readonly project: JsProjectLike | null = null,
  ) {
    this.lineStarts = [0];
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.walk();
  }

  // ---- tree ---------------------------------------------------------------------------------

  parent(node: Node): Node | null {
    return this.parents.get(node) ?? null;
  }

  *ancestors(node: Node): Generator<Node> {
    for (let p = this.parents.get(node); p; p = this.parents.get(p)) yield p;
  }

  text(node: Node | { range: [number, number] }): string {
    return this.source.slice(node.range[0], node.range[1]);
  }

  /** 0-based line and UTF-16 column of a source offset. */
  positionAt(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - this.lineStarts[lo] };
  }

  lineText(line: number): string {
    const start = this.lineStarts[line] ?? this.source.length;
    const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] - 1 : this.source.length;
    return this.source.slice(start, end).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  contains(outer: Node, inner: Node): boolean {
    return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
  }

  /** The nearest function around a node (not the node itself), or null at module level. */
  enclosingFunction(node: Node): FunctionNode | null {
    const cached = this.enclosing.get(node);
    if (cached !== undefined) return cached;
    let result: FunctionNode | null = null;
    for (const a of this.ancestors(node)) {
      if (isFunction(a)) {
        result = a;
        break;
      }
    }
    this.enclosing.set(node, result);
    return result;
  }

  /** The statement directly in the program body that contains the node. */
  topLevelStatement(node: Node): TSESTree.ProgramStatement | null {
    let current: Node = node;
    for (const a of this.ancestors(node)) {
      if (a.type === 'Program') return current as TSESTree.ProgramStatement;
      current = a;
    }
    return node.type === 'Program' ? null : (current as TSESTree.ProgramStatement);
  }

  // ---- the walk -----------------------------------------------------------------------------

  private walk(): void {
    // Parallel stacks instead of tuples: this loop visits every node of the file.
    const nodes: Node[] = [this.program];
    const parents: (Node | null)[] = [null];
    const keys: (string | null)[] = [null];
    const modes: Mode[] = ['expr'];
    const scopesAbove: (Node | null)[] = [null];
    const functionsAbove: (FunctionNode | null)[] = [null];
    const childNodes: Node[] = [];
    const childKeys: string[] = [];
    while (nodes.length > 0) {
      const node = nodes.pop()!;
      const parent = parents.pop()!;
      const key = keys.pop()!;
      const mode = modes.pop()!;
      const scopeAbove = scopesAbove.pop()!;
      const functionAbove = functionsAbove.pop()!;
      if (TYPE_ONLY_NODES.has(node.type)) continue;
      if (parent) this.parents.set(node, parent);
      let scope = scopeAbove;
      if (BLOCK_SCOPES.has(node.type) || isFunction(node)) {
        if (scopeAbove) this.scopeParents.set(node, scopeAbove);
        scope = node;
      }
      if (node.type === 'Identifier' && scopeAbove) this.identifierScopes.set(node, scopeAbove);
      if (INDEXED.has(node.type)) this.enclosing.set(node, functionAbove);
      const functionHere = isFunction(node) ? node : functionAbove;
      this.index(node, parent, key, mode);
      childNodes.length = 0;
      childKeys.length = 0;
      const record = node as unknown as Record<string, unknown>;
      for (const k in record) {
        if (SKIP_KEYS.has(k)) continue;
        const value = record[k];
        if (Array.isArray(value)) {
          for (const item of value) {
            if (item && typeof item === 'object' && typeof (item as Node).type === 'string') {
              childNodes.push(item as Node);
              childKeys.push(k);
            }
          }
        } else if (value && typeof value === 'object' && typeof (value as Node).type === 'string') {
          childNodes.push(value as Node);
          childKeys.push(k);
        }
      }
      for (let i = childNodes.length - 1; i >= 0; i--) {
        nodes.push(childNodes[i]);
        parents.push(node);
        keys.push(childKeys[i]);
        modes.push(this.childMode(node, childKeys[i], childNodes[i], mode));
        scopesAbove.push(scope);
        functionsAbove.push(functionHere);
      }
    }
    // The walk is depth-first in source order except for key order; rules expect source order.
    const bySource = (a: Node, b: Node): number => a.range[0] - b.range[0];
    this.calls.sort(bySource);
    this.functions.sort(bySource);
    this.loops.sort(bySource);
    this.assignments.sort(bySource);
    this.updates.sort(bySource);
    this.awaits.sort(bySource);
    this.conditionals.sort(bySource);
  }

  private childMode(parent: Node, key: string, child: Node, mode: Mode): Mode {
    switch (parent.type) {
      case 'VariableDeclarator':
        return key === 'id' ? 'declare' : 'expr';
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return key === 'id' || key === 'params' ? 'declare' : 'expr';
      case 'ClassDeclaration':
      case 'ClassExpression':
        return key === 'id' ? 'declare' : 'expr';
      case 'CatchClause':
        return key === 'param' ? 'declare' : 'expr';
      case 'ImportDeclaration':
      case 'ImportSpecifier':
      case 'ImportDefaultSpecifier':
      case 'ImportNamespaceSpecifier':
      case 'TSImportEqualsDeclaration':
      case 'LabeledStatement':
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'MetaProperty':
        return key === 'body' || key === 'moduleReference' ? 'expr' : 'declare';
      case 'ExportSpecifier': {
        const decl = this.parents.get(parent);
        if (decl && decl.type === 'ExportNamedDeclaration' && decl.source) return 'declare';
        return key === 'local' ? 'expr' : 'declare';
      }
      case 'AssignmentExpression':
        if (key === 'left') return child.type === 'MemberExpression' ? 'expr' : 'write';
        return 'expr';
      case 'ForInStatement':
      case 'ForOfStatement':
        if (key === 'left' && child.type !== 'VariableDeclaration') return child.type === 'MemberExpression' ? 'expr' : 'write';
        return 'expr';
      case 'MemberExpression':
        return key === 'property' && !parent.computed ? 'key' : 'expr';
      case 'Property':
        if (key === 'key') return parent.computed ? 'expr' : 'key';
        return mode === 'declare' || mode === 'write' ? mode : 'expr';
      case 'MethodDefinition':
      case 'PropertyDefinition':
      case 'AccessorProperty':
      case 'TSAbstractMethodDefinition':
      case 'TSAbstractPropertyDefinition':
        if (key === 'key') return parent.computed ? 'expr' : 'key';
        return 'expr';
      case 'ObjectPattern':
      case 'ArrayPattern':
      case 'RestElement':
      case 'TSParameterProperty':
        return mode === 'declare' || mode === 'write' ? mode : 'expr';
      case 'AssignmentPattern':
        return key === 'left' && (mode === 'declare' || mode === 'write') ? mode : 'expr';
      default:
        return 'expr';
    }
  }

  private index(node: Node, parent: Node | null, key: string | null, mode: Mode): void {
    switch (node.type) {
      case 'Identifier':
        if (mode === 'expr' || mode === 'write') {
          const write = mode === 'write' || (parent?.type === 'UpdateExpression' && key === 'argument');
          this.referenceIds.push({ id: node, write });
        }
        return;
      case 'CallExpression':
      case 'NewExpression':
        this.calls.push(node);
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.functions.push(node);
        this.declareFunction(node);
        return;
      case 'ForStatement':
      case 'ForInStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        this.loops.push(node);
        return;
      case 'ForOfStatement':
        this.loops.push(node);
        if (node.await) this.awaits.push(node);
        return;
      case 'AwaitExpression':
        this.awaits.push(node);
        return;
      case 'AssignmentExpression':
        this.assignments.push(node);
        return;
      case 'UpdateExpression':
        this.updates.push(node);
        return;
      case 'IfStatement':
      case 'ConditionalExpression':
        this.conditionals.push(node);
        return;
      case 'VariableDeclaration':
        if (!node.declare) this.declareVariables(node);
        return;
      case 'ClassDeclaration':
        if (node.id && !node.declare) this.declare(this.blockScope(node), node.id, { kind: 'class', init: null, path: null });
        return;
      case 'CatchClause':
        if (node.param) this.declarePattern(node, node.param, [], { kind: 'catch', init: null });
        return;
      case 'ImportDeclaration':
        this.declareImport(node);
        return;
      case 'TSImportEqualsDeclaration':
        if (node.importKind !== 'type' && node.moduleReference.type === 'TSExternalModuleReference') {
          const spec = staticString(node.moduleReference.expression);
          if (spec) {
            this.declare(this.program, node.id, {
              kind: 'import',
              init: null,
              path: [],
              module: normalizeModule(spec),
              imported: '*',
            });
          }
        }
        return;
      default:
        return;
    }
  }

  private blockScope(node: Node): Node {
    for (const a of this.ancestors(node)) {
      if (BLOCK_SCOPES.has(a.type) || isFunction(a)) return a;
    }
    return this.program;
  }

  private functionScope(node: Node): Node {
    for (const a of this.ancestors(node)) {
      if (isFunction(a) || a.type === 'Program' || a.type === 'StaticBlock') return a;
    }
    return this.program;
  }

  private declare(
    scope: Node,
    id: TSESTree.Identifier,
    props: Omit<Binding, 'name' | 'id' | 'scope' | 'refs' | 'writes'>,
  ): Binding {
    let table = this.scopes.get(scope);
    if (!table) {
      table = new Map();
      this.scopes.set(scope, table);
    }
    const binding: Binding = { name: id.name, id, scope, refs: [], writes: [], ...props };
    table.set(id.name, binding);
    return binding;
  }

  private declareVariables(decl: TSESTree.VariableDeclaration): void {
    const kind: BindingKind = decl.kind === 'var' ? 'var' : decl.kind === 'let' ? 'let' : 'const';
    const scope = kind === 'var' ? this.functionScope(decl) : this.blockScope(decl);
    const parent = this.parents.get(decl);
    const loop = parent && (parent.type === 'ForOfStatement' || parent.type === 'ForInStatement') && parent.left === decl ? parent : undefined;
    for (const d of decl.declarations) {
      const init = loop ? (loop.type === 'ForOfStatement' ? loop.right : null) : d.init;
      this.declarePattern(scope, d.id, loop ? null : [], { kind, init, loop });
    }
  }

  private declarePattern(
    scope: Node,
    pattern: Node,
    pathSoFar: string[] | null,
    props: { kind: BindingKind; init: TSESTree.Expression | null; loop?: LoopNode; paramOf?: FunctionNode; paramIndex?: number },
  ): void {
    switch (pattern.type) {
      case 'Identifier': {
        const binding = this.declare(scope, pattern, { ...props, path: pathSoFar });
        if (props.init && pathSoFar && pathSoFar.length === 0 && !props.loop) {
          const value = unwrap(props.init);
          if (isFunction(value)) binding.fn = value;
        }
        return;
      }
      case 'ObjectPattern':
        for (const prop of pattern.properties) {
          if (prop.type === 'RestElement') this.declarePattern(scope, prop.argument, null, props);
          else {
            const name = propertyName(prop);
            this.declarePattern(scope, prop.value, pathSoFar && name !== null ? [...pathSoFar, name] : null, props);
          }
        }
        return;
      case 'ArrayPattern':
        pattern.elements.forEach((el, i) => {
          if (!el) return;
          if (el.type === 'RestElement') this.declarePattern(scope, el.argument, null, props);
          else this.declarePattern(scope, el, pathSoFar ? [...pathSoFar, String(i)] : null, props);
        });
        return;
      case 'AssignmentPattern':
        this.declarePattern(scope, pattern.left, pathSoFar, props);
        return;
      case 'RestElement':
        this.declarePattern(scope, pattern.argument, null, props);
        return;
      case 'TSParameterProperty':
        this.declarePattern(scope, pattern.parameter, pathSoFar, props);
        return;
      default:
        return;
    }
  }

  private declareFunction(fn: FunctionNode): void {
    if (fn.type === 'FunctionDeclaration' && fn.id && !fn.declare) {
      const binding = this.declare(this.blockScope(fn), fn.id, { kind: 'function', init: null, path: null });
      binding.fn = fn;
    } else if (fn.type === 'FunctionExpression' && fn.id) {
      const binding = this.declare(fn, fn.id, { kind: 'function', init: null, path: null });
      binding.fn = fn;
    }
    fn.params.forEach((param, index) => {
      this.declarePattern(fn, param, [], { kind: 'param', init: null, paramOf: fn, paramIndex: index });
    });
  }

  private declareImport(node: TSESTree.ImportDeclaration): void {
    if (node.importKind === 'type') return;
    const module = normalizeModule(String(node.source.value));
    for (const spec of node.specifiers) {
      if (spec.type === 'ImportSpecifier') {
        if (spec.importKind === 'type') continue;
        const imported = spec.imported.type === 'Identifier' ? spec.imported.name : String(spec.imported.value);
        this.declare(this.program, spec.local, { kind: 'import', init: null, path: [], module, imported });
      } else if (spec.type === 'ImportDefaultSpecifier') {
        this.declare(this.program, spec.local, { kind: 'import', init: null, path: [], module, imported: 'default' });
      } else {
        this.declare(this.program, spec.local, { kind: 'import', init: null, path: [], module, imported: '*' });
      }
    }
  }

  // ---- bindings -----------------------------------------------------------------------------

  /** The binding an identifier refers to, or null for globals (`process`, `SharedArrayBuffer`). */
  resolve(id: TSESTree.Identifier): Binding | null {
    const cached = this.resolved.get(id);
    if (cached !== undefined) return cached;
    let result: Binding | null = null;
    // Only blocks and functions hold declarations: climb their chain, not every ancestor.
    let current: Node | null = this.identifierScopes.get(id) ?? null;
    while (current) {
      const found = this.scopes.get(current)?.get(id.name);
      if (found) {
        result = found;
        break;
      }
      current = this.scopeParents.get(current) ?? null;
    }
    this.resolved.set(id, result);
    return result;
  }

  bindingOf(expr: Node | null | undefined): Binding | null {
    if (!expr) return null;
    const n = unwrap(expr);
    return n.type === 'Identifier' ? this.resolve(n) : null;
  }

  /** A binding in the module scope by name (imports, top-level declarations). */
  topLevelBinding(name: string): Binding | null {
    return this.scopes.get(this.program)?.get(name) ?? null;
  }

  /** Every binding of the file, in no particular order. */
  *allBindings(): Generator<Binding> {
    for (const table of this.scopes.values()) yield* table.values();
  }

  /** Whether any scope of the file declares `name` or the file uses it as a global. */
  isNameTaken(name: string): boolean {
    for (const table of this.scopes.values()) if (table.has(name)) return true;
    this.ensureReferences();
    return this.referenceIds.some((r) => r.id.name === name);
  }

  private ensureReferences(): void {
    if (this.referencesDone) return;
    this.referencesDone = true;
    for (const { id, write } of this.referenceIds) {
      const binding = this.resolve(id);
      if (!binding) continue;
      binding.refs.push(id);
      if (write) binding.writes.push(id);
    }
  }

  /** References to a binding (reads and writes, not its declaration). */
  references(binding: Binding): TSESTree.Identifier[] {
    this.ensureReferences();
    return binding.refs;
  }

  /** Whether the binding always holds its initial value (const, or never assigned again). */
  isConstant(binding: Binding): boolean {
    if (binding.kind === 'import' || binding.kind === 'function' || binding.kind === 'class') return true;
    if (binding.kind === 'const') return true;
    this.ensureReferences();
    return binding.writes.length === 0;
  }

  // ---- names and values ---------------------------------------------------------------------

  /**
   * The qualified name of an expression through imports, requires, aliases and destructuring:
   * `wt.Worker` with `const wt = require('node:worker_threads')` → `worker_threads.Worker`. Globals keep
   * their own name (`process.on`, `SharedArrayBuffer`). Null when it depends on run-time data.
   */
  qname(expr: Node | null | undefined): string | null {
    if (!expr) return null;
    const node = unwrap(expr);
    const cached = this.qnames.get(node);
    if (cached !== undefined) return cached;
    if (this.qnameVisiting.has(node)) return null;
    this.qnameVisiting.add(node);
    let result: string | null = null;
    try {
      result = this.computeQname(node);
    } finally {
      this.qnameVisiting.delete(node);
    }
    if (result) result = result.replace(/^([^.]+(?:\.promises)?)\.default(?=$|\.)/, '$1');
    this.qnames.set(node, result);
    return result;
  }

  private computeQname(node: Node): string | null {
    switch (node.type) {
      case 'Identifier': {
        const binding = this.resolve(node);
        if (!binding) return node.name === 'globalThis' ? '' : node.name;
        return this.bindingQname(binding);
      }
      case 'MemberExpression': {
        const name = memberName(node);
        if (name === null) return null;
        const object = unwrap(node.object);
        if (object.type === 'Identifier' && object.name === 'globalThis' && !this.resolve(object)) return name;
        const base = this.qname(object);
        return base === null ? null : base === '' ? name : `${base}.${name}`;
      }
      case 'CallExpression': {
        const spec = this.requiredModule(node);
        return spec === null ? null : spec;
      }
      case 'AwaitExpression': {
        const arg = unwrap(node.argument);
        if (arg.type === 'ImportExpression') {
          const spec = staticString(arg.source);
          return spec === null ? null : normalizeModule(spec);
        }
        return null;
      }
      default:
        return null;
    }
  }

  private bindingQname(binding: Binding): string | null {
    if (binding.kind === 'import') {
      if (!binding.module) return null;
      if (binding.imported === '*' || binding.imported === 'default') return binding.module;
      return `${binding.module}.${binding.imported}`;
    }
    if (binding.kind !== 'const' && binding.kind !== 'let' && binding.kind !== 'var') return null;
    if (!binding.init || !binding.path || binding.loop || !this.isConstant(binding)) return null;
    const base = this.qname(binding.init);
    if (base === null) return null;
    return [base, ...binding.path].filter((s) => s !== '').join('.');
  }

  /** `require('node:fs')` → `fs`; `module.createRequire` results count as `require`. */
  requiredModule(call: TSESTree.CallExpression): string | null {
    const callee = unwrap(call.callee);
    if (callee.type !== 'Identifier' || call.arguments.length !== 1) return null;
    if (callee.name !== 'require') {
      const binding = this.resolve(callee);
      if (!binding?.init || !this.isConstant(binding)) return null;
      const init = unwrap(binding.init);
      if (init.type !== 'CallExpression' || this.qname(init.callee) !== 'module.createRequire') return null;
    }
    const spec = staticString(call.arguments[0]);
    return spec === null ? null : normalizeModule(spec);
  }

  /**
   * The expression a value comes from, following constant bindings: `opts` in `new Worker(f, opts)`
   * with `const opts = { workerData }` gives the object literal. Destructured bindings look into
   * object literals. Returns the (unwrapped) expression itself when there is nothing to follow.
   */
  valueOf(expr: Node, depth = 0): Node {
    const node = unwrap(expr);
    if (depth > 8 || node.type !== 'Identifier') return node;
    const binding = this.resolve(node);
    if (!binding || !binding.init || !binding.path || binding.loop || !this.isConstant(binding)) return node;
    if (binding.kind !== 'const' && binding.kind !== 'let' && binding.kind !== 'var') return node;
    let value: Node = this.valueOf(binding.init, depth + 1);
    for (const segment of binding.path) {
      if (value.type !== 'ObjectExpression') return node;
      const prop = value.properties.find((p): p is TSESTree.Property => p.type === 'Property' && propertyName(p) === segment);
      if (!prop) return node;
      value = this.valueOf(prop.value, depth + 1);
    }
    return value;
  }

  /** The function an expression denotes: an inline function, or a name bound to one. */
  functionOf(expr: Node | null | undefined): FunctionNode | null {
    if (!expr) return null;
    const node = unwrap(expr);
    if (isFunction(node)) return node;
    if (node.type === 'Identifier') {
      const binding = this.resolve(node);
      if (binding?.fn && this.isConstant(binding)) return binding.fn;
      const value = this.valueOf(node);
      if (isFunction(value)) return value;
    }
    return null;
  }

  /** How messages name a function: its binding, its method or property key, or "an anonymous function". */
  functionLabel(fn: FunctionNode): string {
    const binding = this.functionBinding(fn);
    if (binding) return `\`${binding.name}\``;
    const parent = this.parents.get(fn);
    if (parent && (parent.type === 'MethodDefinition' || parent.type === 'Property' || parent.type === 'PropertyDefinition')) {
      const name = propertyName(parent);
      if (name) return `\`${name}\``;
    }
    if (parent?.type === 'AssignmentExpression' && parent.right === fn) return `\`${this.text(parent.left)}\``;
    return 'an anonymous function';
  }

  /** The binding that names a function (declaration or `const f = () => …`), if any. */
  functionBinding(fn: FunctionNode): Binding | null {
    if (!this.bindingByFunction) {
      this.bindingByFunction = new Map();
      for (const b of this.allBindings()) if (b.fn && !this.bindingByFunction.has(b.fn)) this.bindingByFunction.set(b.fn, b);
    }
    return this.bindingByFunction.get(fn) ?? null;
  }

  /** Calls in this file whose callee is the named function `fn`. */
  callSitesOf(fn: FunctionNode): CallLike[] {
    if (!this.callSiteIndex) {
      this.callSiteIndex = new Map();
      for (const call of this.calls) {
        if (call.type !== 'CallExpression') continue;
        const callee = unwrap(call.callee);
        if (callee.type !== 'Identifier') continue;
        const target = this.functionOf(callee);
        if (!target) continue;
        const list = this.callSiteIndex.get(target) ?? [];
        list.push(call);
        this.callSiteIndex.set(target, list);
      }
    }
    return this.callSiteIndex.get(fn) ?? [];
  }

  /** References to a named function other than direct calls (handed over as a callback, exported). */
  functionUses(fn: FunctionNode): TSESTree.Identifier[] {
    const binding = this.functionBinding(fn);
    if (!binding) return [];
    return this.references(binding).filter((ref) => {
      const parent = this.parents.get(ref);
      return !(parent?.type === 'CallExpression' && parent.callee === ref);
    });
  }

  /** The call an inline function is an argument of (`setTimeout(() => …)`), with the argument index. */
  callbackOf(fn: FunctionNode): { call: CallLike; index: number } | null {
    let child: Node = fn;
    let parent = this.parents.get(fn);
    // Type assertions around an inline callback (`(x => …) as Handler`) do not change what receives it.
    while (parent && (parent.type === 'TSAsExpression' || parent.type === 'TSSatisfiesExpression')) {
      child = parent;
      parent = this.parents.get(parent);
    }
    if (!parent || (parent.type !== 'CallExpression' && parent.type !== 'NewExpression')) return null;
    const index = parent.arguments.indexOf(child as TSESTree.CallExpressionArgument);
    return index === -1 ? null : { call: parent, index };
  }

  /** Whether the function is called right where it is defined: `(async () => { … })()`. */
  isImmediatelyInvoked(fn: FunctionNode): boolean {
    let child: Node = fn;
    let parent = this.parents.get(fn);
    while (parent && (parent.type === 'ChainExpression' || parent.type === 'TSAsExpression')) {
      child = parent;
      parent = this.parents.get(parent);
    }
    if (parent?.type === 'CallExpression' && parent.callee === child) return true;
    // `(async () => {})().catch(…)` and `.then` chains still call it right away.
    return parent?.type === 'MemberExpression' && parent.object === child && ['call', 'apply'].includes(memberName(parent) ?? '');
  }

  // ---- guards and thread context ------------------------------------------------------------

  /** The guard a condition establishes when it is true (`!isMainThread` → thread-worker). */
  guardOfTest(test: Node): GuardKind | null {
    const node = unwrap(test);
    switch (node.type) {
      case 'UnaryExpression': {
        if (node.operator !== '!') return null;
        const inner = this.guardOfTest(node.argument);
        return inner ? NEGATED[inner] : null;
      }
      case 'LogicalExpression':
        if (node.operator !== '&&') return null;
        return this.guardOfTest(node.left) ?? this.guardOfTest(node.right);
      case 'BinaryExpression': {
        const op = node.operator;
        if (op !== '===' && op !== '==' && op !== '!==' && op !== '!=') return null;
        const negate = op === '!==' || op === '!=';
        const left = unwrap(node.left);
        const right = unwrap(node.right);
        for (const [a, b] of [
          [left, right],
          [right, left],
        ] as const) {
          if (a.type === 'UnaryExpression' && a.operator === 'typeof') {
            const inner = this.guardOfTest(a.argument);
            const s = staticString(b);
            if (!inner || s === null) continue;
            const truthy = s !== 'undefined';
            const g = truthy ? inner : NEGATED[inner];
            return negate ? NEGATED[g] : g;
          }
          const inner = this.guardOfTest(a);
          if (!inner) {
            if (this.qname(a) === 'worker_threads.threadId' && b.type === 'Literal' && b.value === 0) {
              return negate ? 'thread-worker' : 'thread-main';
            }
            continue;
          }
          let truthy: boolean | null = null;
          if (b.type === 'Literal' && (b.value === null || b.value === false)) truthy = false;
          else if (b.type === 'Literal' && b.value === true) truthy = true;
          else if (b.type === 'Identifier' && b.name === 'undefined') truthy = false;
          if (truthy === null) continue;
          const g = truthy ? inner : NEGATED[inner];
          return negate ? NEGATED[g] : g;
        }
        return null;
      }
      case 'Identifier':
      case 'MemberExpression': {
        const q = this.qname(node);
        return q ? GUARD_NAMES[q] ?? null : null;
      }
      default:
        return null;
    }
  }

  /**
   * The nearest guard that holds where `node` runs, looking only at the code around it: an enclosing
   * `if`/`?:`/`&&` branch, or an earlier `if (guard) { …; return }` in an enclosing block.
   * `stopAtFunction` ends the search at the nearest function (its callers decide from there).
   */
  lexicalGuard(node: Node, stopAtFunction = false): { guard: GuardKind; at: Node } | null {
    let child: Node = node;
    for (const parent of this.ancestors(node)) {
      const g = this.stepGuard(parent, child);
      if (g) return { guard: g, at: parent };
      if (stopAtFunction && isFunction(parent)) return null;
      child = parent;
    }
    return null;
  }

  /** The guard that holds for `child` because of `parent` (a branch, or an earlier exiting `if` in a block). */
  stepGuard(parent: Node, child: Node): GuardKind | null {
    switch (parent.type) {
      case 'IfStatement':
      case 'ConditionalExpression': {
        if (child === parent.test) return null;
        const g = this.guardOfTest(parent.test);
        if (!g) return null;
        return child === parent.consequent ? g : NEGATED[g];
      }
      case 'LogicalExpression': {
        if (child !== parent.right) return null;
        const g = this.guardOfTest(parent.left);
        if (!g) return null;
        return parent.operator === '&&' ? g : parent.operator === '||' ? NEGATED[g] : null;
      }
      case 'Program':
      case 'BlockStatement':
      case 'StaticBlock':
      case 'SwitchCase': {
        const body = (parent.type === 'SwitchCase' ? parent.consequent : parent.body) as Node[];
        const index = body.indexOf(child);
        for (let i = index - 1; i >= 0; i--) {
          const stmt = body[i];
          if (stmt.type !== 'IfStatement' || stmt.alternate) continue;
          if (!this.alwaysExits(stmt.consequent)) continue;
          const g = this.guardOfTest(stmt.test);
          if (g) return NEGATED[g];
        }
        return null;
      }
      default:
        return null;
    }
  }

  private alwaysExits(stmt: Node): boolean {
    if (stmt.type === 'ReturnStatement' || stmt.type === 'ThrowStatement') return true;
    if (stmt.type === 'ExpressionStatement') {
      const expr = unwrap(stmt.expression);
      return expr.type === 'CallExpression' && EXIT_CALLS.has(this.qname(expr.callee) ?? '');
    }
    if (stmt.type === 'BlockStatement') return stmt.body.length > 0 && this.alwaysExits(stmt.body[stmt.body.length - 1]);
    return false;
  }

  // Facts rather than fields: the role depends on other files (their spawn sites), so the
  // project clears it when one changes.
  private static readonly roleOf = fact((model: JsModel) => model.computeRole());
  private static readonly workerSignalsOf = fact((model: JsModel) => model.computeWorkerSignals());

  /** The file's role: a worker script, a main-thread file, or one that branches on `isMainThread`. */
  get role(): FileRole {
    return JsModel.roleOf(this);
  }

  private computeRole(): FileRole {
    for (const c of this.conditionals) {
      const g = this.guardOfTest(c.test);
      if (g && g !== 'cluster-primary' && g !== 'cluster-worker') return 'mixed';
    }
    if (this.workerSignals().length > 0) return 'worker';
    if (this.project) {
      const spawners = this.project.spawnersOf(this.path).filter((s) => s.model !== this);
      if (spawners.length > 0) return 'worker';
    }
    return 'main';
  }

  /** Why the file looks like a worker script by itself: `parentPort`/`workerData`, `process.on('message')` + `process.send`. */
  workerSignals(): string[] {
    return JsModel.workerSignalsOf(this);
  }

  private computeWorkerSignals(): string[] {
    const signals: string[] = [];
    this.ensureReferences();
    for (const binding of this.allBindings()) {
      const q = this.bindingQname(binding);
      if (q === 'worker_threads.parentPort' || q === 'worker_threads.workerData') {
        if (binding.refs.length > 0 || binding.kind === 'import') signals.push(`uses \`${q.split('.')[1]}\``);
      }
    }
    let onMessage = false;
    let send = false;
    for (const call of this.calls) {
      const q = this.qname(call.callee);
      if (q === 'worker_threads.parentPort.on' || q === 'worker_threads.parentPort.once') signals.push('listens on `parentPort`');
      if ((q === 'process.on' || q === 'process.once') && staticString(call.arguments[0]) === 'message') onMessage = true;
      if (q === 'process.send') send = true;
      if (q === 'workerpool.worker') signals.push('registers `workerpool.worker` functions');
    }
    if (onMessage && send) signals.push("uses `process.on('message')` and `process.send`");
    return signals;
  }

  /**
   * Whether code runs in a worker (thread or child process) or on a main thread. Guards decide first;
   * a named function takes the context of its callers; the file's role decides the rest.
   */
  threadContext(node: Node): ThreadContext {
    let child: Node = node;
    for (const parent of this.ancestors(node)) {
      const g = this.stepGuard(parent, child);
      if (g === 'thread-worker' || g === 'child-process') return 'worker';
      if (g === 'thread-main' || g === 'parent-process') return 'main';
      if (isFunction(parent)) {
        const fromCallers = this.functionThreadContext(parent);
        if (fromCallers) return fromCallers;
      }
      child = parent;
    }
    return this.role === 'worker' ? 'worker' : 'main';
  }

  private functionThreadContext(fn: FunctionNode): ThreadContext | null {
    const cached = this.threadContexts.get(fn);
    if (cached === 'pending') return null;
    if (cached) return cached;
    this.threadContexts.set(fn, 'pending');
    let result: ThreadContext | null = null;
    const callback = this.callbackOf(fn);
    if (callback && this.isWorkerMessageRegistration(callback.call)) result = 'worker';
    else {
      const sites: Node[] = [...this.callSitesOf(fn), ...this.functionUses(fn)];
      if (sites.length > 0) {
        const contexts = new Set(sites.map((s) => this.threadContext(s)));
        result = contexts.size === 1 ? [...contexts][0] : 'main';
      }
    }
    if (result) this.threadContexts.set(fn, result);
    else this.threadContexts.delete(fn);
    return result;
  }

  /** `parentPort.on('message', …)` and friends: their listeners run in the worker. */
  isWorkerMessageRegistration(call: CallLike): boolean {
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression') return false;
    const q = this.qname(callee.object);
    return q === 'worker_threads.parentPort';
  }

  /** The directory the file is in (worker script paths resolve against it). */
  get directory(): string {
    return path.dirname(path.resolve(this.path));
  }
}

/** `require.main === module`, `import.meta.main`: the file runs as a program, not as a library. */
export function isMainModuleTest(model: JsModel, test: Node): boolean {
  const node = unwrap(test);
  if (node.type === 'LogicalExpression') return isMainModuleTest(model, node.left) || isMainModuleTest(model, node.right);
  if (node.type === 'MemberExpression' && node.object.type === 'MetaProperty' && memberName(node) === 'main') return true;
  if (node.type !== 'BinaryExpression' || (node.operator !== '===' && node.operator !== '==')) return false;
  const text = `${model.text(node.left)} ${model.text(node.right)}`;
  const requireMain = /\brequire\.main\b/.test(text) && /\bmodule\b/.test(text.replace(/require\.main/g, ''));
  return requireMain || (/import\.meta\.(url|filename)/.test(text) && /process\.argv\[1\]/.test(text));
}

