import type { Fix, TextEdit } from '../core/types';
import { fact, factBy } from '../core/facts';
import type { PythonModel } from './model';
import { PROCESS_TO_THREAD, THREAD_TO_PROCESS } from './names';
import { type PyNode, childByField, childrenByField } from './syntax';
import { type TaskSite, taskSites, targetFunction } from './tasks';
import { classifyWorkload } from './workload';
import { referenceTo, replaceNode } from './edits';
import { sharedStateWrite } from './parent-state';
import { type FollowUpContext, withFollowUps } from './fix-rounds';
import { countFix, rule as hardcodedWorkerCount } from './rules/hardcoded-worker-count';
import { integerLiteral, poolConstruction } from './spawning';
import { isRuleEnabled } from '../core/selection';
import { rule as missingMainGuard } from './rules/missing-main-guard';

// The CL101/CL102 fix: construct the executor's twin from the other family, reusing the file's
// imports. Unsafe by nature (processes share no memory), so `--fix` applies it only on request.

export function swapExecutorFix(context: FollowUpContext, site: TaskSite, to: 'process' | 'thread'): Fix | null {
  // The fix depends on the constructor, not on the site: every task of one executor gets the same
  // one. Computed once per constructor (it may re-parse the file for its follow-ups), so a file
  // with many tasks on one pool costs one fix, not one per task (20k submits took minutes).
  const cache = swapCache(context.model);
  const key = `${to}\n${site.executor}\n${context.gilEnabled}`;
  let byKey = site.constructorNode ? cache.get(site.constructorNode) : undefined;
  const hit = byKey?.get(key);
  if (hit && hit.options === context.options) return hit.fix;
  const fix = computeSwapFix(context, site, to);
  if (site.constructorNode) {
    if (!byKey) cache.set(site.constructorNode, (byKey = new Map()));
    byKey.set(key, { options: context.options, fix });
  }
  return fix;
}

const swapCache = fact((_: PythonModel) => new Map<PyNode, Map<string, { options: FollowUpContext['options']; fix: Fix | null }>>());

/** Task sites by the executor constructor they run on. */
const sitesByConstructor = fact((model: PythonModel) => {
  const map = new Map<PyNode, TaskSite[]>();
  for (const site of taskSites(model)) {
    if (!site.constructorNode) continue;
    const list = map.get(site.constructorNode);
    if (list) list.push(site);
    else map.set(site.constructorNode, [site]);
  }
  return map;
});

/**
 * Completing a swap with its follow-ups re-parses the file: at most this many per file, so a file
 * with thousands of pools stays linear. Past it the swap is offered alone, its description
 * saying what the module still needs.
 */
const MAX_COMPLETED_SWAPS = 16;
const completedSwaps = fact((_: PythonModel) => ({ count: 0 }));

