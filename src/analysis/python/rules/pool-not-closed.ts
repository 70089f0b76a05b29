import { expectedToRaise } from '../test-code';
import type { Fix, TextEdit } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { CallInfo, PythonModel } from '../model';
import { executorSpec } from '../names';
import { poolConstruction } from '../spawning';
import type { PythonRule } from '../rule';
import { type PyNode, childByField, walk } from '../syntax';
import { type Destination, destinationOf, readsOf } from '../value-flow';
import { indentUnit, lineIndent, replaceNode } from '../edits';
import { indentRows } from '../block-edits';

const MANAGER = 'multiprocessing.Manager';

// Calls (or references, e.g. `atexit.register(pool.shutdown)`) that release the workers
// (`stop` is pebble's).
const CLOSERS = new Set(['shutdown', 'close', 'terminate', 'stop', '__exit__']);

/** Context managers under which a constructor is expected to raise: no pool comes into existence. */

type VariableDestination = Extract<Destination, { kind: 'variable' }>;

export const rule: PythonRule = {
  meta: ruleMeta('CL502'),
  check(context) {
    const { model } = context;
    for (const call of model.calls) {
      const kind = createdKind(model, call);
      if (!kind) continue;
      // Module-level pools live as long as the program: that is their point.
      const fn = model.contextOf(call.node).fn;
      if (!fn || fn.isLambda || expectedToRaise(model, call)) continue;
      const dest = destinationOf(model, call.node);
      let name: string | null = null;
      if (dest.kind === 'attribute') {
        if (CLOSERS.has(dest.name)) continue;
      } else if (dest.kind === 'variable') {
        if (isReleased(model, dest)) continue;
        name = dest.name;
      } else if (dest.kind !== 'discarded') {
        continue; // returned, stored, passed on or managed by `with`: someone else owns it
      }
      const closing = closingAdvice(model, call);
      context.report({
        node: call.node,
        message:
          `${name ? `\`${name}\` (a ${kind})` : `This ${kind}`} is created in \`${fn.name}\` and never shut down, so its ` +
          `${kind === 'Manager' ? 'server process outlives' : 'workers outlive'} their use. ` +
          `Manage it with \`with ${kind}(...) as ...:\` or call ${closing}.`,
        fix: dest.kind === 'variable' ? withFix(model, call, dest, kind) : null,
      });
    }
  },
};

function isReleased(model: PythonModel, dest: VariableDestination): boolean {
  return readsOf(model, dest).some((read) => {
    const use = destinationOf(model, read);
    if (use.kind === 'attribute') return CLOSERS.has(use.name);
    // Bare mentions release nothing; any other use hands the pool to code this does not follow.
    return use.kind !== 'discarded';
  });
}

/** The short class name of a pool, executor or Manager that its creator must release, or null. */
function createdKind(model: PythonModel, call: CallInfo): string | null {
  if (call.qualified === MANAGER) return 'Manager';
  const pool = poolConstruction(model, call);
  if (!pool || !executorSpec(pool.executor)?.closable) return null;
  // A subclass is named as written (`TrackedPool`), the others by their class.
  const name = pool.subclass ? model.text(call.callee) : pool.executor;
  return name.slice(name.lastIndexOf('.') + 1);
}

/** How the class releases its workers: the executor API's way, whatever a subclass is called. */
function closingAdvice(model: PythonModel, call: CallInfo): string {
  if (call.qualified === MANAGER) return '`shutdown()`';
  const pool = poolConstruction(model, call);
  const api = pool ? executorSpec(pool.executor)?.api : undefined;
  if (api === 'futures') return '`shutdown()`';
  if (api === 'pebble') return '`close()` and `join()` (or `stop()`)';
  return '`close()` and `join()`';
}


/**
 * `x = Pool(...)` followed by its uses in the same block → `with Pool(...) as x:` around them, up
 * to the statement that last needs the pool: code after it stays where it was.
 */
