import { allowWork, spendWork } from '../../core/budget';
import type { CommentText } from '../../core/suppression';
import type { Node, TSESTree } from '../parse';
import { type FunctionNode, type LoopNode, isFunction, propertyName, staticString, unwrap } from '../syntax';
import { TreeIndex } from './tree';

// The walk, scopes and bindings: one pass over the tree fills the tree index and declares every
// binding in its scope; identifiers resolve to bindings lazily, and references are collected on
// first use.

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

/** `node:fs` → `fs`, `fs/promises` → `fs.promises`: one spelling per module in qualified names. */
export function normalizeModule(specifier: string): string {
  let m = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  if (/^(fs|dns|timers|stream|readline|assert)\/promises$/.test(m)) m = m.replace('/', '.');
  return m;
}

export class Scopes extends TreeIndex {
  private readonly scopes = new Map<Node, Map<string, Binding>>();
  /** Scope-capable nodes (blocks, functions) → the nearest one around them; identifiers → theirs. */
  private readonly scopeParents = new Map<Node, Node>();
  private readonly identifierScopes = new Map<Node, Node>();
  private readonly referenceIds: { id: TSESTree.Identifier; write: boolean }[] = [];
  private readonly resolved = new Map<TSESTree.Identifier, Binding | null>();
  private referencesDone = false;

  constructor(path: string, source: string, program: TSESTree.Program, comments: CommentText[]) {
    super(path, source, program, comments);
    // The analysis may spend work in proportion to the models built for it (core/budget.ts).
    allowWork(this.walk());
  }

  /** Returns the number of nodes visited. */
  private walk(): number {
    let visited = 0;
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
      visited++;
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
    return visited;
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

  /** The binding an identifier refers to, or null for globals (`process`, `SharedArrayBuffer`). */
  resolve(id: TSESTree.Identifier): Binding | null {
    const cached = this.resolved.get(id);
    if (cached !== undefined) return cached;
    let result: Binding | null = null;
    // Only blocks and functions hold declarations: climb their chain, not every ancestor.
    let current: Node | null = this.identifierScopes.get(id) ?? null;
    while (current) {
      spendWork(1);
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
}
