import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import type { JsModel } from '../model';
import { ImportPlan } from '../edits';
import type { Node, TSESTree } from '../parse';
import { memberName, numericLiteral, unwrap } from '../syntax';
import { spawnLoops, spawnSites } from '../workers';
import { related } from './shared';

const LOOP_SPAWNS = new Set(['worker', 'fork', 'spawn', 'cluster']);

interface Count {
  literal: TSESTree.Literal;
  n: number;
  /** `i <= 3` spawns one more than the literal says. */
  inclusive: boolean;
}

export const rule: JsRule = {
  meta: ruleMeta('CL301'),
  check(context) {
    const { model } = context;
    for (const site of spawnSites(model)) {
      if (!site.size) continue;
      const count = literalCount(site.size.value);
      if (!count || count.n < 2) continue;
      context.report({
        node: count.literal,
        message:
          `\`${site.label}\` is sized with a hard-coded ${count.n} workers: on a machine with fewer cores they compete ` +
          'for CPU, on one with more the extra cores stay idle. Size it from `os.availableParallelism()`.',
        fix: countFix(model, count),
        related: model.lineOf(count.literal) !== model.lineOf(site.node) ? [related(model, site.node, 'the pool it sizes')] : [],
      });
    }
    const seen = new Set<Node>();
    for (const { site, loop } of spawnLoops(model)) {
      if (!LOOP_SPAWNS.has(site.kind) || seen.has(loop)) continue;
      const count = loopCount(model, loop);
      if (!count || count.n + (count.inclusive ? 1 : 0) < 2) continue;
      seen.add(loop);
      const n = count.n + (count.inclusive ? 1 : 0);
      context.report({
        node: count.literal,
        message:
          `This loop starts a hard-coded ${n} × \`${site.label}\`: on a machine with fewer cores they compete for CPU, ` +
          'on one with more the extra cores stay idle. Use `os.availableParallelism()`.',
        fix: countFix(model, count),
        related: [related(model, site.node, 'the spawn it repeats')],
      });
    }
  },
};

/**
 * A number literal written in place. A named constant (`const WORKERS = 8`) is a deliberate setting,
 * as for Python: not flagged.
 */
function literalCount(expr: Node): Count | null {
  const node = unwrap(expr);
  const n = numericLiteral(node);
  if (node.type === 'Literal' && n !== null) return { literal: node, n, inclusive: false };
  return null;
}

/** The literal a loop's repetitions come from: `i < 4`, `Array.from({ length: 4 }, …)`, `[...Array(4)].forEach`. */
function loopCount(model: JsModel, loop: Node): Count | null {
  if (loop.type === 'ForStatement') {
    const test = loop.test ? unwrap(loop.test) : null;
    if (test?.type !== 'BinaryExpression' || test.left.type === 'PrivateIdentifier') return null;
    const counterName = loop.init?.type === 'VariableDeclaration' && loop.init.declarations[0]?.id.type === 'Identifier' ? loop.init.declarations[0].id.name : null;
    const left = unwrap(test.left);
    const right = unwrap(test.right);
    const isCounter = (n: Node): boolean => n.type === 'Identifier' && (counterName === null || n.name === counterName);
    if (isCounter(left) && (test.operator === '<' || test.operator === '<=')) {
      const c = literalCount(right);
      return c && { ...c, inclusive: test.operator === '<=' };
    }
    if (isCounter(right) && (test.operator === '>' || test.operator === '>=')) {
      const c = literalCount(left);
      return c && { ...c, inclusive: test.operator === '>=' };
    }
    return null;
  }
  if (loop.type === 'CallExpression') {
    if (model.qname(loop.callee) === 'Array.from') return arrayCount(model, loop);
    const callee = unwrap(loop.callee);
    return callee.type === 'MemberExpression' ? arrayCount(model, callee.object) : null;
  }
  return null;
}

function arrayCount(model: JsModel, expr: Node, depth = 0): Count | null {
  if (depth > 4) return null;
  const value = model.valueOf(expr);
  if (value.type === 'ArrayExpression' && value.elements.length === 1 && value.elements[0]?.type === 'SpreadElement') {
    return arrayCount(model, value.elements[0].argument, depth + 1);
  }
  if (value.type !== 'CallExpression' && value.type !== 'NewExpression') return null;
  const q = model.qname(value.callee);
  if (q === 'Array' && value.arguments.length === 1) return literalCount(value.arguments[0]);
  if (q === 'Array.from') {
    const arg = value.arguments[0] ? model.valueOf(value.arguments[0]) : null;
    if (arg?.type !== 'ObjectExpression') return null;
    const length = arg.properties.find((p): p is TSESTree.Property => p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'length');
    return length ? literalCount(length.value) : null;
  }
  const callee = unwrap(value.callee);
  if (callee.type === 'MemberExpression' && ['fill', 'keys', 'map'].includes(memberName(callee) ?? '')) return arrayCount(model, callee.object, depth + 1);
  return null;
}

function countFix(model: JsModel, count: Count): Fix | null {
  const plan = new ImportPlan(model);
  const fn = plan.use('os', 'availableParallelism');
  if (!fn) return null;
  const text = count.inclusive ? `${fn}() - 1` : `${fn}()`;
  return {
    description: `Use \`${text}\``,
    edits: [{ range: model.rangeOf(count.literal), text }, ...plan.edits()],
    // A different number of workers on other machines: memory and any per-worker sharding change too.
    safe: false,
  };
}
