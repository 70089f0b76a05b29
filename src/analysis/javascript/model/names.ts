import type { Node, TSESTree } from '../parse';
import { type FunctionNode, isFunction, memberName, propertyName, staticString, unwrap } from '../syntax';
import { type Binding, Scopes, normalizeModule } from './scope';

// Qualified names and value flow: what an expression names through imports, requires, aliases and
// destructuring, the value a constant binding holds, the function an expression denotes, and how
// messages name a function.

export class Names extends Scopes {
  private readonly qnames = new Map<Node, string | null>();
  private readonly qnameVisiting = new Set<Node>();
  private bindingByFunction: Map<FunctionNode, Binding> | null = null;

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
        if (spec !== null) return spec;
        // Babel's lazy require: `function _worker_threads() { const data = require('worker_threads'); …; return data; }`,
        // used as `_worker_threads().parentPort`: a call of a parameterless function that returns a module.
        const callee = unwrap(node.callee);
        if (node.arguments.length !== 0 || callee.type !== 'Identifier') return null;
        const binding = this.resolve(callee);
        const fn = binding?.kind === 'function' ? binding.fn : null;
        if (!fn || fn.params.length !== 0 || fn.async || fn.generator || fn.body.type !== 'BlockStatement') return null;
        const last = fn.body.body[fn.body.body.length - 1];
        if (last?.type !== 'ReturnStatement' || !last.argument || unwrap(last.argument).type !== 'Identifier') return null;
        const returned = this.resolve(unwrap(last.argument) as TSESTree.Identifier);
        // Only a name the function itself binds to a require: `return data` with `const data = require(…)`.
        if (!returned || (returned.scope !== fn && returned.scope !== fn.body) || !returned.init || unwrap(returned.init).type !== 'CallExpression') return null;
        return this.requiredModule(unwrap(returned.init) as TSESTree.CallExpression);
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

  /** The qualified name a binding holds (an import, or a constant alias of one). */
  protected bindingQname(binding: Binding): string | null {
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
  override valueOf(expr: Node, depth = 0): Node {
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
    const parent = this.parent(fn);
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
}
