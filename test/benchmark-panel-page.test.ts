import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchmarkPageHtml, modesPhrase, panelActions } from '../src/extension/benchmark-page';
import { factsList } from '../src/profiling/report/format';
import { fitAmdahl } from '../src/profiling/statistics';
import type { BenchResult } from '../src/profiling/types';

// The panel's ergonomics on its pure parts: the Apply button only when there is something to
// apply (never after a cancel or an error), the modes named per language, and facts in plain
// words (no Amdahl fit from fewer than 3 worker counts).

const REAL: BenchResult = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'webview', 'bench-result-cpu-python.json'), 'utf8'));

function page(extra: Partial<Parameters<typeof benchmarkPageHtml>[0]> = {}): string {
  return benchmarkPageHtml({
    cspSource: 'vscode-webview://abc',
    nonce: 'N0nce123',
    scriptUri: 'vscode-webview://abc/dist/webview/benchmark.js',
    styleUri: 'vscode-webview://abc/dist/webview/benchmark.css',
    functionName: 'compute',
    fileLabel: 'bench_cpu.py',
    key: { file: '/w/bench_cpu.py', functionName: 'compute' },
    resultHtml: '',
    resultVersion: 0,
    actions: panelActions(null),
    ...extra,
  });
}

const applyButton = (html: string): string => /<button type="button" id="apply"[^>]*>/.exec(html)?.[0] ?? '';

describe('the panel page', () => {
  test('Apply is shown for a winner it can apply, hidden after an error or a cancel', () => {
    const winner: BenchResult = {
      ...REAL,
      language: 'python',
      verdict: { status: 'conclusive', reason: null, advice: null, problems: [] },
      recommendation: { mode: 'processes', workers: 2, reason: 'r', speedup: 1.9, speedupCi95: { low: 1.8, high: 2 } },
    };
    const actions = panelActions(winner);
    assert.equal(actions.canApply, true);
    assert.doesNotMatch(applyButton(page({ resultHtml: '<p>r</p>', resultVersion: 1, actions })), /hidden|disabled/);
    const failed = applyButton(page({ resultHtml: '<p>r</p>', resultVersion: 1, actions, error: 'The benchmark was cancelled; its processes were stopped.' }));
    assert.match(failed, / disabled/);
    assert.match(failed, / hidden/);
    const running = applyButton(page({ resultHtml: '<p>r</p>', resultVersion: 1, actions, running: { fraction: 0.5, message: 'round 2' } }));
    assert.match(running, / disabled/);
    assert.match(applyButton(page()), / hidden/, 'nothing to apply before a result');
  });

  test('the modes are named in the language of the module', () => {
    assert.match(page({ language: 'python' }), /compare sequential, a thread pool and a process pool/);
    const js = page({ language: 'node', functionName: 'fib', fileLabel: 'fib.mjs' });
    assert.match(js, /compare the main thread, worker_threads and child_process/);
    assert.doesNotMatch(js, /threads and processes|threads vs processes/);
    assert.equal(modesPhrase('node'), 'the main thread, worker_threads and child_process');
  });

  test('facts in plain words: an Amdahl fit only from 3 or more worker counts', () => {
    const one = factsList({ ...REAL, scaling: [{ mode: 'processes', amdahl: fitAmdahl([{ workers: 2, speedup: 1.9 }]), karpFlatt: [] }] }, '');
    assert.ok(!one.some(([k, v]) => /Amdahl|Scaling/.test(k) || /from 1 point/.test(v)), JSON.stringify(one));
    const three = factsList(
      { ...REAL, scaling: [{ mode: 'processes', amdahl: fitAmdahl([2, 4, 8].map((n) => ({ workers: n, speedup: 1 / (0.1 + 0.9 / n) }))), karpFlatt: [] }] },
      '',
    );
    const scaling = three.find(([k]) => k === 'Scaling, processes');
    assert.ok(scaling, JSON.stringify(three));
    assert.match(scaling[1], /about 10% of the work does not run in parallel: no number of workers gets past about 10\.0?0?×/);
    const method = three.find(([k]) => k === 'Method')?.[1] ?? '';
    assert.match(method, /taking turns between the modes/);
  });
});
