import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { type CellState, pendingCell, summarize } from '../src/profiling/summary';
import { seededRandom } from '../src/profiling/statistics';
import { CLI_KNOBS, busyThreshold } from '../src/profiling/verdict';
import { breakEven } from '../src/profiling/break-even';
import { verdictSentence } from '../src/profiling/report/format';
import { formatBenchText } from '../src/profiling/report/text';
import { resultHtml } from '../src/profiling/report/html';
import { benchmarkMarkdown } from '../src/profiling/report/export';
import { EDITOR_KNOBS, forEditor, panelActions } from '../src/extension/benchmark-page';
import { restoreLensTooltips, summarizeMeasurement } from '../src/extension/measurements';
import { benchLensCommand, contradiction, measurementNote } from '../src/server/measurements';
import type { InterpreterFacts, Mode } from '../src/profiling/protocol';
import type { BenchResult, LoadReport } from '../src/profiling/types';

// The honest verdict (src/profiling/verdict.ts) on synthetic samples: a run whose own numbers say
// the CPUs were taken, the deciding cells were unstable, or too few samples came, ends
// inconclusive; then it names no "run it inline", offers nothing to apply and feeds no
// diagnostics. Statuses are asserted, never timings.

const facts: InterpreterFacts = {
  language: 'python',
  version: '3.11.7',
  implementation: 'CPython',
  executable: '/usr/bin/python3',
  gilEnabled: true,
  defaultStartMethod: 'fork',
  hasInterpreterPool: false,
  cpuCount: 2,
  usableCpus: 2,
  modes: ['sequential', 'threads', 'processes'],
};

interface Spec {
  mode: Mode;
  workers: number;
  /** Median batch, ms. */
  ms: number;
  /** CPUs kept busy (CPU ÷ wall). */
  cpus: number;
  samples?: number;
  noise?: number;
}

function state(s: Spec, seed: number): CellState {
  const random = seededRandom(seed);
  const st = pendingCell({ mode: s.mode, workers: s.workers });
  st.status = 'ok';
  st.samplesMs = Array.from({ length: s.samples ?? 8 }, () => s.ms * (1 + (random() * 2 - 1) * (s.noise ?? 0.02)));
  st.wallMs = st.samplesMs.reduce((a, b) => a + b, 0);
  st.cpuMs = st.wallMs * s.cpus;
  st.peakCpuWallRatio = s.cpus;
  st.startupMs = s.mode === 'sequential' ? null : 30;
  st.dispatchMsPerTask = s.mode === 'sequential' ? 0.0001 : s.mode === 'threads' ? 0.02 : 0.15;
  return st;
}

function run(specs: Spec[], load?: Partial<LoadReport>, taskCpu = 0.99): BenchResult {
  const result: BenchResult = {
    version: 1,
    status: 'failed',
    file: '/w/work.py',
    functionName: 'crunch',
    inputs: '[600_000]*4',
    inputPreview: '600000',
    taskCount: 4,
    language: 'python',
    machine: { platform: 'linux', arch: 'x64', cpuModel: null, cpuCount: 2, usableCpus: 2, totalMemoryMb: 1024, loadAverage: 0.2 },
    interpreter: facts,
    settings: { maxSeconds: 10, timeoutSeconds: 60, minSampleMs: 100, warmupRuns: 1, confidence: 0.95, bootstrapResamples: 500, seed: 1, modes: ['sequential', 'threads', 'processes'], workers: [1, 2] },
    taskProfile: { wallMs: 200, cpuMs: 200 * taskCpu, cpuWallRatio: taskCpu },
    serialization: { bytesPerTask: 40, msPerTask: 0.01 },
    workload: null,
    cells: [],
    scaling: [],
    recommendation: null,
    errors: [],
    warnings: [],
    rounds: 8,
    startedAt: new Date(0).toISOString(),
    durationMs: 9000,
  };
  const states = new Map<string, CellState>();
  specs.forEach((s, i) => states.set(`${s.mode}×${s.workers}`, state(s, 11 + i)));
  const fullLoad: LoadReport = { loadAverageBefore: 0.2, busyCpusBefore: 0.05, otherBusyCpusDuring: 0.05, loadAverageAfter: 0.3, busyAtStart: false, ...load };
  summarize(result, states, null, { load: fullLoad, knobs: CLI_KNOBS });
  return result;
}

const SEQ = { mode: 'sequential', workers: 1, ms: 800, cpus: 0.99 } as const;

