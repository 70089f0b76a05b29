import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import type { FunctionInfo, PythonModel } from '../model';
import { type Mutation, mutationsIn, rootOwner } from '../mutations';
import { reachedFunctions } from '../task-reach';
import { type PyNode, childByField, namedChildren, rangeOf } from '../syntax';

export const rule: PythonRule = {
  meta: ruleMeta('CL404'),
  check(context) {
    const { model } = context;
    const reported = new Set<PyNode>();
    for (const entry of reachedFunctions(model, 'process', { skipLockedCalls: false }).values()) {
      for (const m of mutationsIn(model, entry.fn)) {
        if (reported.has(m.node)) continue;
        const name = parentState(model, entry.fn, m);
        if (!name) continue;
        reported.add(m.node);
        const runs = entry.via
          ? `\`${entry.fn.name}\` (called from \`${entry.via.name}\`) runs in a child process`
          : `\`${entry.fn.name}\` runs in a child process`;
        context.report({
          node: m.node,
          message:
            `${runs}: this changes the child's own copy of \`${name}\`, and the parent never sees it. ` +
            'Return the value, or send it through a multiprocessing Queue or a Manager.',
          related: [{ path: model.path, range: rangeOf(entry.site.call.callee), message: `\`${model.text(entry.site.call.callee)}\` runs it in another process` }],
        });
      }
    }
  },
};

/** The module-level variable a mutation changes, when the change is lost on the parent's side. */
function parentState(model: PythonModel, fn: FunctionInfo, m: Mutation): string | null {
  const owner = rootOwner(model, fn, m);
  if (owner.kind !== 'global' || !m.root) return null;
  const name = owner.name;
  if (m.target === m.root && m.kind !== 'method') {
    // `global x; x = value` rebinds; `if x is None: x = ...` is a per-process lazy cache.
    return lazyInit(model, m.node, name) ? null : name;
  }
  return isPlainContainer(model, name) ? name : null;
}

/**
 * Module-level values whose mutation stays in the child: builtin and collections containers and
 * instances of the file's own classes. Manager proxies, `Value`/`Array`, queues and shared memory
 * resolve to multiprocessing types and are left alone, as is anything the model cannot see.
 */
function isPlainContainer(model: PythonModel, name: string): boolean {
  const bindings = model.moduleScope.bindings.get(name) ?? [];
  const values = bindings.filter((b) => b.kind === 'assign' && b.value).map((b) => b.value!);
  if (values.length === 0 || bindings.some((b) => b.kind !== 'assign' && b.kind !== 'global-decl')) return false;
  return values.every((value) => {
    if (['list', 'dictionary', 'set', 'list_comprehension', 'dictionary_comprehension', 'set_comprehension'].includes(value.type)) return true;
    const resolved = model.resolve(value, model.moduleScope);
    if (resolved.kind !== 'instance') return false;
    if (resolved.cls) return true;
    return /^(builtins\.(list|dict|set|bytearray)|collections\.(defaultdict|Counter|OrderedDict|deque))$/.test(resolved.of);
  });
}

function lazyInit(model: PythonModel, node: PyNode, name: string): boolean {
  for (let p = node.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const condition = childByField(p, 'condition');
    if (!condition) continue;
    const mentions = (n: PyNode): boolean => (n.type === 'identifier' && model.text(n) === name) || namedChildren(n).some(mentions);
    if (mentions(condition)) return true;
  }
  return false;
}
