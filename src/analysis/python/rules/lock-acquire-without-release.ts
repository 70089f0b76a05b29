import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { PythonRule } from '../rule';
import type { FunctionInfo, PythonModel } from '../model';
import { indentUnit, replaceNode } from '../edits';
import { indentRows, standsAlone } from '../block-edits';
import {
  type LockOperations,
  type TypedLockCall,
  acquireMode,
  implementsLockProtocol,
  lockOperations,
  lockTypeOf,
  mutexOf,
  mutexRegions,
  resultUsed,
} from '../lock-types';
import { heldLocks } from '../locks';
import { type PyNode, childByField, namedChildren, rangeOf } from '../syntax';
import { statementCannotRaise } from '../cannot-raise';
import { onlyOnStartedThreads } from '../thread-confinement';
import { caughtNames } from './shared';

// CL402: a blocking acquire() of a lock whose constructor the model can see (lock-types.ts), not
// released on every exception path of the same function. What it deliberately leaves alone:
// non-blocking and tested timed attempts, asyncio locks (no threads wait on them), semaphores
// used as signals, and locks held across functions on purpose (a lock-like class, an
// `__enter__`/`acquire`/`lock` method, or a release in another function that only releases).

export const rule: PythonRule = {
  meta: ruleMeta('CL402'),
  check(context) {
    const { model } = context;
    const ops = lockOperations(model);
    for (const acquire of ops.acquires) {
      if (!reportable(model, acquire)) continue;
      // A class that is itself a lock holds its own locks across its acquire() and release(); a
      // module-level lock its methods take for other work is no part of that protocol.
      if (implementsLockProtocol(acquire.fn?.parentClass) && acquire.lock.display.startsWith('self.')) continue;
      const { key } = acquire.lock;
      if (retakenInsideWith(model, acquire)) continue;
      if (holdsByName(acquire.fn) && releasesOnlyToFail(ops, acquire)) continue;
      if ([...ops.releaseHandedOut].some((k) => mayBeSame(k, key)) || releasedOnlyElsewhere(ops, acquire)) continue;
      const releases = ops.releases.filter((r) => r.fn === acquire.fn && r.lock.key === key);
      if (releases.length === 0) {
        // Released by another function, a semaphore signalled elsewhere, or a local lock handed
        // to the caller: only a shared mutex that nothing releases is a sure leak.
        if (acquire.lock.type.kind === 'semaphore' || !acquire.lock.moduleWide) continue;
        if (ops.releases.some((r) => mayBeSame(r.lock.key, key))) continue;
      }
      if (releases.some((r) => releasedInFinally(acquire, r) || releasedInCatchAll(model, acquire, r))) continue;
      if (releases.some((r) => nothingRaisesBetween(model, acquire, r))) continue;
      const lock = acquire.lock.display;
      // A release before the acquire (a loop's next pass) says nothing about where this hold ends.
      const firstRelease = releases.find((r) => r.call.node.startIndex > acquire.call.node.endIndex);
      context.report({
        node: acquire.call.node,
        message:
          releases.length === 0
            ? `\`${lock}.acquire()\` is never released: every other thread that acquires it then waits forever. Use \`with ${lock}:\`.`
            : `\`${lock}.acquire()\` without \`release()\` in a \`finally\`: an exception ${firstRelease ? `before line ${firstRelease.call.node.startRow + 1}` : 'while it is held'} leaves the lock held and every other thread that acquires it waits forever. Use \`with ${lock}:\`.`,
        fix: withFix(model, ops, acquire),
        related: releases.map((r) => ({ path: model.path, range: rangeOf(r.call.node), message: 'released here, outside any `finally`' })),
      });
    }
  },
};

/** A thread or process lock taken by a call that waits for it, or that takes it without looking. */
function reportable(model: PythonModel, acquire: TypedLockCall): boolean {
  const { type } = acquire.lock;
  if (type.family === 'asyncio') return false;
  if (type.kind !== 'mutex' && type.kind !== 'rlock' && type.kind !== 'semaphore' && type.kind !== 'condition') return false;
  // Semaphore(0) starts empty: acquire() waits for a signal, it guards nothing.
  if (type.kind === 'semaphore' && type.count === 0) return false;
  const mode = acquireMode(model, acquire.call);
  if (mode === 'non-blocking' || mode === 'unknown') return false;
  // `if lock.acquire(timeout=1):` only holds the lock on one branch, which the caller chose.
  return !(mode === 'timed' && resultUsed(acquire.call));
}

/**
 * Inside `with lock:` an acquire() takes back the lock the code let go of around a callout
 * (`release()`, the call, `acquire()` in a `finally`): the `with` releases it on every path. A
 * Condition counts as the lock it wraps.
 */
