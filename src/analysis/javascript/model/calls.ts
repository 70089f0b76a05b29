import type { Node, TSESTree } from '../parse';
import { type CallLike, type FunctionNode, memberName, staticString, unwrap } from '../syntax';
import { Names } from './names';
import { type Binding, normalizeModule } from './scope';

// The call graph within the file: the calls of a named function, its other uses, the call an
// inline function is handed to, and functions called right where they are defined.

export class CallGraph extends Names {
  private callSiteIndex: Map<FunctionNode, CallLike[]> | null = null;

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

  /**
   * A parameter holds a module when every call of its function in this file passes that module
   * (`start(require('node:worker_threads'))`), or when its type says so
   * (`wt: typeof import('node:worker_threads')`): `wt.Worker` is then `worker_threads.Worker`.
   */
  protected override bindingQname(binding: Binding): string | null {
    if (binding.kind !== 'param' || !binding.paramOf || binding.paramIndex === undefined || !binding.path) return super.bindingQname(binding);
    const typed = binding.path.length === 0 ? moduleOfType(binding.id) : null;
    if (typed) return typed;
    const sites = this.callSitesOf(binding.paramOf);
    if (sites.length === 0 || this.functionUses(binding.paramOf).length > 0) return null;
    let module: string | null = null;
    for (const site of sites) {
      const arg = site.arguments[binding.paramIndex];
      const q = arg && arg.type !== 'SpreadElement' ? this.qname(arg) : null;
      // Only whole modules: a value taken from one (`wt.Worker`) is not what the parameter names.
      if (!q || q.includes('.') || (module !== null && q !== module) || !this.isModuleName(arg)) return null;
      module = q;
    }
    // `function start({ Worker })` takes `Worker` from the module passed in.
    return module && [module, ...binding.path].join('.');
  }

  /** Whether an expression denotes a module itself (`require('x')`, an import namespace or default), not a value from it. */
  private isModuleName(expr: Node): boolean {
    const node = unwrap(expr);
    if (node.type === 'CallExpression') return this.requiredModule(node) !== null;
    if (node.type !== 'Identifier') return false;
    const b = this.resolve(node);
    if (!b) return false;
    if (b.kind === 'import') return b.imported === '*' || b.imported === 'default';
    const init = b.init ? unwrap(b.init) : null;
    return b.path?.length === 0 && init?.type === 'CallExpression' && this.requiredModule(init) !== null;
  }

  /** References to a named function other than direct calls (handed over as a callback, exported). */
  functionUses(fn: FunctionNode): TSESTree.Identifier[] {
    const binding = this.functionBinding(fn);
    if (!binding) return [];
    return this.references(binding).filter((ref) => {
      const parent = this.parent(ref);
      return !(parent?.type === 'CallExpression' && parent.callee === ref);
    });
  }

  /** The call an inline function is an argument of (`setTimeout(() => …)`), with the argument index. */
  callbackOf(fn: FunctionNode): { call: CallLike; index: number } | null {
    let child: Node = fn;
    let parent = this.parent(fn);
    // Type assertions around an inline callback (`(x => …) as Handler`) do not change what receives it.
    while (parent && (parent.type === 'TSAsExpression' || parent.type === 'TSSatisfiesExpression')) {
      child = parent;
      parent = this.parent(parent);
    }
    if (!parent || (parent.type !== 'CallExpression' && parent.type !== 'NewExpression')) return null;
    const index = parent.arguments.indexOf(child as TSESTree.CallExpressionArgument);
    return index === -1 ? null : { call: parent, index };
  }

  /** Whether the function is called right where it is defined: `(async () => { … })()`. */
  isImmediatelyInvoked(fn: FunctionNode): boolean {
    let child: Node = fn;
    let parent = this.parent(fn);
    while (parent && (parent.type === 'ChainExpression' || parent.type === 'TSAsExpression')) {
      child = parent;
      parent = this.parent(parent);
    }
    if (parent?.type === 'CallExpression' && parent.callee === child) return true;
    // `(async () => {})().catch(…)` and `.then` chains still call it right away.
    return parent?.type === 'MemberExpression' && parent.object === child && ['call', 'apply'].includes(memberName(parent) ?? '');
  }
}

/** `typeof import('node:worker_threads')` on a parameter: the module it names. */
function moduleOfType(id: TSESTree.Identifier): string | null {
  const type = id.typeAnnotation?.typeAnnotation;
  if (type?.type !== 'TSTypeQuery' || type.exprName.type !== 'TSImportType' || type.exprName.qualifier) return null;
  const arg = type.exprName.argument;
  const spec = arg.type === 'TSLiteralType' ? staticString(arg.literal) : null;
  return spec === null ? null : normalizeModule(spec);
}
