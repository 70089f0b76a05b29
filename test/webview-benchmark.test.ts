import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mode } from '../src/profiling/protocol';
import type { BenchResult, CellResult, WorkloadKind } from '../src/profiling/types';
import { chartSummary, costRows, esc, resultHtml, resultTableHtml, speedupChartSvg, ticks, warningsHtml } from '../src/profiling/report/html';
import { shortX, verdictSentence } from '../src/profiling/report/format';
import { CSV_COLUMNS, benchmarkCsv, benchmarkJson, benchmarkMarkdown } from '../src/profiling/report/export';
import { benchmarkPageHtml, contentSecurityPolicy, makeNonce, panelActions } from '../src/extension/benchmark-page';
import { parseFromWebview, parsePanelState } from '../src/protocol/panel';

// The benchmark panel's pure parts on synthetic results (and one real `bench --json` document):
// the verdict sentence, the SVG chart, the cost breakdown, the exports and the page with its CSP.

const REAL: BenchResult = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'webview', 'bench-result-cpu-python.json'), 'utf8'));

interface CellSpec {
  mode: Mode;
  workers: number;
  speedup: number;
  ci?: [number, number] | null;
  unstable?: string;
  status?: CellResult['status'];
}

const SEQ_MS = 400;

function cell(s: CellSpec): CellResult {
  const status = s.status ?? 'ok';
  if (status !== 'ok') {
    return {
      mode: s.mode, workers: s.workers, status, repeat: null, samplesMs: [], medianMs: null, ci95Ms: null, meanMs: null, minMs: null, maxMs: null,
      cv: null, unstable: false, unstableReason: null, speedup: null, speedupCi95: null, efficiency: null, karpFlatt: null, startupMs: null,
      dispatchMsPerTask: null, serialization: null, cpuWallRatio: null, cpuMsPerTask: null,
      error: status === 'failed' ? { kind: 'raised', mode: s.mode, workers: s.workers, message: 'boom <b>', detail: 'Traceback…' } : null,
    };
  }
  const median = SEQ_MS / s.speedup;
  const ci = s.ci === undefined ? [s.speedup * 0.9, s.speedup * 1.1] : s.ci;
  const pool = s.mode !== 'sequential';
  const crosses = pool && s.mode !== 'threads';
  return {
    mode: s.mode,
    workers: s.workers,
    status,
    repeat: 1,
    samplesMs: [median * 0.98, median, median * 1.02],
    medianMs: median,
    ci95Ms: { low: median * 0.97, high: median * 1.03 },
    meanMs: median,
    minMs: median * 0.98,
    maxMs: median * 1.02,
    cv: 0.02,
    unstable: !!s.unstable,
    unstableReason: s.unstable ?? null,
    speedup: s.speedup,
    speedupCi95: ci ? { low: ci[0], high: ci[1] } : null,
    efficiency: s.speedup / s.workers,
    karpFlatt: s.workers >= 2 ? (1 / s.speedup - 1 / s.workers) / (1 - 1 / s.workers) : null,
    startupMs: pool ? (crosses ? 40 : 1) : null,
    dispatchMsPerTask: pool ? (crosses ? 0.2 : 0.02) : 0.0001,
    serialization: crosses ? { bytesPerTask: 60, msPerTask: 0.01 } : null,
    cpuWallRatio: 0.99 * Math.min(s.speedup, s.workers),
    cpuMsPerTask: 100,
    error: null,
  };
}

function result(kind: WorkloadKind, specs: CellSpec[], rec: { mode: Mode; workers: number } | null, extra: Partial<BenchResult> = {}): BenchResult {
  const cells = [cell({ mode: 'sequential', workers: 1, speedup: 1, ci: [1, 1] }), ...specs.map(cell)];
  const chosen = rec ? cells.find((c) => c.mode === rec.mode && c.workers === rec.workers) : null;
  return {
    ...REAL,
    file: '/w/bench_cpu.py',
    functionName: 'compute',
    inputs: '[300_000] * 4',
    taskCount: 4,
    workload: { kind, cpuWallRatio: kind === 'io-bound' ? 0.05 : 0.99, taskMs: 100, releasesGil: false, static: null, summary: `${kind}: a task spends …` },
    cells,
    scaling: [],
    recommendation: rec
      ? { mode: rec.mode, workers: rec.workers, reason: 'Because <reasons>.', speedup: chosen?.speedup ?? 1, speedupCi95: chosen?.speedupCi95 ?? null }
      : null,
    errors: [],
    warnings: [],
    ...extra,
  };
}

