import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { PythonRule } from '../rule';
import type { FunctionInfo, PythonModel } from '../model';
import { indentUnit, replaceNode } from '../edits';
import { indentRows, standsAlone } from '../block-edits';
import { type LockCall, type LockFacts, lockFacts } from '../locks';
import { type PyNode, namedChildren, rangeOf } from '../syntax';

export const rule: PythonRule = {
  meta: ruleMeta('CL402'),
  check(context) {
    const { model } = context;
    const facts = lockFacts(model);
    for (const acquire of facts.acquires) {
      if (testsNonBlockingResult(model, acquire)) continue;
      if (implementsLockProtocol(acquire.fn)) continue;
      const releases = facts.releases.filter((r) => r.fn === acquire.fn && r.lock.key === acquire.lock.key);
      if (releases.length === 0) {
        // Released by another function (`__enter__`/`__exit__`, a wrapper's release method), or a
        // lock handed in by the caller: only a module-wide lock released nowhere is a sure leak.
        if (!acquire.lock.moduleWide || facts.releases.some((r) => r.lock.key === acquire.lock.key)) continue;
      }
      if (releases.some((r) => releasedInFinally(acquire, r))) continue;
      // `lock.acquire(); lock.release()` back to back (waiting for another holder): nothing
      // between them can raise, so nothing can leave the lock held.
      if (releases.some((r) => releasedNext(acquire, r))) continue;
      const lock = acquire.lock.display;
      const firstRelease = releases.find((r) => r.call.node.startIndex > acquire.call.node.endIndex) ?? releases[0];
      context.report({
        node: acquire.call.node,
        message:
          releases.length === 0
            ? `\`${lock}.acquire()\` is never released: every other thread that acquires it then waits forever. Use \`with ${lock}:\`.`
            : `\`${lock}.acquire()\` without \`release()\` in a \`finally\`: an exception before line ${firstRelease.call.node.startRow + 1} leaves the lock held and every other thread that acquires it waits forever. Use \`with ${lock}:\`.`,
        fix: withFix(model, facts, acquire),
        related: releases.map((r) => ({ path: model.path, range: rangeOf(r.call.node), message: 'released here, outside any `finally`' })),
      });
    }
  },
};

/** `if lock.acquire(blocking=False):` / `ok = lock.acquire(timeout=1)`: the caller checks whether it got the lock. */
function testsNonBlockingResult(model: PythonModel, acquire: LockCall): boolean {
  const { call } = acquire;
  if (call.node.parent?.type === 'expression_statement') return false;
  const blocking = call.kwargs.get('blocking') ?? call.args[0];
  const nonBlocking = !!blocking && ['False', '0'].includes(model.text(blocking));
  return nonBlocking || call.kwargs.has('timeout') || call.args.length >= 2;
}

/**
 * Inside a class that defines both `acquire` and `release` (it is a lock itself, like
 * threading.Condition), its methods hold the underlying lock across calls by design.
 */
function implementsLockProtocol(fn: FunctionInfo | null): boolean {
  const cls = fn?.parentClass;
  // Defined as methods, or bound in __init__ (`self.acquire = lock.acquire`, as asyncio does).
  const has = (name: string): boolean => !!cls && (cls.methods.has(name) || cls.attributes.has(name));
  return has('acquire') && has('release');
}

/** The release is the statement right after the acquire's, in the same block. */
function releasedNext(acquire: LockCall, release: LockCall): boolean {
  const acquireStatement = acquire.call.node.parent;
  const releaseStatement = release.call.node.parent;
  if (acquireStatement?.type !== 'expression_statement' || releaseStatement?.type !== 'expression_statement') return false;
  const block = acquireStatement.parent;
  if (!block || releaseStatement.parent !== block) return false;
  const statements = block.children.filter((c) => c.named && c.type !== 'comment');
  return statements.indexOf(releaseStatement) === statements.indexOf(acquireStatement) + 1;
}

/** The release sits in the `finally` of a try that starts after the acquire or encloses it. */
function releasedInFinally(acquire: LockCall, release: LockCall): boolean {
  for (let p: PyNode | null = release.call.node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return false;
    if (p.type !== 'finally_clause') continue;
    const tryStatement = p.parent;
    if (!tryStatement) return false;
    const acquireAt = acquire.call.node.startIndex;
    if (tryStatement.startIndex >= acquireAt || (tryStatement.startIndex <= acquireAt && acquireAt < p.startIndex)) return true;
  }
  return false;
}

/**
 * `lock.acquire()` and `lock.release()` as statements of one block, with work between and no other
 * acquire of that lock: the span becomes a `with lock:` block. Behaviour changes on purpose (an
 * exception now releases the lock), so the fix is not marked safe.
 */
function withFix(model: PythonModel, facts: LockFacts, acquire: LockCall): Fix | null {
  const { call, lock } = acquire;
  if (call.args.length > 0 || call.kwargs.size > 0) return null;
  const acquireStatement = call.node.parent;
  if (!acquireStatement || acquireStatement.type !== 'expression_statement' || !standsAlone(model, acquireStatement)) return null;
  const block = acquireStatement.parent;
  const release = facts.releases.find(
    (r) => r.fn === acquire.fn && r.lock.key === lock.key && r.call.node.startIndex > call.node.endIndex,
  );
  const releaseStatement = release?.call.node.parent;
  if (!release || !releaseStatement || releaseStatement.type !== 'expression_statement' || releaseStatement.parent !== block) return null;
  if (!standsAlone(model, releaseStatement)) return null;
  const siblings = block ? namedChildren(block) : [];
  const between = siblings.slice(siblings.indexOf(acquireStatement) + 1, siblings.indexOf(releaseStatement));
  if (between.filter((n) => n.type !== 'comment').length === 0) return null;
  const reacquired = facts.acquires.some(
    (a) => a !== acquire && a.lock.key === lock.key && a.call.node.startIndex > call.node.endIndex && a.call.node.endIndex <= release.call.node.startIndex,
  );
  if (reacquired) return null;
  const unit = indentUnit(model);
  return {
    description: `Hold \`${lock.display}\` with a \`with\` block instead of acquire()/release()`,
    edits: [
      replaceNode(acquireStatement, `with ${lock.display}:`),
      ...indentRows(model, acquireStatement.endRow + 1, releaseStatement.startRow - 1, unit),
      // The release line goes entirely, its line break included.
      {
        range: { start: { line: releaseStatement.startRow, column: 0 }, end: { line: releaseStatement.endRow + 1, column: 0 } },
        text: '',
      },
    ],
    safe: false,
  };
}
