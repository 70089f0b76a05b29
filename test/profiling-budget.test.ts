import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { type WorkShape, batchEstimate, cellCost, cellList, cellPriority, fitCells, trimToRounds, waitingWorkerCounts } from '../src/profiling/budget';
import { type Cell, MIN_ROUNDS, workerCap } from '../src/profiling/plan';

// The time budget's plan (src/profiling/budget.ts) on synthetic numbers: which cells come first,
// which the budget leaves out, and the worker counts waiting work gets. No timing.

const cells = (spec: Record<string, number[]>): Cell[] => Object.entries(spec).flatMap(([mode, counts]) => counts.map((workers) => ({ mode, workers }) as Cell));

const CPU: WorkShape = { taskMs: 50, taskCount: 8, cpuShare: 0.99, usableCpus: 2, minSampleMs: 100, gil: true };

describe('the budget', () => {
  test('priority: sequential, each mode at the CPU count, the largest count, then down to one worker', () => {
    const order = cellPriority(cells({ sequential: [1], threads: [1, 2, 4], processes: [1, 2, 4], 'processes-spawn': [1, 2] }), 2, false);
    assert.equal(cellList(order), 'sequential, threads × 2, processes × 2, processes-spawn × 2, threads × 4, processes × 4, threads × 1, processes × 1, processes-spawn × 1');
  });

  test('priority for waiting work: the most workers first', () => {
    const order = cellPriority(cells({ sequential: [1], threads: [1, 2, 4, 8, 16] }), 2, true);
    assert.equal(cellList(order), 'sequential, threads × 16, threads × 8, threads × 4, threads × 2, threads × 1');
  });

  test('estimates: processes split CPU work over the CPUs, GIL-bound threads do not; waits split over the workers', () => {
    assert.equal(batchEstimate({ mode: 'sequential', workers: 1 }, CPU), 400);
    assert.ok(batchEstimate({ mode: 'threads', workers: 2 }, CPU) > 390);
    assert.ok(batchEstimate({ mode: 'processes', workers: 2 }, CPU) < 220);
    const io: WorkShape = { ...CPU, cpuShare: 0.01 };
    assert.ok(batchEstimate({ mode: 'threads', workers: 8 }, io) < 60);
    const cost = cellCost({ mode: 'processes', workers: 2 }, CPU);
    assert.ok(cost.setupMs > cost.sampleMs, 'warm-up, calibration and the probe cost more than one sample');
  });

  test('fit: what does not fit is left out from the end, sequential and one pool always stay', () => {
    const order = cellPriority(cells({ sequential: [1], threads: [1, 2], processes: [1, 2] }), 2, false);
    const costs = order.map((c) => cellCost(c, CPU));
    const total = costs.reduce((sum, c) => sum + c.setupMs + MIN_ROUNDS * c.sampleMs, 0);
    assert.equal(fitCells(costs, total + 1).drop.length, 0);
    const tight = fitCells(costs, (costs[0].setupMs + MIN_ROUNDS * costs[0].sampleMs) * 2.5);
    assert.ok(tight.drop.length > 0);
    assert.equal(tight.keep[0].mode, 'sequential');
    assert.ok(tight.keep.some((c) => c.mode !== 'sequential'));
    assert.ok(tight.drop.some((c) => c.workers === 1), 'one-worker pools go first');
    const none = fitCells(costs, 0);
    assert.equal(cellList(none.keep), 'sequential, threads × 2');
  });

  test('after warm-up: the real sample lengths trim the tail until MIN_ROUNDS rounds fit', () => {
    const samples = cells({ sequential: [1], processes: [2], threads: [2, 1] }).map((cell) => ({ cell, sampleMs: 1000 }));
    assert.deepEqual(trimToRounds(samples, 100_000), []);
    assert.equal(cellList(trimToRounds(samples, MIN_ROUNDS * 2100)), 'threads × 1, threads × 2');
    assert.equal(trimToRounds(samples, 0).length, 2, 'sequential and one pool stay');
  });

  test('waiting work: worker counts beyond the CPUs, up to 8 × the CPUs and within the caps', () => {
    assert.deepEqual(waitingWorkerCounts('threads', [1, 2], 2), [1, 2, 4, 8, 16]);
    assert.deepEqual(waitingWorkerCounts('processes', [1, 2], 2), [1, 2, 4, 8]);
    assert.equal(workerCap('processes', 2), 8);
    assert.deepEqual(waitingWorkerCounts('threads', [1, 2, 4, 8, 16, 32, 64], 64).slice(-1), [256]);
  });
});