function retakenInsideWith(model: PythonModel, acquire: TypedLockCall): boolean {
  const at = acquire.call.node;
  if (heldLocks(model, at).some((r) => r.kind === 'with' && r.lock.key === acquire.lock.key)) return true;
  const mutex = acquire.call.receiverNode ? mutexOf(model, acquire.call.receiverNode, acquire.call.scope) : null;
  return (
    mutex !== null &&
    mutexRegions(model).some((r) => r.fn === acquire.fn && r.acquireNode.type === 'with_item' && r.mutex.key === mutex.key && r.start <= at.startIndex && at.endIndex <= r.end)
  );
}

/**
 * `__enter__`, `acquire_connection()`, `lock()`, `_lock_file()`, `try_lock()`: a function whose
 * name starts with taking a lock returns holding it. Only the leading word counts, so
 * `update_under_lock()` is still checked.
 */
function holdsByName(fn: FunctionInfo | null): boolean {
  if (!fn || fn.isLambda) return false;
  const [first = '', second = ''] = fn.name
    .split(/_+|(?=[A-Z][a-z])/)
    .filter(Boolean)
    .map((p) => p.toLowerCase());
  if (first === 'enter' || first === 'aenter' || first.startsWith('acquire')) return true;
  return first === 'lock' || (first === 'try' && (second === 'lock' || second.startsWith('acquire')));
}

/**
 * The function returns holding the lock: it releases it, if at all, only right before raising
 * (`if closed: lock.release(); raise Closed()`). A release on the way to a normal return means the
 * lock was only needed inside, and the function is checked like any other.
 */
function releasesOnlyToFail(ops: LockOperations, acquire: TypedLockCall): boolean {
  return ops.releases
    .filter((r) => r.fn === acquire.fn && r.lock.key === acquire.lock.key)
    .every((r) => {
      const statement = r.call.node.parent;
      const block = statement?.parent;
      if (statement?.type !== 'expression_statement' || !block) return false;
      const statements = statementsOf(block);
      return statements[statements.indexOf(statement) + 1]?.type === 'raise_statement';
    });
}

/**
 * Another function releases the lock without taking it (`__exit__`, `unlock()`, `stop()`,
 * `release_connection()`): the lock is held between the two calls on purpose.
 */
function releasedOnlyElsewhere(ops: LockOperations, acquire: TypedLockCall): boolean {
  const { key } = acquire.lock;
  return ops.releases.some(
    (r) => mayBeSame(r.lock.key, key) && r.fn !== acquire.fn && !ops.acquires.some((a) => a.fn === r.fn && mayBeSame(a.lock.key, key)),
  );
}

/**
 * Keys that may name one lock when deciding that a release elsewhere accounts for an acquire:
 * `self.x` keys are per class (locks.ts), but a subclass's `self.done.release()` releases the lock
 * its base class's `setUp` took. Used only to stay silent, never to report.
 */
function mayBeSame(a: string, b: string): boolean {
  if (a === b) return true;
  const attr = (k: string): string | null => /^c\d+\.([A-Za-z_]\w*)$/.exec(k)?.[1] ?? null;
  const name = attr(a);
  return name !== null && name === attr(b);
}

/** The try whose handler or finally holds the release protects the acquire: it starts after it, or encloses it. */
function tryCovers(tryStatement: PyNode, clause: PyNode, acquire: TypedLockCall): boolean {
  const acquireAt = acquire.call.node.startIndex;
  return tryStatement.startIndex >= acquireAt || (tryStatement.startIndex <= acquireAt && acquireAt < clause.startIndex);
}

/** The release sits in the `finally` of a try that starts after the acquire or encloses it. */
function releasedInFinally(acquire: TypedLockCall, release: TypedLockCall): boolean {
  for (let p: PyNode | null = release.call.node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return false;
    if (p.type !== 'finally_clause') continue;
    const tryStatement = p.parent;
    if (!tryStatement) return false;
    if (tryCovers(tryStatement, p, acquire)) return true;
  }
  return false;
}

/**
 * The release sits in an `except:` / `except BaseException:` handler (which then re-raises or
 * returns) of a try that starts after the acquire or encloses it: every exception passes there.
 * `except Exception:` does not count: KeyboardInterrupt and SystemExit pass it by.
 */
function releasedInCatchAll(model: PythonModel, acquire: TypedLockCall, release: TypedLockCall): boolean {
  for (let p: PyNode | null = release.call.node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return false;
    if (p.type !== 'except_clause') continue;
    const tryStatement = p.parent;
    if (!tryStatement) return false;
    if (catchesEverything(model, p) && tryCovers(tryStatement, p, acquire)) return true;
  }
  return false;
}

function catchesEverything(model: PythonModel, clause: PyNode): boolean {
  const names = caughtNames(model, clause);
  return names === null || names.some((n) => n === 'BaseException' || n === 'builtins.BaseException');
}

