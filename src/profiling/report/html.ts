import * as path from 'node:path';
import { crossesBoundary, singleCellMode } from '../plan';
import type { Mode } from '../protocol';
import type { BenchResult, CellResult } from '../types';
import {
  breakEvenText,
  capitalise,
  cellLabel,
  cellTexts,
  factsList,
  finite,
  formatMs,
  formatX,
  isInconclusive,
  modeLabel,
  modeOrder,
  okCells,
  plural,
  shortX,
  unstableCells,
  verdictSentence,
} from './format';
import { PAGE_STYLE } from './page-style';

// The one HTML rendering of a BenchResult, with two outputs:
//
// - resultHtml: the result area of the VS Code panel, a fragment. It runs in the extension host
//   (see src/protocol/panel.ts for why) and in node:test.
// - formatBenchHtml: the page of `bench --html FILE`, the same fragment in a self-contained
//   document (PAGE_STYLE inline, SVG inline, no script, no remote content), so it can be attached
//   to a CI run or mailed and opens offline.
//
// Both live under a Content Security Policy without inline style attributes (the panel's allows
// styles only from the extension's CSS file), so the markup has no `style="…"` and no event
// handlers: colours are CSS classes, resolved by benchmark.css from --vscode-* variables in the
// panel (every theme applies without re-rendering) and by PAGE_STYLE in the page. Every text
// that comes from the result (file names, error messages, reasons) goes through `esc`.

export const esc = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);

// ---------------------------------------------------------------------------------------------
// The standalone page

