import type { Node, TSESTree } from '../parse';
import { type CallLike, type FunctionNode, memberName, unwrap } from '../syntax';
import { Names } from './names';

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
