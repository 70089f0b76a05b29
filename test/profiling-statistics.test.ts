import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  amdahlSpeedup,
  bootstrapMedianCi,
  bootstrapRatioCi,
  coefficientOfVariation,
  fitAmdahl,
  instability,
  karpFlatt,
  median,
  percentileOfSorted,
  seededRandom,
  stdev,
} from '../src/profiling/statistics';
import { calibrateRepeat, defaultWorkers, planCells, roundOrder, shouldStartRound, validateRequest, MIN_ROUNDS, MAX_ROUNDS } from '../src/profiling/plan';
import { classifyMeasured, recommend } from '../src/profiling/recommend';
import { formatBenchText, formatChart } from '../src/profiling/report/text';
import { formatBenchHtml } from '../src/profiling/report/html';
import type { InterpreterFacts } from '../src/profiling/protocol';
import type { BenchResult, CellResult } from '../src/profiling/types';

// The statistics, the plan and the verdict on synthetic numbers: known answers, no timing.

/** Samples around `center` with multiplicative noise of ±`noise` (uniform), reproducibly. */
function synthetic(center: number, noise: number, n: number, seed = 7): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => center * (1 + (random() * 2 - 1) * noise));
}

describe('basic statistics', () => {
  test('median of odd and even counts, unsorted input untouched', () => {
    const values = [5, 1, 3];
    assert.equal(median(values), 3);
    assert.deepEqual(values, [5, 1, 3]);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([42]), 42);
    assert.throws(() => median([]), RangeError);
  });

  test('stdev, CV and percentiles', () => {
    assert.equal(stdev([2, 4, 4, 4, 5, 5, 7, 9]).toFixed(4), '2.1381');
    assert.equal(stdev([3]), 0);
    assert.equal(coefficientOfVariation([10, 10, 10]), 0);
    assert.ok(Math.abs(coefficientOfVariation([9, 11]) - Math.SQRT2 / 10) < 1e-12);
    assert.equal(percentileOfSorted([1, 2, 3, 4, 5], 0.5), 3);
    assert.equal(percentileOfSorted([1, 2, 3, 4, 5], 0.25), 2);
    assert.equal(percentileOfSorted([10, 20], 0.5), 15);
  });

  test('the seeded PRNG is reproducible and uniform enough', () => {
    const a = seededRandom(123);
    const b = seededRandom(123);
    const xs = Array.from({ length: 10_000 }, () => a());
    assert.deepEqual(
      xs.slice(0, 5),
      Array.from({ length: 5 }, () => b()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(m - 0.5) < 0.02, `mean ${m}`);
  });
});

describe('bootstrap confidence intervals', () => {
  test('the CI of the median contains the true value for low-noise data, and is narrow', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const samples = synthetic(100, 0.02, 15, seed);
      const ci = bootstrapMedianCi(samples, { seed });
      assert.ok(ci.low <= 100 && 100 <= ci.high, `seed ${seed}: [${ci.low}, ${ci.high}]`);
      assert.ok(ci.high - ci.low < 4, `narrow: ${ci.high - ci.low}`);
      assert.ok(ci.low <= median(samples) && median(samples) <= ci.high);
    }
  });

  test('the same samples and seed give the same interval (reports can be diffed)', () => {
    const samples = synthetic(50, 0.1, 9);
    assert.deepEqual(bootstrapMedianCi(samples, { seed: 9 }), bootstrapMedianCi(samples, { seed: 9 }));
  });

  test('a single sample gives a degenerate interval, noisier data a wider one', () => {
    assert.deepEqual(bootstrapMedianCi([7]), { low: 7, high: 7 });
    const quiet = bootstrapMedianCi(synthetic(100, 0.01, 12));
    const noisy = bootstrapMedianCi(synthetic(100, 0.3, 12));
    assert.ok(noisy.high - noisy.low > quiet.high - quiet.low);
  });

  test('the CI of a speedup (ratio of medians) contains the true ratio', () => {
    const sequential = synthetic(200, 0.03, 12, 11);
    const parallel = synthetic(100, 0.03, 12, 12);
    const ci = bootstrapRatioCi(sequential, parallel, { seed: 3 });
    assert.ok(ci.low <= 2 && 2 <= ci.high, `[${ci.low}, ${ci.high}]`);
    assert.ok(ci.low > 1.8 && ci.high < 2.2);
  });
});

describe('instability flags', () => {
  test('quiet samples are stable', () => {
    const flag = instability(synthetic(100, 0.03, 10));
    assert.equal(flag.unstable, false);
    assert.equal(flag.reason, null);
  });

  test('CV ≥ 10% is flagged', () => {
    const flag = instability([80, 120, 80, 120, 100]);
    assert.ok(flag.cv >= 0.1);
    assert.equal(flag.unstable, true);
    assert.match(flag.reason ?? '', /CV/);
  });

  test('one outlier ≥ 50% above the median is flagged even when the CV is small-ish', () => {
    const samples = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 151];
    const flag = instability(samples);
    assert.equal(flag.unstable, true);
    assert.match(flag.reason ?? '', /max 51% above the median/);
  });
});

