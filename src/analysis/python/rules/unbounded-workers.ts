import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { PythonModel, Scope } from '../model';
import type { PythonRule } from '../rule';
import { type Family, innermostLoop, literalRangeCount, poolConstructions, rangeCall, workerConstructionFamily } from '../spawning';
import { type PyNode, childByField, namedChildren, rangeOf, walk } from '../syntax';
import { referenceTo, replaceNode } from '../edits';
import { iterationLifetime } from '../liveness';
import { MUTATING_METHODS } from '../mutations';

// One thread or process per input item works on the test data and falls over on the real data:
// thousands of threads exhaust memory and file descriptors, thousands of processes the machine.
// A pool with a bounded size does the same work with a fixed number of workers.

const LITERAL_COLLECTIONS = new Set(['list', 'tuple', 'set', 'dictionary']);
const RECORDS = new Set(['tuple', 'list', 'dictionary', 'call']);
/** `for role in (producer, consumer):` written out in the loop header is a fixed set of workers, not input. */
const SMALL_LITERAL_COLLECTION = 8;
/** Wrappers whose length is that of their first argument. */
const LENGTH_PRESERVING = new Set(['builtins.enumerate', 'builtins.reversed', 'builtins.sorted', 'builtins.list', 'builtins.tuple', 'builtins.zip']);

export const rule: PythonRule = {
  meta: ruleMeta('CL302'),
  check(context) {
    const { model } = context;
    for (const call of model.calls) {
      const family = workerConstructionFamily(model, call);
      if (!family) continue;
      const loop = innermostLoop(model, call.node);
      // `while` loops (accept loops, retries) do not iterate over the input: out of scope.
      if (!loop || loop.loop.type === 'while_statement' || loop.iterables.length === 0) continue;
      const growing = loop.iterables.find((iterable) => !isBounded(model, iterable, call.scope, 0));
      if (!growing) continue;
      // Each worker joined (or its `with` block left) before the next starts: one at a time.
      if (iterationLifetime(model, call, loop.loop) !== 'overlapping') continue;
      const what = family === 'thread' ? 'thread' : 'process';
      context.report({
        node: call.node,
        message:
          `A ${what} is started for every item of \`${model.text(growing)}\`: the number of ${what === 'thread' ? 'threads' : 'processes'} ` +
          `grows with the input. Use a bounded pool (${family === 'thread' ? '`ThreadPoolExecutor(max_workers=min(32, len(items)))`' : '`Pool(os.cpu_count())` with `map`'}) instead.`,
        related: [{ path: model.path, range: rangeOf(growing), message: 'the loop iterates over this' }],
      });
    }

    for (const pool of poolConstructions(model)) {
      if (!pool.sizeNode) continue;
      const len = uncappedLength(model, pool.sizeNode, pool.call.scope, 0);
      if (!len) continue;
      const ctor = `${model.text(pool.call.callee)}(...)`;
      context.report({
        node: pool.sizeNode,
        message:
          `\`${ctor}\` is sized by \`${model.text(len)}\`: one ${pool.family === 'thread' ? 'thread' : 'process'} per item, ` +
          'however many items there are. Cap it with `min(...)`.',
        fix: capFix(model, pool.sizeNode, pool.family),
        related: len.startRow !== pool.sizeNode.startRow ? [{ path: model.path, range: rangeOf(len), message: 'the size comes from here' }] : [],
      });
    }
  },
};

