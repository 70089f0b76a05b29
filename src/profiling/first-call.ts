import { type CellCost, PLAN_FILL, type WorkShape, cellCost } from './budget';
import { type Cell, MAX_ROUNDS, MIN_ROUNDS } from './plan';
import type { BenchLanguage, FirstCallAdvice } from './types';

// Pre-flight, step two (docs/bench.md "Pre-flight"): once one call on the first input is timed,
// say how long the run will take, and when the inputs are too big for the time budget (the
// smallest comparison, sequential against one pool with MIN_ROUNDS samples each, would not fit),
// propose smaller ones: how many items, or how much shorter a call, or the budget that would
// hold them. Pure: the tests drive it with injected durations.

export interface FirstCallInput {
  /** The work's shape from the timed call (budget.ts WorkShape: one call's ms, the item count, …). */
  shape: WorkShape;
  /** The cells in the order the budget serves them (budget.ts cellPriority): sequential, then the first pool. */
  cells: readonly Cell[];
  /** What is left of the budget for the measurements, ms. */
  availableMs: number;
  /** Already spent (start-up, import, the timed call), ms: part of how long the run takes. */
  elapsedMs: number;
  language: BenchLanguage;
  inputs: string;
}

const cost = (c: CellCost, rounds: number): number => c.setupMs + rounds * c.sampleMs;

/** Sequential and the first pool, MIN_ROUNDS samples each, with warm-up and calibration: the smallest comparison. */
export function smallestComparisonMs(cells: readonly Cell[], shape: WorkShape): number {
  const sequential = cells.find((c) => c.mode === 'sequential');
  const pool = cells.find((c) => c.mode !== 'sequential');
  return [sequential, pool].reduce((sum, c) => sum + (c ? cost(cellCost(c, shape), MIN_ROUNDS) : 0), 0);
}

export function firstCallAdvice(input: FirstCallInput): FirstCallAdvice {
  const { shape, cells, availableMs, elapsedMs } = input;
  const callMs = shape.taskMs;
  const taskCount = shape.taskCount;
  const batchMs = callMs * taskCount;
  const neededMs = smallestComparisonMs(cells, shape);
  const fullMs = cells.reduce((sum, c) => sum + cost(cellCost(c, shape), MAX_ROUNDS), 0);
  const target = availableMs * PLAN_FILL;
  const fits = neededMs <= target;
  // The run fills the budget with rounds (up to MAX_ROUNDS); what does not fit is left out or cut at the deadline.
  const expectedMs = elapsedMs + (fits ? Math.min(availableMs, Math.max(neededMs, fullMs)) : availableMs);
  const head = `One call takes ${duration(callMs)}; all ${taskCount} item${taskCount === 1 ? '' : 's'} one after another ${duration(batchMs)}`;
  if (fits) {
    return { callMs, taskCount, batchMs, neededMs, expectedMs, proposal: null, message: `${head}. The run will take about ${duration(expectedMs)}.` };
  }

  // Fewer items first (the expression stays the user's); a pool needs an item for each CPU to compare.
  const minItems = Math.min(taskCount, Math.max(2, shape.usableCpus));
  const fitsWith = (n: number, t: number): boolean => smallestComparisonMs(cells, { ...shape, taskCount: n, taskMs: t }) <= target;
  let items: number | null = null;
  if (minItems < taskCount) {
    let lo = minItems;
    let hi = taskCount - 1;
    if (fitsWith(lo, callMs)) {
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (fitsWith(mid, callMs)) lo = mid;
        else hi = mid - 1;
      }
    }
    items = lo;
  }
  const count = items ?? taskCount;
  // Still too long with that many items: how long one call may take.
  let callLimitMs: number | null = null;
  if (!fitsWith(count, callMs)) {
    let lo = 0;
    let hi = callMs;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (fitsWith(count, mid)) lo = mid;
      else hi = mid;
    }
    callLimitMs = lo;
  }
  const budgetSeconds = Math.ceil((elapsedMs + neededMs / PLAN_FILL) / 1000);
  const factor = callLimitMs !== null && callLimitMs > 0 ? Math.max(2, Math.ceil(callMs / callLimitMs)) : Math.max(2, Math.ceil(taskCount / count));
  const steps: string[] = [];
  if (items !== null) steps.push(`use ${items} of the ${taskCount} items`);
  if (callLimitMs !== null) steps.push(`${items !== null ? 'with ' : 'use '}smaller arguments, so that a call takes under ${duration(callLimitMs)} (about ${factor}× less work)`);
  const proposal = {
    factor,
    items,
    callLimitMs,
    inputs: items !== null ? fewerItems(input.inputs, items, input.language) : null,
    maxSeconds: budgetSeconds,
  };
  const message =
    `${head}, and comparing sequential with one pool needs about ${duration(neededMs)}: more than the ${duration(availableMs)} left of the time budget, ` +
    `so the run will stop at the budget (about ${duration(expectedMs)} in all) with too few samples to trust. ` +
    `For a run that fits: ${steps.join(' ')}${steps.length ? ', or set ' : 'set '}a time budget of about ${budgetSeconds} s.`;
  return { callMs, taskCount, batchMs, neededMs, expectedMs, proposal, message };
}

/** The same inputs, first `n` items only: `list(EXPR)[:n]`, `Array.from(EXPR).slice(0, n)`. */
export function fewerItems(inputs: string, n: number, language: BenchLanguage): string {
  return language === 'python' ? `list(${inputs})[:${n}]` : `Array.from(${inputs}).slice(0, ${n})`;
}

function duration(ms: number): string {
  if (ms >= 10_000) return `${Math.round(ms / 1000)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms * 1000)} µs`;
}
