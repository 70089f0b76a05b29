import type { Fix, TextEdit } from '../../core/types';
import { fact, factBy } from '../../core/facts';
import { ruleMeta } from '../../catalog';
import type { PythonRule } from '../rule';
import type { FunctionInfo, PythonModel } from '../model';
import { addImport, eolOf, insertAfterImports, indentUnit, insertAt, referenceTo } from '../edits';
import { indentRows, sourceLines, standsAlone } from '../block-edits';
import { heldLocks, lockFacts } from '../locks';
import { type Mutation, mutationsIn, rootOwner, statementOf } from '../mutations';
import { type Reached, reachedFunctions } from '../task-reach';
import { writtenByOneThreadOnly } from '../thread-confinement';
import { type PyNode, childByField, rangeOf } from '../syntax';

export const rule: PythonRule = {
  meta: ruleMeta('CL401'),
  check(context) {
    const { model } = context;
    const reported = new Set<PyNode>();
    for (const entry of reachedFunctions(model, 'thread', { skipLockedCalls: true }).values()) {
      for (const m of mutationsIn(model, entry.fn)) {
        if (!m.readModifyWrite || reported.has(m.node)) continue;
        const shared = sharedState(model, entry, m);
        if (!shared || heldLocks(model, m.node).length > 0 || writtenByOneThreadOnly(model, entry, m)) continue;
        reported.add(m.node);
        const runs = entry.via
          ? `\`${entry.fn.name}\`, called from \`${entry.via.name}\` which runs on threads`
          : `\`${entry.fn.name}\`, which runs on threads`;
        context.report({
          node: m.node,
          message:
            `Unsynchronized read-modify-write of \`${shared.name}\` (${shared.what}) in ${runs}: ` +
            'another thread can interleave between the read and the write, and updates are lost. Hold a lock around it.',
          fix: wrapInLockFix(model, m, shared.name),
          related: [
            ...(m.readAt ? [{ path: model.path, range: rangeOf(m.readAt), message: `the old value of \`${shared.name}\` is read here` }] : []),
            { path: model.path, range: rangeOf(entry.site.call.callee), message: `\`${model.text(entry.site.call.callee)}\` runs \`${entry.via?.name ?? entry.fn.name}\` on a thread here` },
          ],
        });
      }
    }
  },
};

/** What makes the changed variable visible to other threads, or null when it is private. */
function sharedState(model: PythonModel, entry: Reached, m: Mutation): { name: string; what: string } | null {
  if (!m.root || throughThreadLocal(model, m.target, entry.fn)) return null;
  const owner = rootOwner(model, entry.fn, m);
  const rootText = model.text(m.root);
  switch (owner.kind) {
    case 'global':
      return { name: rootText, what: 'a module global' };
    case 'nonlocal':
      return { name: rootText, what: 'a variable of the enclosing function' };
    case 'closure': {
      const outer = owner.scope.owner as FunctionInfo | null;
      return { name: rootText, what: `captured from \`${outer?.name ?? 'the enclosing function'}\`` };
    }
    case 'self':
      return entry.selfShared ? { name: selfAttribute(model, m.target), what: 'an attribute of an object several threads run on' } : null;
    default:
      return null;
  }
}

/** `threading.local()` gives each thread its own attributes: nothing under it is shared. */
function throughThreadLocal(model: PythonModel, target: PyNode, fn: FunctionInfo): boolean {
  const scope = fn.scope;
  for (let current: PyNode | null = target; current; ) {
    if (current.type !== 'subscript' && current.type !== 'attribute' && current.type !== 'identifier') return false;
    if (current !== target || current.type !== 'identifier') {
      const value = model.resolve(current, scope);
      if (value.kind === 'instance' && value.of === 'threading.local') return true;
    }
    current = current.type === 'subscript' ? childByField(current, 'value') : current.type === 'attribute' ? childByField(current, 'object') : null;
  }
  return false;
}

/** `self.total` from `self.total[k]` / `self.total.count`. */
function selfAttribute(model: PythonModel, target: PyNode): string {
  let current = target;
  while (current.type === 'subscript' || current.type === 'attribute') {
    const inner = current.type === 'subscript' ? childByField(current, 'value') : childByField(current, 'object');
    if (!inner) break;
    if (inner.type === 'identifier') return model.text(current);
    current = inner;
  }
  return model.text(target);
}

// ---- fix: `with <lock>:` around the statement ---------------------------------------------------

const THREAD_LOCKS = new Set(['threading.Lock', 'threading.RLock']);