function withFix(model: PythonModel, call: CallInfo, dest: VariableDestination, kind: string): Fix | null {
  const assignment = dest.assignment;
  const statement = assignment.parent;
  if (!statement || statement.type !== 'expression_statement' || childByField(assignment, 'type')) return null;
  if (childByField(assignment, 'right') !== call.node) return null;
  const block = statement.parent;
  if (!block || block.type !== 'block') return null;
  if (lineIndent(model, statement.startRow).length !== statement.startCol) return null;
  const siblings = block.children;
  // A trailing comment on the assignment's own line stays where it is.
  const following = siblings.slice(siblings.indexOf(statement) + 1).filter((n) => !(n.type === 'comment' && n.startRow === statement.endRow));
  const statements = following.filter((n) => n.type !== 'comment');
  if (statements.length === 0 || following[0].startRow <= statement.endRow) return null;
  const reads = readsOf(model, dest);
  const last = lastUse(model, statements, reads, exitWaitsForWork(model, call));
  if (!last) return null;
  const from = statement.endIndex;
  const to = last.endIndex;
  // Every use must move into the block; rebinding the name there would close the wrong object.
  if (reads.some((read) => read.startIndex < from || read.endIndex > to)) return null;
  if ((dest.scope.bindings.get(dest.name) ?? []).some((b) => b !== dest.binding && b.node.startIndex >= from && b.node.startIndex <= to)) {
    return null;
  }
  // Re-indenting would change the text of a multi-line string.
  if (model.nodesOfType('string').some((s) => s.startRow < s.endRow && s.endIndex > from && s.startIndex < to)) return null;

  const edits: TextEdit[] = [
    replaceNode(statement, `with ${model.text(call.node)} as ${dest.name}:`),
    ...indentRows(model, statement.endRow + 1, last.endRow, indentUnit(model)),
  ];
  const caveat = kind === 'Pool' || kind === 'ThreadPool' ? ' (leaving the block terminates the pool: collect every result inside it)' : '';
  return {
    description: `Manage \`${dest.name}\` with a \`with\` block${caveat}`,
    edits,
    safe: false,
  };
}

/**
 * Leaving `with ThreadPoolExecutor(...)` waits for the submitted work, so futures read after the
 * block are done. Leaving a multiprocessing pool terminates it and leaving a Manager stops its
 * server: results and proxies they handed out must be used inside the block.
 */
function exitWaitsForWork(model: PythonModel, call: CallInfo): boolean {
  const pool = poolConstruction(model, call);
  return pool !== null && executorSpec(pool.executor)?.api === 'futures';
}

/**
 * The last of `statements` that uses the pool: reads it, or (when leaving the block does not wait
 * for the work) reads a name bound from what the pool returned (`r = pool.map_async(…)` then
 * `r.get()`).
 */
function lastUse(model: PythonModel, statements: readonly PyNode[], reads: readonly PyNode[], waits: boolean): PyNode | null {
  const derived = new Set<string>();
  let last: PyNode | null = null;
  for (const statement of statements) {
    const inside = reads.filter((r) => r.startIndex >= statement.startIndex && r.endIndex <= statement.endIndex);
    const direct = inside.length > 0;
    const indirect = !waits && derived.size > 0 && mentions(model, statement, derived);
    if (!direct && !indirect) continue;
    last = statement;
    // What `pool.imap(…)` / `pool.apply_async(…)` returned needs the live pool; what `pool.map(…)`
    // or `.get()` returned is a plain value.
    if (!waits && inside.some((read) => LAZY_RESULTS.has(calledMethod(model, read) ?? ''))) {
      for (const name of boundNames(model, statement)) derived.add(name);
    }
  }
  return last;
}

/** Pool methods whose results are only complete while the pool runs (multiprocessing.pool.Pool). */
const LAZY_RESULTS = new Set(['imap', 'imap_unordered', 'map_async', 'starmap_async', 'apply_async']);

/** `m` when `read` is the receiver of a call `read.m(…)`. */
function calledMethod(model: PythonModel, read: PyNode): string | null {
  const attribute = read.parent;
  if (attribute?.type !== 'attribute' || childByField(attribute, 'object') !== read) return null;
  if (attribute.parent?.type !== 'call' || childByField(attribute.parent, 'function') !== attribute) return null;
  const name = childByField(attribute, 'attribute');
  return name ? model.text(name) : null;
}

function mentions(model: PythonModel, statement: PyNode, names: ReadonlySet<string>): boolean {
  let found = false;
  walk(statement, (node) => {
    if (found) return false;
    if (node.type === 'identifier' && node.field !== 'attribute' && names.has(model.text(node))) found = true;
  });
  return found;
}

/** Names a statement binds: assignment targets, `for` targets, `with … as` names. */
function boundNames(model: PythonModel, statement: PyNode): string[] {
  const out: string[] = [];
  walk(statement, (node) => {
    const target =
      node.type === 'assignment' || node.type === 'augmented_assignment' ? childByField(node, 'left')
        : node.type === 'for_statement' || node.type === 'for_in_clause' ? childByField(node, 'left')
          : node.type === 'as_pattern' ? childByField(node, 'alias')
            : null;
    if (!target) return;
    walk(target, (id) => {
      if (id.type === 'identifier' && id.field !== 'attribute') out.push(model.text(id));
    });
  });
  return out;
}