/**
 * Nothing that can raise runs between the acquire and the release: they are statements of one
 * block with only a Condition's `notify()` (which cannot fail while the lock is held) or
 * statements that cannot raise (cannot-raise.ts: `n = len(self.items)`, `self.queue.append(x)`
 * on a known deque, `self.readers[k] = r` on a known dict) between, or the acquire ends a try body whose `else:` starts with the release (the try only
 * guards the acquire itself, as importlib's `_lock_unlock_module` does).
 */
function nothingRaisesBetween(model: PythonModel, acquire: TypedLockCall, release: TypedLockCall): boolean {
  const acquireStatement = acquire.call.node.parent;
  const releaseStatement = release.call.node.parent;
  if (acquireStatement?.type !== 'expression_statement' || releaseStatement?.type !== 'expression_statement') return false;
  const block = acquireStatement.parent;
  if (block && releaseStatement.parent === block) {
    const statements = statementsOf(block);
    const from = statements.indexOf(acquireStatement);
    const to = statements.indexOf(releaseStatement);
    return from >= 0 && to > from && statements.slice(from + 1, to).every(
        (s) => isNotify(model, s) || statementCannotRaise(model, s, acquire.call.scope) || isWaitOffTheMainThread(model, s, acquire),
      );
  }
  const tryStatement = block?.parent;
  if (!block || tryStatement?.type !== 'try_statement' || block.field !== 'body') return false;
  const body = statementsOf(block);
  if (body[body.length - 1] !== acquireStatement) return false;
  const elseBlock = tryStatement.children.find((c) => c.type === 'else_clause');
  const elseBody = elseBlock ? childByField(elseBlock, 'body') : null;
  return !!elseBody && releaseStatement.parent === elseBody && statementsOf(elseBody)[0] === releaseStatement;
}

function statementsOf(block: PyNode): PyNode[] {
  return block.children.filter((c) => c.named && c.type !== 'comment');
}

/** `cond.notify()` / `notify_all()` on a Condition, as a statement. */
function isNotify(model: PythonModel, statement: PyNode): boolean {
  if (statement.type !== 'expression_statement') return false;
  const expr = namedChildren(statement)[0];
  const call = expr?.type === 'call' ? model.callAt(expr) : undefined;
  if (!call?.receiverNode || !['notify', 'notify_all', 'notifyAll'].includes(call.method ?? '')) return false;
  return lockTypeOf(model, call.receiverNode, call.scope)?.kind === 'condition';
}

/**
 * `cond.wait()` / `cond.wait(timeout)` on the Condition just acquired, in a function that runs only
 * on threads the program starts: it releases and retakes the lock itself, and the only exception
 * that interrupts a wait, KeyboardInterrupt, goes to the main thread.
 */
function isWaitOffTheMainThread(model: PythonModel, statement: PyNode, acquire: TypedLockCall): boolean {
  if (statement.type !== 'expression_statement' || !acquire.fn || acquire.lock.type.kind !== 'condition') return false;
  const expr = namedChildren(statement)[0];
  const call = expr?.type === 'call' ? model.callAt(expr) : undefined;
  if (call?.method !== 'wait' || !call.receiverNode || call.kwargs.size > 0 || call.args.length > 1) return false;
  if (model.text(call.receiverNode) !== acquire.lock.display) return false;
  if (call.args.length === 1 && !['identifier', 'attribute', 'integer', 'float'].includes(call.args[0].type)) return false;
  return onlyOnStartedThreads(model, acquire.fn);
}

/**
 * `lock.acquire()` and `lock.release()` as statements of one block, with work between and no other
 * acquire of that lock: the span becomes a `with lock:` block. Behaviour changes on purpose (an
 * exception now releases the lock), so the fix is not marked safe.
 */
function withFix(model: PythonModel, ops: LockOperations, acquire: TypedLockCall): Fix | null {
  const { call, lock } = acquire;
  if (call.args.length > 0 || call.kwargs.size > 0) return null;
  const acquireStatement = call.node.parent;
  if (!acquireStatement || acquireStatement.type !== 'expression_statement' || !standsAlone(model, acquireStatement)) return null;
  const block = acquireStatement.parent;
  const release = ops.releases.find(
    (r) => r.fn === acquire.fn && r.lock.key === lock.key && r.call.node.startIndex > call.node.endIndex,
  );
  const releaseStatement = release?.call.node.parent;
  if (!release || !releaseStatement || releaseStatement.type !== 'expression_statement' || releaseStatement.parent !== block) return null;
  if (!standsAlone(model, releaseStatement)) return null;
  const siblings = block ? namedChildren(block) : [];
  const between = siblings.slice(siblings.indexOf(acquireStatement) + 1, siblings.indexOf(releaseStatement));
  if (between.filter((n) => n.type !== 'comment').length === 0) return null;
  const reacquired = ops.acquires.some(
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
