import { expectedToRaise } from '../test-code';
import type { Fix, TextEdit } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { CallInfo, PythonModel } from '../model';
import { executorSpec } from '../names';
import { poolConstruction } from '../spawning';
import type { PythonRule } from '../rule';
import { childByField } from '../syntax';
import { type Destination, destinationOf, readsOf } from '../value-flow';
import { indentUnit, insertAt, lineIndent, replaceNode } from '../edits';

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


/** `x = Pool(...)` followed by its uses in the same block → `with Pool(...) as x:` around them. */
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
  const last = statements[statements.length - 1];
  const from = statement.endIndex;
  const to = last.endIndex;
  // Every use must move into the block; rebinding the name there would close the wrong object.
  if (readsOf(model, dest).some((read) => read.startIndex < from || read.endIndex > to)) return null;
  if ((dest.scope.bindings.get(dest.name) ?? []).some((b) => b !== dest.binding && b.node.startIndex >= from && b.node.startIndex <= to)) {
    return null;
  }
  // Re-indenting would change the text of a multi-line string.
  if (model.nodesOfType('string').some((s) => s.startRow < s.endRow && s.endIndex > from && s.startIndex < to)) return null;

  const unit = indentUnit(model);
  const lines = model.source.split('\n');
  const edits: TextEdit[] = [replaceNode(statement, `with ${model.text(call.node)} as ${dest.name}:`)];
  for (let row = statement.endRow + 1; row <= last.endRow; row++) {
    if (lines[row]?.trim()) edits.push(insertAt(row, 0, unit));
  }
  const caveat = kind === 'Pool' || kind === 'ThreadPool' ? ' (leaving the block terminates the pool: collect every result inside it)' : '';
  return {
    description: `Manage \`${dest.name}\` with a \`with\` block${caveat}`,
    edits,
    safe: false,
  };
}