describe('Amdahl and Karp–Flatt', () => {
  test('the fit recovers a known serial fraction from synthetic T(n)', () => {
    for (const s of [0, 0.05, 0.2, 0.5]) {
      const points = [2, 4, 8, 16].map((n) => ({ workers: n, speedup: amdahlSpeedup(s, n) }));
      const fit = fitAmdahl(points);
      assert.ok(fit);
      assert.ok(Math.abs(fit.serialFraction - s) < 1e-9, `s=${s}: got ${fit.serialFraction}`);
      assert.ok(fit.rmse < 1e-9);
      assert.equal(fit.points, 4);
      if (s > 0) assert.ok(Math.abs((fit.maxSpeedup as number) - 1 / s) < 1e-6);
      else assert.equal(fit.maxSpeedup, null);
    }
  });

  test('the fit tolerates noise and ignores n = 1', () => {
    const random = seededRandom(5);
    const points = [1, 2, 4, 8].map((n) => ({ workers: n, speedup: amdahlSpeedup(0.1, n) * (1 + (random() - 0.5) * 0.04) }));
    const fit = fitAmdahl(points);
    assert.ok(fit && Math.abs(fit.serialFraction - 0.1) < 0.02, `${fit?.serialFraction}`);
    assert.equal(fit?.points, 3);
    assert.equal(fitAmdahl([{ workers: 1, speedup: 1 }]), null);
  });

  test('Karp–Flatt: perfect scaling is 0, no scaling is 1, Amdahl data gives back s', () => {
    assert.equal(karpFlatt(4, 4), 0);
    assert.ok(Math.abs((karpFlatt(1, 4) as number) - 1) < 1e-12);
    assert.ok(Math.abs((karpFlatt(amdahlSpeedup(0.25, 8), 8) as number) - 0.25) < 1e-12);
    assert.equal(karpFlatt(1, 1), null);
    // A pool slower than sequential: e > 1, which the report shows as is.
    assert.ok((karpFlatt(0.5, 2) as number) > 1);
  });
});

describe('the plan', () => {
  test('default worker counts: powers of two up to the CPU count, and the count itself', () => {
    assert.deepEqual(defaultWorkers(1), [1]);
    assert.deepEqual(defaultWorkers(2), [1, 2]);
    assert.deepEqual(defaultWorkers(6), [1, 2, 4, 6]);
    assert.deepEqual(defaultWorkers(8), [1, 2, 4, 8]);
  });

  test('calibration: a sample lasts at least 100 ms, or one batch when longer', () => {
    assert.equal(calibrateRepeat(250), 1);
    assert.equal(calibrateRepeat(100), 1);
    assert.ok(calibrateRepeat(10) * 10 >= 100);
    assert.ok(calibrateRepeat(0.001) * 0.001 >= 100);
  });

  test('rounds: at least the minimum, then only while the budget lasts', () => {
    assert.equal(shouldStartRound(0, 50_000, 10_000, 1000), true);
    assert.equal(shouldStartRound(MIN_ROUNDS - 1, 50_000, 10_000, 1000), true);
    assert.equal(shouldStartRound(MIN_ROUNDS, 500, 400, 1000), true);
    assert.equal(shouldStartRound(MIN_ROUNDS, 700, 400, 1000), false);
    assert.equal(shouldStartRound(MAX_ROUNDS, 0, 1, 1e9), false);
  });

  test('interleaving: every cell once per round, the order changes between rounds, reproducibly', () => {
    const cells = ['a', 'b', 'c', 'd', 'e', 'f'];
    const r0 = roundOrder(cells, 0, 1);
    const r1 = roundOrder(cells, 1, 1);
    assert.deepEqual([...r0].sort(), cells);
    assert.deepEqual(roundOrder(cells, 0, 1), r0);
    assert.notDeepEqual(r0, r1);
  });

  test('cells: sequential always, the modes the interpreter offers, unavailable modes as warnings', () => {
    const facts = pythonFacts();
    const plan = planCells(facts, { modes: ['threads', 'interpreters'], workers: [1, 2] });
    assert.deepEqual(
      plan.cells.map((c) => `${c.mode}:${c.workers}`),
      ['sequential:1', 'threads:1', 'threads:2'],
    );
    assert.match(plan.warnings.join('\n'), /interpreters.*3\.14/);
    const all = planCells(facts, {});
    assert.deepEqual([...new Set(all.cells.map((c) => c.mode))], ['sequential', 'threads', 'processes', 'processes-spawn']);
  });

  test('request validation names the problem', () => {
    assert.deepEqual(validateRequest({ file: 'a.py', functionName: 'f', inputs: '[1]' }), []);
    assert.match(validateRequest({ file: 'a.txt', functionName: 'f', inputs: '[1]' }).join(), /not a Python/);
    assert.match(validateRequest({ file: 'a.py', functionName: 'f', inputs: '[1]', modes: ['threadz' as never] }).join(), /unknown mode "threadz"/);
    assert.match(validateRequest({ file: 'a.py', functionName: 'f', inputs: '[1]', modes: ['worker_threads'] }).join(), /does not apply to a Python module/);
    assert.match(validateRequest({ file: 'a.py', functionName: 'f', inputs: '[1]', workers: [0] }).join(), /worker count 0/);
  });
});