describe('the verdict', () => {
  test('a clean CPU-bound run is conclusive: processes win', () => {
    const r = run([SEQ, { mode: 'threads', workers: 2, ms: 810, cpus: 1 }, { mode: 'processes', workers: 2, ms: 410, cpus: 1.95 }]);
    assert.equal(r.verdict?.status, 'conclusive');
    assert.equal(r.verdict?.reason, null);
    assert.equal(r.recommendation?.mode, 'processes');
    assert.equal(panelActions(r).canApply, true);
    assert.ok(summarizeMeasurement(r), 'a conclusive run feeds the diagnostics');
  });

  test('starved workers (0.87 CPUs busy of 2): inconclusive, and not "run it inline"', () => {
    const r = run([SEQ, { mode: 'threads', workers: 2, ms: 810, cpus: 1 }, { mode: 'processes', workers: 2, ms: 790, cpus: 0.87 }]);
    assert.equal(r.verdict?.status, 'inconclusive');
    assert.equal(r.verdict?.problems[0].kind, 'starved');
    assert.match(r.verdict?.reason ?? '', /kept only 0\.87 CPUs busy/);
    assert.match(r.verdict?.advice ?? '', /Close other CPU-heavy programs/);
    assert.equal(r.recommendation, null, 'no winner is named from a run that cannot be trusted');
    assert.match(verdictSentence(r), /^Inconclusive: other programs were using the CPUs/);
    const text = formatBenchText(r);
    assert.match(text, /Verdict: inconclusive/);
    assert.doesNotMatch(text, /run it inline/i);
    const html = resultHtml(r, '');
    assert.match(html, /class="verdict inconclusive"/);
    assert.match(html, /What to do:/);
    assert.doesNotMatch(html, /Run it inline/);
    assert.match(benchmarkMarkdown(r, ''), /\*\*Inconclusive:/);
    // Never fed to diagnostics, never applied.
    assert.equal(summarizeMeasurement({ ...r, recommendation: { mode: 'threads', workers: 2, reason: '', speedup: 1, speedupCi95: null } }), null);
    assert.equal(panelActions(r).canApply, false);
  });

  test('other programs busy during the samples: inconclusive for CPU-bound work, not for waiting work', () => {
    const specs: Spec[] = [SEQ, { mode: 'processes', workers: 2, ms: 500, cpus: 1.6 }];
    const busy = run(specs, { otherBusyCpusDuring: 1.2 });
    assert.equal(busy.verdict?.status, 'inconclusive');
    assert.equal(busy.verdict?.problems[0].kind, 'busy');
    assert.match(busy.verdict?.reason ?? '', /Other programs kept 1\.2 of 2 CPUs busy while the samples ran/);
    // A pool that won despite the load keeps its place as "as measured", not as the verdict.
    assert.equal(busy.recommendation?.mode, 'processes');
    assert.match(formatBenchText(busy), /As measured \(not to be trusted yet\)/);
    const waiting: Spec[] = [
      { mode: 'sequential', workers: 1, ms: 800, cpus: 0.02 },
      { mode: 'threads', workers: 2, ms: 400, cpus: 0.04 },
    ];
    assert.equal(run(waiting, { otherBusyCpusDuring: 1.2 }, 0.02).verdict?.status, 'conclusive', 'waits overlap whoever holds the CPUs');
  });

  test('a busy machine at the start (pre-flight) is enough on its own', () => {
    const r = run([SEQ, { mode: 'processes', workers: 2, ms: 500, cpus: 1.6 }], { busyCpusBefore: 1.5, otherBusyCpusDuring: null });
    assert.equal(r.verdict?.status, 'inconclusive');
    assert.match(r.verdict?.reason ?? '', /when the run started/);
    assert.equal(busyThreshold(2), 0.5);
    assert.equal(busyThreshold(16), 4);
  });

  test('too few samples: inconclusive, with the budget knob named', () => {
    const r = run([{ ...SEQ, samples: 2 }, { mode: 'processes', workers: 2, ms: 410, cpus: 1.95, samples: 2 }]);
    assert.equal(r.verdict?.status, 'inconclusive');
    assert.equal(r.verdict?.problems[0].kind, 'few-samples');
    assert.match(r.verdict?.advice ?? '', /--max-seconds/);
  });

  test('too few samples and unstable: the budget knob is named once', () => {
    const r = run([{ ...SEQ, samples: 2, noise: 0.4 }, { mode: 'processes', workers: 2, ms: 760, cpus: 1.9, noise: 0.4 }]);
    const kinds = r.verdict?.problems.map((p) => p.kind) ?? [];
    assert.ok(kinds.includes('few-samples') && kinds.includes('unstable'), JSON.stringify(r.verdict));
    assert.equal((r.verdict?.advice ?? '').split('--max-seconds').length - 1, 1, r.verdict?.advice ?? '');
    assert.match(r.verdict?.advice ?? '', /quieter machine/);
  });

  test('unstable cells matter only when their interval straddles the decision', () => {
    const close = run([{ ...SEQ, noise: 0.4 }, { mode: 'processes', workers: 2, ms: 760, cpus: 1.9, noise: 0.4 }]);
    assert.equal(close.verdict?.status, 'inconclusive');
    assert.ok(close.verdict?.problems.some((p) => p.kind === 'unstable'));
    const clear = run([{ ...SEQ, noise: 0.12 }, { mode: 'processes', workers: 2, ms: 300, cpus: 1.95, noise: 0.12 }]);
    assert.ok(!clear.verdict?.problems.some((p) => p.kind === 'unstable'), JSON.stringify(clear.verdict));
  });

  test('a result stored before the verdict existed reads as conclusive', () => {
    const r = run([SEQ, { mode: 'processes', workers: 2, ms: 410, cpus: 1.95 }]);
    const old = { ...r, verdict: undefined };
    assert.doesNotMatch(verdictSentence(old), /Inconclusive/);
    assert.ok(summarizeMeasurement(old));
  });
});