/** `bench --html`: the panel's result area as a page; `cwd` shortens the file name in the header. */
export function formatBenchHtml(result: BenchResult, cwd: string = process.cwd()): string {
  const file = path.relative(cwd, result.file) || result.file;
  const title = `Concurrency Lens: ${result.functionName}() in ${path.basename(result.file)}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>
${PAGE_STYLE}</style>
</head>
<body>
<header class="page-header">
<h1>${esc(title)}</h1>
<p class="file">${esc(file)}</p>
<p class="note">Concurrency Lens benchmark, ${esc(result.startedAt)} · status ${esc(result.status)}</p>
</header>
<main>${resultHtml(result, '')}</main>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------
// The result area

/** The whole result area: verdict, chart, warnings, costs, table, facts. */
export function resultHtml(result: BenchResult, interpreterLabel: string): string {
  const verdict = verdictSentence(result);
  const inconclusive = isInconclusive(result);
  const why: string[] = [];
  if (result.workload && result.workload.kind !== 'unknown') why.push(`${capitalise(result.workload.summary)}.`);
  if (result.recommendation && !inconclusive) why.push(result.recommendation.reason);
  const status = result.status === 'ok' ? '' : `<p class="status-note">Status: ${esc(result.status)}${result.status === 'partial' ? ' (some modes failed: see the errors)' : ''}.</p>`;
  return (
    `<section class="verdict${inconclusive ? ' inconclusive' : ''}" id="verdict-box" data-verdict="${inconclusive ? 'inconclusive' : 'conclusive'}" aria-labelledby="verdict-h">` +
    `<h2 id="verdict-h" class="visually-hidden">Verdict</h2>` +
    `<p class="verdict-sentence" id="verdict">${inconclusive ? '⚠ ' : ''}${esc(verdict)}</p>` +
    inconclusiveHtml(result) +
    (why.length > 0 ? `<p class="verdict-why">${esc(why.join(' '))}</p>` : '') +
    status +
    unstableNote(result) +
    '</section>' +
    breakEvenHtml(result) +
    `<section aria-labelledby="chart-h"><h2 id="chart-h">Speedup against workers</h2><figure class="chart-figure">${speedupChartSvg(result)}` +
    '<figcaption class="note">Each line is a pool’s median speedup over sequential; its shaded band is the 95% confidence interval. ' +
    'The dashed diagonal is ideal linear scaling, the dotted line sequential (1×): below it, the pool loses.</figcaption></figure></section>' +
    warningsHtml(result) +
    `<section aria-labelledby="cost-h"><h2 id="cost-h">Where the time goes</h2>${costBreakdownHtml(result)}</section>` +
    `<section aria-labelledby="table-h"><h2 id="table-h">All measurements</h2>${resultTableHtml(result)}</section>` +
    `<section aria-labelledby="facts-h"><h2 id="facts-h">Interpreter and machine</h2><dl class="facts">` +
    factsList(result, interpreterLabel)
      .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
      .join('') +
    '</dl></section>'
  );
}

/** Why an inconclusive run cannot be trusted, and what to do: every problem, then the advice. */
function inconclusiveHtml(result: BenchResult): string {
  const v = result.verdict;
  if (!v || v.status !== 'inconclusive') return '';
  const problems = v.problems.map((p) => `<li>${esc(capitalise(p.message))}.</li>`).join('');
  const measured = result.recommendation && result.recommendation.mode !== 'sequential' ? `<p class="verdict-why">As measured, not to be trusted yet: ${esc(result.recommendation.reason)}</p>` : '';
  return (
    `<p class="verdict-why">This run cannot be trusted:</p><ul class="verdict-problems">${problems}</ul>` +
    (v.advice ? `<p class="verdict-advice"><strong>What to do:</strong> ${esc(v.advice)}</p>` : '') +
    measured
  );
}

/** The break-even estimate: from which call duration and item count a process pool pays off here. */
function breakEvenHtml(result: BenchResult): string {
  const text = breakEvenText(result);
  if (!text) return '';
  const rough = isInconclusive(result);
  return (
    `<section aria-labelledby="break-even-h"${rough ? ' class="rough"' : ''}><h2 id="break-even-h">When a process pool pays off${rough ? ' (rough: this run cannot be trusted)' : ''}</h2>` +
    `<p id="break-even">${rough ? '⚠ ' : ''}${esc(text)}</p></section>`
  );
}

/** One line under the verdict when cells were noisy: the full list sits lower, under Warnings. */
function unstableNote(result: BenchResult): string {
  const ok = result.cells.filter((c) => c.status === 'ok');
  const unstable = unstableCells(result);
  if (unstable.length === 0) return '';
  return (
    `<p class="unstable-note">⚠ ${unstable.length} of ${plural(ok.length, 'measurement')} ${unstable.length === 1 ? 'was' : 'were'} unstable, ` +
    'so close calls may flip on a re-run: <a href="#warnings-h">see the warnings</a>.</p>'
  );
}

// ---------------------------------------------------------------------------------------------
// The speedup chart

/** Colour class per mode (benchmark.css and PAGE_STYLE map them to the series colours). */
const MODE_COLOR: Record<Mode, string> = {
  sequential: 'c-fg',
  threads: 'c-blue',
  worker_threads: 'c-blue',
  processes: 'c-red',
  child_process: 'c-red',
  'processes-spawn': 'c-orange',
  interpreters: 'c-purple',
  'main-thread-async': 'c-green',
};

/** Markers differ by shape as well as colour, so the curves stay apart without colour vision. */
const MODE_MARKER: Record<Mode, Marker> = {
  sequential: 'circle',
  threads: 'circle',
  worker_threads: 'circle',
  'main-thread-async': 'circle',
  processes: 'square',
  child_process: 'square',
  'processes-spawn': 'diamond',
  interpreters: 'triangle',
};
type Marker = 'circle' | 'square' | 'diamond' | 'triangle';

export interface ChartOptions {
  width?: number;
  height?: number;
}

/** Round tick steps (1, 2, 2.5, 5 × 10^k) giving about `target` ticks from 0 to `max`. */
export function ticks(max: number, target = 5): number[] {
  if (!finite(max) || max <= 0) return [0];
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let k = 0; k * step <= max + step * 1e-9; k++) out.push(Number((k * step).toFixed(6)));
  return out;
}

const fmtTick = (t: number): string => `${Number(t.toFixed(2))}`;
const n1 = (v: number): string => v.toFixed(1);

/** One sentence per curve for the SVG's aria-label (the table holds every number too). */
export function chartSummary(result: Pick<BenchResult, 'cells' | 'settings'>): string {
  const parts: string[] = [];
  for (const mode of modeOrder(result)) {
    if (mode === 'sequential') continue;
    const cells = okCells(result.cells).filter((c) => c.mode === mode).sort((a, b) => a.workers - b.workers);
    if (cells.length === 0) continue;
    if (singleCellMode(mode)) parts.push(`${modeLabel(mode)}: ${shortX(cells[0].speedup as number)}`);
    else parts.push(`${modeLabel(mode)}: ${cells.map((c) => `${shortX(c.speedup as number)} with ${plural(c.workers, 'worker')}`).join(', ')}`);
  }
  if (parts.length === 0) return 'Speedup against workers: no pool was measured.';
  return `Speedup against sequential by worker count, with 95% confidence bands and the ideal linear speedup. ${parts.join('. ')}.`;
}

function markerSvg(shape: Marker, cx: number, cy: number, cls: string, title: string): string {
  const t = `<title>${esc(title)}</title>`;
  const r = 4;
  switch (shape) {
    case 'square':
      return `<rect class="${cls}" x="${n1(cx - r)}" y="${n1(cy - r)}" width="${2 * r}" height="${2 * r}">${t}</rect>`;
    case 'diamond':
      return `<path class="${cls}" d="M${n1(cx)},${n1(cy - r - 1)} L${n1(cx + r + 1)},${n1(cy)} L${n1(cx)},${n1(cy + r + 1)} L${n1(cx - r - 1)},${n1(cy)} Z">${t}</path>`;
    case 'triangle':
      return `<path class="${cls}" d="M${n1(cx)},${n1(cy - r - 1)} L${n1(cx + r + 1)},${n1(cy + r)} L${n1(cx - r - 1)},${n1(cy + r)} Z">${t}</path>`;
    default:
      return `<circle class="${cls}" cx="${n1(cx)}" cy="${n1(cy)}" r="${r}">${t}</circle>`;
  }
}

/** The plot's size and scales, shared by the chart's parts. */
interface ChartFrame {
  W: number;
  H: number;
  pad: { left: number; right: number; top: number; bottom: number };
  plotW: number;
  plotH: number;
  maxWorkers: number;
  maxY: number;
  x(workers: number): number;
  y(speedup: number): number;
}

/** A pool mode's cells with a worker count, by worker count: one curve. */
interface Series {
  mode: Mode;
  points: CellResult[];
}

/**
 * Speedup (y) against worker count (x): one line per pool mode with its 95% CI as a band, the
 * ideal linear speedup (y = x, dashed) and sequential's 1× line. Linear x, because worker counts
 * are few and the ideal line should stay straight. Returns a note instead when nothing scaled.
 */
export function speedupChartSvg(result: Pick<BenchResult, 'cells' | 'settings'>, options: ChartOptions = {}): string {
  const ok = okCells(result.cells).filter((c) => c.mode !== 'sequential');
  const lines = ok.filter((c) => !singleCellMode(c.mode));
  const flats = ok.filter((c) => singleCellMode(c.mode));
  if (ok.length === 0) return '<p class="note">No pool was measured, so there is no speedup to chart.</p>';
  const f = chartFrame(ok, lines, options);
  const series = modeOrder(result)
    .filter((m) => m !== 'sequential')
    .map((mode) => ({ mode, points: lines.filter((c) => c.mode === mode).sort((a, b) => a.workers - b.workers) }))
    .filter((s) => s.points.length > 0);
  const out = [
    ...chartAxes(f, lines),
    // Bands first, so every line and marker is drawn over every band.
    ...series.flatMap((s) => chartBand(f, s)),
    ...series.flatMap((s) => chartCurve(f, s)),
    ...flats.map(
      (c) => `<line class="line flat ${MODE_COLOR[c.mode]}" data-mode="${esc(c.mode)}" x1="${f.pad.left}" x2="${f.pad.left + f.plotW}" y1="${n1(f.y(c.speedup as number))}" y2="${n1(f.y(c.speedup as number))}"/>`,
    ),
    ...chartLegend(f, series, flats),
  ];
  return (
    `<svg class="chart speedup-chart" viewBox="0 0 ${f.W} ${f.H}" role="img" aria-label="${esc(chartSummary(result))}">` +
    `<title>Speedup against workers</title>${out.join('')}</svg>`
  );
}

function chartFrame(ok: readonly CellResult[], lines: readonly CellResult[], options: ChartOptions): ChartFrame {
  const W = options.width ?? 640;
  const H = options.height ?? 300;
  const pad = { left: 52, right: 170, top: 14, bottom: 44 };
  const maxWorkers = Math.max(1, ...lines.map((c) => c.workers));
  const maxSpeedup = Math.max(1, ...ok.map((c) => c.speedup as number));
  // CI highs can be wild on a noisy machine: they widen the axis by at most half the best speedup,
  // and bands are clipped to the plot instead of squashing every curve.
  const ciHigh = Math.max(0, ...ok.map((c) => (finite(c.speedupCi95?.high) ? c.speedupCi95!.high : 0)));
  const idealShown = Math.min(maxWorkers, Math.max(2, maxSpeedup * 1.5));
  const maxY = Math.max(1.2, maxSpeedup, Math.min(ciHigh, maxSpeedup * 1.5), maxWorkers > 1 ? idealShown : 0) * 1.08;
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  return {
    W,
    H,
    pad,
    plotW,
    plotH,
    maxWorkers,
    maxY,
    x: (n) => (maxWorkers > 1 ? pad.left + ((n - 1) / (maxWorkers - 1)) * plotW : pad.left + plotW / 2),
    y: (s) => pad.top + plotH - (Math.min(Math.max(s, 0), maxY) / maxY) * plotH,
  };
}

/** Grid, axes, ticks and labels; sequential's 1× and the ideal linear speedup. */
function chartAxes(f: ChartFrame, lines: readonly CellResult[]): string[] {
  const { pad, plotW, plotH, x, y } = f;
  const out: string[] = [];
  for (const t of ticks(f.maxY)) {
    out.push(`<line class="grid" x1="${pad.left}" x2="${pad.left + plotW}" y1="${n1(y(t))}" y2="${n1(y(t))}"/>`);
    out.push(`<text class="tick" x="${pad.left - 6}" y="${n1(y(t) + 4)}" text-anchor="end">${fmtTick(t)}×</text>`);
  }
  // 1 too: the x axis starts there (sequential's 1× and the ideal line), measured or not.
  const workerTicks = [...new Set([1, ...lines.map((c) => c.workers)])].sort((a, b) => a - b);
  for (const n of workerTicks) {
    out.push(`<line class="axis" x1="${n1(x(n))}" x2="${n1(x(n))}" y1="${pad.top + plotH}" y2="${pad.top + plotH + 4}"/>`);
    out.push(`<text class="tick" x="${n1(x(n))}" y="${pad.top + plotH + 17}" text-anchor="middle">${n}</text>`);
  }
  out.push(`<line class="axis" x1="${pad.left}" x2="${pad.left + plotW}" y1="${pad.top + plotH}" y2="${pad.top + plotH}"/>`);
  out.push(`<line class="axis" x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${pad.top + plotH}"/>`);
  out.push(`<text class="axis-label" x="${n1(pad.left + plotW / 2)}" y="${f.H - 6}" text-anchor="middle">workers</text>`);
  out.push(
    `<text class="axis-label" x="14" y="${n1(pad.top + plotH / 2)}" text-anchor="middle" transform="rotate(-90 14 ${n1(pad.top + plotH / 2)})">speedup vs sequential</text>`,
  );
  out.push(`<line class="baseline" x1="${pad.left}" x2="${pad.left + plotW}" y1="${n1(y(1))}" y2="${n1(y(1))}"/>`);
  if (f.maxWorkers > 1) {
    const top = Math.min(f.maxWorkers, f.maxY);
    out.push(`<line class="ideal" x1="${n1(x(1))}" y1="${n1(y(1))}" x2="${n1(x(top))}" y2="${n1(y(top))}"/>`);
  }
  return out;
}