const CPU = result(
  'cpu-bound',
  [
    { mode: 'threads', workers: 1, speedup: 1.0 },
    { mode: 'threads', workers: 2, speedup: 0.97 },
    { mode: 'processes', workers: 1, speedup: 0.95 },
    { mode: 'processes', workers: 2, speedup: 1.9, ci: [1.8, 2.0] },
  ],
  { mode: 'processes', workers: 2 },
);

const IO = result(
  'io-bound',
  [
    { mode: 'threads', workers: 1, speedup: 1.0 },
    { mode: 'threads', workers: 2, speedup: 1.95 },
    { mode: 'threads', workers: 4, speedup: 3.8 },
    { mode: 'processes', workers: 1, speedup: 0.8 },
    { mode: 'processes', workers: 2, speedup: 1.5 },
    { mode: 'processes', workers: 4, speedup: 2.1 },
  ],
  { mode: 'threads', workers: 4 },
);

const INLINE = result(
  'trivial',
  [
    { mode: 'threads', workers: 1, speedup: 0.8 },
    { mode: 'threads', workers: 2, speedup: 0.6 },
    { mode: 'processes', workers: 1, speedup: 0.1 },
    { mode: 'processes', workers: 2, speedup: 0.2 },
  ],
  { mode: 'sequential', workers: 1 },
);

describe('verdict sentence', () => {
  test('CPU-bound: processes win, threads compared', () => {
    assert.equal(verdictSentence(CPU), 'CPU-bound: processes are 1.9× faster than sequential with 2 workers; threads 1.0×.');
  });

  test('I/O-bound: threads win, processes compared', () => {
    assert.equal(verdictSentence(IO), 'I/O-bound: threads are 3.8× faster than sequential with 4 workers; processes 2.1×.');
  });

  test('every pool slower: run it inline, with each mode’s best', () => {
    assert.equal(verdictSentence(INLINE), 'Run it inline: every pool was slower than sequential (threads 0.8×, processes 0.2×).');
  });

  test('a tie within the noise: no pool clearly faster', () => {
    const r = result('cpu-bound', [{ mode: 'threads', workers: 2, speedup: 1.02 }, { mode: 'processes', workers: 2, speedup: 1.08 }], { mode: 'sequential', workers: 1 });
    assert.equal(verdictSentence(r), 'Run it inline: no pool was clearly faster than sequential (threads 1.0×, processes 1.1×).');
  });

  test('a failed mode is named; no workload class means a capitalised claim', () => {
    const r = result('cpu-bound', [{ mode: 'threads', workers: 2, speedup: 0, status: 'failed' }, { mode: 'processes', workers: 2, speedup: 1.9 }], { mode: 'processes', workers: 2 });
    assert.equal(verdictSentence(r), 'CPU-bound: processes are 1.9× faster than sequential with 2 workers; threads failed.');
    assert.equal(verdictSentence({ ...r, workload: null }), 'Processes are 1.9× faster than sequential with 2 workers; threads failed.');
  });

  test('Node modes: worker threads win; the async mode has no worker count', () => {
    const r = result('cpu-bound', [
      { mode: 'main-thread-async', workers: 1, speedup: 1.0 },
      { mode: 'worker_threads', workers: 2, speedup: 1.8 },
      { mode: 'child_process', workers: 2, speedup: 1.5 },
    ], { mode: 'worker_threads', workers: 2 }, { settings: { ...REAL.settings, modes: ['sequential', 'main-thread-async', 'worker_threads', 'child_process'] } });
    assert.equal(verdictSentence(r), 'CPU-bound: worker_threads are 1.8× faster than sequential with 2 workers; main thread (async) 1.0×, child_process 1.5×.');
    const svg = speedupChartSvg(r);
    assert.match(svg, /<line class="line flat c-green" data-mode="main-thread-async"/);
    assert.match(svg, /<path class="line c-blue" data-mode="worker_threads"/);
  });

  test('no recommendation: says why', () => {
    const r = { ...result('unknown', [], null), status: 'failed' as const, errors: [{ kind: 'import' as const, mode: null, workers: null, message: 'No module named numpy.', detail: null }] };
    assert.equal(verdictSentence(r), 'No verdict: the sequential baseline did not run (No module named numpy).');
    assert.match(verdictSentence({ ...r, status: 'aborted', errors: [] }), /cancelled/);
  });

  test('the real CLI result reads as a sentence that names processes', () => {
    const v = verdictSentence(REAL);
    assert.match(v, /processes/);
    assert.match(v, /\.$/);
  });

  test('short speedups', () => {
    assert.deepEqual([shortX(1.94), shortX(0.04), shortX(12.4), shortX(NaN)], ['1.9×', '0.04×', '12×', '?×']);
  });

  test('apply button: only when there is something to apply', () => {
    assert.deepEqual(panelActions(CPU), { hasResult: true, canApply: true, applyLabel: 'Apply recommendation: processes × 2' });
    // Running inline has no edit to apply; neither has an untrusted run, nor a Node.js module.
    assert.equal(panelActions(INLINE).canApply, false);
    assert.equal(panelActions({ ...CPU, verdict: { status: 'inconclusive', reason: 'busy.', advice: 'wait.', problems: [{ kind: 'busy', message: 'busy' }] } }).canApply, false);
    assert.equal(panelActions({ ...CPU, language: 'node' }).canApply, false);
    assert.deepEqual(panelActions(null), { hasResult: false, canApply: false, applyLabel: 'Apply recommendation' });
  });
});