describe('break-even', () => {
  test('from the measured start-up, dispatch and serialisation: the call duration and item count a process pool needs', () => {
    const r = run([SEQ, { mode: 'threads', workers: 2, ms: 810, cpus: 1 }, { mode: 'processes', workers: 2, ms: 410, cpus: 1.95 }]);
    const b = r.breakEven;
    assert.ok(b);
    assert.equal(b.mode, 'processes');
    assert.equal(b.parallelism, 2);
    // d = 0.15 ms dispatch + 0.01 ms pickling; on 2 cores a call must outweigh d·2/(2 − 1).
    assert.ok(Math.abs((b.minTaskMs as number) - 0.32) < 1e-9, String(b.minTaskMs));
    // 200 ms calls: 30 ms of start-up is paid back by the first item.
    assert.equal(b.minItems, 1);
    assert.match(b.summary, /beats running sequentially once a call takes more than 320 µs/);
    assert.match(resultHtml(r, ''), /When a process pool pays off/);
    assert.match(formatBenchText(r), /Break-even:/);
  });

  test('calls shorter than the break-even: batch items into a call', () => {
    const r = run([{ ...SEQ, ms: 0.4 }, { mode: 'processes', workers: 2, ms: 2, cpus: 1 }]);
    r.workload = { ...(r.workload as NonNullable<BenchResult['workload']>), taskMs: 0.01 };
    const b = breakEven(r);
    assert.equal(b?.minItems, null);
    assert.match(b?.summary ?? '', /put about 32 or more items into each call/);
  });

  test('one usable CPU: no break-even', () => {
    const r = run([SEQ, { mode: 'processes', workers: 2, ms: 800, cpus: 1 }]);
    const b = breakEven({ ...r, interpreter: { ...facts, usableCpus: 1 } });
    assert.equal(b?.minTaskMs, null);
    assert.match(b?.summary ?? '', /one usable CPU/);
  });
});

describe('diagnostics and the editor', () => {
  const summary = {
    kind: 'cpu-bound',
    recommendation: { mode: 'threads', workers: 2, speedup: 1.95 },
    speedups: { threads: { speedup: 1.95, workers: 2 }, processes: { speedup: 1.9, workers: 2 } },
    language: 'python' as const,
    measuredAt: '2026-12-01T12:00:00.000Z',
  };

  test('an inconclusive summary never says "measurement contradicts this"', () => {
    assert.match(measurementNote('CL101', summary), /contradicts/);
    const untrusted = { ...summary, verdict: 'inconclusive' as const };
    assert.equal(contradiction('CL101', untrusted), null);
    assert.equal(measurementNote('CL101', untrusted), '');
  });

  test('CodeLens: a short title per language, the last result in the tooltip', () => {
    assert.deepEqual(benchLensCommand('python', undefined).title, 'Benchmark threads vs processes');
    const js = benchLensCommand('javascript', undefined);
    assert.equal(js.title, 'Benchmark worker_threads vs child_process');
    assert.match(js.tooltip, /main thread, on worker_threads and on child_process/);
    assert.doesNotMatch(js.title + js.tooltip, /threads vs processes/);
    const last = benchLensCommand('python', summary);
    assert.equal(last.title, 'Benchmark threads vs processes');
    assert.match(last.tooltip, /^Last result \(2026-12-01 12:00:00 UTC\): threads 1\.9× faster/);
    const lenses = [{ command: { title: 't', arguments: [{ tooltip: 'tip' }] as unknown[] } as { title: string; tooltip?: string; arguments?: unknown[] } }];
    restoreLensTooltips(lenses);
    assert.equal(lenses[0].command.tooltip, 'tip');
  });

  test('editor text names the settings, never a CLI flag', () => {
    const text = forEditor('raise --max-seconds, pass --workers 1,2,4 or a longer --timeout');
    assert.doesNotMatch(text, /--[a-z]/);
    assert.match(text, /concurrencyLens\.benchmark\.maxSeconds/);
    assert.match(text, /concurrencyLens\.benchmark\.workers/);
    assert.match(text, /concurrencyLens\.benchmark\.timeoutSeconds/);
    for (const name of Object.values(EDITOR_KNOBS)) assert.doesNotMatch(name, /--/);
  });
});