function pythonFacts(overrides: Partial<InterpreterFacts> = {}): InterpreterFacts {
  return {
    language: 'python',
    version: '3.11.7',
    implementation: 'CPython',
    executable: '/usr/bin/python3',
    gilEnabled: true,
    defaultStartMethod: 'fork',
    hasInterpreterPool: false,
    cpuCount: 2,
    usableCpus: 2,
    modes: ['sequential', 'threads', 'processes', 'processes-spawn'],
    ...overrides,
  };
}

function cell(mode: CellResult['mode'], workers: number, medianMs: number, baselineMs: number, extra: Partial<CellResult> = {}): CellResult {
  const samples = synthetic(medianMs, 0.02, 6, workers * 31 + medianMs);
  const base = synthetic(baselineMs, 0.02, 6, 99);
  const speedup = median(base) / median(samples);
  return {
    mode,
    workers,
    status: 'ok',
    repeat: 1,
    samplesMs: samples,
    medianMs: median(samples),
    ci95Ms: bootstrapMedianCi(samples),
    meanMs: medianMs,
    minMs: Math.min(...samples),
    maxMs: Math.max(...samples),
    cv: 0.01,
    unstable: false,
    unstableReason: null,
    speedup,
    speedupCi95: mode === 'sequential' ? { low: 1, high: 1 } : bootstrapRatioCi(base, samples),
    efficiency: speedup / workers,
    karpFlatt: karpFlatt(speedup, workers),
    startupMs: mode === 'sequential' ? null : 10,
    dispatchMsPerTask: mode === 'sequential' ? 0.00005 : mode === 'threads' ? 0.005 : 0.08,
    serialization: null,
    cpuWallRatio: 1,
    cpuMsPerTask: 1,
    error: null,
    ...extra,
  };
}

function syntheticResult(cells: CellResult[], taskMs: number, cpuRatio: number): Pick<BenchResult, 'cells' | 'workload' | 'interpreter' | 'taskProfile'> {
  const facts = pythonFacts();
  const taskProfile = { wallMs: taskMs, cpuMs: taskMs * cpuRatio, cpuWallRatio: cpuRatio };
  return { cells, interpreter: facts, taskProfile, workload: classifyMeasured(taskProfile, cells, facts, null) };
}

