import * as path from 'node:path';
import { cellLabel, formatMs, formatX, modeLabel } from '../recommend';
import { singleCellMode } from '../plan';
import type { Mode } from '../protocol';
import type { BenchResult, CellResult } from '../types';

// `bench --html FILE`: one self-contained page (inline CSS and SVG, no script, no remote
// content), so it can be attached to a CI run or mailed, and opens offline. The chart is the
// speedup against worker count per mode, with the ideal (linear) line and the 1× line.

const COLORS: Record<Mode, string> = {
  sequential: '#6b7280',
  threads: '#2563eb',
  processes: '#dc2626',
  'processes-spawn': '#ea580c',
  interpreters: '#7c3aed',
  worker_threads: '#2563eb',
  child_process: '#dc2626',
  'main-thread-async': '#059669',
};

const esc = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);

export function formatBenchHtml(result: BenchResult, cwd: string = process.cwd()): string {
  const file = path.relative(cwd, result.file) || result.file;
  const title = `Concurrency Lens: ${result.functionName}() in ${path.basename(result.file)}`;
  const i = result.interpreter;
  const facts: [string, string][] = [
    ['File', file],
    ['Function', `${result.functionName}()`],
    ['Tasks per batch', result.taskCount !== null ? `${result.taskCount} from ${result.inputs}${result.inputPreview ? ` (first: ${result.inputPreview})` : ''}` : result.inputs],
  ];
  if (i) {
    facts.push(['Interpreter', `${i.implementation} ${i.version} (${i.executable})`]);
    if (i.language === 'python') {
      facts.push(['GIL', i.gilEnabled === false ? 'disabled (free-threaded)' : 'enabled']);
      facts.push(['Default start method', i.defaultStartMethod ?? '—']);
      facts.push(['InterpreterPoolExecutor', i.hasInterpreterPool ? 'available' : 'not available']);
    }
  }
  const m = result.machine;
  facts.push(['Machine', `${m.cpuCount} CPUs (${m.usableCpus} usable)${m.cpuModel ? `, ${m.cpuModel}` : ''}, ${m.platform}/${m.arch}, ${m.totalMemoryMb} MB`]);
  if (m.loadAverage !== null) facts.push(['Load average at start', m.loadAverage.toFixed(2)]);
  if (result.taskProfile) facts.push(['One task', `${formatMs(result.taskProfile.wallMs)} wall, ${formatMs(result.taskProfile.cpuMs)} CPU`]);
  if (result.workload) facts.push(['Workload', result.workload.summary]);
  if (result.serialization) facts.push(['Serialization per task', `${result.serialization.bytesPerTask} bytes, ${formatMs(result.serialization.msPerTask)}`]);
  facts.push(['Method', `${result.rounds} interleaved rounds in ${(result.durationMs / 1000).toFixed(1)} s (budget ${result.settings.maxSeconds} s), ` +
    `≥ ${result.settings.minSampleMs} ms per sample, ${result.settings.warmupRuns} warm-up run per cell discarded, medians with bootstrap ${Math.round(result.settings.confidence * 100)}% CIs (${result.settings.bootstrapResamples} resamples, seed ${result.settings.seed})`]);

  const r = result.recommendation;
  const verdict = r
    ? `<section class="verdict"><h2>Verdict: ${esc(r.mode === 'sequential' ? 'run it inline (sequential)' : `${modeLabel(r.mode)} with ${r.workers} worker${r.workers === 1 ? '' : 's'}`)}</h2><p>${esc(r.reason)}</p></section>`
    : '';
  const errors = result.errors
    .map((e) => `<div class="error"><strong>${esc(e.kind)}${e.mode ? ` (${esc(e.mode)})` : ''}:</strong> ${esc(e.message)}${e.detail ? `<pre>${esc(e.detail)}</pre>` : ''}</div>`)
    .join('');
  const warnings = result.warnings.map((w) => `<div class="warning">${esc(w)}</div>`).join('');
  const scaling = result.scaling
    .filter((s) => s.amdahl)
    .map((s) => {
      const a = s.amdahl!;
      const kf = s.karpFlatt.map((k) => `e(${k.workers}) = ${k.value.toFixed(3)}`).join(', ');
      return `<li><b>${esc(modeLabel(s.mode))}</b>: Amdahl serial fraction ${a.serialFraction.toFixed(3)}${a.maxSpeedup !== null && a.serialFraction > 0 && a.serialFraction < 1 ? ` (at most ${formatX(a.maxSpeedup)})` : ''}${kf ? `; Karp–Flatt ${kf}` : ''}</li>`;
    })
    .join('');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #111827; background: #fff; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.sub { color: #6b7280; margin-top: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { color: #6b7280; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid #e5e7eb; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; } th { background: #f9fafb; }
tr.failed td { color: #b91c1c; } td.unstable { color: #b45309; }
.verdict { border-left: 4px solid #059669; background: #ecfdf5; padding: .5rem 1rem; }
.error { border-left: 4px solid #dc2626; background: #fef2f2; padding: .5rem 1rem; margin: .5rem 0; }
.warning { border-left: 4px solid #d97706; background: #fffbeb; padding: .5rem 1rem; margin: .5rem 0; }
pre { white-space: pre-wrap; font-size: 12px; } svg text { font: 12px system-ui, sans-serif; fill: #374151; }
@media (prefers-color-scheme: dark) { body { background: #111827; color: #e5e7eb; } th { background: #1f2937; } th, td { border-color: #374151; }
  .verdict { background: #064e3b; } .error { background: #450a0a; } .warning { background: #451a03; } svg text { fill: #d1d5db; } }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="sub">Concurrency Lens benchmark, ${esc(result.startedAt)} · status ${esc(result.status)}</p>
${verdict}
${errors}${warnings}
<h2>Speedup against workers</h2>
${speedupSvg(result.cells)}
<h2>Measurements</h2>
${table(result.cells)}
<p class="sub">Median: wall time of one batch (every task once), pool start-up excluded. Speedup: T(sequential) ÷ T(cell), with a bootstrap CI of the ratio. Efficiency: speedup ÷ workers. Dispatch: an empty task through the pool. CPU/wall: CPU time of the harness and its workers ÷ wall time (≈ busy cores). Unstable (!): CV ≥ 10% or min/max ≥ 50% away from the median.</p>
${scaling ? `<h2>Scaling</h2><ul>${scaling}</ul>` : ''}
<h2>Setup</h2>
<dl>${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
</body>
</html>
`;
}

function table(cells: readonly CellResult[]): string {
  const head = ['Mode', 'Workers', 'Median', '95% CI', 'Speedup', '95% CI', 'Efficiency', 'Start-up', 'Dispatch/task', 'CPU/wall', 'Samples'];
  const rows = cells.map((c) => {
    if (c.status !== 'ok') {
      return `<tr class="failed"><td>${esc(modeLabel(c.mode))}</td><td>${singleCellMode(c.mode) ? '' : c.workers}</td><td colspan="9" style="text-align:left">${esc(c.status === 'failed' ? `failed: ${c.error?.message ?? c.error?.kind ?? ''}` : 'not run')}</td></tr>`;
    }
    const cols = [
      formatMs(c.medianMs as number),
      c.ci95Ms ? `${formatMs(c.ci95Ms.low)} – ${formatMs(c.ci95Ms.high)}` : '',
      c.speedup !== null ? formatX(c.speedup) : '',
      c.speedupCi95 && c.mode !== 'sequential' ? `${c.speedupCi95.low.toFixed(2)} – ${c.speedupCi95.high.toFixed(2)}×` : '',
      c.efficiency !== null ? `${Math.round(c.efficiency * 100)}%` : '',
      c.startupMs !== null ? formatMs(c.startupMs) : '',
      c.dispatchMsPerTask !== null ? formatMs(c.dispatchMsPerTask) : '',
      c.cpuWallRatio !== null ? c.cpuWallRatio.toFixed(2) : '',
      `${c.samplesMs.length} × ${c.repeat ?? 1}`,
    ];
    const median = c.unstable ? `<td class="unstable" title="${esc(c.unstableReason ?? '')}">${esc(cols[0])} !</td>` : `<td>${esc(cols[0])}</td>`;
    return `<tr><td>${esc(modeLabel(c.mode))}</td><td>${singleCellMode(c.mode) ? '' : c.workers}</td>${median}${cols.slice(1).map((t) => `<td>${esc(t)}</td>`).join('')}</tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Speedup (y) against workers (x), one line per mode, CI whiskers, the ideal line and 1×. */
export function speedupSvg(cells: readonly CellResult[]): string {
  const ok = cells.filter((c) => c.status === 'ok' && c.speedup !== null && !singleCellMode(c.mode));
  const singles = cells.filter((c) => c.status === 'ok' && c.speedup !== null && singleCellMode(c.mode) && c.mode !== 'sequential');
  if (ok.length === 0 && singles.length === 0) return '<p class="sub">No pool was measured.</p>';
  const W = 640;
  const H = 320;
  const pad = { left: 48, right: 150, top: 16, bottom: 40 };
  const maxWorkers = Math.max(1, ...ok.map((c) => c.workers));
  const maxY = Math.max(1.2, ...ok.map((c) => c.speedupCi95?.high ?? (c.speedup as number)), ...singles.map((c) => c.speedup as number), Math.min(maxWorkers, 4)) * 1.08;
  const x = (n: number): number => pad.left + ((n - 1) / Math.max(1, maxWorkers - 1)) * (W - pad.left - pad.right);
  const y = (s: number): number => H - pad.bottom - (s / maxY) * (H - pad.top - pad.bottom);
  const parts: string[] = [];
  // Axes and grid.
  const yTicks = niceTicks(maxY);
  for (const t of yTicks) {
    parts.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#9ca3af" stroke-opacity=".3"/>`);
    parts.push(`<text x="${pad.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}×</text>`);
  }
  const workers = [...new Set(ok.map((c) => c.workers))].sort((a, b) => a - b);
  for (const n of workers.length > 0 ? workers : [1]) {
    parts.push(`<text x="${x(n).toFixed(1)}" y="${H - pad.bottom + 16}" text-anchor="middle">${n}</text>`);
  }
  parts.push(`<text x="${((pad.left + W - pad.right) / 2).toFixed(1)}" y="${H - 6}" text-anchor="middle">workers</text>`);
  // 1× (sequential) and the ideal linear speedup.
  parts.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${y(1).toFixed(1)}" y2="${y(1).toFixed(1)}" stroke="#6b7280" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${W - pad.right + 6}" y="${(y(1) + 4).toFixed(1)}">sequential (1×)</text>`);
  if (maxWorkers > 1) {
    const top = Math.min(maxWorkers, maxY);
    parts.push(`<line x1="${x(1)}" y1="${y(1).toFixed(1)}" x2="${x(top).toFixed(1)}" y2="${y(top).toFixed(1)}" stroke="#9ca3af" stroke-dasharray="1 3"/>`);
    parts.push(`<text x="${(x(top) + 4).toFixed(1)}" y="${(y(top) - 4).toFixed(1)}">ideal</text>`);
  }
  let legendY = pad.top + 8;
  const modes = [...new Set(ok.map((c) => c.mode))];
  for (const mode of modes) {
    const color = COLORS[mode] ?? '#111827';
    const points = ok.filter((c) => c.mode === mode).sort((a, b) => a.workers - b.workers);
    const d = points.map((c, k) => `${k === 0 ? 'M' : 'L'}${x(c.workers).toFixed(1)},${y(c.speedup as number).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${mode === 'processes-spawn' ? ' stroke-dasharray="6 3"' : ''}/>`);
    for (const c of points) {
      const cx = x(c.workers).toFixed(1);
      if (c.speedupCi95) parts.push(`<line x1="${cx}" x2="${cx}" y1="${y(c.speedupCi95.low).toFixed(1)}" y2="${y(c.speedupCi95.high).toFixed(1)}" stroke="${color}" stroke-width="1.5"/>`);
      parts.push(`<circle cx="${cx}" cy="${y(c.speedup as number).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(`${cellLabel(c)}: ${formatX(c.speedup as number)}`)}</title></circle>`);
    }
    parts.push(`<rect x="${W - pad.right + 6}" y="${legendY - 9}" width="12" height="3" fill="${color}"/><text x="${W - pad.right + 24}" y="${legendY - 4}">${esc(modeLabel(mode))}</text>`);
    legendY += 18;
  }
  for (const c of singles) {
    const color = COLORS[c.mode] ?? '#111827';
    parts.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${y(c.speedup as number).toFixed(1)}" y2="${y(c.speedup as number).toFixed(1)}" stroke="${color}" stroke-width="1.5"/>`);
    parts.push(`<text x="${W - pad.right + 6}" y="${legendY - 4}" fill="${color}">${esc(`${modeLabel(c.mode)} ${formatX(c.speedup as number)}`)}</text>`);
    legendY += 18;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Speedup against workers per mode">${parts.join('')}</svg>`;
}

function niceTicks(max: number): number[] {
  const step = max <= 2.5 ? 0.5 : max <= 6 ? 1 : max <= 12 ? 2 : Math.ceil(max / 6);
  const ticks: number[] = [];
  for (let t = 0; t <= max + 1e-9; t += step) ticks.push(Number(t.toFixed(2)));
  return ticks;
}
