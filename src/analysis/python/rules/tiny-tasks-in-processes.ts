import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import type { PythonModel } from '../model';
import { executorSpec } from '../names';
import { type TaskSite, constructorArgument, isInLoop, taskSites, targetFunction } from '../tasks';
import { classifyWorkload } from '../workload';
import { integerLiteral, literalRangeCount } from '../spawning';
import { isTestCode } from '../test-code';
import { type PyNode, childByField, namedChildren, rangeOf } from '../syntax';
import { insertAt, referenceTo } from '../edits';
import { benchSubject, siteNode } from './shared';
import type { Fix } from '../../core/types';

// A trivial function on a process pool never pays off: every item is pickled, piped, unpickled
// and its result sent back, which costs more than the work, however many items there are. What
// helps depends on the count: a handful of items should simply run inline; many items sent one by
// one (imap, executor.map, submit in a loop) can at least be batched; Pool.map and joblib batch
// by themselves already. Tests are left alone: there the pool is the subject, the task a stand-in.

/** Up to this many items, even one batch per worker costs more than running them inline. */
const HANDFUL = 32;
/** Chunks per worker, as Pool.map computes its default chunksize. */
const CHUNKS_PER_WORKER = 4;
/** The chunksize offered when the number of items is unknown. */
const DEFAULT_CHUNKSIZE = 256;

export const rule: PythonRule = {
  meta: ruleMeta('CL103'),
  check(context) {
    const { model } = context;
    for (const site of taskSites(model)) {
      if (site.family !== 'process') continue;
      const fn = targetFunction(site.target);
      // Closures and lambdas cannot reach a process at all: CL202 says so.
      if (!fn || fn.parentFunction || fn.inMainGuard || site.target.kind !== 'function') continue;
      const oneByOne = site.api === 'submit' || site.api === 'apply_async' || site.api === 'schedule';
      const manyItems = site.isMapLike || (oneByOne && isInLoop(model, site));
      if (!manyItems) continue;
      if (site.chunksizeNode && chunksizeAboveOne(model.text(site.chunksizeNode))) continue;
      if (isTestCode(model, site.call.node)) continue;
      if (classifyWorkload(fn).kind !== 'trivial') continue;
      const count = itemCount(model, site);
      const work = `\`${fn.name}\` does almost no work per call`;
      let message: string;
      let fix: Fix | null = null;
      if (count !== null && count <= HANDFUL) {
        message =
          `${work}, and there ${count === 1 ? 'is 1 item' : `are ${count} items`}: pickling them to worker processes and ` +
          'their results back costs far more than the work. Run it inline, without the pool.';
      } else if (site.selfChunking && !site.chunksizeNode) {
        message =
          `${work}; \`${model.text(site.call.callee)}\` already sends the items in chunks, but pickling each one to a ` +
          'process and its result back still costs more than the work itself. Run it inline.';
      } else {
        message =
          `${work}; sending items one at a time to processes costs more in pickling and dispatch than it saves. ` +
          `${site.isMapLike ? 'Batch them with `chunksize=`' : 'Send them in batches (`map` with `chunksize=`)'} or run it inline.`;
        if (site.isMapLike && !site.chunksizeNode) fix = chunksizeFix(model, site, count);
      }
      context.report({ node: siteNode(site), message, fix, subject: benchSubject(fn) });
    }
  },
};

function chunksizeAboveOne(text: string): boolean {
  const value = Number(text.replace(/_/g, ''));
  // A non-literal chunksize is the user's decision: trust it.
  return Number.isNaN(value) || value > 1;
}

/** How many items the site sends, when the code says: a literal collection, `range(k)`, `[x] * k`, or the loop around a submit. */
function itemCount(model: PythonModel, site: TaskSite): number | null {
  if (site.isMapLike) return site.iterableNode ? literalCount(model, site.iterableNode) : null;
  const loops = model.contextOf(site.call.node).loops;
  let count = 1;
  for (const loop of loops) {
    const right = loop.type === 'for_statement' ? childByField(loop, 'right') : loop.children.find((c) => c.type === 'for_in_clause');
    const iterable = right?.type === 'for_in_clause' ? childByField(right, 'right') : right;
    const n = iterable ? literalCount(model, iterable) : null;
    if (n === null) return null;
    count *= n;
  }
  return count;
}

function literalCount(model: PythonModel, node: PyNode): number | null {
  let current = node;
  while (current.type === 'parenthesized_expression') current = namedChildren(current)[0] ?? current;
  if (['list', 'tuple', 'set'].includes(current.type)) {
    const items = namedChildren(current).filter((c) => c.type !== 'comment');
    return items.some((c) => c.type === 'list_splat') ? null : items.length;
  }
  const range = literalRangeCount(model, current);
  if (range) return range.count;
  // `[x] * 8` / `8 * [x]`
  if (current.type === 'binary_operator' && model.text(current).includes('*')) {
    const [left, right] = [childByField(current, 'left'), childByField(current, 'right')];
    const factor = (n: PyNode | null): number | null => (n ? integerLiteral(model, n) : null);
    const list = (n: PyNode | null): number | null => (n ? literalCount(model, n) : null);
    const a = list(left);
    const b = factor(right);
    if (a !== null && b !== null) return a * b;
    const c = factor(left);
    const d = list(right);
    if (c !== null && d !== null) return c * d;
  }
  return null;
}

/**
 * `chunksize=` from the item count: about four chunks per worker, as `Pool.map` does. A literal
 * when both counts are written out, an expression on `os.cpu_count()` when only the items are,
 * and a round default when neither is.
 */
function chunksizeFix(model: PythonModel, site: TaskSite, count: number | null): Fix | null {
  const args = childByField(site.call.node, 'arguments');
  if (!args || args.type !== 'argument_list') return null;
  const end = rangeOf(args).end;
  let text: string;
  const edits = [];
  if (count === null) {
    text = String(DEFAULT_CHUNKSIZE);
  } else {
    const spec = executorSpec(site.executor);
    const sizeNode = site.api === 'process_map' ? site.call.kwargs.get('max_workers') ?? null : spec ? constructorArgument(model, site, spec.sizeKeyword, 0) : null;
    const workers = sizeNode ? integerLiteral(model, sizeNode) : null;
    if (workers !== null && workers > 0) {
      text = String(Math.max(1, Math.ceil(count / (CHUNKS_PER_WORKER * workers))));
    } else {
      const cpuCount = referenceTo(model, 'os', 'cpu_count', 'qualified');
      // `or 1`: os.cpu_count() may return None (CL303).
      text = `max(1, ${pythonInt(count)} // (${CHUNKS_PER_WORKER} * (${cpuCount.text}() or 1)))`;
      edits.push(...cpuCount.edits);
    }
  }
  return {
    description: `Send the items in chunks: add \`chunksize=${text}\``,
    edits: [insertAt(end.line, end.column - 1, `, chunksize=${text}`), ...edits],
    safe: true,
  };
}

/** `1000000` as `1_000_000`, as people write large counts. */
function pythonInt(n: number): string {
  return n < 10_000 ? String(n) : String(n).replace(/\B(?=(\d{3})+$)/g, '_');
}
