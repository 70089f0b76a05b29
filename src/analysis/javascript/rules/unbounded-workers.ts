import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import type { JsModel } from '../model';
import { ImportPlan } from '../edits';
import type { Node } from '../parse';
import { isLoop, loopAwaits, memberName, unwrap } from '../syntax';
import { loopBound, sizeKind } from '../cpu';
import { spawnLoops, spawnSites } from '../workers';
import { head, related } from './shared';

const SPAWNS = new Set(['worker', 'fork', 'spawn', 'exec', 'execFile', 'cluster']);
// Programs that only send a signal to processes that already exist and exit at once: one per item
// of a list of processes (a child's process tree) stops what runs, it adds no work for the cores.
const SIGNAL_PROGRAMS = new Set(['kill', 'pkill', 'killall', 'taskkill', 'taskkill.exe']);

export const rule: JsRule = {
  meta: ruleMeta('CL302'),
  check(context) {
    const { model } = context;
    for (const { site, loop, via } of spawnLoops(model)) {
      if (!SPAWNS.has(site.kind)) continue;
      if (site.program && SIGNAL_PROGRAMS.has(site.program.split(/[\\/]/).pop()!.toLowerCase())) continue;
      if (loopBound(model, loop).kind !== 'data') continue;
      if (isLoop(loop) && loopAwaits(model, loop)) continue;
      const collection = collectionText(model, loop);
      context.report({
        node: head(model, via ?? site.node),
        message:
          `${via ? `\`${viaName(model, via)}\` starts a \`${site.label}\`` : `\`${site.label}\` runs`} once per item${collection ? ` of \`${collection}\`` : ''}: the number of workers grows with the input, ` +
          'and past the core count they only add start-up cost and memory. Use a bounded pool (piscina, workerpool) sized from `os.availableParallelism()`.',
        related: [related(model, loop, 'the loop over the input'), ...(via ? [related(model, site.node, 'the spawn')] : [])],
      });
    }
    for (const site of spawnSites(model)) {
      if (!site.size) continue;
      const value = model.valueOf(site.size.value);
      if (value.type !== 'MemberExpression' || !['length', 'size'].includes(memberName(value) ?? '')) continue;
      // `os.cpus().length` (or a `cpus` list taken from it) is the recommended size, not the input's.
      if (sizeKind(model, value).kind !== 'data') continue;
      context.report({
        node: site.size.value,
        message:
          `\`${site.label}\` is sized by \`${model.text(value)}\`: the pool grows with the input. ` +
          'Cap it: `Math.min(' + model.text(value) + ', os.availableParallelism())`.',
        fix: capFix(model, site.size.value),
      });
    }
  },
};

/** `items.length` → `Math.min(items.length, availableParallelism())`. */
function capFix(model: JsModel, size: Node): Fix | null {
  const plan = new ImportPlan(model);
  const cpus = plan.use('os', 'availableParallelism');
  if (!cpus) return null;
  const text = `Math.min(${model.text(size)}, ${cpus}())`;
  return {
    description: `Cap it: \`${text}\``,
    edits: [{ range: model.rangeOf(size), text }, ...plan.edits()],
    // Fewer workers than items on big inputs: per-item set-up in the workers may behave differently.
    safe: false,
  };
}

function viaName(model: JsModel, via: Node): string {
  if (via.type !== 'CallExpression') return model.text(via);
  const first = via.arguments[0];
  // `items.map(runTask)`: the helper is the argument.
  const callee = first && model.functionOf(first) && first.type === 'Identifier' ? first : via.callee;
  return `${model.text(callee)}(…)`;
}

function collectionText(model: JsModel, loop: Node): string | null {
  if (loop.type === 'ForOfStatement' || loop.type === 'ForInStatement') return model.text(loop.right);
  if (loop.type === 'CallExpression') {
    const callee = unwrap(loop.callee);
    if (callee.type === 'MemberExpression') return model.text(callee.object);
  }
  if (loop.type === 'ForStatement' && loop.test?.type === 'BinaryExpression') {
    const right = unwrap(loop.test.right);
    if (right.type === 'MemberExpression') return model.text(right.object);
  }
  return null;
}