/** Every number in every `d`, `x…`, `y…`, `cx`, `cy`, `width`, `height` attribute of an SVG string. */
function geometry(svg: string): string[] {
  return [...svg.matchAll(/\s(d|x|y|x1|x2|y1|y2|cx|cy|width|height|r)="([^"]*)"/g)].map((m) => m[2]);
}

describe('speedup chart', () => {
  test('one line and one CI band per pool mode, the ideal line and the 1× line', () => {
    const svg = speedupChartSvg(IO);
    assert.match(svg, /^<svg class="chart speedup-chart" viewBox="0 0 640 300" role="img" aria-label="/);
    assert.equal([...svg.matchAll(/<path class="line [^"]*" data-mode="threads"/g)].length, 1);
    assert.equal([...svg.matchAll(/<path class="line [^"]*" data-mode="processes"/g)].length, 1);
    assert.equal([...svg.matchAll(/<path class="band [^"]*" data-mode="/g)].length, 2);
    assert.match(svg, /<line class="ideal"/);
    assert.match(svg, /<line class="baseline"/);
    // Theme colours by class, no hard-coded colour.
    assert.match(svg, /class="line c-blue" data-mode="threads"/);
    assert.match(svg, /class="line c-red" data-mode="processes"/);
    assert.doesNotMatch(svg, /#[0-9a-f]{3,6}\b|style=/i);
    // Three points per line; the band goes out along the highs and back along the lows.
    const line = /data-mode="threads" d="([^"]+)"/.exec(svg.slice(svg.indexOf('<path class="line')))![1];
    assert.equal(line.split(' ').length, 3);
    const band = /<path class="band c-blue" data-mode="threads" d="([^"]+)"/.exec(svg)![1];
    assert.equal(band.split(' ').filter((p) => /^[ML]/.test(p)).length, 6);
    assert.match(band, /Z$/);
    // x ticks are the worker counts; a legend names each mode.
    for (const n of ['1', '2', '4']) assert.match(svg, new RegExp(`text-anchor="middle">${n}</text>`));
    assert.match(svg, />threads<\/text>/);
    assert.match(svg, />ideal \(linear\)<\/text>/);
  });

  test('no NaN or Infinity even with missing CIs, nulls and one worker count', () => {
    const odd = result('cpu-bound', [
      { mode: 'threads', workers: 1, speedup: 1.0, ci: null },
      { mode: 'processes', workers: 1, speedup: 0.5, ci: [NaN, Infinity] as [number, number] },
      { mode: 'processes-spawn', workers: 1, speedup: 0, status: 'failed' },
    ], null);
    for (const r of [odd, CPU, IO, INLINE, REAL]) {
      const svg = speedupChartSvg(r);
      for (const g of geometry(svg)) assert.doesNotMatch(g, /NaN|Infinity|undefined/, g);
      assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
    }
  });

  test('huge CI highs are clipped to the plot instead of stretching the axis', () => {
    const wild = result('cpu-bound', [{ mode: 'processes', workers: 2, speedup: 1.5, ci: [0.2, 40] }, { mode: 'processes', workers: 1, speedup: 1, ci: [0.5, 30] }], null);
    const svg = speedupChartSvg(wild);
    const ys = [...svg.matchAll(/<text class="tick" x="46" y="[^"]+" text-anchor="end">([\d.]+)×/g)].map((m) => Number(m[1]));
    assert.ok(Math.max(...ys) <= 3, `y axis up to ${Math.max(...ys)}`);
    for (const g of geometry(svg)) for (const n of g.match(/-?\d+(\.\d+)?/g) ?? []) assert.ok(Number(n) >= -20, g);
  });

  test('text is escaped and the aria-label summarises every curve', () => {
    const svg = speedupChartSvg(IO);
    const label = /aria-label="([^"]+)"/.exec(svg)![1];
    assert.match(label, /threads: 1\.0× with 1 worker, 1\.9× with 2 workers, 3\.8× with 4 workers/);
    assert.match(label, /processes: 0\.8× with 1 worker/);
    assert.equal(chartSummary({ cells: [], settings: REAL.settings }), 'Speedup against workers: no pool was measured.');
    assert.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  test('nothing measured: a note, not an empty chart', () => {
    assert.match(speedupChartSvg(result('unknown', [], null)), /^<p class="note">No pool was measured/);
  });

  test('ticks are round numbers from 0', () => {
    assert.deepEqual(ticks(2.2), [0, 0.5, 1, 1.5, 2]);
    assert.deepEqual(ticks(4.3), [0, 1, 2, 3, 4]);
    assert.deepEqual(ticks(NaN), [0]);
  });
});

describe('cost breakdown, table and warnings', () => {
  test('per mode at the recommended worker count: start-up, dispatch × tasks, serialisation × tasks, the rest', () => {
    const data = costRows(CPU)!;
    assert.equal(data.workers, 2);
    const procs = data.rows.find((r) => r.mode === 'processes')!;
    assert.equal(procs.workers, 2);
    assert.equal(procs.startupMs, 40);
    assert.ok(Math.abs(procs.dispatchMs - 0.8) < 1e-9);
    assert.ok(Math.abs(procs.serializationMs - 0.04) < 1e-9);
    assert.ok(Math.abs(procs.workMs + procs.dispatchMs + procs.serializationMs - procs.medianMs) < 1e-9);
    const threads = data.rows.find((r) => r.mode === 'threads')!;
    assert.equal(threads.serializationMs, 0);
    const seq = data.rows.find((r) => r.mode === 'sequential')!;
    assert.deepEqual([seq.startupMs, seq.dispatchMs, seq.workMs], [0, 0, SEQ_MS]);
    assert.equal(costRows({ ...CPU, taskCount: null }), null);
  });

  test('the table is a real table: caption, column and row headers, ⚠ with the reason on unstable cells', () => {
    const r = result('cpu-bound', [{ mode: 'threads', workers: 2, speedup: 1, unstable: 'CV 30% ≥ 10%' }, { mode: 'processes', workers: 2, speedup: 0, status: 'failed' }], null);
    const html = resultTableHtml(r);
    assert.match(html, /<table class="results"><caption>/);
    assert.equal([...html.matchAll(/<th scope="col">/g)].length, 13);
    assert.equal([...html.matchAll(/<th scope="row">/g)].length, 3);
    assert.match(html, /⚠<\/span><span class="visually-hidden"> \(unstable: CV 30% ≥ 10%\)/);
    assert.match(html, /failed: boom &lt;b&gt;/);
    const warnings = warningsHtml(r);
    assert.match(warnings, /threads × 2<\/strong> measured unstably: CV 30% ≥ 10%/);
  });

  test('the result area escapes what comes from the user’s code', () => {
    const evil = { ...CPU, functionName: '<img src=x onerror=alert(1)>', errors: [{ kind: 'raised' as const, mode: 'processes' as Mode, workers: 2, message: '<script>alert(1)</script>', detail: '</pre><script>' }], warnings: ['<b>w</b>'] };
    const html = resultHtml(evil, 'CPython <3.11>');
    assert.doesNotMatch(html, /<script|<img|<b>w/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /CPython &lt;3\.11&gt;/);
    assert.doesNotMatch(html, /style=|on\w+=|https?:/);
  });

  test('the real result renders every section', () => {
    const html = resultHtml(REAL, 'Python 3.11.7');
    for (const part of ['id="verdict"', 'speedup-chart', 'cost-chart', 'class="results"', 'class="facts"', 'GIL', 'Default start method']) assert.ok(html.includes(part), part);
    assert.doesNotMatch(html, /NaN|undefined|null/);
  });
});

/** One CSV record (no line breaks inside fields here): RFC 4180 quotes undone. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  const re = /(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g;
  for (const m of line.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
  return out;
}

describe('exports', () => {
  test('CSV: a header and one row per cell, RFC 4180 quoting, no formula injection', () => {
    const r = { ...CPU, file: '/w/a,"b".py', cells: [...CPU.cells, { ...cell({ mode: 'threads', workers: 4, speedup: 1, unstable: '=HYPERLINK("x")' }) }] };
    const csv = benchmarkCsv(r);
    const lines = csv.split('\r\n');
    assert.equal(lines.at(-1), '');
    assert.equal(lines[0], CSV_COLUMNS.join(','));
    assert.equal(lines.length - 2, r.cells.length);
    assert.ok(lines[1].startsWith('"/w/a,""b"".py",compute,sequential,1,ok,400,'));
    const fields = parseCsvLine(lines.find((l) => l.includes(',processes,2,'))!);
    assert.equal(fields.length, CSV_COLUMNS.length);
    assert.equal(fields[0], '/w/a,"b".py');
    assert.equal(fields[CSV_COLUMNS.indexOf('speedup')], '1.9');
    assert.equal(fields[CSV_COLUMNS.indexOf('speedup_ci_low')], '1.8');
    assert.equal(fields[CSV_COLUMNS.indexOf('unstable')], 'false');
    assert.match(csv, /,"'=HYPERLINK\(""x""\)",/);
  });

  test('JSON is the result document itself', () => {
    assert.deepEqual(JSON.parse(benchmarkJson(CPU)), CPU);
  });

  test('Markdown: heading, verdict, table with one row per cell, notes and facts; pipes escaped', () => {
    const failed = cell({ mode: 'processes', workers: 4, speedup: 0, status: 'failed' });
    failed.error!.message = 'a | b';
    const r = { ...CPU, cells: [...CPU.cells, failed], warnings: ['careful'] };
    const text = benchmarkMarkdown(r, 'Python 3.11 (venv)');
    assert.match(text, /^### Benchmark: `compute\(\)` in `bench_cpu\.py`\n\n\*\*CPU-bound: processes are 1\.9× faster than sequential with 2 workers; threads 1\.0×\.\*\*/);
    const rows = text.split('\n').filter((l) => l.startsWith('| '));
    assert.equal(rows.length, 1 + r.cells.length);
    assert.match(text, /\| processes \| 2 \| 211 ms \| .* \| 1\.90× \|/);
    assert.match(text, /\| processes \| 4 \| failed: a \\\| b \|/);
    assert.match(text, /- ⚠ careful/);
    assert.match(text, /- \*\*Interpreter:\*\* Python 3\.11 \(venv\)/);
  });
});