function wrapInLockFix(model: PythonModel, m: Mutation, sharedName: string): Fix | null {
  const statement = statementOf(m.node);
  if (statement.type !== 'expression_statement' || !standsAlone(model, statement)) return null;
  // A split update (`v = x` … `x = v + 1`) is guarded from the read on: the statements from there
  // to the write, when they are siblings in one block.
  let first = statement;
  if (m.readAt) {
    const read = statementOf(m.readAt);
    const siblings = statement.parent?.children ?? [];
    const from = siblings.indexOf(read);
    const to = siblings.indexOf(statement);
    if (read.parent !== statement.parent || from < 0 || from > to) return null;
    if (!siblings.slice(from, to + 1).every((n) => n.type === 'comment' || standsAlone(model, n))) return null;
    first = read;
  }
  const edits: TextEdit[] = [];
  // New lines end the way the file's lines do: a bare `\n` in a CRLF file mixes endings.
  const eol = eolOf(model);
  let lockName = existingLock(model, m);
  let created = false;
  if (!lockName) {
    lockName = freshName(model, `${sharedName.replace(/^self\./, '').replace(/[^A-Za-z0-9_]/g, '_')}_lock`);
    created = true;
    const ctor = referenceTo(model, 'threading', 'Lock', 'qualified');
    const definition = `${lockName} = ${ctor.text}()`;
    const anchor = definitionAnchor(model, m);
    // Below the imports, a blank line sets the new definition apart from them.
    const lockEdit = anchor !== null ? insertAt(anchor, 0, `${definition}${eol}`) : insertAfterImports(model, `\n${definition}`);
    // One insertion point for the import and the lock keeps their order unambiguous.
    const importEdit = ctor.edits[0];
    if (importEdit && samePosition(importEdit, lockEdit)) {
      edits.push({ range: importEdit.range, text: importEdit.text + lockEdit.text });
    } else {
      edits.push(...ctor.edits, lockEdit);
    }
  }
  const indent = (sourceLines(model)[first.startRow] ?? '').slice(0, first.startCol);
  const unit = indentUnit(model);
  edits.push(insertAt(first.startRow, first.startCol, `with ${lockName}:${eol}${indent}${unit}`));
  edits.push(...indentRows(model, first.startRow + 1, statement.endRow, unit));
  return {
    description: created
      ? `Hold a new module-level lock \`${lockName}\` around the update`
      : `Hold \`${lockName}\` around the update`,
    edits,
    safe: false,
  };
}

function samePosition(a: TextEdit, b: TextEdit): boolean {
  return a.range.start.line === b.range.start.line && a.range.start.column === b.range.start.column;
}

/**
 * A module-level threading lock to reuse: the one already guarding this variable elsewhere, else
 * the only one in the module. A plain Lock the function may already hold through a caller would
 * deadlock, so such a lock is not reused.
 */
function existingLock(model: PythonModel, m: Mutation): string | null {
  const candidates = moduleThreadLocks(model);
  const usable = candidates.filter((name) => !m.fn || !calledWhileHeld(model, `g:${name}`).has(m.fn));
  const rootText = m.root ? model.text(m.root) : null;
  const guarding = usable.find((name) =>
    lockFacts(model).regions.some(
      (r) =>
        r.lock.key === `g:${name}` &&
        mutationsIn(model, r.fn).some((other) => other.root && model.text(other.root) === rootText && r.start <= other.node.startIndex && other.node.endIndex <= r.end),
    ),
  );
  if (guarding) return guarding;
  return candidates.length === 1 && usable.length === 1 ? usable[0] : null;
}

/** Names bound once at module level to `threading.Lock()` / `RLock()`. */
const moduleThreadLocks = fact((model: PythonModel) => {
  const names: string[] = [];
  for (const [name, bindings] of model.moduleScope.bindings) {
    const last = bindings[bindings.length - 1];
    if (last.kind !== 'assign' || !last.value) continue;
    const ctx = model.contextOf(last.node);
    if (ctx.fn || ctx.inMainGuard || ctx.cls) continue;
    const value = model.resolve(last.value, model.moduleScope);
    if (value.kind === 'instance' && THREAD_LOCKS.has(value.of)) names.push(name);
  }
  return names;
});

/** Functions some call chain enters while holding the lock with this key. */
const calledWhileHeld = factBy((model: PythonModel, key: string) => {
  const reached = new Set<FunctionInfo>();
  const queue: FunctionInfo[] = [];
  const enter = (fn: FunctionInfo): void => {
    if (fn.model !== model || reached.has(fn)) return;
    reached.add(fn);
    queue.push(fn);
  };
  for (const call of model.calls) {
    if (call.target.kind === 'function' && heldLocks(model, call.node).some((r) => r.lock.key === key)) enter(call.target.fn);
  }
  while (queue.length > 0) {
    for (const call of model.callsIn(queue.shift()!)) if (call.target.kind === 'function') enter(call.target.fn);
  }
  return reached;
});

/** The row after the module-level definition of the shared global, when that follows the imports. */
function definitionAnchor(model: PythonModel, m: Mutation): number | null {
  if (!m.root) return null;
  const bindings = model.moduleScope.bindings.get(model.text(m.root)) ?? [];
  const first = bindings.find((b) => b.kind === 'assign');
  if (!first) return null;
  const statement = statementOf(first.node);
  if (statement.parent?.type !== 'module') return null;
  const lastImport = [...model.nodesOfType('import_statement'), ...model.nodesOfType('import_from_statement')]
    .filter((n) => n.parent?.type === 'module')
    .reduce((row, n) => Math.max(row, n.endRow), -1);
  return statement.startRow > lastImport ? statement.endRow + 1 : null;
}

const identifierNames = fact((model: PythonModel) => new Set(model.nodesOfType('identifier').map((n) => model.text(n))));

function freshName(model: PythonModel, base: string): string {
  const taken = identifierNames(model);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}