/** Whether iterating `node` runs a number of times fixed by the code or its settings, not by the data. */
function isBounded(model: PythonModel, node: PyNode, scope: Scope, depth: number): boolean {
  if (depth > 4) return false;
  if (node.type === 'parenthesized_expression') {
    const inner = namedChildren(node)[0];
    return inner ? isBounded(model, inner, scope, depth + 1) : true;
  }
  // Written out in the loop header, or a module constant that nothing changes: a named list
  // elsewhere (`urls = load()`, a parameter) stands for data, which grows.
  if (LITERAL_COLLECTIONS.has(node.type)) return namedChildren(node).filter((c) => c.type !== 'comment').length <= SMALL_LITERAL_COLLECTION;
  if (node.type === 'identifier') {
    const table = moduleTable(model, node, scope);
    return !!table && isBounded(model, table, model.moduleScope, depth + 1);
  }
  const range = rangeCall(model, node);
  if (range) {
    if (literalRangeCount(model, node)) return true;
    // range(len(items)) is the items in disguise; range(workers) is a count someone chose.
    return !range.args.some((arg) => uncappedLength(model, arg, scope, depth + 1));
  }
  if (node.type === 'call') {
    const call = model.callAt(node);
    if (call?.qualified && LENGTH_PRESERVING.has(call.qualified) && call.args.length > 0) {
      return call.args.some((arg) => isBounded(model, arg, scope, depth + 1));
    }
    return false;
  }
  return false;
}

/**
 * A module-level table of records bound once and never changed, `SERVICES = [("a", 80), ("b", 443)]`:
 * a fixed set of endpoints the code polls, not input. A plain list (`urls = ["a", "b"]`) still
 * stands for the data a script is run on.
 */
function moduleTable(model: PythonModel, node: PyNode, scope: Scope): PyNode | null {
  const name = model.text(node);
  if (model.bindingScope(name, scope) !== model.moduleScope) return null;
  const bindings = model.moduleScope.bindings.get(name) ?? [];
  const value = bindings.length === 1 && bindings[0].kind === 'assign' ? bindings[0].value : undefined;
  if (!value || !LITERAL_COLLECTIONS.has(value.type)) return null;
  const rows = namedChildren(value).filter((c) => c.type !== 'comment');
  if (rows.length === 0 || !rows.every((row) => RECORDS.has(row.type))) return null;
  // Appended to, extended or rebound through `global` somewhere: data after all.
  if (model.moduleScope.globals.has(name) || model.functions.some((fn) => fn.scope.globals.has(name))) return null;
  const named = (n: PyNode | null): boolean => n?.type === 'identifier' && model.text(n) === name;
  if (model.calls.some((c) => c.method && MUTATING_METHODS.has(c.method) && named(c.receiverNode))) return null;
  if (model.nodesOfType('augmented_assignment').some((a) => named(childByField(a, 'left')))) return null;
  return value;
}

/** A `len(...)` call deciding the value of `node` without a `min(...)` around it, following simple assignments. */
function uncappedLength(model: PythonModel, node: PyNode, scope: Scope, depth: number): PyNode | null {
  if (depth > 4) return null;
  if (node.type === 'identifier') {
    const binding = model.lookup(model.text(node), scope, node);
    if (binding?.kind !== 'assign' || !binding.value) return null;
    return uncappedLength(model, binding.value, model.scopeOfNode(binding.node), depth + 1);
  }
  let found: PyNode | null = null;
  walk(node, (child) => {
    if (found) return false;
    if (child.type === 'lambda') return false;
    if (child.type !== 'call') return;
    const call = model.callAt(child);
    // min(...) caps whatever it contains.
    if (call?.qualified === 'builtins.min') return false;
    if (call?.qualified === 'builtins.len') {
      found = child;
      return false;
    }
  });
  return found;
}

function capFix(model: PythonModel, size: PyNode, family: Family): Fix | null {
  // Inside min() a CPU count that may be None would compare against an int (CL303): leave those to the user.
  let countsCpus = false;
  walk(size, (node) => {
    const name = node.type === 'call' ? model.callAt(node)?.qualified : null;
    if (name === 'os.cpu_count' || name === 'os.process_cpu_count') countsCpus = true;
  });
  if (countsCpus) return null;
  if (family === 'thread') {
    return {
      description: `Cap the pool: \`min(32, ${model.text(size)})\``,
      edits: [replaceNode(size, `min(32, ${model.text(size)})`)],
      safe: false,
    };
  }
  const cpuCount = referenceTo(model, 'os', 'cpu_count', 'qualified');
  const text = `min(${cpuCount.text}() or 1, ${model.text(size)})`;
  return { description: `Cap the pool at the CPU count: \`${text}\``, edits: [replaceNode(size, text), ...cpuCount.edits], safe: false };
}
