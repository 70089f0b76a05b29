import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import { type JsModel, isMainModuleTest } from '../model';
import { ImportPlan, wrapLines } from '../edits';
import type { Node, TSESTree } from '../parse';
import { isFunction, memberName, unwrap } from '../syntax';
import type { SpawnSite } from '../spawn-site';
import { spawnSites } from '../workers';
import { head, related } from './shared';

// Callbacks these run unconditionally soon after module load: the spawn still happens in every copy.
const DEFERRED = new Set(['setTimeout', 'setImmediate', 'queueMicrotask', 'process.nextTick', 'timers.setTimeout', 'timers.setImmediate']);

export const rule: JsRule = {
  meta: ruleMeta('CL203'),
  check(context) {
    const { model } = context;
    for (const site of spawnSites(model)) {
      if (!site.selfSpawn || (site.kind !== 'worker' && site.kind !== 'fork' && site.kind !== 'cluster')) continue;
      const trigger = runsAtLoad(model, site.node, new Set());
      if (!trigger) continue;
      const guard = site.kind === 'worker' ? 'isMainThread' : site.kind === 'cluster' ? 'cluster.isPrimary' : '!process.send';
      const copy = site.kind === 'worker' ? 'worker thread' : site.kind === 'cluster' ? 'cluster worker' : 'child process';
      context.report({
        node: head(model, site.node),
        message:
          `\`${site.label}\` starts this same file again at load time, with no \`${guard}\` guard: every ${copy} ` +
          `runs this line too and starts another one, without end. Wrap it in \`if (${guard}) { … }\`.`,
        fix: guardFix(model, site, trigger),
        related: trigger === model.topLevelStatement(site.node) ? [] : [related(model, trigger, 'runs the spawning code at load time')],
      });
    }
  },
};

/**
 * The top-level statement that runs `node` while the module loads, unguarded; null when a guard or
 * any other condition stands in the way, or when nothing in the file calls the code at load time.
 */
function runsAtLoad(model: JsModel, node: Node, seen: Set<Node>): TSESTree.ProgramStatement | null {
  let child: Node = node;
  for (const parent of model.ancestors(node)) {
    if (model.stepGuard(parent, child)) return null;
    switch (parent.type) {
      case 'IfStatement':
      case 'ConditionalExpression':
        if (child !== parent.test && !isMainModuleTest(model, parent.test)) return null;
        break;
      case 'LogicalExpression':
        if (child === parent.right && !isMainModuleTest(model, parent.left)) return null;
        break;
      case 'SwitchCase':
      case 'CatchClause':
      case 'ClassBody':
        return null;
      case 'Program':
        return child as TSESTree.ProgramStatement;
      default:
        break;
    }
    if (isFunction(parent)) {
      if (seen.has(parent)) return null;
      seen.add(parent);
      if (model.isImmediatelyInvoked(parent)) {
        child = parent;
        continue;
      }
      const cb = model.callbackOf(parent);
      if (cb) {
        const q = model.qname(cb.call.callee) ?? '';
        const callee = unwrap(cb.call.callee);
        const chained = callee.type === 'MemberExpression' && ['then', 'catch', 'finally'].includes(memberName(callee) ?? '');
        return DEFERRED.has(q) || chained ? runsAtLoad(model, cb.call, seen) : null;
      }
      for (const call of model.callSitesOf(parent)) {
        const trigger = runsAtLoad(model, call, seen);
        if (trigger) return trigger;
      }
      return null;
    }
    child = parent;
  }
  return null;
}

/** Wraps the triggering statement, and the ones right after it that use what it declares, in the guard. */
function guardFix(model: JsModel, site: SpawnSite, trigger: TSESTree.ProgramStatement): Fix | null {
  const body = model.program.body;
  const start = body.indexOf(trigger);
  if (start === -1) return null;
  const movable = (s: Node): boolean =>
    s.type !== 'ImportDeclaration' && !s.type.startsWith('Export') && s.type !== 'TSImportEqualsDeclaration';
  let end = start;
  const declared = (from: number, to: number) =>
    [...model.allBindings()].filter((b) => b.scope === model.program && b.id.range[0] >= body[from].range[0] && b.id.range[1] <= body[to].range[1]);
  // Grow the run while the next statement uses a name the run declares; stop at the first that does not.
  for (;;) {
    const names = declared(start, end);
    const next = body[end + 1];
    if (!next || !names.some((b) => model.references(b).some((r) => model.contains(next, r)))) break;
    end++;
  }
  if (!body.slice(start, end + 1).every(movable)) return null;
  const outside = declared(start, end).some((b) =>
    model.references(b).some((r) => r.range[0] < body[start].range[0] || r.range[1] > body[end].range[1]),
  );
  if (outside) return null;
  const plan = new ImportPlan(model);
  let condition: string | null;
  if (site.kind === 'worker') condition = plan.use('worker_threads', 'isMainThread');
  else if (site.kind === 'fork') condition = '!process.send';
  else {
    const callee = unwrap(site.node.callee);
    condition = callee.type === 'MemberExpression' && !callee.computed ? `${model.text(callee.object)}.isPrimary` : plan.use('cluster', 'isPrimary');
  }
  if (!condition) return null;
  const wrap = wrapLines(model, body[start], body[end], `if (${condition})`);
  if (!wrap) return null;
  return {
    description: `Wrap in \`if (${condition}) { … }\``,
    edits: [wrap, ...plan.edits()],
    // The copies stop spawning, as intended, but whatever else the wrapped lines did no longer runs in them.
    safe: false,
  };
}