/** A curve's 95% CI: a band through its points, or a whisker when it has only one. */
function chartBand(f: ChartFrame, { mode, points }: Series): string[] {
  const { x, y } = f;
  const withCi = points.filter((c) => finite(c.speedupCi95?.low) && finite(c.speedupCi95?.high));
  if (withCi.length >= 2) {
    const upper = withCi.map((c, k) => `${k === 0 ? 'M' : 'L'}${n1(x(c.workers))},${n1(y(c.speedupCi95!.high))}`);
    const lower = [...withCi].reverse().map((c) => `L${n1(x(c.workers))},${n1(y(c.speedupCi95!.low))}`);
    return [`<path class="band ${MODE_COLOR[mode]}" data-mode="${esc(mode)}" d="${upper.join(' ')} ${lower.join(' ')} Z"/>`];
  }
  if (withCi.length === 1) {
    const c = withCi[0];
    return [`<line class="whisker ${MODE_COLOR[mode]}" x1="${n1(x(c.workers))}" x2="${n1(x(c.workers))}" y1="${n1(y(c.speedupCi95!.low))}" y2="${n1(y(c.speedupCi95!.high))}"/>`];
  }
  return [];
}

/** A curve's line and its markers, each marker titled with the cell's numbers. */
function chartCurve(f: ChartFrame, { mode, points }: Series): string[] {
  const { x, y } = f;
  const d = points.map((c, k) => `${k === 0 ? 'M' : 'L'}${n1(x(c.workers))},${n1(y(c.speedup as number))}`).join(' ');
  const out = [`<path class="line ${MODE_COLOR[mode]}${mode === 'processes-spawn' ? ' dashed' : ''}" data-mode="${esc(mode)}" d="${d}"/>`];
  for (const c of points) {
    const ci = c.speedupCi95 && finite(c.speedupCi95.low) && finite(c.speedupCi95.high) ? ` (95% CI ${c.speedupCi95.low.toFixed(2)}–${c.speedupCi95.high.toFixed(2)}×)` : '';
    out.push(markerSvg(MODE_MARKER[mode], x(c.workers), y(c.speedup as number), `marker ${MODE_COLOR[mode]}`, `${cellLabel(c)}: ${formatX(c.speedup as number)}${ci}${c.unstable ? ' ⚠ unstable' : ''}`));
  }
  return out;
}