function computeSwapFix(context: FollowUpContext, site: TaskSite, to: 'process' | 'thread'): Fix | null {
  const { model } = context;
  const twin = (to === 'process' ? THREAD_TO_PROCESS : PROCESS_TO_THREAD)[site.executor];
  const ctor = site.constructorNode;
  if (!twin || !ctor) return null;
  const callee = childByField(ctor, 'function');
  if (!callee) return null;
  const ctorCall = model.callAt(ctor);
  if (!ctorCall || ctorCall.qualified !== site.executor) return null;
  // Swapping the executor moves every task it runs: only when all of them want the other family.
  const wanted = to === 'process' ? 'cpu' : 'io';
  for (const other of sitesByConstructor(model).get(ctor) ?? []) {
    const fn = targetFunction(other.target);
    if (!fn || classifyWorkload(fn).kind !== wanted) return null;
    // A process changes its own copy of shared state: the swap would change what the program computes.
    if (to === 'process' && sharedStateWrite(fn)) return null;
  }

  const edits = [];
  let replacement: string;
  const object = callee.type === 'attribute' ? childByField(callee, 'object') : null;
  const objectValue = object ? model.resolve(object, ctorCall.scope) : null;
  if (objectValue?.kind === 'context') return null; // ctx.Process has no thread twin on the context
  const importName = callee.type === 'identifier' ? soleFromImportName(model, callee, twin.module) : null;
  if (object && objectValue?.kind === 'ref' && objectValue.name === twin.module) {
    replacement = `${model.text(object)}.${twin.name}`;
  } else if (importName && !model.moduleScope.bindings.has(twin.name)) {
    // The old name's only use is this constructor: rename it in its import rather than leave
    // an unused import behind.
    replacement = twin.name;
    edits.push(replaceNode(importName, twin.name));
  } else {
    // Mirror the file's style: `threading.Thread` becomes `multiprocessing.Process`.
    const reference = twinReference(model, twin.module, twin.name, callee.type === 'attribute' ? 'qualified' : 'from');
    replacement = reference.text;
    edits.push(...reference.edits);
  }
  edits.push(replaceNode(callee, replacement));

  const swap: Fix = { description: `Use ${twin.name} instead of ${model.text(callee)}`, edits, safe: false };
  if (to === 'thread') return swap;
  // A process pool needs what a thread pool did not: a CPU-sized worker count and, at module
  // level, a main guard. The editor offers them in the same edit, as `check --fix` rounds would.
  const followUps: string[] = [];
  // The size is CL301's own fix on the literal, made on this text: no re-parse.
  const sizeNode = poolConstruction(model, ctorCall)?.sizeNode ?? null;
  const size = sizeNode ? integerLiteral(model, sizeNode) : null;
  if (sizeNode && size !== null && size > 1 && isRuleEnabled(hardcodedWorkerCount.meta, context.options)) {
    swap.edits.push(...countFix(model, sizeNode, 'process', false).edits);
    followUps.push(hardcodedWorkerCount.meta.code);
  }
  let completed: Fix = swap;
  const ctx = model.contextOf(ctor);
  const needsGuard = !ctx.fn && !ctx.cls && !ctx.inMainGuard;
  // The guard moves whole statements, which only the swapped text's model can tell: re-parsed,
  // only for module-level pools (rare), and a bounded number of times per file.
  const budget = completedSwaps(model);
  if (needsGuard && budget.count < MAX_COMPLETED_SWAPS) {
    budget.count++;
    const guarded = withFollowUps(context, swap, [missingMainGuard]);
    completed = guarded.fix;
    followUps.push(...guarded.followUps);
  }
  let description = swap.description;
  // Said by rule, not with the follow-up fixes' own words: those count lines of the text in between.
  const also = followUps.map((code) => FOLLOW_UP_WORDS[code]).filter(Boolean);
  if (also.length > 0) description += `, ${also.join(' and ')}`;
  if (needsGuard && !followUps.includes(missingMainGuard.meta.code)) {
    description += ' (the module then needs an `if __name__ == "__main__":` guard, see CL201)';
  }
  return { ...completed, description };
}

/**
 * referenceTo once per model and twin: every swap in a file names the twin the same way (and adds
 * the same import). Each fix gets its own copy of the edits.
 */
const twinReferences = factBy(
  (model: PythonModel, key: string) => {
    const [module, name, style] = key.split('\n');
    return referenceTo(model, module, name, style as 'from' | 'qualified');
  },
);

function twinReference(model: PythonModel, module: string, name: string, style: 'from' | 'qualified'): { text: string; edits: TextEdit[] } {
  const { text, edits } = twinReferences(model, `${module}\n${name}\n${style}`);
  return { text, edits: edits.map((e) => ({ ...e, range: { start: { ...e.range.start }, end: { ...e.range.end } } })) };
}

const FOLLOW_UP_WORDS: Record<string, string> = {
  [hardcodedWorkerCount.meta.code]: 'size it from the CPU count',
  [missingMainGuard.meta.code]: 'put the module-level code under `if __name__ == "__main__":`',
};

/**
 * The `Name` node in `from <module> import Name, ...` when `callee` is that name's only use in the
 * file (so renaming the import cannot break anything else); null otherwise (aliased, other uses).
 */
function soleFromImportName(model: PythonModel, callee: PyNode, module: string): PyNode | null {
  const local = model.text(callee);
  // The uses first: counted once per name, where the lookup is once per constructor, and they
  // settle it for a file that constructs its pools in more than one place.
  const uses = identifierUses(model, local);
  if (uses.length !== 1 || uses[0] !== callee) return null;
  const binding = model.lookup(local, model.scopeOfNode(callee), callee);
  if (!binding || binding.kind !== 'import' || !binding.importModule) return null;
  if (binding.importModule.level !== 0 || binding.importModule.module !== module || binding.importModule.name !== local) return null;
  return childrenByField(binding.node, 'name').find((n) => n.type === 'dotted_name' && model.text(n) === local) ?? null;
}

/**
 * The identifier nodes spelling `name`, outside import statements, once per model and name: a
 * file's swaps ask about one or two names, so the length is compared before any text is read.
 */
const identifierUses = factBy((model: PythonModel, name: string) => {
  const uses: PyNode[] = [];
  for (const id of model.nodesOfType('identifier')) {
    if (id.endIndex - id.startIndex !== name.length || model.text(id) !== name || insideImport(id)) continue;
    uses.push(id);
  }
  return uses;
});

function insideImport(node: PyNode): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'import_from_statement' || p.type === 'import_statement') return true;
  }
  return false;
}
