import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { type WorkShape, cellPriority } from '../src/profiling/budget';
import { fewerItems, firstCallAdvice, smallestComparisonMs } from '../src/profiling/first-call';
import type { Cell } from '../src/profiling/plan';

// Pre-flight step two (src/profiling/first-call.ts) on injected durations: nothing is timed here.

const shape = (taskMs: number, taskCount: number, cpuShare = 1): WorkShape => ({ taskMs, taskCount, cpuShare, usableCpus: 2, minSampleMs: 100, gil: true });
const CELLS: Cell[] = cellPriority(
  [
    { mode: 'sequential', workers: 1 },
    { mode: 'threads', workers: 1 },
    { mode: 'threads', workers: 2 },
    { mode: 'processes', workers: 1 },
    { mode: 'processes', workers: 2 },
  ],
  2,
  false,
);

function advise(taskMs: number, taskCount: number, budgetSeconds: number, inputs = '[25] * 8') {
  return firstCallAdvice({ shape: shape(taskMs, taskCount), cells: CELLS, availableMs: budgetSeconds * 1000, elapsedMs: 400, language: 'python', inputs });
}

describe('one timed call before the run', () => {
  test('small calls: no proposal, and how long the run will take (at most the budget, start-up included)', () => {
    const a = advise(2, 8, 20);
    assert.equal(a.proposal, null);
    assert.equal(a.batchMs, 16);
    assert.ok(a.expectedMs > 400 && a.expectedMs <= 20_400, `${a.expectedMs}`);
    assert.match(a.message, /^One call takes 2\.0 ms; all 8 items one after another 16 ms\. The run will take about \d+(\.\d)? s\.$/);
  });

  test('many items that do not fit: keep fewer items, the largest count that fits', () => {
    const a = advise(50, 1000, 10, 'range(1000)');
    assert.ok(a.proposal);
    const items = a.proposal.items as number;
    assert.ok(items >= 2 && items < 1000, `${items}`);
    assert.equal(a.proposal.callLimitMs, null, 'fewer items are enough');
    assert.equal(a.proposal.inputs, `list(range(1000))[:${items}]`);
    // The proposal fits and one more item would not: the count is the most the budget holds.
    const fits = (n: number): boolean => smallestComparisonMs(CELLS, shape(50, n)) <= 10_000 * 0.85;
    assert.ok(fits(items) && !fits(items + 1));
    assert.match(a.message, new RegExp(`use ${items} of the 1000 items, or set a time budget of about ${a.proposal.maxSeconds} s\\.$`));
    assert.match(a.message, /with too few samples to trust/);
    assert.equal(a.expectedMs, 10_400, 'the run stops at the budget');
  });

  test('few items, each call too long: say how much shorter a call must be', () => {
    const a = advise(3000, 2, 10);
    assert.ok(a.proposal);
    assert.equal(a.proposal.items, null, 'two items are already the least a 2-worker pool needs');
    const limit = a.proposal.callLimitMs as number;
    assert.ok(limit > 0 && limit < 3000);
    assert.ok(smallestComparisonMs(CELLS, shape(limit, 2)) <= 8500 + 1e-6);
    assert.ok(a.proposal.factor >= 2 && a.proposal.factor === Math.ceil(3000 / limit));
    assert.match(a.message, /use smaller arguments, so that a call takes under \d/);
    assert.ok(a.proposal.maxSeconds > 10);
  });

  test('both: fewer items and shorter calls', () => {
    const a = advise(2000, 8, 10);
    assert.equal(a.proposal?.items, 2);
    assert.ok((a.proposal?.callLimitMs ?? 0) > 0);
    assert.match(a.message, /use 2 of the 8 items with smaller arguments/);
  });

  test('the same budget holds more work when a bigger budget is given', () => {
    assert.ok(advise(50, 1000, 10).proposal);
    const budget = advise(50, 1000, 10).proposal!.maxSeconds;
    assert.equal(advise(50, 1000, budget).proposal, null, 'the proposed budget fits the inputs as they are');
  });

  test('fewer items, per language', () => {
    assert.equal(fewerItems('range(1000)', 40, 'python'), 'list(range(1000))[:40]');
    assert.equal(fewerItems('Array(8).fill(30)', 2, 'node'), 'Array.from(Array(8).fill(30)).slice(0, 2)');
  });
});