/** The legend, right of the plot. */
function chartLegend(f: ChartFrame, series: readonly Series[], flats: readonly CellResult[]): string[] {
  const out: string[] = [];
  const lx = f.W - f.pad.right + 14;
  let ly = f.pad.top + 10;
  const legend = (sample: string, text: string): void => {
    out.push(`<g class="legend-item">${sample}<text class="legend" x="${lx + 28}" y="${ly + 4}">${esc(text)}</text></g>`);
    ly += 20;
  };
  for (const { mode } of series) {
    legend(
      `<line class="line ${MODE_COLOR[mode]}${mode === 'processes-spawn' ? ' dashed' : ''}" x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}"/>` +
        markerSvg(MODE_MARKER[mode], lx + 11, ly, `marker ${MODE_COLOR[mode]}`, modeLabel(mode)),
      modeLabel(mode),
    );
  }
  for (const c of flats) legend(`<line class="line flat ${MODE_COLOR[c.mode]}" x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}"/>`, `${modeLabel(c.mode)} ${shortX(c.speedup as number)}`);
  if (series.length > 0) legend(`<rect class="band c-fg" x="${lx}" y="${ly - 6}" width="22" height="12"/>`, '95% CI');
  if (f.maxWorkers > 1) legend(`<line class="ideal" x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}"/>`, 'ideal (linear)');
  legend(`<line class="baseline" x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}"/>`, 'sequential (1×)');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Where the time goes

export interface CostRow {
  mode: Mode;
  workers: number;
  label: string;
  /** Pool creation, paid once per pool; not inside the batch's median. */
  startupMs: number;
  /** An empty task through the pool, times the batch's tasks. */
  dispatchMs: number;
  /** Pickling / structured clone of one task's call and result, times the batch's tasks. */
  serializationMs: number;
  /** The batch's median minus dispatch and serialisation: the tasks' own work (and anything unmeasured). */
  workMs: number;
  medianMs: number;
}

/**
 * One row per mode at the recommended worker count (the largest measured one when the verdict is
 * "run inline"), for the cost breakdown. Null when the batch's task count is unknown (the
 * per-task costs cannot be scaled to a batch) or nothing ran.
 */
export function costRows(result: BenchResult): { workers: number; rows: CostRow[] } | null {
  const tasks = result.taskCount;
  if (!finite(tasks) || tasks <= 0) return null;
  const measured = result.cells.filter((c) => c.status === 'ok' && finite(c.medianMs));
  if (measured.length === 0) return null;
  const r = result.recommendation;
  const poolWorkers = measured.filter((c) => !singleCellMode(c.mode)).map((c) => c.workers);
  const target = r && r.mode !== 'sequential' && !singleCellMode(r.mode) ? r.workers : Math.max(1, ...poolWorkers);
  const rows: CostRow[] = [];
  for (const mode of modeOrder(result)) {
    const cells = measured.filter((c) => c.mode === mode);
    if (cells.length === 0) continue;
    // The target count, else the nearest measured one (a mode may have stopped early).
    const cell = cells.reduce((a, c) => (Math.abs(c.workers - target) < Math.abs(a.workers - target) ? c : a));
    const median = cell.medianMs as number;
    const pool = mode !== 'sequential';
    const dispatch = pool && finite(cell.dispatchMsPerTask) ? cell.dispatchMsPerTask * tasks : 0;
    const serial = pool && crossesBoundary(mode) && cell.serialization && finite(cell.serialization.msPerTask) ? cell.serialization.msPerTask * tasks : 0;
    rows.push({
      mode,
      workers: cell.workers,
      label: cellLabel(cell),
      startupMs: pool && finite(cell.startupMs) ? cell.startupMs : 0,
      dispatchMs: Math.min(dispatch, median),
      serializationMs: Math.min(serial, Math.max(0, median - dispatch)),
      workMs: Math.max(0, median - dispatch - serial),
      medianMs: median,
    });
  }
  return { workers: target, rows };
}

const SEGMENTS: { key: 'startupMs' | 'dispatchMs' | 'serializationMs' | 'workMs'; label: string; cls: string }[] = [
  { key: 'startupMs', label: 'start-up (once per pool)', cls: 'seg-startup' },
  { key: 'dispatchMs', label: 'dispatch × tasks', cls: 'seg-dispatch' },
  { key: 'serializationMs', label: 'serialisation × tasks', cls: 'seg-serialization' },
  { key: 'workMs', label: 'the tasks’ own work (rest of the batch)', cls: 'seg-work' },
];

export function costBreakdownHtml(result: BenchResult): string {
  const data = costRows(result);
  if (!data) return '<p class="note">The batch’s task count is unknown, so per-task costs cannot be added up.</p>';
  const { rows } = data;
  const legend = `<ul class="legend-list">${SEGMENTS.map((s) => `<li><svg class="swatch" viewBox="0 0 12 12" aria-hidden="true"><rect class="seg ${s.cls}" width="12" height="12"/></svg>${esc(s.label)}</li>`).join('')}</ul>`;
  const note =
    '<p class="note">Start-up is creating the pool and reaching every worker: paid once per pool, outside the measured batches. ' +
    'Dispatch is an empty task sent through the pool, and serialisation is pickling (or cloning) one task’s arguments and result on one thread; ' +
    'both are measured apart from the real tasks and multiplied by the task count, so the split of a batch is an estimate. ' +
    'Own work is the rest of the batch’s median: computing or waiting, whatever the tasks do.</p>';
  return `${costBarsSvg(rows, result.taskCount as number)}${legend}${note}<details class="cost-details"><summary>Cost numbers</summary>${costTable(rows, result.taskCount as number)}</details>`;
}

/** One stacked bar per mode: start-up, dispatch, serialisation, own work. */
function costBarsSvg(rows: readonly CostRow[], taskCount: number): string {
  const W = 640;
  const labelW = 150;
  const barW = W - labelW - 110;
  const rowH = 26;
  const H = rows.length * rowH + 8;
  const max = Math.max(...rows.map((r) => r.startupMs + r.medianMs), 1e-9);
  const bars: string[] = [];
  rows.forEach((row, i) => {
    const top = 4 + i * rowH;
    bars.push(`<text class="tick" x="${labelW - 8}" y="${top + 15}" text-anchor="end">${esc(row.label)}</text>`);
    let at = labelW;
    for (const seg of SEGMENTS) {
      const ms = row[seg.key];
      const w = (ms / max) * barW;
      if (!(w > 0.2)) continue;
      bars.push(`<rect class="seg ${seg.cls}" x="${n1(at)}" y="${top + 3}" width="${n1(w)}" height="${rowH - 8}"><title>${esc(`${row.label}, ${seg.label}: ${formatMs(ms)}`)}</title></rect>`);
      at += w;
    }
    bars.push(`<text class="tick" x="${n1(at + 6)}" y="${top + 15}">${esc(formatMs(row.startupMs + row.medianMs))}</text>`);
  });
  const summary = rows
    .map((r) => `${r.label}: ${SEGMENTS.filter((s) => r[s.key] > 0).map((s) => `${s.label} ${formatMs(r[s.key])}`).join(', ')}`)
    .join('. ');
  return `<svg class="chart cost-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`Cost of one batch of ${plural(taskCount, 'task')}. ${summary}.`)}">${bars.join('')}</svg>`;
}

function costTable(rows: readonly CostRow[], taskCount: number): string {
  const head = ['Mode', 'Start-up (once)', 'Dispatch', 'Serialisation', 'Own work', 'Batch median'];
  return (
    `<table class="cost-table"><caption>Cost of one batch of ${esc(plural(taskCount, 'task'))}</caption>` +
    `<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows
      .map(
        (r) =>
          `<tr><th scope="row">${esc(r.label)}</th>${[r.mode === 'sequential' ? '—' : formatMs(r.startupMs), r.mode === 'sequential' ? '—' : formatMs(r.dispatchMs), crossesBoundary(r.mode) ? formatMs(r.serializationMs) : '—', formatMs(r.workMs), formatMs(r.medianMs)]
            .map((t) => `<td>${esc(t)}</td>`)
            .join('')}</tr>`,
      )
      .join('') +
    '</tbody></table>'
  );
}

// ---------------------------------------------------------------------------------------------
// The full table, warnings

export const TABLE_COLUMNS = [
  'Mode',
  'Workers',
  'Median',
  'Median 95% CI',
  'Speedup',
  'Speedup 95% CI',
  'Efficiency',
  'Karp–Flatt',
  'Start-up',
  'Dispatch / task',
  'Serialisation / task',
  'CPU / wall',
  'Samples',
] as const;

/** Every cell, one row each: the numbers behind the chart. */
export function resultTableHtml(result: BenchResult): string {
  const rows = result.cells.map((c) => {
    const head = `<th scope="row">${esc(modeLabel(c.mode))}</th><td>${singleCellMode(c.mode) ? '—' : c.workers}</td>`;
    if (c.status !== 'ok') {
      const what = c.status === 'failed' ? `failed: ${c.error?.message ?? c.error?.kind ?? 'unknown error'}` : 'not run (time budget or an earlier error)';
      return `<tr class="failed">${head}<td class="message" colspan="${TABLE_COLUMNS.length - 2}">${esc(what)}</td></tr>`;
    }
    const t = cellTexts(c);
    const medianCell = c.unstable
      ? `<td class="unstable">${esc(t.median)} <span aria-hidden="true" title="${esc(c.unstableReason ?? 'unstable')}">⚠</span><span class="visually-hidden"> (unstable: ${esc(c.unstableReason ?? '')})</span></td>`
      : `<td>${esc(t.median)}</td>`;
    // Sequential's dispatch is the harness's own loop, not a pool's cost: left out here.
    const dispatch = c.mode !== 'sequential' ? t.dispatch : '';
    const cols = [t.medianCi, t.speedup, t.speedupCi, t.efficiency, t.karpFlatt, t.startup, dispatch, t.serialization, t.cpuWall, t.samples];
    return `<tr${c.unstable ? ' class="unstable-row"' : ''}>${head}${medianCell}${cols.map((text) => `<td>${esc(text)}</td>`).join('')}</tr>`;
  });
  return (
    `<div class="table-scroll" tabindex="0" role="region" aria-label="All measurements (scrolls sideways)"><table class="results">` +
    `<caption>Every mode and worker count: median wall time of one batch (all ${result.taskCount ?? ''} tasks once), speedup over sequential, and the pools’ own costs</caption>` +
    `<thead><tr>${TABLE_COLUMNS.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>` +
    '<p class="note">Median: wall time of one batch, pool start-up excluded. Speedup: T(sequential) ÷ T(cell), with a bootstrap 95% CI of the ratio. ' +
    'Efficiency: speedup ÷ workers. Karp–Flatt: the serial fraction implied by that speedup. Dispatch: an empty task through the pool. ' +
    'CPU / wall: CPU time of the harness and its workers ÷ wall time (about the number of busy cores). ⚠ unstable: CV ≥ 10% or min / max ≥ 50% away from the median.</p>'
  );
}

/** Unstable cells (with their reason), the engine's warnings and its errors. */
export function warningsHtml(result: BenchResult): string {
  const items: string[] = [];
  const unstable = unstableCells(result);
  for (const c of unstable) items.push(`<li class="warning">⚠ <strong>${esc(cellLabel(c))}</strong> measured unstably: ${esc(c.unstableReason ?? 'its samples vary widely')}.</li>`);
  for (const w of result.warnings) items.push(`<li class="warning">⚠ ${esc(w)}</li>`);
  const errors = result.errors.map(
    (e) =>
      `<li class="error"><strong>${esc(e.kind)}${e.mode ? ` (${esc(e.workers !== null && !singleCellMode(e.mode) ? cellLabel({ mode: e.mode, workers: e.workers }) : modeLabel(e.mode))})` : ''}:</strong> ${esc(e.message)}` +
      `${e.detail ? `<details><summary>Details</summary><pre>${esc(e.detail)}</pre></details>` : ''}</li>`,
  );
  if (items.length === 0 && errors.length === 0) return '';
  return (
    `<section class="warnings" aria-labelledby="warnings-h"><h2 id="warnings-h">${errors.length > 0 ? 'Errors and warnings' : 'Warnings'}</h2>` +
    `<ul>${errors.join('')}${items.join('')}</ul>` +
    (unstable.length > 0 ? '<p class="note">Unstable cells can move between runs: re-run on a quieter machine (close other work) before acting on a close call.</p>' : '') +
    '</section>'
  );
}