describe('page and CSP', () => {
  const page = (extra: Partial<Parameters<typeof benchmarkPageHtml>[0]> = {}): string =>
    benchmarkPageHtml({
      cspSource: 'vscode-webview://abc',
      nonce: 'N0nce123',
      scriptUri: 'vscode-webview://abc/dist/webview/benchmark.js',
      styleUri: 'vscode-webview://abc/dist/webview/benchmark.css',
      functionName: 'compute',
      fileLabel: 'bench_cpu.py',
      key: { file: '/w/bench_cpu.py', functionName: 'compute' },
      resultHtml: resultHtml(CPU, 'Python 3.11'),
      resultVersion: 1,
      actions: panelActions(CPU),
      ...extra,
    });

  test('strict CSP: default-src none, the script by nonce, styles from the webview source only', () => {
    const html = page();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    assert.equal(csp, contentSecurityPolicy('vscode-webview://abc', 'N0nce123'));
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-N0nce123'/);
    assert.match(csp, /style-src vscode-webview:\/\/abc(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], / nonce="N0nce123" src="vscode-webview:\/\/abc\/dist\/webview\/benchmark\.js"/);
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/);
  });

  test('keys, buttons and states', () => {
    const html = page({ running: { fraction: 0.25, message: 'processes × 2 <warm-up>' }, key: { file: '/w/"q".py', functionName: 'f' } });
    assert.match(html, /data-key="\{&quot;file&quot;:&quot;\/w\/\\&quot;q\\&quot;\.py&quot;,&quot;functionName&quot;:&quot;f&quot;\}"/);
    for (const id of ['rerun', 'apply', 'export-json', 'export-csv', 'copy-markdown']) assert.match(html, new RegExp(`<button type="button" id="${id}"`));
    assert.match(html, /<button type="button" id="rerun" data-action="rerun" disabled>/);
    assert.match(html, /<progress id="progress-bar" max="1" value="0\.250">/);
    assert.match(html, /processes × 2 &lt;warm-up&gt;/);
    const idle = page({ resultHtml: '', resultVersion: 0, actions: panelActions(null) });
    assert.match(idle, /id="export-json" class="secondary" data-action="export-json" disabled/);
    assert.match(idle, /<section id="progress" class="progress" hidden/);
    assert.match(idle, /No result yet/);
  });

  test('nonces are 32 characters of [A-Za-z0-9]', () => {
    const n = makeNonce(Uint8Array.from({ length: 32 }, (_, i) => i * 7));
    assert.match(n, /^[A-Za-z0-9]{32}$/);
  });
});

describe('messages', () => {
  test('untrusted webview messages are narrowed', () => {
    assert.deepEqual(parseFromWebview({ type: 'export', format: 'csv' }), { type: 'export', format: 'csv' });
    assert.equal(parseFromWebview({ type: 'export', format: 'exe' }), null);
    assert.deepEqual(parseFromWebview({ type: 'ready', resultVersion: 'x' }), { type: 'ready', resultVersion: 0 });
    assert.deepEqual(parseFromWebview({ type: 'rerun', extra: 1 }), { type: 'rerun' });
    assert.equal(parseFromWebview('rerun'), null);
    assert.equal(parseFromWebview(null), null);
  });

  test('restored webview state gives the key back, or nothing', () => {
    assert.deepEqual(parsePanelState({ key: { file: '/a.py', functionName: 'f' }, other: 1 }), { key: { file: '/a.py', functionName: 'f' } });
    assert.equal(parsePanelState({ key: { file: '/a.py' } }), null);
    assert.equal(parsePanelState(undefined), null);
  });
});

test('the browser code type-checks against the DOM lib (src/webview/tsconfig.json)', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(__dirname, '..', 'src', 'webview')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});