describe('classification and recommendation on synthetic measurements', () => {
  test('measured waiting is CPU-bound when the analyzer sees CPU-heavy code and no I/O, as measured otherwise', () => {
    const cells = [cell('sequential', 1, 800, 800)];
    const profile = { wallMs: 100, cpuMs: 60, cpuWallRatio: 0.6 };
    const byCode = classifyMeasured(profile, cells, pythonFacts(), { kind: 'cpu', reason: 'crypto.pbkdf2Sync (line 4)' });
    assert.equal(byCode.kind, 'cpu-bound');
    assert.match(byCode.summary, /^CPU-bound by its code: a task spends 60%.*waiting \(for a CPU when the machine is busy\); static analysis: cpu \(crypto\.pbkdf2Sync/);
    assert.equal(classifyMeasured(profile, cells, pythonFacts(), null).kind, 'mixed');
    assert.equal(classifyMeasured(profile, cells, pythonFacts(), { kind: 'mixed', reason: 'reads a file' }).kind, 'mixed');
    // A busy machine can stretch a CPU-only task to 5% on the CPU: the code still says what it waits for.
    assert.equal(classifyMeasured({ ...profile, cpuMs: 5, cpuWallRatio: 0.05 }, cells, pythonFacts(), { kind: 'cpu', reason: 'x' }).kind, 'cpu-bound');
    assert.equal(classifyMeasured({ ...profile, cpuMs: 5, cpuWallRatio: 0.05 }, cells, pythonFacts(), { kind: 'io', reason: 'sleeps' }).kind, 'io-bound');
    assert.equal(classifyMeasured({ ...profile, cpuMs: 5, cpuWallRatio: 0.05 }, cells, pythonFacts(), null).kind, 'io-bound');
  });

  test('CPU-bound under the GIL: processes win, threads do not scale', () => {
    const r = syntheticResult(
      [cell('sequential', 1, 800, 800), cell('threads', 1, 805, 800), cell('threads', 2, 820, 800), cell('processes', 1, 810, 800), cell('processes', 2, 410, 800)],
      100,
      0.99,
    );
    assert.equal(r.workload?.kind, 'cpu-bound');
    assert.equal(r.workload?.releasesGil, false);
    const rec = recommend(r);
    assert.equal(rec?.mode, 'processes');
    assert.equal(rec?.workers, 2);
    assert.match(rec?.reason ?? '', /GIL/);
  });

  test('waiting: threads win a near-tie with processes (cheaper), with a hint to try more threads', () => {
    const r = syntheticResult([cell('sequential', 1, 400, 400), cell('threads', 2, 201, 400), cell('processes', 2, 199, 400)], 50, 0.01);
    assert.equal(r.workload?.kind, 'io-bound');
    const rec = recommend(r);
    assert.equal(rec?.mode, 'threads');
    assert.match(rec?.reason ?? '', /overlap the waits/);
    assert.match(rec?.reason ?? '', /--workers/);
  });

  test('trivial tasks: run it inline when every pool loses', () => {
    const r = syntheticResult([cell('sequential', 1, 0.2, 0.2), cell('threads', 2, 10, 0.2), cell('processes', 2, 100, 0.2)], 0.0002, 0.99);
    assert.equal(r.workload?.kind, 'trivial');
    const rec = recommend(r);
    assert.equal(rec?.mode, 'sequential');
    assert.match(rec?.reason ?? '', /Run it inline: every pool was slower/);
    assert.match(rec?.reason ?? '', /chunksize/);
  });

  test('a speedup whose CI reaches below 1× is not a win', () => {
    const noisy = cell('threads', 2, 95, 100, { speedup: 1.05, speedupCi95: { low: 0.9, high: 1.2 } });
    const rec = recommend(syntheticResult([cell('sequential', 1, 100, 100), noisy], 10, 0.5));
    assert.equal(rec?.mode, 'sequential');
    assert.match(rec?.reason ?? '', /no pool was clearly faster/);
  });

  test('native code that releases the GIL: threads scale on CPU work', () => {
    const r = syntheticResult([cell('sequential', 1, 400, 400), cell('threads', 2, 210, 400), cell('processes', 2, 230, 400)], 50, 0.98);
    assert.equal(r.workload?.releasesGil, true);
    const rec = recommend(r);
    assert.equal(rec?.mode, 'threads');
    assert.match(rec?.reason ?? '', /releases the GIL/);
  });

  test('reports render every cell, the chart marks 1×, the HTML is self-contained', () => {
    const cells = [cell('sequential', 1, 800, 800), cell('threads', 2, 820, 800), cell('processes', 2, 410, 800)];
    const partial = syntheticResult(cells, 100, 0.99);
    const result: BenchResult = {
      version: 1,
      status: 'ok',
      file: '/tmp/work.py',
      functionName: 'crunch',
      inputs: '[2_000_000]*8',
      inputPreview: '2000000',
      taskCount: 8,
      language: 'python',
      machine: { platform: 'linux', arch: 'x64', cpuModel: 'Test CPU', cpuCount: 2, usableCpus: 2, totalMemoryMb: 1024, loadAverage: 0.5 },
      settings: { maxSeconds: 20, timeoutSeconds: 60, minSampleMs: 100, warmupRuns: 1, confidence: 0.95, bootstrapResamples: 2000, seed: 1, modes: ['sequential', 'threads', 'processes'], workers: [2] },
      serialization: { bytesPerTask: 60, msPerTask: 0.003 },
      scaling: [{ mode: 'processes', amdahl: fitAmdahl([{ workers: 2, speedup: 1.95 }]), karpFlatt: [{ workers: 2, value: karpFlatt(1.95, 2) as number }] }],
      recommendation: recommend(partial),
      errors: [],
      warnings: [],
      rounds: 5,
      startedAt: new Date(0).toISOString(),
      durationMs: 12_000,
      ...partial,
    };
    const text = formatBenchText(result, undefined, '/tmp');
    assert.match(text, /Benchmark of crunch\(\) in work\.py/);
    assert.match(text, /processes\s+2\s+4\d\d ms/);
    assert.match(text, /Verdict: processes with 2 workers/);
    assert.match(text, /Karp–Flatt e\(2\)/);
    const chart = formatChart(result.cells) ?? '';
    assert.match(chart, /processes × 2 +│█+/);
    assert.match(chart, /┴/);
    const html = formatBenchHtml(result, '/tmp');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<svg /);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });
});
